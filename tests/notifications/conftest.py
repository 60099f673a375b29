import pytest
from django.utils import timezone

from reviews.services import comment_create, review_save
from tests.factories import PaperFactory, ReviewScopeFactory, UserFactory, WeekFactory

PARTS = {"summary": "Secret-summary-marker of the paper.", "confusions": "- Why?", "questions": "- What next?"}


def publish(scope, author, **parts):
    return review_save(scope=scope, author=author, parts={**PARTS, **parts}, version=None, publish=True)


@pytest.fixture
def week(db):
    return WeekFactory(number=3, meeting_at=timezone.now() + timezone.timedelta(days=2))


@pytest.fixture
def scope(week):
    scope = ReviewScopeFactory(week=week, position=1)
    scope.papers.add(PaperFactory(week=week, position=1, title="LSTM"))
    return scope


@pytest.fixture
def ada(db):
    return UserFactory(username="ada")


@pytest.fixture
def alan(db):
    return UserFactory(username="alan")


@pytest.fixture
def comment_on(ada, alan):
    def post(review, author, body, parent=None):
        return comment_create(review=review, author=author, body=body, parent=parent)

    return post
