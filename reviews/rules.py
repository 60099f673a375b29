"""Who may read or change reviews and comments: every rule is defined here once, and views, selectors
and templates (``{% load rules %}{% test_rule "reviews.edit_comment" user comment as ... %}``) ask it.

The write-first rule: a member reads other members' published reviews of a scope only after
publishing their own for that scope, after choosing "I will not write one — show me", or once the
week's meeting has started. Organisers read everything published. Visitors and members who have not
verified their email read no reviews at all. Drafts are their author's alone.

The write-first unlocks and week visibility are conditions written once (``core/conditions.py``) and
read two ways: query conditions (``*_q``) for lists, checks on one loaded object for pages, so a list and
a check ask the same question; tests/reviews/test_rules.py holds both readings to one truth table. Rules
are asked with ``rules.test_rule`` rather than ``user.has_perm``, because Django answers every
``has_perm`` of a superuser with yes: a superuser flag must not open another member's draft.
"""

import operator
from enum import Enum
from functools import reduce

import rules
from django.db.models import Q

from core.conditions import TimeReached, UserHasRow
from core.roles import is_in_the_group, is_member, is_organiser
from papers.models import ReviewScope
from papers.rules import visible_weeks_q, week_is_visible
from reviews.models import Comment, ReadingChoice, Review, ReviewItem

NOTHING = Q(pk__in=[])
# A member may read the others' reviews of a scope once any of these holds (cheapest check first).
WRITE_FIRST_UNLOCKS = (
    TimeReached("week__meeting_at"),
    UserHasRow(Review, target="scope", user_field="author", filters={"status": Review.Status.PUBLISHED}),
    UserHasRow(ReadingChoice, target="scope", user_field="member"),
)


def unlocked_scopes_q(user, *, via: str = "") -> Q:
    """Review scopes (reached through ``via``, e.g. ``"scope__"``) whose reviews ``user`` may read under
    the write-first rule."""
    if is_organiser(user):
        return Q()
    if not is_member(user):
        return NOTHING
    return reduce(operator.or_, (condition.q(user, via=via) for condition in WRITE_FIRST_UNLOCKS))


@rules.predicate
def scope_is_unlocked(user, scope: ReviewScope) -> bool:
    if is_organiser(user):
        return True
    return is_member(user) and any(condition.holds(scope, user) for condition in WRITE_FIRST_UNLOCKS)


def readable_reviews_q(user, *, via: str = "") -> Q:
    """Reviews (reached through ``via``, e.g. ``"review__"``) ``user`` may read in full: their own
    (drafts and hidden ones too), the published ones the write-first rule unlocks, of weeks they can see;
    and, for organisers, the ones they hid."""
    if not is_in_the_group(user):
        return NOTHING
    own = Q(**{f"{via}author": user}) if is_member(user) else NOTHING
    unlocked = Q(**{f"{via}status": Review.Status.PUBLISHED}) & unlocked_scopes_q(user, via=f"{via}scope__")
    moderated = Q(**{f"{via}status": Review.Status.HIDDEN}) if is_organiser(user) else NOTHING
    return visible_weeks_q(user, via=f"{via}scope__week__") & (own | unlocked | moderated)


@rules.predicate
def review_is_readable(user, review: Review) -> bool:
    """``readable_reviews_q`` for one loaded review."""
    if not is_in_the_group(user) or not week_is_visible(user, review.scope.week):
        return False
    own = is_member(user) and review.author_id == user.pk
    moderated = review.is_hidden and is_organiser(user)
    return own or moderated or (review.is_published and scope_is_unlocked(user, review.scope))


@rules.predicate
def is_review_author(user, review: Review) -> bool:
    return review.author_id == user.pk


@rules.predicate
def review_is_published(user, review: Review) -> bool:
    return review.is_published


@rules.predicate
def review_is_hidden(user, review: Review) -> bool:
    return review.is_hidden


@rules.predicate
def is_comment_author(user, comment: Comment) -> bool:
    return comment.author_id == user.pk


@rules.predicate
def comment_is_deleted(user, comment: Comment) -> bool:
    return comment.is_tombstone


@rules.predicate
def comment_is_hidden(user, comment: Comment) -> bool:
    return comment.is_hidden


@rules.predicate
def item_is_readable(user, item: ReviewItem) -> bool:
    """An agenda item is as readable as its review, while it is still in it."""
    return item.retired_at is None and item.review.is_published and review_is_readable(user, item.review)


@rules.predicate
def is_item_author(user, item: ReviewItem) -> bool:
    return item.review.author_id == user.pk


@rules.predicate
def comment_review_is_readable(user, comment: Comment) -> bool:
    return review_is_readable(user, comment.review)


@rules.predicate
def item_is_merged(user, item: ReviewItem) -> bool:
    return item.merged_into_id is not None


@rules.predicate
def item_is_current(user, item: ReviewItem) -> bool:
    return item.retired_at is None


@rules.predicate
def meeting_has_started(user, week) -> bool:
    return TimeReached("meeting_at").holds(week)


rules.add_rule("reviews.read_reviews", is_in_the_group)
rules.add_rule("reviews.write_review", is_member)
# A hidden review stays as the organiser found it until it is shown again: its author reads it, and the
# reason, but cannot edit, withdraw or republish it.
rules.add_rule("reviews.edit_review", is_member & is_review_author & ~review_is_hidden)
rules.add_rule("reviews.hide_review", is_organiser & (review_is_published | review_is_hidden))
rules.add_rule("reviews.comment", is_member & review_is_published)
rules.add_rule("reviews.read_hidden_comment", is_organiser)
rules.add_rule("reviews.edit_comment", is_member & is_comment_author & ~comment_is_deleted & ~comment_is_hidden)
rules.add_rule("reviews.delete_comment", is_member & is_comment_author & ~comment_is_deleted)
rules.add_rule("reviews.hide_comment", is_organiser & ~comment_is_deleted)
# Asking the organisers to look at a comment: a member who reads it, not of their own, while it is shown.
rules.add_rule(
    "reviews.report_comment",
    is_member & comment_review_is_readable & ~is_comment_author & ~comment_is_deleted & ~comment_is_hidden,
)
# "Me too" on a confusion, "+1" on a question: a member's, on what they may read, never on their own.
rules.add_rule("reviews.vote_item", is_member & item_is_readable & ~is_item_author & ~item_is_merged)
# The meeting's side of an item: pin, reorder, merge duplicates, pick, answer; and the week's notes.
rules.add_rule("reviews.run_agenda", is_organiser & item_is_readable)
rules.add_rule("reviews.write_meeting_notes", is_organiser)
# The notes quote the week's confusions and questions: for the group, once the write-first rule has lifted.
rules.add_rule("reviews.read_meeting_notes", is_in_the_group & (is_organiser | meeting_has_started))
# Where in the paper an item is about is its author's to correct.
rules.add_rule("reviews.place_item", is_member & is_item_author & item_is_current)


class Refusal(Enum):
    """Why a request is refused; ``reviews/views/refusals.py`` turns each into one kind of answer."""

    NOT_FOUND = "not-found"  # drafts of others, reviews of weeks the user cannot see
    SIGN_IN = "sign-in"
    VERIFY_EMAIL = "verify-email"
    WRITE_FIRST = "write-first"
    FORBIDDEN = "forbidden"  # in the group, but this is not theirs to do


def _group_refusal(user) -> Refusal | None:
    if not getattr(user, "is_authenticated", False):
        return Refusal.SIGN_IN
    return None if is_in_the_group(user) else Refusal.VERIFY_EMAIL


def review_refusal(user, review: Review | None) -> Refusal | None:
    """Why ``user`` may not read ``review`` when asking for it directly (a link, a bookmark, a guessed id)."""
    if review is None:
        return Refusal.NOT_FOUND
    if review_is_readable(user, review):
        return None
    if not review.is_published or not week_is_visible(user, review.scope.week):
        return Refusal.NOT_FOUND
    return _group_refusal(user) or Refusal.WRITE_FIRST


def scope_refusal(user, scope: ReviewScope) -> Refusal | None:
    """Why ``user`` may not read the reviews of ``scope`` (a week they can see)."""
    return _group_refusal(user) or (None if scope_is_unlocked(user, scope) else Refusal.WRITE_FIRST)
