from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator

from core.markup import html_to_text
from core.models import RenderedMarkdownModel, TimestampedModel, markdown_text_field

EXCERPT_WORDS = 30


def summary_excerpt(summary_html: str) -> str:
    """The summary's first words as plain text (the template escapes it once when showing it)."""
    return Truncator(html_to_text(summary_html)).words(EXCERPT_WORDS)[:400]


class ModerationReason(models.TextChoices):
    OFF_TOPIC = "off_topic", "Off topic for the reading group"
    DISRESPECTFUL = "disrespectful", "Disrespectful or personal"
    SPAM = "spam", "Spam or advertising"
    PRIVATE = "private", "Shares someone's private information"
    OTHER = "other", "Another reason (see the note)"


class HiddenByOrganiser(models.Model):
    """Who hid it, when and why: told to its author, who alone (with organisers) still sees it."""

    hidden_at = models.DateTimeField(null=True, blank=True, help_text="Hidden by an organiser.")
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(max_length=16, choices=ModerationReason.choices, blank=True)
    hidden_note = models.TextField(max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Review(HiddenByOrganiser, RenderedMarkdownModel):
    """One member's review of one review scope: summary, confusions and discussion questions."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        # Published, then hidden from members by an organiser: read by its author and organisers only.
        HIDDEN = "hidden", "Hidden by an organiser"

    scope = models.ForeignKey("papers.ReviewScope", on_delete=models.PROTECT, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    summary = markdown_text_field(blank=True)
    summary_html = models.TextField(blank=True, editable=False)
    confusions = markdown_text_field(blank=True)
    confusions_html = models.TextField(blank=True, editable=False)
    questions = markdown_text_field("discussion questions", blank=True)
    questions_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, help_text="When it was first published.")
    edited_at = models.DateTimeField(null=True, blank=True, help_text="Last change after it was published.")
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every save; refuses stale edits.")
    excerpt = models.CharField(max_length=400, blank=True, editable=False, help_text="Start of the summary, as text.")

    markdown_fields = ("summary", "confusions", "questions")

    class Meta:
        ordering = ["-published_at", "-created"]
        # The order lists and the admin sort by, so a page of the newest needs no sort of every review.
        indexes = [
            models.Index(fields=["-published_at", "-created"], name="review_newest_first"),
            # A scope's published reviews, newest first: the week page's newest few and their count per
            # scope, and a scope's list, read from this index alone.
            models.Index(fields=["scope", "status", "-published_at", "-id"], name="review_scope_newest_first"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["scope", "author"], name="review_one_per_member_per_scope"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="review_published_has_time"
            ),
            models.CheckConstraint(
                condition=Q(status="hidden", hidden_at__isnull=False)
                | (~Q(status="hidden") & Q(hidden_at__isnull=True)),
                name="review_hidden_has_time",
            ),
        ]

    def __str__(self):
        # Drafts are private, also on the admin's lists of what a deletion would take with it.
        if self.status == self.Status.DRAFT:
            return f"A private draft of {self.scope}"
        return f"Review by {self.author} of {self.scope}" + (" (hidden)" if self.is_hidden else "")

    def get_absolute_url(self):
        return reverse("reviews:review_detail", kwargs={"pk": self.pk})

    def derive_fields(self) -> set[str]:
        # Lists show the start of the summary; cutting it once on save spares every list page the work.
        derived = super().derive_fields()
        self.excerpt = summary_excerpt(self.summary_html)
        return derived | {"excerpt"}

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @property
    def parts(self) -> list[tuple[str, str]]:
        return [
            ("Summary", self.summary_html),
            ("Confusions", self.confusions_html),
            ("Discussion questions", self.questions_html),
        ]


class ReadingChoice(TimestampedModel):
    """A member read a scope's reviews without a published review of their own: they chose "I will not
    write one — show me", or they unpublished their review after reading. Kept so organisers see it."""

    class How(models.TextChoices):
        CHOSE_TO_READ = "chose", "chose to read without writing"
        UNPUBLISHED_AFTER_READING = "unpublished", "unpublished their review after reading"

    scope = models.ForeignKey("papers.ReviewScope", on_delete=models.CASCADE, related_name="reading_choices")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_choices")
    how = models.CharField(max_length=12, choices=How.choices, default=How.CHOSE_TO_READ)

    class Meta:
        ordering = ["-created"]
        verbose_name = "opt-out from writing first"
        verbose_name_plural = "opt-outs from writing first"
        constraints = [models.UniqueConstraint(fields=["scope", "member"], name="reading_choice_once_per_scope")]

    def __str__(self):
        return f"{self.member} {self.get_how_display()}: {self.scope}"


class Comment(HiddenByOrganiser, RenderedMarkdownModel):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies")
    body = markdown_text_field()
    body_html = models.TextField(blank=True, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="Deleted by its author; replies stay.")
    version = models.PositiveIntegerField(default=1)

    markdown_fields = ("body",)

    class Meta:
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["created", "id"], name="comment_oldest_first")]

    def __str__(self):
        return f"Comment by {self.author} on review {self.review_id}"

    def get_absolute_url(self):
        return f"{self.review.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_tombstone(self) -> bool:
        return self.deleted_at is not None


class ReviewItem(RenderedMarkdownModel):
    """One confusion or discussion question of a review, for the week's agenda: a top-level list item (or
    paragraph) of that part, kept with its identity while the review is edited (``reviews.items``)."""

    class Kind(models.TextChoices):
        CONFUSION = "confusion", "Confusion"
        QUESTION = "question", "Discussion question"

    class Outcome(models.TextChoices):
        OPEN = "", "Open"
        PICKED = "picked", "Picked for the meeting"
        ANSWERED = "answered", "Answered"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    position = models.PositiveIntegerField(help_text="Its place among the review's items of its kind.")
    text = models.TextField()
    text_html = models.TextField(blank=True, editable=False)
    # Where in the paper it is about: recognised in the text ("Section 3.2", "Eq. (4)") unless its
    # author set it; ``place_key`` is the normalised form the agenda groups by ("section 3.2").
    paper = models.ForeignKey("papers.Paper", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    place_key = models.CharField(max_length=40, blank=True)
    place_label = models.CharField(max_length=40, blank=True)
    place_set_by_author = models.BooleanField(default=False)
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="No longer in the review; kept for what points at it (votes, answers)."
    )
    # What the organisers made of it for the meeting.
    pin_order = models.PositiveIntegerField(
        null=True, blank=True, help_text="Pinned to the top of the agenda, in this order; empty when not pinned."
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        help_text="The item this one duplicates: its votes went there and it is shown under it.",
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OPEN, blank=True)
    answer = markdown_text_field(blank=True, help_text="What the meeting made of it. Markdown.")
    answer_html = models.TextField(blank=True, editable=False)
    outcome_set_at = models.DateTimeField(null=True, blank=True)

    markdown_fields = ("text", "answer")

    class Meta:
        ordering = ["review", "kind", "position"]
        indexes = [models.Index(fields=["review", "kind", "position"], name="review_item_order")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.position + 1} of review {self.review_id}"


class ItemVote(TimestampedModel):
    """A member's "me too" on a confusion or "+1" on a discussion question, one per member per item."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="item_votes")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="item_vote_once_per_member")]

    def __str__(self):
        return f"{self.member} on {self.item}"


class CommentReport(models.Model):
    """A member asks the organisers to look at a comment: one report per member per comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=16, choices=ModerationReason.choices)
    note = models.TextField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["resolved_at", "-created"]
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_member")]

    def __str__(self):
        return f"{self.reporter} reported comment {self.comment_id}"


class ModerationEntry(models.Model):
    """What an organiser did, to what, when and why: the moderation log."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hid a comment"
        SHOW = "show", "Showed a comment again"
        DISMISS = "dismiss", "Dismissed a report"
        HIDE_REVIEW = "hide_review", "Hid a review"
        SHOW_REVIEW = "show_review", "Showed a review again"

    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    comment = models.ForeignKey(Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=16, choices=ModerationReason.choices, blank=True)
    note = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name_plural = "moderation log"

    def __str__(self):
        return f"{self.moderator}: {self.get_action_display()} ({self.created:%Y-%m-%d %H:%M})"
