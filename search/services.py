"""Writes to the search index: one entry per week, paper, resource, published review and shown comment.

``search_entry_sync`` is called by the receivers (``search.receivers``) after every save of those models,
inside the saving transaction, so the index changes with the row or not at all. Deleting a row deletes
its entry through the foreign key. ``search_index_rebuild`` (``manage.py search_reindex``) indexes every
row again, for rows written without ``save()`` (``bulk_update`` in ``manage.py rerender_markup``, fixtures
loaded raw) and for a database that had rows before this app.
"""

import re

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction

from core.markup import html_to_text
from papers.models import Paper, Resource, Week
from reviews.models import Comment, Review
from search.models import SearchEntry

# The dictionary stemming both the stored vectors and the queries ("networks" finds "network").
SEARCH_CONFIG = "english"
# Control characters never reach the index: the highlighter marks hits with two of them (selectors).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(*parts: str) -> str:
    return _CONTROL.sub(" ", " ".join(part for part in parts if part)).strip()


def _entry(instance) -> tuple[dict, dict] | None:
    """(the lookup naming the entry, its fields), or None when ``instance`` is not to be found at all."""
    if isinstance(instance, Week):
        return {"kind": SearchEntry.Kind.WEEK, "week": instance}, {
            "title": _clean(instance.heading),
            # Not the meeting notes: they quote reviews, readable under reviews' rules only.
            "text": _clean(html_to_text(instance.intro_html), instance.review_plan),
        }
    if isinstance(instance, Paper):
        return {"paper": instance}, {
            "kind": SearchEntry.Kind.PAPER,
            "week_id": instance.week_id,
            "title": _clean(instance.title),
            "text": _clean(instance.authors, instance.venue, instance.abstract, instance.focus_note),
        }
    if isinstance(instance, Resource):
        return {"resource": instance}, {
            "kind": SearchEntry.Kind.RESOURCE,
            "week_id": instance.week_id,
            "title": _clean(instance.display_title),
            "text": _clean(instance.topic, instance.note, instance.get_kind_display()),
        }
    if isinstance(instance, Review):
        if not instance.is_published:
            return None  # drafts are found by nobody, not even their author
        return {"review": instance}, {
            "kind": SearchEntry.Kind.REVIEW,
            "title": "",
            "text": _clean(
                html_to_text(instance.summary_html),
                html_to_text(instance.confusions_html),
                html_to_text(instance.questions_html),
            ),
        }
    if isinstance(instance, Comment):
        if instance.is_hidden or instance.is_tombstone:
            return None
        return {"comment": instance}, {
            "kind": SearchEntry.Kind.COMMENT,
            "title": "",
            "text": _clean(html_to_text(instance.body_html)),
        }
    raise TypeError(f"{type(instance).__name__} is not searchable")


def _vectorise(entries) -> None:
    if connection.vendor == "postgresql":
        entries.update(
            search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
            + SearchVector("text", weight="B", config=SEARCH_CONFIG)
        )


@transaction.atomic
def search_entry_sync(*, instance) -> SearchEntry | None:
    """Make ``instance``'s entry say what the row says now; remove it when the row is not to be found
    (a review back to draft, a comment hidden or deleted). Returns the entry, or None."""
    entry = _entry(instance)
    if entry is None:
        field = "review" if isinstance(instance, Review) else "comment"
        SearchEntry.objects.filter(**{field: instance}).delete()
        return None
    lookup, fields = entry
    saved, _ = SearchEntry.objects.update_or_create(**lookup, defaults=fields)
    _vectorise(SearchEntry.objects.filter(pk=saved.pk))
    return saved


@transaction.atomic
def search_index_rebuild() -> int:
    """Index every row again from scratch; returns the number of entries."""
    SearchEntry.objects.all().delete()
    count = 0
    querysets = (
        Week.objects.all(),
        Paper.objects.all(),
        Resource.objects.select_related("paper"),
        Review.objects.filter(status=Review.Status.PUBLISHED),
        Comment.objects.filter(hidden_at__isnull=True, deleted_at__isnull=True),
    )
    for queryset in querysets:
        for instance in queryset.iterator(chunk_size=500):
            count += search_entry_sync(instance=instance) is not None
    return count
