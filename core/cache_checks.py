"""Whether cached pages can push rate-limit counters out of their cache.

Pages live in their own cache (``CACHES["pages"]``), which must never be able to push rate-limit
counters (``CACHES["default"]``) out: either another Redis instance (``REDIS_PAGES_URL``), or one
Redis that evicts nothing (``maxmemory-policy noeviction``); a database number of its own is not enough,
as eviction is per instance. ``check_pages_cannot_evict_counters`` warns about any other arrangement: in
``manage.py check --deploy``, and in the log when a worker starts (``core.middleware``).
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS
from django.core.checks import Tags, Warning, register

PAGES_CACHE = "pages"
REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"


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


@register(Tags.caches, deploy=True)
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
