"""The pages that show reviews: the home page, the week page (curriculum and reviews together), a
review, a scope's reviews and a member's page."""

import rules
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core import versions
from core.pagecache import cache_page, content_version, keep_until
from papers import selectors as curriculum
from reviews import selectors
from reviews.forms import CommentForm
from reviews.rules import scope_refusal
from reviews.views.caching import of_week, still_to_come
from reviews.views.refusals import refuse, require, review_or_refusal, scope_or_404

REVIEWS_PER_PAGE = 10
COMMENTS_PER_PAGE = 50


@require_safe
@cache_page
def home(request):
    """The weeks the user may see: the current one first, then those coming up and those past; for a
    member, first their own state of the current week."""
    schedule = curriculum.schedule_for(user=request.user)
    my_week = selectors.my_week(week=schedule.current, user=request.user)
    if my_week is not None:
        keep_until(request, still_to_come(my_week.due))  # "late" from then on
    return render(request, "reviews/home.html", {"schedule": schedule, "my_week": my_week})


@require_safe
@cache_page(depends_on=of_week)
def week_detail(request, number: int):
    """The week page: the curriculum (papers, resources) and, per review scope, the reviews the user may read."""
    page = curriculum.week_page(number=number, user=request.user, site_version=content_version(request, versions.SITE))
    keep_until(request, still_to_come(page.week.meeting_at))
    panels = selectors.week_review_panels(scopes=page.scopes, user=request.user)
    my_week = selectors.my_week_from_panels(week=page.week, panels=panels, user=request.user)
    if my_week is not None:
        keep_until(request, still_to_come(my_week.due))  # "late" from then on
    context = {
        "page": page,
        "week": page.week,
        "panels": panels,
        "my_week": my_week,
        "meeting_notes_shown": rules.test_rule("reviews.read_meeting_notes", request.user, page.week),
    }
    return render(request, "reviews/week_detail.html", context)


@require_safe
@cache_page(depends_on=lambda pk: [versions.review(pk)])
def review_detail(request, pk: int):
    review, refusal = review_or_refusal(request, pk)
    if refusal is not None:
        return refusal
    keep_until(request, still_to_come(review.scope.week.meeting_at))
    return _render_review(request, review, CommentForm())


def _requested_pk(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _render_review(request, review, comment_form, status=200):
    """The review and one page of its discussion (whole threads, about ``COMMENTS_PER_PAGE`` comments).
    ``?reply=<pk>`` or ``?comment=<pk>`` shows the page holding that comment; ``?reply`` also points the
    page's single comment form at it, for browsers without script."""
    user = request.user
    threads = selectors.comment_threads(review=review)
    places = {place.pk: place for thread in threads for place in thread}
    reply_place = places.get(_requested_pk(request, "reply"))
    if reply_place is not None and (reply_place.is_tombstone or reply_place.is_hidden):
        reply_place = None
    target = reply_place or places.get(_requested_pk(request, "comment"))
    pages = selectors.thread_pages(threads, COMMENTS_PER_PAGE)
    page_of_thread = {thread[0].thread: number for number, page in enumerate(pages, 1) for thread in page}
    page_obj = Paginator(pages, 1).get_page(page_of_thread[target.thread] if target else request.GET.get("page"))
    shown = [place for page in page_obj for thread in page for place in thread]
    comments = selectors.comments_at(review=review, places=shown)
    reply_to = next((comment for comment in comments if reply_place and comment.pk == reply_place.pk), None)
    if reply_to is not None and not comment_form.is_bound:
        comment_form = CommentForm(initial={"parent": reply_to.pk})
        comment_form.fields["body"].label = "Your reply"
    context = {
        "review": review,
        "week": review.scope.week,
        "papers": list(review.scope.papers.all()),
        "comments": comments,
        "page_obj": page_obj,
        "reply_to": reply_to,
        "comment_form": comment_form,
        "can_edit": rules.test_rule("reviews.edit_review", user, review),
        "can_comment": rules.test_rule("reviews.comment", user, review),
        "can_hide": rules.test_rule("reviews.hide_review", user, review),
    }
    return render(request, "reviews/review_detail.html", context, status=status)


@require_safe
@cache_page(depends_on=of_week)
def scope_reviews(request, number: int, position: int):
    """Every readable review of one review scope, for when the week page lists only the newest."""
    scope = scope_or_404(request.user, number, position)
    refusal = scope_refusal(request.user, scope)
    if refusal is not None:
        return refuse(request, refusal, scope=scope)
    keep_until(request, still_to_come(scope.week.meeting_at))
    page = Paginator(selectors.scope_reviews(scope=scope), REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"scope": scope, "week": scope.week, "papers": list(scope.papers.all()), "page_obj": page}
    return render(request, "reviews/scope_reviews.html", context)


@require_safe
@login_required
def member_detail(request, username: str):
    require(request, "reviews.read_reviews", reason="Member pages are for verified members.")
    member = get_object_or_404(get_user_model().objects.select_related("profile"), username=username, is_active=True)
    reviews = selectors.member_published_reviews(member=member, viewer=request.user)
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"member": member, "page_obj": page, "is_self": member.pk == request.user.pk}
    return render(request, "reviews/member_detail.html", context)
