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
pages that exist, and signed-in members always get a freshly rendered page. Only a page's canonical
URL is stored: another spelling of it (``/weeks/03/`` for ``/weeks/3/``) is redirected there, so no
one can fill the cache with copies of one page. A version is a random token, never a counter, so a
version lost to eviction can never come back and revive old pages.

Pages live in their own cache (``CACHES["pages"]``), which must never be able to push rate-limit
counters (``CACHES["default"]``) out: either another Redis instance (``REDIS_PAGES_URL``), or one
Redis that evicts nothing (``maxmemory-policy noeviction``); a database number of its own is not enough,
as eviction is per instance. ``check_pages_cannot_evict_counters`` (a system check, also logged when a
worker starts) warns about any other arrangement. Under ``noeviction`` a full Redis refuses writes;
the page cache then just renders pages without keeping them.
"""

import hashlib
import logging
import re
import secrets
from functools import wraps
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.checks import Tags, Warning, register
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.cache import patch_vary_headers
from django.utils.encoding import iri_to_uri

logger = logging.getLogger(__name__)

VERSION_KEY = "readinggroup:content-version"
PAGE_TTL = 60


PAGES_CACHE = "pages"
REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"


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


def invalidate_on_changes_to(app_config, models=None) -> None:
    """Every saved or deleted row of the app's models (or of ``models``, those of them that show on
    pages) and their many-to-many links bumps the version; each app whose rows show on cached pages
    calls this from its ``AppConfig.ready``."""
    for model in models if models is not None else app_config.get_models():
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


def canonical_path(request) -> str | None:
    """The URL the resolver would build for the page ``request`` asks for (``/weeks/3/`` for
    ``/weeks/003/``), percent-decoded like ``request.path``; None when it cannot be built."""
    match = request.resolver_match
    try:
        if match is None:
            match = resolve(request.path_info)
        return unquote(reverse(match.view_name, args=match.args, kwargs=match.kwargs))
    except (NoReverseMatch, Resolver404):
        return None


def _canonical_redirect(request, canonical: str | None):
    """A permanent redirect to the canonical spelling of the requested page, when it is spelled otherwise."""
    if request.method not in {"GET", "HEAD"} or canonical is None or canonical == request.path:
        return None
    location = iri_to_uri(canonical)
    if request.META.get("QUERY_STRING"):
        location = f"{location}?{request.META['QUERY_STRING']}"
    return HttpResponsePermanentRedirect(location)


def _get_many(keys):
    try:
        return _cache().get_many(keys)
    except Exception:  # noqa: BLE001 (a cache that fails, or is full, must never break a page)
        logger.warning("page cache unavailable", exc_info=True)
        return {}


def _store(key, value) -> None:
    try:
        _cache().set(key, value, PAGE_TTL)
    except Exception:  # noqa: BLE001 (a full noeviction Redis refuses writes: the page is just not kept)
        logger.warning("page cache refused a page", exc_info=True)


def cache_page_for_visitors(view):
    """Serve ``view`` from the cache to visitors without a session; render it for everyone else.

    Any other spelling of the page's URL is redirected to the canonical one first (and never cached)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        canonical = canonical_path(request)
        redirect = _canonical_redirect(request, canonical)
        if redirect is not None:
            return redirect
        if not _is_cacheable_request(request) or canonical != request.path:
            return view(request, *args, **kwargs)
        key = f"readinggroup:page:{hashlib.sha256(request.path.encode()).hexdigest()}"
        # One round trip for both: the page is kept with the version it was rendered at.
        found = _get_many([VERSION_KEY, key])
        try:
            version = found.get(VERSION_KEY) or content_version()
        except Exception:  # noqa: BLE001 (no version to key pages by: render without the cache)
            logger.warning("page cache unavailable", exc_info=True)
            return view(request, *args, **kwargs)
        kept = found.get(key)
        if kept is not None and kept[0] == version:
            response = HttpResponse(kept[1])
            patch_vary_headers(response, ["Cookie"])
            return response
        response = view(request, *args, **kwargs)
        personal = response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if response.status_code == 200 and not personal and not getattr(response, "streaming", False):
            _store(key, (version, response.content))
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


# Whether cached pages can push rate-limit counters out of their cache.


def _redis_servers(location) -> set[tuple]:
    """The Redis servers a cache location names (a URL, a ``,``/``;`` separated list, or a list); localhost
    spelled any way is one server; the database number is left out: eviction is per server."""
    urls = re.split("[;,]", location) if isinstance(location, str) else list(location)
    servers = set()
    for url in urls:
        parts = urlsplit(url.strip())
        if parts.scheme == "unix" or not parts.hostname:
            servers.add(("unix", parts.path))
            continue
        host = parts.hostname.lower()
        host = "loopback" if host in {"localhost", "127.0.0.1", "::1"} else host
        servers.add((host, parts.port or 6379))
    return servers


def redis_eviction_policy(location) -> str | None:
    """``maxmemory-policy`` of the (first) Redis server at ``location``; None when it cannot be asked."""
    import redis

    url = (re.split("[;,]", location) if isinstance(location, str) else list(location))[0].strip()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            return str(client.config_get("maxmemory-policy").get("maxmemory-policy") or "") or None
        finally:
            client.close()
    except Exception:  # noqa: BLE001 (unreachable, or CONFIG is not allowed: say so in the check)
        return None


@register(Tags.caches)
def check_pages_cannot_evict_counters(app_configs=None, **kwargs):
    """Warns when filling the page cache could evict allauth's rate-limit counters."""
    pages = settings.CACHES.get(PAGES_CACHE)
    counters = settings.CACHES.get(DEFAULT_CACHE_ALIAS)
    if not pages or not counters:
        return []
    hint = (
        "Give cached pages a Redis instance of their own with REDIS_PAGES_URL, or run the one Redis with "
        "'maxmemory-policy noeviction' (see README, Deploying)."
    )
    if pages["BACKEND"] == REDIS_BACKEND and counters["BACKEND"] == REDIS_BACKEND:
        if not _redis_servers(pages["LOCATION"]) & _redis_servers(counters["LOCATION"]):
            return []
        policy = redis_eviction_policy(counters["LOCATION"])
        if policy == "noeviction":
            return []
        if policy is None:
            return [
                Warning(
                    "Cached pages and rate-limit counters share one Redis, whose maxmemory-policy could not be "
                    "read (CONFIG GET refused or Redis unreachable): if it evicts, a flood of pages can evict "
                    "the counters and lift the sign-in rate limits.",
                    hint=hint,
                    id="core.W002",
                )
            ]
        return [
            Warning(
                f"Cached pages and rate-limit counters share one Redis with maxmemory-policy {policy}: a flood "
                "of pages can evict the counters and lift the sign-in rate limits (a database number of its "
                "own does not help; eviction is per instance).",
                hint=hint,
                id="core.W001",
            )
        ]
    if pages["BACKEND"] == counters["BACKEND"] and pages.get("LOCATION", "") == counters.get("LOCATION", ""):
        return [
            Warning(
                "Cached pages and rate-limit counters are kept in the same cache store, so culling pages can "
                "remove counters.",
                hint="Give CACHES['pages'] a LOCATION of its own.",
                id="core.W001",
            )
        ]
    return []
