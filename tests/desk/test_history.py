"""A member's history: their reviews (drafts too, for themselves) and comments across weeks."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reviews.models import Comment, Review
from reviews.services import comment_delete, review_unpublish
from tests.factories import CommentFactory, ReviewFactory, ReviewScopeFactory, UserFactory, WeekFactory
from tests.helpers import queries_for

SECRET = "My private draft thought"


@pytest.fixture
def history(member, other_member):
    first = ReviewScopeFactory(week=WeekFactory(number=1), position=1)
    second = ReviewScopeFactory(week=WeekFactory(number=2), position=1)
    published = ReviewFactory(scope=first, author=member, summary="Published words of mine")
    ReviewFactory(scope=second, author=member, status=Review.Status.DRAFT, published_at=None, summary=SECRET)
    others = ReviewFactory(scope=first, author=other_member)
    ReviewFactory(scope=second, author=other_member, status=Review.Status.DRAFT, published_at=None, summary="Not yours")
    CommentFactory(review=others, author=member, body="A comment on the other review")
    gone = CommentFactory(review=published, author=member, body="A comment I deleted")
    comment_delete(comment=gone)
    return {"published": published, "others": others}


def test_my_history_lists_my_reviews_drafts_and_comments(member_client, history):
    page = member_client.get(reverse("desk:my_history")).content.decode()

    assert "Your history" in page
    assert "Published words of mine" in page
    assert SECRET in page and "Continue" in page
    assert "A comment on the other review" in page
    assert "A comment I deleted" not in page
    assert "Not yours" not in page


def test_my_history_never_shows_another_members_draft(client, other_member, history):
    client.force_login(other_member)

    page = client.get(reverse("desk:my_history")).content.decode()

    assert "Not yours" in page  # their own draft
    assert SECRET not in page


def test_an_organiser_sees_a_members_history_with_drafts_as_existence_only(organiser_client, member, history):
    page = organiser_client.get(reverse("desk:member_history", args=[member.username])).content.decode()

    assert "History of member" in page
    assert "Draft" in page and "exists; its text is its author" in page
    assert SECRET not in page
    assert "A comment on the other review" in page


def test_a_member_cannot_open_another_members_history(member_client, other_member, history):
    response = member_client.get(reverse("desk:member_history", args=[other_member.username]))

    assert response.status_code == 403
    assert "Not yours" not in response.content.decode()


def test_visitors_are_sent_to_sign_in(client, member):
    for url in (reverse("desk:my_history"), reverse("desk:member_history", args=[member.username])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_an_unknown_member_is_404(organiser_client):
    assert organiser_client.get(reverse("desk:member_history", args=["nobody"])).status_code == 404


def test_history_is_paginated(member_client, member):
    for number in range(1, 24):
        ReviewFactory(scope=ReviewScopeFactory(week=WeekFactory(number=number), position=1), author=member)

    first = member_client.get(reverse("desk:my_history")).content.decode()
    second = member_client.get(reverse("desk:my_history") + "?reviews=2").content.decode()

    assert "Page 1 of 2" in first and "Week 23</strong>" in first and "Week 3</strong>" not in first
    assert "Week 3</strong>" in second


def _write(member, count: int, start: int):
    other = UserFactory(username=f"other{start}")
    for number in range(start, start + count):
        scope = ReviewScopeFactory(week=WeekFactory(number=number), position=1)
        ReviewFactory(scope=scope, author=member)
        CommentFactory(review=ReviewFactory(scope=scope, author=other), author=member)


def test_history_query_count_does_not_grow(member, organiser):
    as_member, as_organiser = Client(), Client()
    as_member.force_login(member)
    as_organiser.force_login(organiser)
    urls = (reverse("desk:my_history"), reverse("desk:member_history", args=[member.username]))
    _write(member, 2, start=1)
    few = [queries_for(as_member, urls[0]), queries_for(as_organiser, urls[1])]
    _write(member, 15, start=10)

    assert [queries_for(as_member, urls[0]), queries_for(as_organiser, urls[1])] == few


def test_a_hidden_comment_shows_its_text_to_organisers_only(member_client, organiser, member, history):
    comment = CommentFactory(review=history["others"], author=member, body="Words an organiser hid")
    # Hidden as the moderation service leaves it (its signature is changing under another engineer).
    Comment.objects.filter(pk=comment.pk).update(hidden_at=timezone.now(), hidden_by=organiser)

    mine = member_client.get(reverse("desk:my_history")).content.decode()
    member_client.force_login(organiser)
    theirs = member_client.get(reverse("desk:member_history", args=[member.username])).content.decode()

    assert "Words an organiser hid" not in mine and "Comment hidden by an organiser." in mine
    assert "Words an organiser hid" in theirs


def test_comments_under_a_review_unpublished_since_are_left_out(member_client, member, history):
    CommentFactory(review=history["others"], author=member, body="Under a review taken back")
    review_unpublish(review=history["others"])

    page = member_client.get(reverse("desk:my_history")).content.decode()

    assert "Under a review taken back" not in page


def test_weeks_members_cannot_see_yet_are_left_out(member_client, member, organiser):
    hidden = ReviewScopeFactory(week=WeekFactory(number=7, published_at=None), position=1)
    ReviewFactory(scope=hidden, author=member)

    page = member_client.get(reverse("desk:my_history")).content.decode()
    member_client.force_login(organiser)
    theirs = member_client.get(reverse("desk:member_history", args=[member.username])).content.decode()

    assert "Week 7</strong>" not in page
    assert "Week 7</strong>" in theirs
