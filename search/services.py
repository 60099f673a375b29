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
from django.db.models import Q

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


def review_text(summary_html: str, confusions_html: str, questions_html: str) -> str:
    return _clean(html_to_text(summary_html), html_to_text(confusions_html), html_to_text(questions_html))


def comment_text(body_html: str) -> str:
    return _clean(html_to_text(body_html))


def _review_links(review) -> dict:
    """What the rules ask of a review's (or its comment's) entry: week, scope, author."""
    return {"week_id": review.scope.week_id, "scope_id": review.scope_id, "review_author_id": review.author_id}


def _entry(instance) -> tuple[dict, dict] | None:
    """(the lookup naming the entry, its fields), or None when ``instance`` is not to be found at all."""
    if isinstance(instance, Week):
        return {"kind": SearchEntry.Kind.WEEK, "week": instance}, {
            "written_at": instance.created,
            "title": _clean(instance.heading),
            # Not the meeting notes: they quote reviews, readable under reviews' rules only.
            "text": _clean(html_to_text(instance.intro_html), instance.review_plan),
        }
    if isinstance(instance, Paper):
        return {"paper": instance}, {
            "kind": SearchEntry.Kind.PAPER,
            "week_id": instance.week_id,
            "written_at": instance.created,
            "title": _clean(instance.title),
            "text": _clean(instance.authors, instance.venue, instance.abstract, instance.focus_note),
        }
    if isinstance(instance, Resource):
        return {"resource": instance}, {
            "kind": SearchEntry.Kind.RESOURCE,
            "week_id": instance.week_id,
            "written_at": instance.created,
            "title": _clean(instance.display_title),
            "text": _clean(instance.topic, instance.note, instance.get_kind_display()),
        }
    if isinstance(instance, Review):
        if not instance.is_published:
            return None  # drafts and hidden reviews are found by nobody, not even their author
        return {"review": instance}, {
            "kind": SearchEntry.Kind.REVIEW,
            **_review_links(instance),
            "written_at": instance.published_at,
            "title": "",
            "text": review_text(instance.summary_html, instance.confusions_html, instance.questions_html),
        }
    if isinstance(instance, Comment):
        if instance.is_hidden or instance.is_tombstone or not instance.review.is_published:
            return None
        return {"comment": instance}, {
            "kind": SearchEntry.Kind.COMMENT,
            **_review_links(instance.review),
            "written_at": instance.created,
            "title": "",
            "text": comment_text(instance.body_html),
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
    (a review back to draft or hidden, a comment hidden or deleted). A review's comments leave the index
    with it and come back with it. Returns the entry, or None."""
    entry = _entry(instance)
    if entry is None:
        if isinstance(instance, Review):
            SearchEntry.objects.filter(Q(review=instance) | Q(comment__review=instance)).delete()
        else:
            SearchEntry.objects.filter(comment=instance).delete()
        return None
    lookup, fields = entry
    saved, _ = SearchEntry.objects.update_or_create(**lookup, defaults=fields)
    _vectorise(SearchEntry.objects.filter(pk=saved.pk))
    if isinstance(instance, Review):
        _index_missing_comments(instance)
    return saved


def _index_missing_comments(review) -> None:
    """The shown comments of a published review that have no entry: after it was a draft or hidden."""
    indexed = SearchEntry.objects.filter(comment__review=review).values("comment")
    missing = review.comments.filter(hidden_at__isnull=True, deleted_at__isnull=True).exclude(pk__in=indexed)
    for comment in missing.select_related("review__scope"):
        search_entry_sync(instance=comment)


@transaction.atomic
def search_entries_move(*, scope) -> int:
    """A review scope moved to another week: its reviews' and comments' entries follow it."""
    return SearchEntry.objects.filter(scope=scope).exclude(week_id=scope.week_id).update(week_id=scope.week_id)


REBUILD_BATCH = 2_000


@transaction.atomic
def search_index_rebuild() -> int:
    """Index every row again from scratch; returns the number of entries.

    Entries are written in batches and their vectors computed in one statement at the end, so a large
    database (a million comments) is indexed in minutes, not one row at a time."""
    SearchEntry.objects.all().delete()
    count = 0
    querysets = (
        Week.objects.all(),
        Paper.objects.all(),
        Resource.objects.select_related("paper"),
        Review.objects.filter(status=Review.Status.PUBLISHED).select_related("scope"),
        Comment.objects.filter(
            hidden_at__isnull=True, deleted_at__isnull=True, review__status=Review.Status.PUBLISHED
        ).select_related("review__scope"),
    )
    for queryset in querysets:
        batch = []
        for instance in queryset.iterator(chunk_size=REBUILD_BATCH):
            if (entry := _entry(instance)) is not None:
                lookup, fields = entry
                batch.append(SearchEntry(**lookup, **fields))
            if len(batch) == REBUILD_BATCH:
                count += len(SearchEntry.objects.bulk_create(batch))
                batch = []
        count += len(SearchEntry.objects.bulk_create(batch))
    _vectorise(SearchEntry.objects.all())
    return count
