"""The pages that show reviews: the week page (curriculum and reviews together), a review, a scope's reviews
and a member's page."""

import rules
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.pagecache import cache_page_for_visitors
from papers import selectors as curriculum
from reviews import selectors
from reviews.forms import CommentForm
from reviews.rules import scope_refusal
from reviews.views.refusals import refuse, require, review_or_refusal, scope_or_404

REVIEWS_PER_PAGE = 10


@require_safe
@cache_page_for_visitors
def week_detail(request, number: int):
    """The week page: the curriculum (papers, resources) and, per review scope, the reviews the user may read."""
    page = curriculum.week_page(number=number, user=request.user)
    panels = selectors.week_review_panels(scopes=page.scopes, user=request.user)
    context = {
        "page": page,
        "week": page.week,
        "panels": panels,
    }
    return render(request, "reviews/week_detail.html", context)


@require_safe
def review_detail(request, pk: int):
    review, refusal = review_or_refusal(request, pk)
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
    scope = scope_or_404(request.user, number, position)
    refusal = scope_refusal(request.user, scope)
    if refusal is not None:
        return refuse(request, refusal, scope=scope)
    page = Paginator(selectors.scope_reviews(scope=scope, user=request.user), REVIEWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
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
