"""The signed-in user, read from the cache instead of the database.

Every request of a signed-in member needs their user row and what they are to the site (organiser,
verified member). ``CachedAuthenticationMiddleware`` keeps a snapshot of both in the page cache, stored
with the ``site`` and ``member:<pk>`` versions it was read at (``core.versions``); the members app renews
``member:<pk>`` whenever the user row, their email addresses or their groups change, so a snapshot is
used only while nothing it holds has changed, and never for longer than ``SNAPSHOT_TTL`` seconds.

A snapshot is trusted only after the same session checks ``django.contrib.auth.get_user`` makes: the
session's backend is a configured one, the account is active, and the session's hash matches the
password the snapshot holds. Anything else (no snapshot, a stale one, a session hash that needs a
fallback key, a signed-out session) goes through ``get_user`` itself.
"""

import logging
from dataclasses import dataclass
from functools import partial

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from core import roles, versions

logger = logging.getLogger(__name__)

# Short, so that a version renewal lost to a failing cache leaves a stale snapshot for a minute at most.
SNAPSHOT_TTL = 60


@dataclass(frozen=True)
class Snapshot:
    user: object  # the user row, with its role answers already set on it
    versions: dict


def snapshot_key(user_id) -> str:
    return f"readinggroup:user:{user_id}"


def session_user_id(request) -> str | None:
    """The signed-in user's id as the session stores it, or None; loads the session (from the cache
    with the ``cached_db`` engine)."""
    return request.session.get(auth.SESSION_KEY)


def keys_for(user_id) -> list[str]:
    """The cache keys a user lookup reads: a caller that reads other keys anyway can fetch these along
    (one round trip) and hand the result to ``use_fetched``."""
    return [snapshot_key(user_id), *(versions.key(name) for name in _version_names(user_id))]


def use_fetched(request, found: dict) -> None:
    """Lets the lazy ``request.user`` use what the caller already fetched with ``keys_for``."""
    request._fetched_for_user = found


def _version_names(user_id) -> list[str]:
    return [versions.SITE, versions.member(user_id)]


def _from_snapshot(request, user_id, found: dict):
    snapshot = found.get(snapshot_key(user_id))
    if snapshot is None:
        return None
    wanted = {name: found.get(versions.key(name)) for name in _version_names(user_id)}
    if None in wanted.values() or snapshot.versions != wanted:
        return None
    user = snapshot.user
    if request.session.get(auth.BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    if not user.is_active or str(user.pk) != str(user_id):
        return None
    session_hash = request.session.get(auth.HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None  # get_user decides: a fallback key, or signing the session out
    return user


def _upgrade_backend_path(request) -> None:
    """A session signed in before its sign-in backend was renamed names the old path, which Django would
    no longer accept (signing the member out); ``AUTHENTICATION_BACKEND_RENAMES`` maps it to the new one."""
    renamed = getattr(settings, "AUTHENTICATION_BACKEND_RENAMES", {}).get(request.session.get(auth.BACKEND_SESSION_KEY))
    if renamed:
        request.session[auth.BACKEND_SESSION_KEY] = renamed


def _load(request):
    user_id = session_user_id(request)
    if user_id is None:
        return auth.get_user(request)
    _upgrade_backend_path(request)
    cache = versions.cache()
    try:
        found = getattr(request, "_fetched_for_user", None) or cache.get_many(keys_for(user_id))
        user = _from_snapshot(request, user_id, found)
        if user is not None:
            return user
        # Read before the database: a change committed in between leaves the snapshot stale, not wrong.
        tokens = versions.current(_version_names(user_id), found)
    except Exception:  # noqa: BLE001 (a cache that fails must never sign anyone out or in)
        logger.warning("signed-in user cache unavailable", exc_info=True)
        return auth.get_user(request)
    user = auth.get_user(request)
    if user.is_authenticated:
        roles.is_organiser(user), roles.is_member(user)  # set their answers on the row before it is kept
        try:
            cache.set(snapshot_key(user.pk), Snapshot(user=user, versions=tokens), SNAPSHOT_TTL)
        except Exception:  # noqa: BLE001
            logger.warning("signed-in user cache refused a snapshot", exc_info=True)
    return user


def get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = _load(request)
    return request._cached_user


async def aget_user(request):
    return await sync_to_async(get_user)(request)


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """``AuthenticationMiddleware`` with the user read through the snapshot above."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
        request.auser = partial(aget_user, request)
