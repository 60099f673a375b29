"""Keeps the search index current: every save of a searchable model re-indexes its row.

Connected in ``SearchConfig.ready``, so the apps below (papers, reviews) know nothing of search."""

from django.db.models.signals import post_save

from papers.models import Paper, Resource, ReviewScope, Week
from reviews.models import Comment, Review
from search.services import search_entries_move, search_entry_sync

SEARCHABLE = (Week, Paper, Resource, Review, Comment)


def entry_sync(sender, instance, raw=False, **kwargs):
    if raw:  # a fixture being loaded: ``manage.py search_reindex`` indexes it afterwards
        return
    search_entry_sync(instance=instance)


def entries_follow_their_scope(sender, instance, raw=False, **kwargs):
    if not raw:
        search_entries_move(scope=instance)


def connect() -> None:
    for model in SEARCHABLE:
        post_save.connect(entry_sync, sender=model, dispatch_uid=f"search-entry-sync-{model._meta.label_lower}")
    post_save.connect(entries_follow_their_scope, sender=ReviewScope, dispatch_uid="search-entries-follow-scope")
