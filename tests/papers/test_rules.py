"""Who sees which week, asked both ways the site asks it: the list condition and the one-week check."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from members.services import organiser_grant
from papers.rules import visible_weeks
from tests.factories import UserFactory, WeekFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("viewer", ["visitor", "member", "staff_not_organiser", "organiser"])
def test_week_visibility_is_the_same_in_lists_and_checks(viewer):
    now = timezone.now()
    weeks = {
        "published": WeekFactory(published_at=now - timezone.timedelta(minutes=1)),
        "scheduled": WeekFactory(published_at=now + timezone.timedelta(minutes=1)),
        "draft": WeekFactory(published_at=None),
    }
    user = {
        "visitor": AnonymousUser(),
        "member": UserFactory(),
        "staff_not_organiser": UserFactory(is_staff=True),
        "organiser": UserFactory(),
    }[viewer]
    if viewer == "organiser":
        organiser_grant(user=user)
    expected = set(weeks) if viewer == "organiser" else {"published"}
    listed = {name for name, week in weeks.items() if week in visible_weeks(user)}
    checked = {name for name, week in weeks.items() if rules.test_rule("papers.view_week", user, week)}
    assert listed == checked == expected
