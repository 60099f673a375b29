"""The page cache can neither be flooded with spellings of one page nor push rate-limit counters out."""

import logging

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory
from django.utils.module_loading import import_string

from core import cache_checks, versions
from core.cache_checks import check_pages_cannot_evict_counters
from core.pagecache import cache_page
from readinggroup.settings import cache_settings
from tests.factories import PaperFactory, ReviewScopeFactory, WeekFactory
from tests.helpers import close_redis

REDIS = "django.core.cache.backends.redis.RedisCache"


def page_keys():
    return [key for key in caches["pages"]._cache if ":page:" in key]


@pytest.fixture
def week(db):
    week = WeekFactory(number=3, title="Convolutions")
    scope = ReviewScopeFactory(week=week, position=1)
    scope.papers.add(PaperFactory(week=week, position=1, title="LeNet"))
    return week


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("/weeks/03/", "/weeks/3/"),
        ("/weeks/0003/", "/weeks/3/"),
        ("/weeks/003/papers/01/", "/weeks/3/papers/1/"),
        ("/weeks/03/?utm=x", "/weeks/3/?utm=x"),
    ],
)
def test_other_spellings_of_a_page_redirect_to_it_and_are_never_cached(client, week, spelling, canonical):
    response = client.get(spelling)
    assert response.status_code == 301 and response["Location"] == canonical
    assert page_keys() == []
    assert client.get(response["Location"]).status_code == 200


def test_a_flood_of_spellings_stores_one_page(client, week):
    for zeros in range(1, 50):
        client.get(f"/weeks/{'0' * zeros}3/")
    client.get("/weeks/3/")
    assert len(page_keys()) == 1


def test_spellings_of_a_missing_page_end_in_404_and_store_nothing(client, week):
    assert client.get("/weeks/0099/", follow=True).status_code == 404
    assert page_keys() == []


def test_signed_in_members_are_redirected_to_the_canonical_url_too(client, week, member):
    client.force_login(member)
    assert client.get("/weeks/03/")["Location"] == "/weeks/3/"


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_full_page_cache_renders_pages_without_keeping_them(client, week, member, monkeypatch, signed_in):
    """Under maxmemory-policy noeviction a full Redis refuses writes: everyone still gets their pages."""
    real = caches["pages"]

    class Full:
        def __getattr__(self, name):
            if name in {"get", "get_many"}:
                return getattr(real, name)

            def refuse(*args, **kwargs):
                raise OSError("OOM command not allowed when used memory > 'maxmemory'")

            return refuse

    if signed_in:
        client.force_login(member)
    monkeypatch.setattr(versions, "cache", Full)
    loggers = [logging.getLogger(name) for name in ("core.pagecache", "core.cached_auth", "core.versions")]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        responses = [client.get("/weeks/3/") for _ in range(2)]
    finally:
        for logger in loggers:
            logger.setLevel(logging.NOTSET)
    assert [response.status_code for response in responses] == [200, 200]
    assert "LeNet" in responses[1].content.decode()
    assert ('href="/members/member/"' in responses[1].content.decode()) is signed_in


def test_a_view_called_without_the_resolver_still_caches_its_canonical_url(db):
    calls = []

    @cache_page
    def view(request, number):
        calls.append(number)
        from django.http import HttpResponse

        return HttpResponse("week")

    view(RequestFactory().get("/weeks/9/"), number=9)
    view(RequestFactory().get("/weeks/9/"), number=9)
    assert calls == [9]


# Separation of pages from counters.


def test_pages_can_have_a_redis_instance_of_their_own():
    config = cache_settings("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6380/0")
    assert config["default"]["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert config["pages"]["LOCATION"] == "redis://127.0.0.1:6380/0"
    assert config["pages"]["KEY_PREFIX"] != config["default"]["KEY_PREFIX"]
    assert cache_settings("", "redis://127.0.0.1:6380/0")["default"]["BACKEND"].endswith("DatabaseCache")


@pytest.mark.parametrize(
    ("counters", "pages", "policy", "ids"),
    [
        # One Redis that evicts: a flood of pages can evict counters, whatever the database numbers.
        ("redis://127.0.0.1:6379/0", "", "allkeys-lru", ["core.W001"]),
        ("redis://127.0.0.1:6379/0", "redis://localhost:6379/1", "allkeys-lru", ["core.W001"]),
        ("redis://127.0.0.1:6379/0", "", "volatile-lru", ["core.W001"]),
        ("redis://127.0.0.1:6379/0", "", None, ["core.W002"]),
        # One Redis that evicts nothing, or pages on an instance of their own: counters are safe.
        ("redis://127.0.0.1:6379/0", "", "noeviction", []),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6380/0", "allkeys-lru", []),
        ("redis://cache-a.internal:6379/0", "redis://cache-b.internal:6379/0", "allkeys-lru", []),
        ("", "", "allkeys-lru", []),  # database tables of their own
    ],
)
def test_the_check_warns_when_pages_could_evict_counters(settings, monkeypatch, counters, pages, policy, ids):
    monkeypatch.setattr(cache_checks, "redis_eviction_policy", lambda location: policy)
    settings.CACHES = cache_settings(counters, pages)
    assert [message.id for message in check_pages_cannot_evict_counters()] == ids


def test_the_check_warns_when_both_share_one_local_store(settings):
    shared = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "one"}
    settings.CACHES = {"default": shared, "pages": dict(shared)}
    assert [message.id for message in check_pages_cannot_evict_counters()] == ["core.W001"]


@pytest.mark.django_db  # the model checks ask SQLite whether it supports JSON fields (the task queue's)
def test_the_check_runs_with_manage_py_check_deploy(settings, monkeypatch):
    monkeypatch.setattr(cache_checks, "redis_eviction_policy", lambda location: "allkeys-lru")
    settings.CACHES = cache_settings("redis://127.0.0.1:6379/12")  # only the configuration is looked at
    with pytest.raises(SystemCheckError, match="core.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING")


def test_the_check_is_logged_when_a_worker_starts(settings, monkeypatch, caplog):
    from core import middleware

    monkeypatch.setattr(cache_checks, "redis_eviction_policy", lambda location: "allkeys-lru")
    monkeypatch.setattr(middleware, "_checked", False)
    settings.CACHES = cache_settings("redis://127.0.0.1:6379/12")
    from django.core.handlers.wsgi import WSGIHandler

    with caplog.at_level(logging.WARNING, logger="core.middleware"):
        WSGIHandler()
    assert "core.W001" in caplog.text


def test_the_policy_is_read_from_a_real_redis():
    backend = import_string(REDIS)("redis://127.0.0.1:6379/13", {})
    try:
        backend.get("probe")
    except Exception as error:  # noqa: BLE001 (no Redis on this machine)
        pytest.skip(f"no Redis on 127.0.0.1:6379: {error}")
    finally:
        close_redis(backend)
    policy = cache_checks.redis_eviction_policy("redis://127.0.0.1:6379/13")
    assert policy is None or policy in {
        "noeviction",
        "allkeys-lru",
        "allkeys-lfu",
        "allkeys-random",
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    }
    assert cache_checks.redis_eviction_policy("redis://127.0.0.1:1/0") is None
