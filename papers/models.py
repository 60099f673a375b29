from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.conditions import TimeReached
from core.models import RenderedMarkdownModel, TimestampedModel, markdown_text_field
from papers.resource_titles import default_title

URL_MAX_LENGTH = 1000


# A week is public from its publish time on; who sees which week is decided in papers/rules.py.
PUBLISHED = TimeReached("published_at")
MAX_REMINDER_HOURS = 168  # a week: earlier than that, the week has hardly begun

# The times the calendars (papers/calendar.py) publish; changing one bumps ``Week.schedule_sequence``.
SCHEDULE_FIELDS = ("reading_starts", "reviews_due", "meeting_at")


class Week(RenderedMarkdownModel):
    number = models.PositiveSmallIntegerField(help_text="Week 1, Week 2, … Each number is used once.")
    title = models.CharField(max_length=200)
    intro = markdown_text_field(blank=True, help_text="Markdown. Shown at the top of the week page.")
    intro_html = models.TextField(blank=True, editable=False)
    review_plan = models.TextField(
        blank=True,
        help_text="How reviews are organised this week, in words. Review scopes below are what members pick from.",
    )
    reading_starts = models.DateField(null=True, blank=True)
    reviews_due = models.DateTimeField(null=True, blank=True)
    meeting_at = models.DateTimeField(null=True, blank=True, verbose_name="meeting time")
    reminder_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REMINDER_HOURS)],
        verbose_name="reminder (hours before due)",
        help_text="Members who have not written are reminded this many hours before reviews are due. "
        "Empty: the site's default (24).",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        verbose_name="publish time",
        help_text="Members and visitors see the week from this moment on. Leave empty to keep it a draft.",
    )
    # Written on the site after the meeting (from the agenda), where a stale edit is refused.
    meeting_notes = markdown_text_field(blank=True, editable=False)
    meeting_notes_html = models.TextField(blank=True, editable=False)
    meeting_notes_version = models.PositiveIntegerField(default=0, editable=False)
    # The calendars' SEQUENCE: calendar apps update an event they already have only when it grows.
    schedule_sequence = models.PositiveIntegerField(default=0, editable=False)

    markdown_fields = ("intro", "meeting_notes")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="week_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="week_number_positive"),
        ]

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return reverse("week_detail", kwargs={"number": self.number})

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        week = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        # What the database holds, to tell on save whether a time changed without asking it again.
        if not week.get_deferred_fields() & set(SCHEDULE_FIELDS):
            week._saved_schedule = week._schedule()
        return week

    def _schedule(self) -> tuple:
        return tuple(getattr(self, name) for name in SCHEDULE_FIELDS)

    def _schedule_changed(self, update_fields) -> bool:
        if self._state.adding or self.pk is None:
            return False
        if update_fields is not None and not set(update_fields) & set(SCHEDULE_FIELDS):
            return False
        saved = getattr(self, "_saved_schedule", None)
        if saved is None:  # not loaded from the database (built by hand with a pk): ask it
            saved = Week.objects.filter(pk=self.pk).values_list(*SCHEDULE_FIELDS).first()
        return saved is not None and tuple(saved) != self._schedule()

    def save(self, *args, **kwargs):
        """Saving a changed reading start, due time or meeting time bumps ``schedule_sequence``, so calendar
        apps replace the events they have (papers/calendar.py) instead of keeping the old times."""
        update_fields = kwargs.get("update_fields")
        if self._schedule_changed(update_fields):
            self.schedule_sequence += 1
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "schedule_sequence"}
        super().save(*args, **kwargs)
        self._saved_schedule = self._schedule()

    @property
    def heading(self) -> str:
        """ "Week 2: Convolutional networks", or just "Week 2" when the title says nothing more."""
        default = f"Week {self.number}"
        return default if not self.title or self.title == default else f"{default}: {self.title}"

    @property
    def is_published(self) -> bool:
        return PUBLISHED.holds(self)

    @property
    def is_scheduled(self) -> bool:
        return self.published_at is not None and not self.is_published

    def clean(self):
        errors = {}
        if self.reading_starts and self.reviews_due and self.reviews_due.date() < self.reading_starts:
            errors["reviews_due"] = "Reviews cannot be due before reading starts."
        if self.reading_starts and self.meeting_at and self.meeting_at.date() < self.reading_starts:
            errors["meeting_at"] = "The meeting cannot be before reading starts."
        if errors:
            raise ValidationError(errors)


class Paper(RenderedMarkdownModel):
    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="papers")
    position = models.PositiveSmallIntegerField(help_text="Paper 1, Paper 2, … within the week.")
    title = models.CharField(max_length=300)
    authors = models.CharField(max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True)
    url = models.URLField("link", max_length=URL_MAX_LENGTH, blank=True)
    pdf_url = models.URLField("PDF link", max_length=URL_MAX_LENGTH, blank=True)
    arxiv_id = models.CharField("arXiv id", max_length=40, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    abstract = models.TextField(blank=True)
    focus_note = models.CharField(
        "reading focus", max_length=300, blank=True, help_text='What to concentrate on, e.g. "Section 2 only".'
    )
    note = markdown_text_field(blank=True, help_text="Markdown. The organisers' remarks on this paper.")
    note_html = models.TextField(blank=True, editable=False)

    markdown_fields = ("note",)

    class Meta:
        ordering = ["week__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["week", "position"], name="paper_position_unique_in_week"),
            models.CheckConstraint(condition=Q(position__gte=1), name="paper_position_positive"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1600, year__lte=2200), name="paper_year_plausible"
            ),
        ]

    def __str__(self):
        return f"Paper {self.position}: {self.title}"

    def get_absolute_url(self):
        return reverse("papers:paper_detail", kwargs={"number": self.week.number, "position": self.position})

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""


class Resource(TimestampedModel):
    class Kind(models.TextChoices):
        VIDEO = "video", "Video"
        BLOG_POST = "blog", "Blog post"
        COURSE_NOTES = "notes", "Course notes"
        CODE = "code", "Code"
        SUPPLEMENTARY_PAPER = "paper", "Supplementary paper"
        OTHER = "other", "Other"

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="resources")
    # A paper's resources go with it: turning them into week resources could collide with a week
    # resource (or another paper's) of the same address, and would make a week impossible to delete.
    paper = models.ForeignKey(
        Paper,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
        help_text="Leave empty for a resource about the whole week.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    topic = models.CharField(max_length=60, blank=True, help_text='Optional label such as "CNN" or "RNN".')
    title = models.CharField(max_length=300, blank=True)
    url = models.URLField("URL", max_length=URL_MAX_LENGTH)
    note = models.CharField(max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["week__number", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["week", "url"], condition=Q(paper__isnull=True), name="resource_url_once_per_week"
            ),
            models.UniqueConstraint(
                fields=["paper", "url"], condition=Q(paper__isnull=False), name="resource_url_once_per_paper"
            ),
        ]

    def __str__(self):
        return self.display_title

    @property
    def host(self) -> str:
        """The site a link goes to, as people say it: "youtube.com", "arxiv.org"."""
        return (urlsplit(self.url).hostname or "").removeprefix("www.")

    @property
    def display_title(self) -> str:
        """The title, or a readable name made from the URL ("YouTube video", "GitHub owner/repo")."""
        return self.title or default_title(self.url)

    def clean(self):
        if self.paper_id and self.week_id and self.paper.week_id != self.week_id:
            raise ValidationError({"paper": "This paper belongs to another week."})


class ReviewScope(TimestampedModel):
    """What one review covers: one or more papers of a week, optionally with a focus."""

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="review_scopes")
    position = models.PositiveSmallIntegerField()
    papers = models.ManyToManyField(Paper, related_name="review_scopes")
    focus = models.CharField(max_length=300, blank=True, help_text='Optional, e.g. "Section 2 of Paper 2".')

    class Meta:
        ordering = ["week__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["week", "position"], name="review_scope_position_unique_in_week"),
        ]

    def __str__(self):
        return f"Week {self.week.number}, review {self.position}"

    def label(self) -> str:
        """ "Paper 3" or "Papers 1 and 2", from the (ideally prefetched) papers."""
        positions = sorted(paper.position for paper in self.papers.all())
        if not positions:
            return "No papers yet"
        if len(positions) == 1:
            return f"Paper {positions[0]}"
        listed = ", ".join(str(p) for p in positions[:-1])
        return f"Papers {listed} and {positions[-1]}"
