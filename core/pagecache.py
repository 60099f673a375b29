"""Whole-page caching for visitors who are not signed in.

What a visitor sees is the same for every visitor, so a rendered page can be kept and served again
until anything it shows changes. Instead of tracking which page shows what, every saved or deleted
curriculum, review or comment row bumps one shared *content version* (after its transaction commits),
and cached pages are keyed by that version. Changes that come with time alone (a publish time or a
meeting time passing) only ever reveal more, and show within ``PAGE_TTL`` seconds. A page is kept
with the version it was rendered at, so one cache round trip answers both "which version is current"
and "is there a page for it".

Only requests without a session or messages cookie, and without a query string, are served from or
stored in the cache, so nothing personal is ever cached, the number of cached pages is bounded by the
pages that exist, and signed-in members always get a freshly rendered page. Pages live in their own
cache (``CACHES["pages"]``) so they can never push rate-limit counters out; a version is a random
token, never a counter, so a version lost to eviction can never come back and revive old pages.
"""

import hashlib
import secrets
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

VERSION_KEY = "readinggroup:content-version"
PAGE_TTL = 60


PAGES_CACHE = "pages"


def _cache():
    return caches[PAGES_CACHE]


def content_version() -> str:
    version = _cache().get(VERSION_KEY)
    if version is None:
        _cache().add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        version = _cache().get(VERSION_KEY)
    return version


def bump_content_version() -> None:
    _cache().set(VERSION_KEY, secrets.token_hex(8), timeout=None)


def _changed(sender, **kwargs):
    transaction.on_commit(bump_content_version, robust=True)


def invalidate_on_changes_to(app_config) -> None:
    """Every saved or deleted row of the app's models (and their many-to-many links) bumps the version;
    each app whose rows show on cached pages calls this from its ``AppConfig.ready``."""
    for model in app_config.get_models():
        uid = f"pagecache-{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")


def _is_cacheable_request(request) -> bool:
    return (
        request.method in {"GET", "HEAD"}
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cache_page_for_visitors(view):
    """Serve ``view`` from the cache to visitors without a session; render it for everyone else."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _is_cacheable_request(request):
            return view(request, *args, **kwargs)
        key = f"readinggroup:page:{hashlib.sha256(request.path.encode()).hexdigest()}"
        # One round trip for both: the page is kept with the version it was rendered at.
        found = _cache().get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or content_version()
        kept = found.get(key)
        if kept is not None and kept[0] == version:
            response = HttpResponse(kept[1])
            patch_vary_headers(response, ["Cookie"])
            return response
        response = view(request, *args, **kwargs)
        personal = response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if response.status_code == 200 and not personal and not getattr(response, "streaming", False):
            _cache().set(key, (version, response.content), PAGE_TTL)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
