"""Posting, editing, deleting and hiding comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.markup import render_markdown
from reviews import services, throttles
from reviews.forms import CommentEditForm, CommentForm, HideCommentForm, ReportCommentForm
from reviews.models import Comment
from reviews.views.refusals import comment_or_404, own_comment_for, require, review_or_refusal


@login_required
@require_POST
def comment_create(request, pk: int):
    review, refusal = review_or_refusal(request, pk)
    if refusal:
        return refusal
    require(request, "reviews.comment", review, reason="Only verified members can comment on published reviews.")
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
            # ?comment= opens the page of the discussion that holds it, which need not be the first.
            return redirect(f"{review.get_absolute_url()}?comment={comment.pk}#comment-{comment.pk}")
    return render(request, "reviews/comment_form.html", context, status=400)


@login_required
def comment_edit(request, pk: int):
    comment = own_comment_for(request, pk, "reviews.edit_comment")
    if comment is None and request.method == "POST":
        # Deleted in another tab or hidden by an organiser while being edited: the text is kept.
        return render(request, "reviews/comment_gone.html", {"body": request.POST.get("body", "")}, status=404)
    if comment is None:
        raise Http404("No such comment.")
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
    comment = own_comment_for(request, pk, "reviews.delete_comment")
    if comment is None:
        raise Http404("No such comment.")
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
def comment_hide(request, pk: int):
    """Hiding asks for a reason (told to the comment's author); showing it again is one button."""
    comment = comment_or_404(request, pk)
    require(request, "reviews.hide_comment", comment, reason="Only organisers can hide comments.")
    if request.method == "POST" and request.POST.get("hidden") == "0":
        services.comment_set_hidden(comment=comment, hidden=False, by=request.user)
        messages.success(request, "The comment is visible again.")
        return redirect(comment)
    form = HideCommentForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.comment_set_hidden(comment=comment, hidden=True, by=request.user, **form.cleaned_data)
        messages.success(request, "The comment is hidden from members; its author is told why.")
        return redirect(comment)
    status = 400 if form.is_bound else 200
    reports = list(comment.reports.filter(resolved_at__isnull=True).select_related("reporter"))
    context = {"comment": comment, "review": comment.review, "form": form, "reports": reports}
    return render(request, "reviews/comment_hide.html", context, status=status)


@login_required
def comment_report(request, pk: int):
    """A member asks the organisers to look at a comment."""
    comment = comment_or_404(request, pk)
    require(request, "reviews.report_comment", comment, reason="You can report others' comments you can read.")
    form = ReportCommentForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        _, created = services.comment_report(comment=comment, reporter=request.user, **form.cleaned_data)
        messages.success(
            request,
            "Thank you: the organisers will look at it." if created else "You reported this comment already.",
        )
        return redirect(comment)
    status = 400 if form.is_bound else 200
    context = {"comment": comment, "review": comment.review, "form": form}
    return render(request, "reviews/comment_report.html", context, status=status)
