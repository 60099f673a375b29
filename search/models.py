"""One row per searchable thing: its words, kept current by ``search.receivers`` on every save.

The entry holds the text and, on PostgreSQL, its full-text vector. Who may find it is never stored
here: an entry points at its week, paper, resource, review or comment, and ``search.selectors`` asks the
rules of ``papers`` and ``reviews`` through those links at query time (a publish time passes, the
write-first rule lifts, a comment is hidden) so the index can never be out of date about visibility.
"""

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
    # The curriculum's entries (a week, a paper, a resource) name their week: its publish time decides.
    week = models.ForeignKey("papers.Week", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    paper = models.OneToOneField("papers.Paper", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    resource = models.OneToOneField(
        "papers.Resource", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    review = models.OneToOneField("reviews.Review", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.OneToOneField("reviews.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=1000, blank=True)
    text = models.TextField(blank=True)
    # PostgreSQL only (a GIN index, added by migration 0002); other databases leave it empty.
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
                    | Q(kind="review", review__isnull=False)
                    | Q(kind="comment", comment__isnull=False)
                ),
                name="search_entry_points_at_its_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"[:200]
