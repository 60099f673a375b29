"""A cache that is down costs speed, never a page: sessions, the signed-in user, cached pages and the
kept curriculum all fall back to the database."""

import io
import logging

import pytest
from django.core.cache.backends.base import BaseCache
from django.core.management import call_command
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from papers.models import Week
from tests.factories import TEST_PASSWORD, PaperFactory, ReviewScopeFactory, WeekFactory

pytestmark = pytest.mark.django_db(transaction=True)


class DownCache(BaseCache):
    """Every call fails, as a Redis that is down or refuses writes does."""

    def __init__(self, location, params):
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    get = set = add = delete = get_many = set_many = delete_many = has_key = touch = clear = incr = _down


@pytest.fixture
def week():
    week = WeekFactory(number=3, title="Convolutions")
    ReviewScopeFactory(week=week, position=1).papers.add(PaperFactory(week=week, position=1, title="LeNet"))
    return week


@pytest.fixture
def pages_cache_down(settings):
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": "tests.core.test_cache_outage.DownCache"}}
    quiet = [logging.getLogger(name) for name in ("core", "papers", "django.contrib.sessions")]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger in quiet:
        logger.setLevel(logging.NOTSET)


def test_members_and_visitors_get_their_pages_and_sign_in_and_out_with_the_cache_down(pages_cache_down, week, member):
    assert "LeNet" in Client().get("/weeks/3/").content.decode()
    client = Client()
    response = client.post("/accounts/login/", {"login": "member", "password": TEST_PASSWORD})
    assert response.status_code == 302
    client.cookies["csrftoken"] = _get_new_csrf_string()
    for _ in range(2):
        page = client.get("/weeks/3/")
        assert page.status_code == 200 and 'href="/members/member/"' in page.content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert 'href="/members/member/"' not in client.get("/weeks/3/").content.decode()


def test_rerendering_the_markup_renews_every_cached_page(week, member):
    client = Client()
    client.force_login(member)
    client.cookies["csrftoken"] = _get_new_csrf_string()
    Week.objects.filter(pk=week.pk).update(intro="Read *this*", intro_html="<p>Stale rendering</p>")  # no signal
    assert "Stale rendering" in client.get("/weeks/3/").content.decode()
    call_command("rerender_markup", stdout=io.StringIO())
    assert "<em>this</em>" in client.get("/weeks/3/").content.decode()


def test_a_full_cache_that_refuses_to_keep_the_curriculum_still_serves_the_week(week, member, monkeypatch):
    """Under noeviction a full Redis answers reads and refuses writes: a member whose page and kept
    curriculum expired while the versions stayed gets the page rendered from the database."""
    from django.core.cache import caches

    from core import versions

    client = Client()
    client.force_login(member)
    client.cookies["csrftoken"] = _get_new_csrf_string()
    client.get("/weeks/3/")
    real = caches["pages"]
    for key in list(real._cache):
        if ":page:" in key or ":week-curriculum:" in key:
            real.delete(key.split(":", 2)[-1])  # the page and the curriculum expired

    class Full:
        def __getattr__(self, name):
            if name in {"get", "get_many", "has_key"}:
                return getattr(real, name)

            def refuse(*args, **kwargs):
                raise OSError("OOM command not allowed when used memory > 'maxmemory'")

            return refuse

    monkeypatch.setattr(versions, "cache", Full)
    logging.getLogger("papers").setLevel(logging.CRITICAL)
    try:
        page = client.get("/weeks/3/")
    finally:
        logging.getLogger("papers").setLevel(logging.NOTSET)
    assert page.status_code == 200 and "LeNet" in page.content.decode()
