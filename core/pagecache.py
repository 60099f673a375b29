"""Whole-page caching, for visitors and for signed-in members.

**Visitors.** What a visitor sees is the same for every visitor, so a rendered page is kept and served
again until the ``content`` version changes (``core.versions``: any saved or deleted row that shows on
pages renews it after its transaction commits). A page is kept with the version it was rendered at, so
one cache round trip answers both "which version is current" and "is there a page for it". Only requests
without a session or messages cookie, and without a query string, use it.

**Members.** A member's page depends on who they are, so it is kept per member, keyed by the member,
their CSRF secret (the page's forms carry a token made from it) and the path, and stored with the
versions it depends on: ``site`` (curriculum, names, roles), ``member:<pk>`` (their account and roles,
and their own reviews and reading choices, which decide what the write-first rule lets them read) and the
page's own (``week:<number>`` for a week's pages, ``review:<pk>`` for a review), named by the view's
``depends_on``. A hit takes two cache round trips: the session (``cached_db`` sessions), then one
``get_many`` of the user snapshot (``core.cached_auth``), the versions and the page. Requests with a query
string or a message waiting, and answers that set a cookie or change the session, are never kept.

Changes that come with time alone (a publish or meeting time passing) show within ``PAGE_TTL`` seconds;
a view whose page changes at a known moment says so with ``keep_until``, and the page is kept only until
then. Only a page's canonical URL is stored: another spelling of it (``/weeks/03/`` for ``/weeks/3/``) is
redirected there, so no one can fill the cache with copies of one page.

Pages live in their own cache (``CACHES["pages"]``, see ``core.cache_checks``). Under ``noeviction`` a
full Redis refuses writes; the page cache then just renders pages without keeping them.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from functools import wraps
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.cache import patch_vary_headers
from django.utils.encoding import iri_to_uri

from core import cached_auth, versions

logger = logging.getLogger(__name__)

VERSION_KEY = versions.key(versions.CONTENT)
PAGE_TTL = 60
PAGES_CACHE = versions.CACHE


@dataclass(frozen=True)
class KeptPage:
    tokens: dict
    expires: float
    content: bytes


def _cache():
    return versions.cache()


def content_version(request, name: str) -> str | None:
    """The token of version ``name`` the page being rendered is kept with (None when it is not kept), so
    the view can key parts it keeps itself by it."""
    return getattr(request, "content_versions", {}).get(name)


def keep_until(request, moment) -> None:
    """The page being rendered changes at ``moment`` (a datetime, or None for never): keep it until then."""
    if moment is not None:
        request._page_expires = min(getattr(request, "_page_expires", math.inf), moment.timestamp())


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
        return None


def _store(request, key, tokens, response) -> None:
    now = time.time()
    expires = min(now + PAGE_TTL, getattr(request, "_page_expires", math.inf))
    if expires <= now:
        return
    try:
        _cache().set(key, KeptPage(tokens, expires, response.content), math.ceil(expires - now))
    except Exception:  # noqa: BLE001 (a full noeviction Redis refuses writes: the page is just not kept)
        logger.warning("page cache refused a page", exc_info=True)


def _served(kept, tokens):
    if isinstance(kept, KeptPage) and kept.tokens == tokens and kept.expires > time.time():
        response = HttpResponse(kept.content)
        patch_vary_headers(response, ["Cookie"])
        return response
    return None


def _page_key(*parts) -> str:
    return "readinggroup:page:" + hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


def _cacheable(request, canonical) -> bool:
    return (
        request.method in {"GET", "HEAD"}
        and canonical == request.path
        and not request.META.get("QUERY_STRING")
        and "messages" not in request.COOKIES
    )


def _for_visitor(request, view, args, kwargs):
    key = _page_key("visitor", request.path)
    found = _get_many([VERSION_KEY, key]) or {}

    def keepable():  # a page that sets the CSRF cookie is personal: it carries that visitor's token
        return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")

    return _kept_or_rendered(request, view, args, kwargs, key, [versions.CONTENT], found, keepable)


def _for_member(request, view, args, kwargs, depends_on):
    csrf_secret = request.META.get("CSRF_COOKIE")
    user_id = cached_auth.session_user_id(request)
    if user_id is None or not csrf_secret or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return view(request, *args, **kwargs)
    if "_messages" in request.session:
        return view(request, *args, **kwargs)
    names = [versions.SITE, versions.member(user_id), *depends_on(*args, **kwargs)]
    key = _page_key("member", user_id, csrf_secret, request.path)
    found = _get_many([*cached_auth.keys_for(user_id), *(versions.key(name) for name in names), key])
    if found is None:
        return view(request, *args, **kwargs)
    cached_auth.use_fetched(request, found)
    if not request.user.is_authenticated or str(request.user.pk) != str(user_id):
        return view(request, *args, **kwargs)

    def keepable():
        return request.META.get("CSRF_COOKIE") == csrf_secret and not request.session.modified

    return _kept_or_rendered(request, view, args, kwargs, key, names, found, keepable)


def _kept_or_rendered(request, view, args, kwargs, key, names, found, keepable):
    """The kept page when it was rendered at the current tokens of ``names``; else the view's answer,
    kept when it is a plain 200 that sets no cookie and ``keepable()`` says it is not personal."""
    try:
        tokens = versions.current(names, found)
    except Exception:  # noqa: BLE001 (no version to key pages by: render without the cache)
        logger.warning("page cache unavailable", exc_info=True)
        return view(request, *args, **kwargs)
    if (response := _served(found.get(key), tokens)) is not None:
        return response
    request.content_versions = tokens
    response = view(request, *args, **kwargs)
    plain = response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False)
    if plain and keepable():
        _store(request, key, tokens, response)
    return response


def _no_more(*args, **kwargs):
    return []


def cache_page(view=None, *, depends_on=_no_more):
    """Serve ``view`` from the page cache (see the module's text). ``depends_on(*args, **kwargs)`` gets
    the view's URL arguments and names the versions a member's page depends on besides ``site`` and
    their own ``member:<pk>``.

    Any other spelling of the page's URL is redirected to the canonical one first (and never cached)."""
    if view is None:
        return lambda view: cache_page(view, depends_on=depends_on)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        canonical = canonical_path(request)
        redirect = _canonical_redirect(request, canonical)
        if redirect is not None:
            return redirect
        if not _cacheable(request, canonical):
            response = view(request, *args, **kwargs)
        elif settings.SESSION_COOKIE_NAME not in request.COOKIES:
            response = _for_visitor(request, view, args, kwargs)
        else:
            response = _for_member(request, view, args, kwargs, depends_on)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
