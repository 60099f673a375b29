import pytest
from django.utils import timezone

from tests.factories import PaperFactory, ReviewFactory, ReviewScopeFactory, UserFactory, WeekFactory

HIDDEN_SUMMARY = "Secret thoughts about convolutions"


@pytest.fixture
def week(db):
    return WeekFactory(number=2, meeting_at=timezone.now() + timezone.timedelta(days=3))


@pytest.fixture
def scope(week):
    scope = ReviewScopeFactory(week=week, position=1)
    scope.papers.add(PaperFactory(week=week, position=1, title="Gradient-Based Learning"))
    return scope


@pytest.fixture
def author(db):
    return UserFactory(username="author")


@pytest.fixture
def published_review(scope, author):
    return ReviewFactory(scope=scope, author=author, summary=HIDDEN_SUMMARY)


@pytest.fixture
def draft_review(scope, other_member):
    return ReviewFactory(
        scope=scope, author=other_member, summary="Half-formed draft", status="draft", published_at=None
    )
