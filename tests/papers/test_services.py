import pytest
from django.utils import timezone

from papers.models import ReviewScope
from papers.services import demo_schedule_fill, review_scopes_sync, week_publish, week_unpublish
from tests.factories import PaperFactory, ReviewScopeFactory, WeekFactory

pytestmark = pytest.mark.django_db


def test_publish_keeps_an_earlier_publish_time_and_unpublish_makes_a_draft():
    earlier = timezone.now() - timezone.timedelta(days=3)
    week = WeekFactory(published_at=earlier)
    week_publish(week=week)
    assert week.published_at == earlier
    week_unpublish(week=week)
    week.refresh_from_db()
    assert week.published_at is None and not week.is_published
    week_publish(week=week)
    week.refresh_from_db()
    assert week.is_published


def test_scope_sync_gives_uncovered_papers_their_own_scope_and_drops_empty_ones():
    week = WeekFactory()
    first, second, third = (PaperFactory(week=week, position=n) for n in (1, 2, 3))
    combined = ReviewScopeFactory(week=week, position=1)
    combined.papers.add(first, second)
    ReviewScopeFactory(week=week, position=2)  # empty
    review_scopes_sync(week=week)
    scopes = list(ReviewScope.objects.filter(week=week).order_by("position"))
    assert [s.label() for s in scopes] == ["Papers 1 and 2", "Paper 3"]
    assert third in scopes[1].papers.all()


def test_demo_schedule_gives_past_current_and_upcoming_weeks_once():
    weeks = [WeekFactory(number=n, published_at=None) for n in (1, 2, 3, 4)]
    today = timezone.localdate()
    demo_schedule_fill(today=today, current_week_number=3)
    for week in weeks:
        week.refresh_from_db()
    assert weeks[2].reading_starts <= today < weeks[3].reading_starts
    assert weeks[0].reading_starts < weeks[1].reading_starts < weeks[2].reading_starts
    assert all(week.is_published for week in weeks)
    assert demo_schedule_fill(today=today + timezone.timedelta(days=30), current_week_number=3) == []
