import functools

import rules
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.markup import render_markdown
from core.pagecache import cache_page_for_visitors
from core.roles import is_in_the_group
from papers import selectors as curriculum
from papers.models import ReviewScope
from papers.rules import visible_weeks
from reviews import selectors, services, throttles
from reviews.forms import CommentEditForm, CommentForm, MarkdownPreviewForm, ReviewForm
from reviews.models import Comment, Review
from reviews.rules import Refusal, is_comment_author, review_refusal, scope_refusal

REVIEWS_PER_PAGE = 10


def _scope_or_404(user, number: int, position: int) -> ReviewScope:
    return get_object_or_404(
        ReviewScope.objects.select_related("week").prefetch_related("papers"),
        week__in=visible_weeks(user),
        week__number=number,
        position=position,
    )


REFUSAL_REASONS = {
    Refusal.VERIFY_EMAIL: "Verify your email address first: reviews and comments are for verified members.",
}


def refuse(request, refusal: Refusal, *, scope: ReviewScope | None = None, reason: str = ""):
    """The one way a refusal reaches the user: what may not be known is 404; visitors are sent to sign
    in; the write-first rule gets a page that explains it and names no review or author; anything else
    is 403 with the reason. Raises or returns the response."""
    if refusal is Refusal.NOT_FOUND:
        raise Http404(reason or "Not found.")
    if refusal is Refusal.SIGN_IN:
        return redirect_to_login(request.get_full_path())
    if refusal is Refusal.WRITE_FIRST and scope is not None:
        context = {"scope": scope, "week": scope.week, "papers": list(scope.papers.all())}
        return render(request, "reviews/write_first.html", context, status=403)
    raise PermissionDenied(REFUSAL_REASONS.get(refusal) or reason or "You may not do this.")


def _require(request, rule: str, obj=None, *, reason: str) -> None:
    """Refuse with 403 and ``reason`` unless ``rule`` holds; signed-in accounts outside the group (their
    email not verified yet) are told how to get in instead."""
    if not rules.test_rule(rule, request.user, obj):
        unverified = request.user.is_authenticated and not is_in_the_group(request.user)
        refuse(request, Refusal.VERIFY_EMAIL if unverified else Refusal.FORBIDDEN, reason=reason)


def _review_or_refusal(request, pk: int) -> tuple[Review | None, HttpResponse | None]:
    """The review if ``request.user`` may read it; otherwise the response that refuses it."""
    review = selectors.review_for_page(pk=pk)
    refusal = review_refusal(request.user, review)
    if refusal is None:
        return review, None
    return review, refuse(request, refusal, scope=review.scope if review else None, reason="No such review.")


@require_safe
@cache_page_for_visitors
def week_detail(request, number: int):
    """The week page: the curriculum (papers, resources) and, per review scope, the reviews the user may read."""
    page = curriculum.week_page(number=number, user=request.user)
    panels = selectors.week_review_panels(week=page.week, scopes=page.scopes, user=request.user)
    context = {
        "page": page,
        "week": page.week,
        "panels": panels,
    }
    return render(request, "reviews/week_detail.html", context)


@require_safe
def review_detail(request, pk: int):
    review, refusal = _review_or_refusal(request, pk)
    return refusal or _render_review(request, review, CommentForm())


def _render_review(request, review, comment_form, status=200):
    user = request.user
    context = {
        "review": review,
        "week": review.scope.week,
        "papers": list(review.scope.papers.all()),
        "comments": selectors.comment_tree(review=review),
        "comment_form": comment_form,
        "can_edit": rules.test_rule("reviews.edit_review", user, review),
        "can_comment": rules.test_rule("reviews.comment", user, review),
    }
    return render(request, "reviews/review_detail.html", context, status=status)


@require_safe
def scope_reviews(request, number: int, position: int):
    """Every readable review of one review scope, for when the week page lists only the newest."""
    scope = _scope_or_404(request.user, number, position)
    refusal = scope_refusal(request.user, scope)
    if refusal is not None:
        return refuse(request, refusal, scope=scope)
    page = Paginator(selectors.scope_reviews(scope=scope, user=request.user), REVIEWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"scope": scope, "week": scope.week, "papers": list(scope.papers.all()), "page_obj": page}
    return render(request, "reviews/scope_reviews.html", context)


@login_required
def review_write(request, number: int, position: int):
    scope = _scope_or_404(request.user, number, position)
    _require(request, "reviews.write_review", reason="Only verified members write reviews.")
    review = Review.objects.filter(scope=scope, author=request.user).first()
    preview = conflict = None
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST)
        action = request.POST.get("action", "draft")
        throttle = throttles.MARKDOWN_PREVIEW if action == "preview" else throttles.REVIEW_SAVE
        if not throttles.allow(request, throttle):
            # Refused before anything is validated, rendered or saved; the bound form gives the text back.
            messages.error(request, throttles.TOO_MANY)
            status = 429
        elif form.is_valid() and action == "preview":
            preview = [(form.fields[name].label, render_markdown(text)) for name, text in form.parts().items()]
        elif form.is_valid():
            try:
                saved = services.review_save(
                    scope=scope,
                    author=request.user,
                    parts=form.parts(),
                    version=form.cleaned_data["version"],
                    publish=action == "publish",
                )
            except services.StaleEdit as stale:
                conflict, status = stale.current, 409
                form.data = form.data.copy()
                form.data["version"] = conflict.version if conflict else ""
                messages.error(
                    request,
                    "Not saved: this review was changed in another tab or window since you opened it. "
                    "Your text is still in the form below and the saved version is shown above it. "
                    "Combine them, then save again.",
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _after_review_save(request, saved, action)
    else:
        form = ReviewForm(instance=review)
    context = {
        "scope": scope,
        "week": scope.week,
        "papers": list(scope.papers.all()),
        "review": review,
        "form": form,
        "preview": preview,
        "conflict": conflict,
        "autosave_key": f"review:{request.user.pk}:{scope.pk}",
    }
    return render(request, "reviews/review_form.html", context, status=status)


def _after_review_save(request, review, action):
    if review.is_published and action == "publish":
        messages.success(request, "Your review is published. You can now read the others' reviews of these papers.")
        return redirect(review)
    if review.is_published:
        messages.success(request, "Your changes are saved. The review shows as edited.")
        return redirect(review)
    time = timezone.localtime(review.updated).strftime("%H:%M")
    messages.success(request, f"Draft saved at {time}. Only you can see it.")
    return redirect("reviews:review_write", number=review.scope.week.number, position=review.scope.position)


@login_required
@require_POST
def review_unpublish(request, pk: int):
    review = get_object_or_404(Review.objects.select_related("scope__week"), pk=pk, author=request.user)
    _require(request, "reviews.write_review", reason="Only verified members write reviews.")
    services.review_unpublish(review=review)
    messages.success(request, "Your review is a private draft again. Its comments are hidden until you publish it.")
    return redirect("reviews:review_write", number=review.scope.week.number, position=review.scope.position)


@login_required
@require_POST
def reading_choice(request, number: int, position: int):
    scope = _scope_or_404(request.user, number, position)
    _require(request, "reviews.write_review", reason="Only verified members write reviews.")
    services.reading_choice_record(scope=scope, member=request.user)
    messages.success(
        request,
        "You can now read the others' reviews of these papers. The organisers can see that you chose to "
        "read without writing first — you can still write yours.",
    )
    return redirect(f"{scope.week.get_absolute_url()}#scope-{scope.position}")


@login_required
@require_POST
def comment_create(request, pk: int):
    review, refusal = _review_or_refusal(request, pk)
    if refusal:
        return refusal
    _require(request, "reviews.comment", review, reason="Only verified members can comment on published reviews.")
    form = CommentForm(request.POST)
    previewing = request.POST.get("action") == "preview"
    context = {"review": review, "form": form, "previewing": previewing}
    if not throttles.allow(request, throttles.MARKDOWN_PREVIEW if previewing else throttles.COMMENT_WRITE):
        messages.error(request, throttles.TOO_MANY)
        return render(request, "reviews/comment_form.html", context, status=429)
    parent = None
    if form.is_valid() and form.cleaned_data.get("parent"):
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], review=review).first()
        if parent is None:
            form.add_error(None, "The comment you replied to no longer exists.")
    if form.is_valid() and previewing:
        context["preview_html"] = render_markdown(form.cleaned_data["body"])
        return render(request, "reviews/comment_form.html", context)
    if form.is_valid():
        try:
            comment = services.comment_create(
                review=review, author=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your reply is posted." if parent else "Your comment is posted.")
            return redirect(f"{review.get_absolute_url()}#comment-{comment.pk}")
    return render(request, "reviews/comment_form.html", context, status=400)


def _comment_or_404(request, pk: int) -> Comment:
    """The comment, if its review is readable by the user: a comment is as hidden as its review."""
    comment = get_object_or_404(Comment.objects.select_related("review__scope__week"), pk=pk)
    refusal = review_refusal(request.user, comment.review)
    if refusal is Refusal.VERIFY_EMAIL:
        refuse(request, refusal)
    if refusal is not None:
        refuse(request, Refusal.NOT_FOUND, reason="No such comment.")
    return comment


@login_required
def comment_edit(request, pk: int):
    comment = Comment.objects.select_related("review").filter(pk=pk).first()
    gone_while_editing = comment is None or (
        is_comment_author(request.user, comment) and (comment.is_tombstone or comment.is_hidden)
    )
    if request.method == "POST" and gone_while_editing:
        # Deleted in another tab or hidden by an organiser while being edited: keep the text.
        return render(request, "reviews/comment_gone.html", {"body": request.POST.get("body", "")}, status=409)
    comment = _comment_or_404(request, pk)
    _require(request, "reviews.edit_comment", comment, reason="You can only edit your own comments.")
    conflict = preview_html = None
    status = 200
    if request.method == "POST":
        form = CommentEditForm(request.POST)
        previewing = request.POST.get("action") == "preview"
        if not throttles.allow(request, throttles.MARKDOWN_PREVIEW if previewing else throttles.COMMENT_WRITE):
            messages.error(request, throttles.TOO_MANY)
            status = 429
        elif form.is_valid() and previewing:
            preview_html = render_markdown(form.cleaned_data["body"])
        elif form.is_valid():
            try:
                services.comment_update(
                    comment=comment, body=form.cleaned_data["body"], version=form.cleaned_data["version"]
                )
            except services.StaleEdit as stale:
                conflict, status = stale.current, 409
                form.data = form.data.copy()
                form.data["version"] = conflict.version
                messages.error(
                    request,
                    "Not saved: this comment was changed elsewhere since you opened it. Your text is kept below.",
                )
            else:
                messages.success(request, "Your comment is updated.")
                return redirect(comment)
    else:
        form = CommentEditForm(instance=comment)
    context = {
        "comment": comment,
        "review": comment.review,
        "form": form,
        "conflict": conflict,
        "preview_html": preview_html,
    }
    return render(request, "reviews/comment_edit.html", context, status=status)


@login_required
def comment_delete(request, pk: int):
    comment = _comment_or_404(request, pk)
    _require(request, "reviews.delete_comment", comment, reason="You can only delete your own comments.")
    if request.method == "POST":
        review = comment.review
        tombstone = services.comment_delete(comment=comment)
        messages.success(
            request,
            "Your comment is deleted; the replies to it stay." if tombstone else "Your comment is deleted.",
        )
        return redirect(review)
    return render(request, "reviews/comment_delete.html", {"comment": comment, "review": comment.review})


@login_required
@require_POST
def comment_hide(request, pk: int):
    comment = _comment_or_404(request, pk)
    _require(request, "reviews.hide_comment", comment, reason="Only organisers can hide comments.")
    hide = request.POST.get("hidden") == "1"
    services.comment_set_hidden(comment=comment, hidden=hide, by=request.user)
    messages.success(request, "The comment is hidden from members." if hide else "The comment is visible again.")
    return redirect(comment)


@require_safe
@login_required
def member_detail(request, username: str):
    _require(request, "reviews.read_reviews", reason="Member pages are for verified members.")
    member = get_object_or_404(get_user_model().objects.select_related("profile"), username=username, is_active=True)
    reviews = selectors.member_published_reviews(member=member, viewer=request.user)
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"member": member, "page_obj": page, "is_self": member.pk == request.user.pk}
    return render(request, "reviews/member_detail.html", context)


PREVIEW_TOO_MANY = (
    "Too many previews in a short time. Your text is safe in the Write tab: wait a minute, then try again."
)


@require_POST
def markdown_preview(request):
    """The sanitised HTML of one Markdown text, for the editor's Preview tab; saves nothing.

    Answers a script, not a person, so refusals are short plain-text messages the editor shows in its
    preview panel (a visitor gets 403 rather than a sign-in redirect, which a script cannot follow).
    """
    _require(request, "reviews.read_reviews", reason="Previews are for signed-in members.")
    form = MarkdownPreviewForm(request.POST)
    if not form.is_valid():
        return HttpResponse(" ".join(form.errors["text"]), status=400, content_type="text/plain; charset=utf-8")
    if not throttles.allow(request, throttles.MARKDOWN_PREVIEW):
        return HttpResponse(PREVIEW_TOO_MANY, status=429, content_type="text/plain; charset=utf-8")
    preview_html = render_markdown(form.cleaned_data["text"])
    return render(request, "reviews/_markdown_preview.html", {"preview_html": preview_html})


@require_safe
def markdown_help(request):
    return render(request, "reviews/markdown_help.html", {"examples": _markdown_help_examples()})


# What the help page shows, section by section: the Markdown a member types.
MARKDOWN_HELP_SOURCES = {
    "emphasis": "*emphasis*, **strong**, ~~struck out~~ and `code`",
    "links": "[The LeNet paper](https://example.org/lenet.pdf) or a bare address: https://example.org",
    "lists": (
        "- Convolutions\n  - shared weights\n  - local receptive fields\n- Pooling\n\n1. Read\n2. Review\n3. Discuss"
    ),
    "code": "Call `model.eval()` before testing.\n\n```python\ndef relu(x):\n    return max(0.0, x)\n```",
    "maths_inline": r"The activation is $\sigma(x) = \frac{1}{1 + e^{-x}}$ and the loss $x^2$.",
    "maths_display": "$$\n" r"L = -\sum_{i} y_i \log \hat{y}_i" "\n$$",
    "dollars": "The GPU cost $5 and the paper $10.",
    "tables": (
        "| Model | Layers | Error |\n|:------|:------:|------:|\n| LeNet-5 | 7 | 0.95% |\n| AlexNet | 8 | 15.3% |"
    ),
    "tasks": "- [x] Read Section 2\n- [ ] Work through the backward pass",
    "footnotes": "Pooling was later questioned.[^1]\n\n[^1]: See the capsule networks paper.",
    "quotes": "> We show that the network learns features\n> directly from pixels.",
    "images": "![The architecture](https://example.org/lenet.png)",
    "html": "<b>Typed HTML</b> shows as text.",
}


@functools.cache
def _markdown_help_examples() -> dict[str, dict[str, str]]:
    # The sources never change while the process runs, so they are rendered once.
    return {
        name: {"source": source, "rendered_html": render_markdown(source)}
        for name, source in MARKDOWN_HELP_SOURCES.items()
    }
