"""Sessions read from the page cache and written through to the database (Django's ``cached_db``), with
a cache that is down or full never failing a request: the database row is the session, the cache only
spares the query.

Django's ``cached_db`` store catches a failed cache read and write on save, but not the write-back after
a read from the database, nor the cache lookups of ``exists`` and ``delete``: with Redis down, every
request with a session cookie (signing in and out included) would answer 500. Sessions live in the page
cache (``SESSION_CACHE_ALIAS = "pages"``), never beside the rate-limit counters, so that however many
members sign in, no counter is culled or evicted to make room.
"""

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class _CacheThatNeverFails:
    """The session cache, where a failure is logged and taken as "not in the cache"."""

    def __init__(self, cache):
        self._cache = cache

    def _try(self, operation, *args, failed=None, **kwargs):
        try:
            return getattr(self._cache, operation)(*args, **kwargs)
        except Exception:  # noqa: BLE001 (the database still has the session)
            logger.warning("session cache unavailable", exc_info=True)
            return failed

    def get(self, key, default=None):
        return self._try("get", key, default, failed=default)

    def set(self, key, value, timeout=None):
        self._try("set", key, value, timeout)

    def delete(self, key):
        return self._try("delete", key, failed=False)

    def __contains__(self, key):
        return bool(self._try("has_key", key, failed=False))

    def __getattr__(self, name):  # the async methods, which a WSGI site does not call
        return getattr(self._cache, name)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _CacheThatNeverFails(self._cache)
