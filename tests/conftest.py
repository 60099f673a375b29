from pathlib import Path

import pytest
from django.core.cache import caches

from members.services import organiser_grant
from tests.factories import UserFactory

DEMO_README = Path(__file__).resolve().parents[1] / "papers" / "demo" / "deep-learning-journey.md"
DATA_DIR = Path(__file__).resolve().parent / "data"


@pytest.fixture
def member(db):
    return UserFactory(username="member")


@pytest.fixture
def other_member(db):
    return UserFactory(username="other")


@pytest.fixture
def unverified_user(db):
    return UserFactory(username="unverified", verified=False)


@pytest.fixture
def organiser(db):
    user = UserFactory(username="organiser")
    organiser_grant(user=user)
    return user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def seed_text():
    return DEMO_README.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages live in caches; no test inherits another's."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()
