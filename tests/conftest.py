from pathlib import Path

import pytest

from papers.services import organiser_grant
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
