"""Writes of member content: reviews, reading choices, comments. One function per use case."""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import reviews.rules  # noqa: F401 (registers the rules asked below)
from reviews.items import review_items_sync
from reviews.models import Comment, ItemVote, ReadingChoice, Review, ReviewItem

REVIEW_PARTS = ("summary", "confusions", "questions")


class StaleEdit(Exception):
    """The object changed since the editor loaded it; ``current`` is what is saved now."""

    def __init__(self, current):
        self.current = current
        super().__init__("This was changed elsewhere since you opened it.")


def _check_version(instance, version: int | None) -> None:
    if instance.pk is not None and version != instance.version:
        raise StaleEdit(current=instance)


def _locked_review(*, scope, author) -> Review | None:
    return Review.objects.select_for_update().filter(scope=scope, author=author).first()


@transaction.atomic
def review_save(*, scope, author, parts: dict[str, str], version: int | None, publish: bool = False) -> Review:
    """Create or update ``author``'s one review of ``scope``.

    Guarantees: one review per member per scope; a save based on an older version than the stored
    one is refused with ``StaleEdit`` (nothing written), so two tabs never overwrite each other;
    publishing needs all three parts; a published review stays published. Once a review has been
    published, any change to its text marks it edited, even while it is a draft again, so a review that
    is unpublished, rewritten and republished says so. Drafts stay drafts unless ``publish`` is set.
    """
    review = _locked_review(scope=scope, author=author)
    if review is None:
        if version is not None:
            raise StaleEdit(current=None)  # it was deleted (or never existed) since the form loaded
        review = Review(scope=scope, author=author)
    else:
        _check_version(review, version)
    changed = any(getattr(review, part) != parts.get(part, "") for part in REVIEW_PARTS)
    for part in REVIEW_PARTS:
        setattr(review, part, parts.get(part, ""))
    now = timezone.now()
    if changed and review.published_at is not None:
        review.edited_at = now
    if not review.is_published and publish:
        missing = [Review._meta.get_field(p).verbose_name for p in REVIEW_PARTS if not parts.get(p, "").strip()]
        if missing:
            raise ValidationError(f"To publish, fill in every part: {', '.join(missing)} is empty.")
        review.status = Review.Status.PUBLISHED
        review.published_at = review.published_at or now
    if review.pk is not None:
        review.version += 1
    # The one-review-per-scope rule is left to the database: two first saves at once (a double
    # click, two tabs) must end as a stale edit for the second, not as an error page.
    review.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        existing = Review.objects.filter(scope=scope, author=author).first()
        if existing is None:
            raise
        raise StaleEdit(current=existing) from None
    if changed or not review.items.exists():
        review_items_sync(review=review)
    return review


@transaction.atomic
def review_unpublish(*, review: Review, version: int | None = None) -> Review:
    """Turn a published review back into a private draft; its comments are hidden with it.

    Publishing opened the others' reviews of the scope to the author. Taking it back does not close
    what they have read, so when there were others' reviews to read, it is recorded as reading without
    writing first, where organisers see the "show me" choices."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if version is not None:
        _check_version(review, version)
    if review.is_published:
        review.status = Review.Status.DRAFT
        review.version += 1
        review.save(update_fields=["status", "version", "updated"])
        others = Review.objects.filter(scope_id=review.scope_id, status=Review.Status.PUBLISHED)
        if others.exclude(author_id=review.author_id).exists():
            ReadingChoice.objects.get_or_create(
                scope_id=review.scope_id,
                member_id=review.author_id,
                defaults={"how": ReadingChoice.How.UNPUBLISHED_AFTER_READING},
            )
    return review


@transaction.atomic
def reading_choice_record(*, scope, member) -> ReadingChoice:
    """Record that ``member`` reads ``scope``'s reviews without writing one first (idempotent)."""
    choice, _ = ReadingChoice.objects.get_or_create(scope=scope, member=member)
    return choice


@transaction.atomic
def comment_create(*, review: Review, author, body: str, parent: Comment | None = None) -> Comment:
    """Post a comment or a reply. Refuses replies across reviews and to deleted or hidden comments."""
    if parent is not None:
        # Locked, so a deletion of the parent waits for this reply (and then leaves a tombstone).
        parent = Comment.objects.select_for_update().filter(pk=parent.pk).first()
        if parent is None or parent.review_id != review.pk or parent.is_tombstone or parent.is_hidden:
            raise ValidationError("You can only reply to a visible comment on this review.")
    comment = Comment(review=review, author=author, body=body, parent=parent)
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def comment_update(*, comment: Comment, body: str, version: int | None) -> Comment:
    """Change a comment's text and mark it edited; a stale version is refused with ``StaleEdit``."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    _check_version(comment, version)
    if comment.body != body:
        comment.body = body
        comment.edited_at = timezone.now()
        comment.version += 1
        comment.full_clean()
        comment.save()
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment) -> Comment | None:
    """Delete a comment. One with replies becomes a "deleted" tombstone so the replies keep their
    place; one without replies goes, and so does any tombstone above it that is left without replies.
    Returns the tombstone, or None when the comment was removed entirely."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_hidden:
        # A comment an organiser hid is the record of that moderation: it is only marked deleted, and
        # its text stays for organisers.
        comment.deleted_at = timezone.now()
        comment.version += 1
        comment.save(update_fields=["deleted_at", "version", "updated"])
        return comment
    if comment.replies.exists():
        comment.deleted_at = timezone.now()
        comment.body = ""
        comment.version += 1
        comment.save()
        return comment
    parent = comment.parent
    comment.delete()
    while parent is not None and parent.is_tombstone and not parent.is_hidden and not parent.replies.exists():
        grandparent = parent.parent
        parent.delete()
        parent = grandparent
    return None


@transaction.atomic
def comment_set_hidden(*, comment: Comment, hidden: bool, by) -> Comment:
    """An organiser hides a comment from members (or shows it again). The text is kept."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.hidden_at = timezone.now() if hidden else None
    comment.hidden_by = by if hidden else None
    comment.save(update_fields=["hidden_at", "hidden_by", "updated"])
    return comment


@transaction.atomic
def item_vote_toggle(*, item: ReviewItem, member) -> bool:
    """Adds ``member``'s "me too" (a confusion) or "+1" (a question) to ``item``, or takes it back;
    returns whether the vote is there now. ``PermissionDenied`` unless ``reviews.vote_item`` allows it:
    a verified member, an item they may read under the write-first rule, not their own."""
    if not rules.test_rule("reviews.vote_item", member, item):
        raise PermissionDenied("You cannot vote on this item.")
    taken_back, _ = ItemVote.objects.filter(item=item, member=member).delete()
    if taken_back:
        return False
    try:
        with transaction.atomic():
            ItemVote.objects.create(item=item, member=member)
    except IntegrityError:
        pass  # the same vote from a second click at the same moment: it is there
    return True
