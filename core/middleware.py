"""Site-wide middleware: nothing shown to a signed-in member is kept by a browser or proxy, and the cache
checks run when a worker starts."""

import logging

from django.core.exceptions import MiddlewareNotUsed
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


class PrivateCacheControlMiddleware:
    """``Cache-Control: private, no-store`` on every answer to a signed-in member.

    Their pages (the editor with a draft, their own reviews, their account pages) must not be kept by a
    shared proxy nor be shown from the browser's cache to the next person at a shared computer after
    sign-out. Answers to visitors keep whatever the view said.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


_checked = False


class StartupChecksMiddleware:
    """Logs the page-cache separation check once per process, when the first handler is built, which is
    when a worker starts serving; then takes itself out of the chain."""

    def __init__(self, get_response):
        global _checked
        if not _checked:
            _checked = True
            from core.cache_checks import check_pages_cannot_evict_counters

            for message in check_pages_cannot_evict_counters():
                logger.warning("%s", message)
        raise MiddlewareNotUsed
