"""Cache headers on the API's answers, and answers to conditional requests.

- ``ETag``: a hash of the JSON body, so it changes exactly when the answer does (a week retitled, a paper
  added, removed or moved, a week published) and not when a field the API does not show changes.
- ``Last-Modified``: the latest ``updated`` of the rows the answer shows (weeks, papers, resources, review
  scopes), and each shown week's publish time, since a week appears in the API when that time comes. It
  cannot see a row that was deleted or unpublished, nor older rows shifting into a page: clients should
  send ``If-None-Match``, which takes precedence over ``If-Modified-Since`` (RFC 9110 §13.2.2, as Django
  applies it).
- A conditional GET whose validators still match is answered ``304 Not Modified``. The body is built
  first (the ETag is its hash): the saving is in bandwidth, not in queries.
- ``Cache-Control: public, max-age=60`` on successful answers: they are the same for everyone
  (``api.selectors``). ``core.middleware.PrivateCacheControlMiddleware`` still turns that into ``private,
  no-store`` for a signed-in member, as for every other answer they get.
"""

from datetime import datetime
from functools import wraps

from django.db.models import Model
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date

from papers.models import Week

MAX_AGE = 60
_SHOWN = "_api_shown_rows"


def shown(request, *rows: Model) -> None:
    """Record rows the answer being built shows (with what was loaded along with them), for Last-Modified."""
    request.__dict__.setdefault(_SHOWN, []).extend(rows)


def latest_change(rows) -> datetime | None:
    """The latest ``updated`` (and publish time of a week) among ``rows`` and the rows loaded with them
    (``select_related`` and ``prefetch_related`` caches); reads only what is in memory."""
    latest = None
    stack, seen = list(rows), set()
    while stack:
        row = stack.pop()
        if (type(row), row.pk) in seen:
            continue
        seen.add((type(row), row.pk))
        moments = [getattr(row, "updated", None)]
        if isinstance(row, Week):
            moments.append(row.published_at)
        for moment in moments:
            if moment is not None and (latest is None or moment > latest):
                latest = moment
        stack.extend(related for related in row._state.fields_cache.values() if isinstance(related, Model))
        for related in getattr(row, "_prefetched_objects_cache", {}).values():
            stack.extend(related)  # a prefetched queryset iterates over its cache
    return latest


def conditional(view):
    """Adds the validators and the cache policy to a successful GET, and answers 304 when they match."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        set_response_etag(response)
        latest = latest_change(request.__dict__.get(_SHOWN, ()))
        if latest is not None:
            response.headers["Last-Modified"] = http_date(latest.timestamp())
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return get_conditional_response(
            request,
            etag=response.headers["ETag"],
            last_modified=int(latest.timestamp()) if latest is not None else None,
            response=response,
        )

    return wrapper
