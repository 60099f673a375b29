"""One row per searchable thing: its words, kept current by ``search.receivers`` on every save.

The entry holds the text and, on PostgreSQL, its full-text vector. Who may find it is never stored
here: ``search.selectors`` asks the rules of ``papers`` and ``reviews`` at query time (a publish time
passes, the write-first rule lifts), so the index can never be out of date about visibility. To ask them
without joining every match to its review or comment, an entry carries the three things those rules look
at: its week (every kind), and for reviews and comments the review scope and the review's author. What
never changes back by itself is kept out of the index instead: drafts, hidden reviews and their
comments, hidden and deleted comments have no entry (``search.services``).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q


class StoredSearchVector(SearchVectorField):
    """PostgreSQL's ``tsvector`` column, without ``django.contrib.postgres`` in INSTALLED_APPS.

    That app registers lookups (``unaccent``, ``trigram_similar``) and types this project does not use;
    a stored vector, its ``@@`` lookup, ``SearchRank`` and ``SearchHeadline`` work without it. On SQLite the
    column exists (any type name is accepted there) and stays empty."""

    def check(self, **kwargs):
        return [error for error in super().check(**kwargs) if error.id != "postgres.E005"]


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        WEEK = "week", "Week"
        PAPER = "paper", "Paper"
        RESOURCE = "resource", "Resource"
        REVIEW = "review", "Review"
        COMMENT = "comment", "Comment"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The week the entry belongs to: its publish time decides who sees the curriculum, and its reviews.
    week = models.ForeignKey("papers.Week", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # Reviews and comments: the scope (the write-first rule) and the review's author (who reads their own).
    scope = models.ForeignKey("papers.ReviewScope", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    review_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    paper = models.OneToOneField("papers.Paper", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    resource = models.OneToOneField(
        "papers.Resource", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    review = models.OneToOneField("reviews.Review", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.OneToOneField("reviews.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # When the thing was written (a review's publication, a comment's posting, the curriculum's creation):
    # a search takes its candidates newest first along this, and shows it.
    written_at = models.DateTimeField(null=True)
    title = models.CharField(max_length=1000, blank=True)
    text = models.TextField(blank=True)
    # PostgreSQL only (a GIN index, added by migration 0002); other databases leave it empty. Migration
    # 0004 indexes (written_at, id), newest first, covering what a search filters and ranks by.
    search_vector = StoredSearchVector(null=True, editable=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "search entries"
        constraints = [
            models.UniqueConstraint(fields=["week"], condition=Q(kind="week"), name="search_entry_week_once"),
            models.CheckConstraint(
                condition=(
                    Q(kind="week", week__isnull=False)
                    | Q(kind="paper", paper__isnull=False, week__isnull=False)
                    | Q(kind="resource", resource__isnull=False, week__isnull=False)
                    | Q(kind="review", review__isnull=False, week__isnull=False, scope__isnull=False)
                    | Q(kind="comment", comment__isnull=False, week__isnull=False, scope__isnull=False)
                ),
                name="search_entry_points_at_its_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"[:200]
