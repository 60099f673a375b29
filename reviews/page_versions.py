"""Which cached pages a review, comment, reading choice or agenda vote shows on (``core.versions``): its
week's, its review's, and, for what decides the write-first rule or shows in "Your week", its member's own."""

from core import versions
from papers.models import ReviewScope
from reviews.models import Review


def _week_of_scope(scope_id) -> str:
    return versions.week(ReviewScope.objects.filter(pk=scope_id).values_list("week__number", flat=True).first())


def of_review(review) -> list[str]:
    return [_week_of_scope(review.scope_id), versions.review(review.pk), versions.member(review.author_id)]


def of_comment(comment) -> list[str]:
    number = Review.objects.filter(pk=comment.review_id).values_list("scope__week__number", flat=True).first()
    return [versions.week(number), versions.review(comment.review_id)]


def of_reading_choice(choice) -> list[str]:
    return [_week_of_scope(choice.scope_id), versions.member(choice.member_id)]


def of_item_vote(vote) -> list[str]:
    from reviews.models import ReviewItem

    number = ReviewItem.objects.filter(pk=vote.item_id).values_list("review__scope__week__number", flat=True).first()
    # The member's own pages count their votes ("Your week" on the home page).
    return [versions.week(number), versions.member(vote.member_id)]
