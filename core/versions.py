"""Content versions: whether a cached page is still current.

A version is a random token kept in the page cache under a name that says what it covers:

- ``content``: everything visitors see; any tracked row changes it.
- ``site``: the curriculum, people's names and roles; shown on every page.
- ``week:<number>``: a week's reviews, discussion and reading choices.
- ``review:<pk>``: one review and its discussion.
- ``member:<pk>``: one member's account (roles, email verification, sign-in) and their own writing,
  which decides what the write-first rule lets them read anywhere.

Each app tells ``track`` which versions a row of its models belongs to. Saving or deleting rows gives
their versions new tokens once the transaction commits, in one cache round trip however many rows it
touched. Pages are kept with the tokens they were rendered at and served again only while every one of
them is current, so a comment in Week 3 leaves Week 5's pages alone. A token is random, never a counter,
so a version lost to eviction can never come back and revive old pages.
"""

import logging
import secrets
import threading
from collections.abc import Callable, Iterable

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete

logger = logging.getLogger(__name__)

CACHE = "pages"
CONTENT = "content"
SITE = "site"


def week(number) -> str:
    return f"week:{number}"


def review(pk) -> str:
    return f"review:{pk}"


def member(pk) -> str:
    return f"member:{pk}"


def cache():
    return caches[CACHE]


def key(name: str) -> str:
    return f"readinggroup:version:{name}"


def current(names: Iterable[str], found: dict | None = None) -> dict[str, str]:
    """The current token of each version, taken from ``found`` (what a ``get_many`` of their keys gave)
    when it holds them; a version that does not exist yet (or was evicted) is created."""
    names = list(dict.fromkeys(names))
    if found is None:
        found = cache().get_many([key(name) for name in names])
    tokens = {name: found.get(key(name)) for name in names}
    for name, token in tokens.items():
        if token is None:
            # add(), not set(): of two workers creating it at once, both then read the same winner.
            cache().add(key(name), secrets.token_hex(8), timeout=None)
            tokens[name] = cache().get(key(name))
    return tokens


def bump(names: Iterable[str]) -> None:
    try:
        cache().set_many({key(name): secrets.token_hex(8) for name in set(names)}, timeout=None)
    except Exception:  # noqa: BLE001 (a cache that is down keeps nothing that could go stale)
        logger.warning("could not renew content versions", exc_info=True)


_pending = threading.local()


def changed(names: Iterable[str]) -> None:
    """Renew ``names`` once the current transaction commits (at once outside one). Rows changed in one
    transaction share one renewal: the first commit callback takes every name gathered so far."""
    gathered = _pending.__dict__.setdefault("names", set())
    gathered.update(names)
    transaction.on_commit(_renew_gathered, robust=True)


def _renew_gathered() -> None:
    names = _pending.__dict__.pop("names", None)
    if names:
        bump(names)


def track(model, names_of: Callable[[object], Iterable[str]], *, public: bool = True) -> None:
    """Saving or deleting a ``model`` row (or changing its many-to-many links) renews the versions
    ``names_of(row)`` gives, and ``content`` too when the model shows on visitors' pages (``public``).

    Deletions are read before the row goes (``pre_delete``), while the rows ``names_of`` may look up
    still exist."""

    def names_with_content(row) -> set[str]:
        names = set(names_of(row))
        return names | {CONTENT} if public else names

    def on_save(sender, instance, **kwargs):
        changed(names_with_content(instance))

    def on_links(sender, instance, action, pk_set=None, **kwargs):
        if not action.startswith("post_"):
            return
        if isinstance(instance, model):
            changed(names_with_content(instance))
        elif pk_set:  # changed from the other side: the rows of ours that were linked or unlinked
            for row in model.objects.filter(pk__in=pk_set):
                changed(names_with_content(row))
        else:  # cleared from the other side: which rows were linked is gone, so everyone's pages go
            changed({SITE, CONTENT} if public else {SITE})

    uid = f"versions-{model._meta.label}"
    post_save.connect(on_save, sender=model, weak=False, dispatch_uid=f"{uid}-save")
    pre_delete.connect(on_save, sender=model, weak=False, dispatch_uid=f"{uid}-delete")
    for field in model._meta.local_many_to_many:
        m2m_changed.connect(on_links, sender=field.remote_field.through, weak=False, dispatch_uid=f"{uid}-{field.name}")
