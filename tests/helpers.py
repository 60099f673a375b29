"""Small helpers shared by test modules."""

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver


def site_url_names(resolver=None, namespace="", skip=lambda resolver: False):
    """Every named URL pattern, as ``namespace:name``, read from the resolver."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if skip(pattern):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from site_url_names(pattern, inner, skip)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def queries_for(client, url) -> int:
    """Queries of one full render; visitors' pages are cached, so the cache is emptied first."""
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def close_redis(backend) -> None:
    """Disconnect a Redis cache backend built in a test, which Django would keep open until the process ends."""
    for pool in backend._cache._pools.values():
        pool.disconnect()
