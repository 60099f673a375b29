"""The write-first rule as a truth table, asked in every form the site uses: the rule a template asks,
the query condition lists are built from, the one-review check, and the review page itself."""

from itertools import product

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from members.services import organiser_grant
from reviews.models import ReadingChoice
from reviews.rules import review_is_readable, scope_is_unlocked
from reviews.selectors import readable_reviews, week_review_panels
from tests.factories import ReviewFactory, ReviewScopeFactory, UserFactory, WeekFactory

pytestmark = pytest.mark.django_db

OTHERS_READING = "Another-members-reading-3c9e"
FACTORS = ("own_published", "show_me", "meeting_passed", "organiser", "week_published")


def expected_readable(own_published, show_me, meeting_passed, organiser, week_published) -> bool:
    week_visible = week_published or organiser
    unlocked = organiser or own_published or show_me or meeting_passed
    return week_visible and unlocked


@pytest.mark.parametrize(FACTORS, list(product((False, True), repeat=len(FACTORS))))
def test_write_first_truth_table(client, own_published, show_me, meeting_passed, organiser, week_published):
    now = timezone.now()
    week = WeekFactory(
        published_at=now - timezone.timedelta(days=1) if week_published else None,
        meeting_at=now - timezone.timedelta(hours=1) if meeting_passed else now + timezone.timedelta(days=2),
    )
    scope = ReviewScopeFactory(week=week)
    others_review = ReviewFactory(scope=scope, author=UserFactory(), summary=OTHERS_READING)
    viewer = UserFactory()
    if organiser:
        organiser_grant(user=viewer)
    if own_published:
        ReviewFactory(scope=scope, author=viewer)
    if show_me:
        ReadingChoice.objects.create(scope=scope, member=viewer)

    readable = expected_readable(own_published, show_me, meeting_passed, organiser, week_published)
    unlocked = organiser or own_published or show_me or meeting_passed
    assert review_is_readable(viewer, others_review) is readable
    assert readable_reviews(viewer).filter(pk=others_review.pk).exists() is readable
    assert scope_is_unlocked(viewer, scope) is unlocked
    assert rules.test_rule("reviews.comment", viewer, others_review)  # a verified member, published review

    client.force_login(viewer)
    response = client.get(reverse("reviews:review_detail", args=[others_review.pk]))
    expected_status = 200 if readable else (403 if week_published or organiser else 404)
    assert response.status_code == expected_status
    assert (OTHERS_READING in response.content.decode()) is readable
    if week_published or organiser:
        (panel,) = week_review_panels(scopes=[scope], user=viewer)
        assert panel.unlocked is unlocked
        assert [review.pk for review in panel.reviews] == ([others_review.pk] if unlocked else [])


@pytest.mark.parametrize(
    ("rule", "allowed_for"),
    [
        ("reviews.read_reviews", {"member", "staff_not_organiser", "organiser"}),
        ("reviews.write_review", {"member", "staff_not_organiser", "organiser"}),
        ("core.organise", {"organiser"}),
        ("reviews.read_hidden_comment", {"organiser"}),
    ],
)
def test_role_rules(rule, allowed_for):
    accounts = {
        "visitor": None,
        "unverified": UserFactory(verified=False),
        "member": UserFactory(),
        "staff_not_organiser": UserFactory(is_staff=True),
        "deactivated": UserFactory(is_active=False),
        "organiser": UserFactory(),
    }
    organiser_grant(user=accounts["organiser"])
    answers = {
        role: rules.test_rule(rule, user if user is not None else AnonymousUser()) for role, user in accounts.items()
    }
    assert {role for role, allowed in answers.items() if allowed} == allowed_for
