"""Writes of member content: reviews, reading choices, comments. One function per use case."""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import reviews.rules  # noqa: F401 (registers the rules asked below)
from core import versions
from papers.models import Week
from reviews import signals
from reviews.items import PLACE_EXAMPLES, detach_duplicates, paper_in, place_in, review_items_sync
from reviews.models import (
    Comment,
    CommentReport,
    ItemVote,
    ModerationEntry,
    ModerationReason,
    ReadingChoice,
    Review,
    ReviewItem,
)

REVIEW_PARTS = ("summary", "confusions", "questions")


class StaleEdit(Exception):
    """The object changed since the editor loaded it; ``current`` is what is saved now."""

    def __init__(self, current):
        self.current = current
        super().__init__("This was changed elsewhere since you opened it.")


class ReviewHidden(Exception):
    """An organiser hid the review: it stays as it was until they show it again."""

    def __init__(self, review):
        self.review = review
        super().__init__("An organiser hid this review; it cannot be changed until they show it again.")


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
    if review is not None and review.is_hidden:
        raise ReviewHidden(review)
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
    if review.is_published and (changed or publish):
        signals.review_published.send(sender=Review, review=review)
    return review


@transaction.atomic
def review_unpublish(*, review: Review, version: int | None = None) -> Review:
    """Turn a published review back into a private draft; its comments are hidden with it.

    Publishing opened the others' reviews of the scope to the author. Taking it back does not close
    what they have read, so when there were others' reviews to read, it is recorded as reading without
    writing first, where organisers see the "show me" choices."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.is_hidden:
        raise ReviewHidden(review)
    if version is not None:
        _check_version(review, version)
    if review.is_published:
        review.status = Review.Status.DRAFT
        review.version += 1
        review.save(update_fields=["status", "version", "updated"])
        detach_duplicates(of_items=review.items.all())
        signals.review_withdrawn.send(sender=Review, review=review)
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
def reading_choice_undo(*, scope, member) -> bool:
    """``member`` takes back "show me" for ``scope``: its reviews are hidden from them again until they
    publish their own or the meeting starts. A review unpublished after reading is a different record
    and stays. Returns whether there was a choice to take back."""
    deleted, _ = ReadingChoice.objects.filter(scope=scope, member=member, how=ReadingChoice.How.CHOSE_TO_READ).delete()
    return bool(deleted)


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
    signals.comment_posted.send(sender=Comment, comment=comment)
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
    signals.comment_withdrawn.send(sender=Comment, comment_id=comment.pk)
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


HIDDEN_FIELDS = ["hidden_at", "hidden_by", "hidden_reason", "hidden_note", "updated"]


def _mark_hidden(thing, *, hidden: bool, by, reason: str, note: str, what: str) -> None:
    """Set (or clear) who hid ``thing``, when and why; the caller saves it."""
    if hidden and reason not in ModerationReason.values:
        raise ValidationError({"reason": f"Choose why the {what} is hidden: its author is told."})
    thing.hidden_at = timezone.now() if hidden else None
    thing.hidden_by = by if hidden else None
    thing.hidden_reason, thing.hidden_note = (reason, note.strip()) if hidden else ("", "")


def _log_moderation(*, by, action: str, thing, **target) -> ModerationEntry:
    return ModerationEntry.objects.create(
        moderator=by, action=action, reason=thing.hidden_reason, note=thing.hidden_note, **target
    )


@transaction.atomic
def comment_set_hidden(
    *, comment: Comment, hidden: bool, by, reason: str = ModerationReason.OTHER, note: str = ""
) -> Comment:
    """An organiser hides a comment from members, for a reason its author is told (or shows it again).
    The text is kept; the reports on it are settled; the moderation log records who, when and why."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if hidden == comment.is_hidden:
        return comment
    _mark_hidden(comment, hidden=hidden, by=by, reason=reason, note=note, what="comment")
    comment.save(update_fields=HIDDEN_FIELDS)
    action = ModerationEntry.Action.HIDE if hidden else ModerationEntry.Action.SHOW
    entry = _log_moderation(by=by, action=action, thing=comment, comment=comment)
    if hidden:
        comment.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=by)
        signals.comment_withdrawn.send(sender=Comment, comment_id=comment.pk)
        signals.comment_hidden.send(sender=Comment, comment=comment, entry=entry)
    return comment


@transaction.atomic
def review_set_hidden(
    *, review: Review, hidden: bool, by, reason: str = ModerationReason.OTHER, note: str = ""
) -> Review:
    """An organiser hides a published review from members, for a reason its author is told (or shows it
    again). Hidden, it leaves every list, count, search and agenda, and its comments with it; its author
    and the organisers still read it, the text as it was: the author cannot edit, withdraw or republish
    it until it is shown again. It no longer unlocks the others' reviews of its scope for its author (the
    write-first rule asks for a published review). The moderation log records who, when and why."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if hidden == review.is_hidden:
        return review
    if review.status == Review.Status.DRAFT:
        raise ValidationError("A draft is private already: only published reviews can be hidden.")
    _mark_hidden(review, hidden=hidden, by=by, reason=reason, note=note, what="review")
    review.status = Review.Status.HIDDEN if hidden else Review.Status.PUBLISHED
    review.version += 1
    review.save(update_fields=[*HIDDEN_FIELDS, "status", "version"])
    action = ModerationEntry.Action.HIDE_REVIEW if hidden else ModerationEntry.Action.SHOW_REVIEW
    entry = _log_moderation(by=by, action=action, thing=review, review=review)
    if hidden:
        detach_duplicates(of_items=review.items.all())
        signals.review_withdrawn.send(sender=Review, review=review)
        signals.review_hidden.send(sender=Review, review=review, entry=entry)
    return review


@transaction.atomic
def comment_report(*, comment: Comment, reporter, reason: str, note: str = "") -> tuple[CommentReport, bool]:
    """A member asks the organisers to look at a comment; a second report by the same member changes
    nothing. Returns the report and whether it is new."""
    if not rules.test_rule("reviews.report_comment", reporter, comment):
        raise PermissionDenied("You cannot report this comment.")
    if reason not in ModerationReason.values:
        raise ValidationError({"reason": "Choose what is wrong with it."})
    report, created = CommentReport.objects.get_or_create(
        comment=comment, reporter=reporter, defaults={"reason": reason, "note": note.strip()}
    )
    return report, created


@transaction.atomic
def reports_dismiss(*, reports, by) -> int:
    """An organiser looked at these reports and leaves the comments as they are."""
    open_reports = list(
        CommentReport.objects.select_for_update().filter(pk__in=[r.pk for r in reports], resolved_at__isnull=True)
    )
    for report in open_reports:
        ModerationEntry.objects.create(
            moderator=by,
            action=ModerationEntry.Action.DISMISS,
            comment_id=report.comment_id,
            note=f"Report by {report.reporter}",
        )
    CommentReport.objects.filter(pk__in=[r.pk for r in open_reports]).update(resolved_at=timezone.now(), resolved_by=by)
    return len(open_reports)


@transaction.atomic
def item_vote_toggle(*, item: ReviewItem, member) -> bool:
    """Adds ``member``'s "me too" (a confusion) or "+1" (a question) to ``item``, or takes it back;
    returns whether the vote is there now. ``PermissionDenied`` unless ``reviews.vote_item`` allows it:
    a verified member, an item they may read under the write-first rule, not their own."""
    item = _locked_item(item)  # a merge at the same moment is seen: no vote lands on a merged item
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


# The meeting: what organisers make of the agenda's items, and the week's notes afterwards. Each renews
# the week's pages (``core.versions``) itself: items are not tracked row by row, because a review's own
# save already renews them when the items change with it.


def _require(rule: str, user, obj, message: str) -> None:
    if not rules.test_rule(rule, user, obj):
        raise PermissionDenied(message)


def _validate_markdown(model, name: str, text: str) -> None:
    try:
        model._meta.get_field(name).run_validators(text)
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from error


def _locked_item(item: ReviewItem) -> ReviewItem:
    return ReviewItem.objects.select_for_update(of=("self",)).select_related("review__scope__week").get(pk=item.pk)


def _lock_agenda_of(item: ReviewItem) -> None:
    """Every change to a week's agenda takes its week's row first, so two organisers at work on one
    agenda queue up instead of locking items in opposite orders."""
    week_id = ReviewItem.objects.filter(pk=item.pk).values_list("review__scope__week_id", flat=True).get()
    Week.objects.select_for_update().filter(pk=week_id).exists()


def _renew_week_of(item: ReviewItem) -> None:
    versions.changed([versions.week(item.review.scope.week.number)])


def _pinned_of_week(week_id) -> list[ReviewItem]:
    """The week's pinned items that are on the agenda (an item retired or unpublished keeps its number
    but is left out, so moving never swaps with an item no one sees)."""
    return list(
        ReviewItem.objects.filter(
            review__scope__week_id=week_id,
            review__status=Review.Status.PUBLISHED,
            pin_order__isnull=False,
            retired_at__isnull=True,
            merged_into__isnull=True,
        ).order_by("pin_order", "pk")
    )


@transaction.atomic
def item_pin_toggle(*, item: ReviewItem, by) -> bool:
    """Pins ``item`` to the end of the week's pinned items at the top of the agenda, or unpins it;
    returns whether it is pinned now."""
    _lock_agenda_of(item)
    item = _locked_item(item)
    _require("reviews.run_agenda", by, item, "Only organisers pin agenda items.")
    if item.merged_into_id is not None:
        raise ValidationError("This item is merged into another one: pin that one.")
    pinned = _pinned_of_week(item.review.scope.week_id)
    if item.pin_order is None:
        item.pin_order = 1 + max((other.pin_order for other in pinned), default=-1)
    else:
        item.pin_order = None
    item.save(update_fields=["pin_order", "updated"])
    _renew_week_of(item)
    return item.pin_order is not None


@transaction.atomic
def item_move(*, item: ReviewItem, by, up: bool) -> None:
    """Moves a pinned item one place up or down among the week's pinned items."""
    _lock_agenda_of(item)
    item = _locked_item(item)
    _require("reviews.run_agenda", by, item, "Only organisers reorder the agenda.")
    if item.pin_order is None:
        raise ValidationError("Only pinned items have an order of their own: pin it first.")
    pinned = _pinned_of_week(item.review.scope.week_id)
    index = next((index for index, other in enumerate(pinned) if other.pk == item.pk), None)
    if index is None:
        raise ValidationError("This item is no longer on the agenda.")
    swap_with = index - 1 if up else index + 1
    if 0 <= swap_with < len(pinned):
        pinned[index], pinned[swap_with] = pinned[swap_with], pinned[index]
    for order, other in enumerate(pinned):  # numbered afresh, so no two share a place
        if other.pin_order != order:
            other.pin_order = order
            other.save(update_fields=["pin_order", "updated"])
    _renew_week_of(item)


@transaction.atomic
def items_merge(*, duplicate: ReviewItem, into: ReviewItem, by) -> ReviewItem:
    """Merges ``duplicate`` into ``into`` (or into the item ``into`` is itself merged into): its votes
    are added there, one per member and never the target's author's own, and both texts are kept, the
    duplicate's shown under the target. Only items of one review scope merge: whoever may read one may
    read the other. Returns the target."""
    _lock_agenda_of(duplicate)
    duplicate, target = _locked_item(duplicate), _locked_item(into)
    if target.merged_into_id is not None:
        target = _locked_item(target.merged_into)
    for item in (duplicate, target):
        _require("reviews.run_agenda", by, item, "Only organisers merge agenda items.")
    if duplicate.pk == target.pk or duplicate.merged_into_id == target.pk:
        raise ValidationError("These are already one item.")
    if duplicate.review.scope_id != target.review.scope_id:
        raise ValidationError(
            f"Item #{target.pk} is about another review scope: only items of one scope merge, so that "
            "everyone who reads one reads the other."
        )
    # Items merged into the duplicate before go to the target with it: merges stay one level deep.
    ReviewItem.objects.filter(merged_into=duplicate).update(merged_into=target, updated=timezone.now())
    voters = set(target.votes.values_list("member_id", flat=True)) | {target.review.author_id}
    moved = []
    for vote in ItemVote.objects.filter(item__in=[duplicate, *target.duplicates.all()]).order_by("created", "pk"):
        if vote.member_id not in voters:
            voters.add(vote.member_id)
            moved.append(vote.pk)
    ItemVote.objects.filter(pk__in=moved).update(item=target)
    ItemVote.objects.filter(item__in=[duplicate, *target.duplicates.all()]).delete()
    duplicate.merged_into, duplicate.pin_order = target, None
    duplicate.save(update_fields=["merged_into", "pin_order", "updated"])
    _renew_week_of(target)
    return target


@transaction.atomic
def item_outcome_set(*, item: ReviewItem, by, outcome: str, answer: str | None = None) -> ReviewItem:
    """Marks ``item`` picked for the meeting, answered (with an optional note, Markdown) or open again.
    The note is kept whatever the outcome, so reopening an item loses nothing; ``answer=None`` leaves it."""
    _lock_agenda_of(item)
    item = _locked_item(item)
    _require("reviews.run_agenda", by, item, "Only organisers mark agenda items.")
    if item.merged_into_id is not None:
        raise ValidationError("This item is merged into another one: mark that one.")
    if outcome not in ReviewItem.Outcome.values:
        raise ValidationError({"outcome": "Choose open, picked for the meeting or answered."})
    if answer is not None:
        _validate_markdown(ReviewItem, "answer", answer)
        item.answer = answer
    item.outcome, item.outcome_set_at = outcome, timezone.now()
    item.save(update_fields=["outcome", "answer", "outcome_set_at", "updated"])
    _renew_week_of(item)
    return item


@transaction.atomic
def item_place_set(*, item: ReviewItem, member, paper_position: int | None, place_text: str) -> ReviewItem:
    """The item's author says where in the paper it is about; an empty place (and no paper) hands it
    back to what the text names. ``ValidationError`` for a place that is not one the agenda knows."""
    item = _locked_item(item)
    _require("reviews.place_item", member, item, "Only the item's author changes where it is about.")
    papers = list(item.review.scope.papers.order_by("position"))
    if not place_text.strip() and paper_position is None:
        place, paper, by_author = place_in(item.text), paper_in(item.text, papers), False
    else:
        place = place_in(place_text) if place_text.strip() else place_in(item.text)
        if place_text.strip() and place is None:
            raise ValidationError(
                {"place": f"“{place_text.strip()}” is not a place the agenda knows: {PLACE_EXAMPLES}."}
            )
        paper = next((paper for paper in papers if paper.position == paper_position), None)
        if paper is None:
            paper = paper_in(item.text, papers)
        by_author = True
    item.place_key, item.place_label = (place.key, place.label) if place else ("", "")
    item.paper, item.place_set_by_author = paper, by_author
    item.save(update_fields=["place_key", "place_label", "paper", "place_set_by_author", "updated"])
    _renew_week_of(item)
    return item


@transaction.atomic
def meeting_notes_save(*, week: Week, text: str, version: int | None, by) -> Week:
    """Saves the week's meeting notes (Markdown); notes changed by someone else since ``version`` are
    refused with ``StaleEdit`` (the week as it is now)."""
    if not rules.test_rule("reviews.write_meeting_notes", by):
        raise PermissionDenied("Only organisers write the meeting notes.")
    week = Week.objects.select_for_update().get(pk=week.pk)
    if version != week.meeting_notes_version:
        raise StaleEdit(current=week)
    _validate_markdown(Week, "meeting_notes", text)
    if week.meeting_notes != text:
        week.meeting_notes = text
        week.meeting_notes_version += 1
        week.save(update_fields=["meeting_notes", "meeting_notes_version", "updated"])
    return week
