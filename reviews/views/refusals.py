"""Finding what a request asks for, and refusing it the one way the site refuses."""

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.roles import is_in_the_group
from papers.models import ReviewScope
from papers.rules import visible_weeks
from reviews import selectors
from reviews.models import Comment, Review
from reviews.rules import Refusal, review_refusal


def scope_or_404(user, number: int, position: int) -> ReviewScope:
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


def require(request, rule: str, obj=None, *, reason: str) -> None:
    """Refuse with 403 and ``reason`` unless ``rule`` holds; signed-in accounts outside the group (their
    email not verified yet) are told how to get in instead."""
    if not rules.test_rule(rule, request.user, obj):
        unverified = request.user.is_authenticated and not is_in_the_group(request.user)
        refuse(request, Refusal.VERIFY_EMAIL if unverified else Refusal.FORBIDDEN, reason=reason)


def review_or_refusal(request, pk: int) -> tuple[Review | None, HttpResponse | None]:
    """The review if ``request.user`` may read it; otherwise the response that refuses it."""
    review = selectors.review_for_page(pk=pk)
    refusal = review_refusal(request.user, review)
    if refusal is None:
        return review, None
    return review, refuse(request, refusal, scope=review.scope if review else None, reason="No such review.")


def comment_or_404(request, pk: int) -> Comment:
    """The comment, if its review is readable by the user: a comment is as hidden as its review."""
    comment = get_object_or_404(Comment.objects.select_related("review__scope__week"), pk=pk)
    refusal = review_refusal(request.user, comment.review)
    if refusal is Refusal.VERIFY_EMAIL:
        refuse(request, refusal)
    if refusal is not None:
        refuse(request, Refusal.NOT_FOUND, reason="No such comment.")
    return comment


def own_comment_for(request, pk: int, rule: str) -> Comment | None:
    """The comment if the user may do ``rule`` with it (edit, delete), else None: a missing comment, one
    under a review they cannot read, one hidden or deleted, and someone else's all get the same answer,
    so the answer tells nothing about comments that are not theirs."""
    if not is_in_the_group(request.user):
        refuse(request, Refusal.VERIFY_EMAIL)
    comment = Comment.objects.select_related("review__scope__week").filter(pk=pk).first()
    if comment is None or review_refusal(request.user, comment.review) is not None:
        return None
    return comment if rules.test_rule(rule, request.user, comment) else None
