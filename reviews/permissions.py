"""Who may see or change reviews and comments. Views and templates ask here; nowhere else decides.

The write-first rule: a member reads other members' published reviews of a scope only after
publishing their own for that scope, after choosing "I will not write one — show me", or once the
week's meeting has started. Organisers read everything published. Visitors and members who have not
verified their email read no reviews at all.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.roles import is_member, is_organiser
from reviews.models import Comment, ReadingChoice, Review

NOTHING = Q(pk__in=[])


def scope_unlocked_q(user, *, now=None, scope_field: str = "scope") -> Q:
    """Scopes (reached through ``scope_field``) whose reviews ``user`` may read under the write-first rule."""
    now = now or timezone.now()
    if is_organiser(user):
        return Q()
    if not is_member(user):
        return NOTHING
    prefix = f"{scope_field}__" if scope_field else ""
    outer = OuterRef(scope_field or "pk")
    return (
        Exists(Review.objects.filter(scope=outer, author=user, status=Review.Status.PUBLISHED))
        | Exists(ReadingChoice.objects.filter(scope=outer, member=user))
        | Q(**{f"{prefix}week__meeting_at__lte": now})
    )


def readable_reviews_q(user, *, now=None) -> Q:
    """Reviews ``user`` may read in full: their own (drafts too) and unlocked published ones."""
    now = now or timezone.now()
    if not is_member(user) and not is_organiser(user):
        return NOTHING
    week_visible = Q() if is_organiser(user) else Q(scope__week__published_at__lte=now)
    published = Q(status=Review.Status.PUBLISHED)
    return week_visible & (Q(author=user) | (published & scope_unlocked_q(user, now=now)))


def can_write_reviews(user) -> bool:
    return is_member(user)


def can_edit_review(user, review: Review) -> bool:
    return is_member(user) and review.author_id == user.pk


def can_comment(user, review: Review) -> bool:
    return is_member(user) and review.is_published


def can_edit_comment(user, comment: Comment) -> bool:
    return is_member(user) and comment.author_id == user.pk and not comment.is_tombstone and not comment.is_hidden


def can_delete_comment(user, comment: Comment) -> bool:
    return is_member(user) and comment.author_id == user.pk and not comment.is_tombstone


def can_hide_comment(user, comment: Comment) -> bool:
    return is_organiser(user) and not comment.is_tombstone


def can_see_reading_choices(user) -> bool:
    return is_organiser(user)


def scope_is_unlocked(user, scope, *, now=None) -> bool:
    """One scope's answer to the write-first rule (the list pages use ``scope_unlocked_q``)."""
    now = now or timezone.now()
    if is_organiser(user):
        return True
    if not is_member(user):
        return False
    if scope.week.meeting_at and scope.week.meeting_at <= now:
        return True
    return (
        Review.objects.filter(scope=scope, author=user, status=Review.Status.PUBLISHED).exists()
        or ReadingChoice.objects.filter(scope=scope, member=user).exists()
    )


class ReviewAccess:
    FULL = "full"
    NOT_FOUND = "not-found"  # drafts of others, reviews of weeks the user cannot see
    SIGN_IN = "sign-in"
    VERIFY_EMAIL = "verify-email"
    WRITE_FIRST = "write-first"


def review_access(user, review: Review, *, now=None) -> str:
    """What ``user`` gets when asking for ``review`` directly (a link, a bookmark, a guessed id)."""
    now = now or timezone.now()
    week = review.scope.week
    organiser = is_organiser(user)
    week_visible = organiser or (week.published_at is not None and week.published_at <= now)
    if not week_visible:
        return ReviewAccess.NOT_FOUND
    if getattr(user, "is_authenticated", False) and review.author_id == user.pk and is_member(user):
        return ReviewAccess.FULL
    if not review.is_published:
        return ReviewAccess.NOT_FOUND
    if not getattr(user, "is_authenticated", False):
        return ReviewAccess.SIGN_IN
    if not organiser and not is_member(user):
        return ReviewAccess.VERIFY_EMAIL
    return ReviewAccess.FULL if scope_is_unlocked(user, review.scope, now=now) else ReviewAccess.WRITE_FIRST
