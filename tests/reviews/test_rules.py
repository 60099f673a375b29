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
from reviews.services import review_set_hidden
from tests.factories import ReviewFactory, ReviewScopeFactory, UserFactory, WeekFactory

pytestmark = pytest.mark.django_db

OTHERS_READING = "Another-members-reading-3c9e"
FACTORS = ("own_published", "show_me", "meeting_passed", "organiser", "week_published", "hidden")


def expected_readable(own_published, show_me, meeting_passed, organiser, week_published, hidden) -> bool:
    week_visible = week_published or organiser
    unlocked = organiser or own_published or show_me or meeting_passed
    # An organiser hid the review: only organisers (and its author) read it, whatever unlocked the scope.
    return week_visible and (organiser if hidden else unlocked)


@pytest.mark.parametrize(FACTORS, list(product((False, True), repeat=len(FACTORS))))
def test_write_first_truth_table(client, own_published, show_me, meeting_passed, organiser, week_published, hidden):
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
    if hidden:
        others_review = review_set_hidden(review=others_review, hidden=True, by=UserFactory(), reason="spam")

    readable = expected_readable(own_published, show_me, meeting_passed, organiser, week_published, hidden)
    unlocked = organiser or own_published or show_me or meeting_passed
    assert review_is_readable(viewer, others_review) is readable
    assert readable_reviews(viewer).filter(pk=others_review.pk).exists() is readable
    assert scope_is_unlocked(viewer, scope) is unlocked
    # A verified member comments on a published review; on a hidden one nobody does.
    assert rules.test_rule("reviews.comment", viewer, others_review) is not hidden

    client.force_login(viewer)
    response = client.get(reverse("reviews:review_detail", args=[others_review.pk]))
    locked_out = (week_published or organiser) and not hidden
    expected_status = 200 if readable else (403 if locked_out else 404)
    assert response.status_code == expected_status
    assert (OTHERS_READING in response.content.decode()) is readable
    if week_published or organiser:
        (panel,) = week_review_panels(scopes=[scope], user=viewer)
        assert panel.unlocked is unlocked
        # Lists show published reviews: a hidden one is on none, not even an organiser's.
        assert [review.pk for review in panel.reviews] == ([others_review.pk] if unlocked and not hidden else [])


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
