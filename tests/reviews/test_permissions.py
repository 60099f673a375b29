"""The write-first rule and drafts, checked on every page that shows or lists reviews."""

import pytest
import rules
from django.urls import reverse
from django.utils import timezone

from reviews.services import comment_create, comment_set_hidden, reading_choice_record
from tests.factories import ReviewFactory, UserFactory
from tests.reviews.conftest import HIDDEN_SUMMARY

pytestmark = pytest.mark.django_db


def pages(review):
    """Every page that may show a review of this scope, with what it shows when the review is readable."""
    week_url = review.scope.week.get_absolute_url()
    return {
        "week page": week_url,
        "review page": review.get_absolute_url(),
        "author's profile": reverse("member_detail", args=[review.author.username]),
    }


def visible_on(client, review, expected_text=HIDDEN_SUMMARY) -> dict[str, bool]:
    seen = {}
    for name, url in pages(review).items():
        response = client.get(url)
        assert response.status_code < 500, (name, response.status_code)
        seen[name] = response.status_code == 200 and expected_text in response.content.decode()
    return seen


ALL_VISIBLE = {"week page": True, "review page": True, "author's profile": True}
NONE_VISIBLE = {"week page": False, "review page": False, "author's profile": False}


def test_member_without_own_review_sees_the_count_and_no_content(client, member, published_review):
    client.force_login(member)
    assert visible_on(client, published_review) == NONE_VISIBLE
    week_page = client.get(published_review.scope.week.get_absolute_url()).content.decode()
    assert "1 other member has published a review of this." in week_page
    assert "I will not write one — show me" in week_page
    response = client.get(published_review.get_absolute_url())
    assert response.status_code == 403 and "Write your own review first" in response.content.decode()


def test_member_who_published_their_own_sees_the_others(client, member, published_review):
    ReviewFactory(scope=published_review.scope, author=member, summary="My own take")
    client.force_login(member)
    assert visible_on(client, published_review) == ALL_VISIBLE


def test_a_draft_of_your_own_does_not_unlock_the_others(client, member, published_review):
    ReviewFactory(scope=published_review.scope, author=member, status="draft", published_at=None)
    client.force_login(member)
    assert visible_on(client, published_review) == NONE_VISIBLE


def test_member_who_opted_out_sees_the_others_and_it_is_recorded(client, member, published_review):
    client.force_login(member)
    week = published_review.scope.week
    response = client.post(reverse("reviews:reading_choice", args=[week.number, published_review.scope.position]))
    assert response.status_code == 302
    assert member.reading_choices.filter(scope=published_review.scope).exists()
    assert visible_on(client, published_review) == ALL_VISIBLE


def test_everyone_signed_in_sees_reviews_once_the_meeting_started(client, member, published_review):
    week = published_review.scope.week
    week.meeting_at = timezone.now() - timezone.timedelta(minutes=1)
    week.save()
    client.force_login(member)
    assert visible_on(client, published_review) == ALL_VISIBLE


def test_organiser_sees_every_published_review(client, organiser, published_review):
    client.force_login(organiser)
    assert visible_on(client, published_review) == ALL_VISIBLE


def test_anonymous_visitor_sees_no_review_content(client, published_review):
    assert visible_on(client, published_review) == NONE_VISIBLE
    response = client.get(published_review.get_absolute_url())
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert (
        "1 member has published a review of this."
        in client.get(published_review.scope.week.get_absolute_url()).content.decode()
    )


def test_unverified_account_sees_no_review_content(client, unverified_user, published_review):
    client.force_login(unverified_user)
    assert visible_on(client, published_review) == NONE_VISIBLE
    assert client.get(published_review.get_absolute_url()).status_code == 403


def test_opting_out_of_one_scope_does_not_unlock_another(client, member, published_review, week):
    from tests.factories import ReviewScopeFactory

    other_scope = ReviewScopeFactory(week=week, position=2)
    reading_choice_record(scope=other_scope, member=member)
    client.force_login(member)
    assert visible_on(client, published_review) == NONE_VISIBLE


@pytest.mark.parametrize("viewer", ["anonymous", "member", "member_who_published", "organiser"])
def test_a_draft_is_never_visible_to_anyone_but_its_author(client, viewer, draft_review, member, organiser):
    if viewer == "member_who_published":
        ReviewFactory(scope=draft_review.scope, author=member)
    if viewer in {"member", "member_who_published"}:
        client.force_login(member)
    if viewer == "organiser":
        client.force_login(organiser)
    assert visible_on(client, draft_review, expected_text="Half-formed draft") == NONE_VISIBLE
    assert client.get(draft_review.get_absolute_url()).status_code == 404


def test_the_author_sees_their_own_draft(client, draft_review):
    client.force_login(draft_review.author)
    response = client.get(draft_review.get_absolute_url())
    assert response.status_code == 200 and "Half-formed draft" in response.content.decode()


def test_reviews_of_an_unpublished_week_are_not_found_for_members(client, member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    week = published_review.scope.week
    week.published_at = None
    week.save()
    client.force_login(member)
    assert client.get(published_review.get_absolute_url()).status_code == 404
    assert HIDDEN_SUMMARY not in client.get(pages(published_review)["author's profile"]).content.decode()


def test_comments_of_a_hidden_review_are_hidden_with_it(client, member, published_review):
    from tests.factories import CommentFactory

    comment = CommentFactory(review=published_review, body="Reply nobody should read yet")
    client.force_login(member)
    assert client.get(reverse("reviews:comment_edit", args=[comment.pk])).status_code == 404
    response = client.post(reverse("reviews:comment_create", args=[published_review.pk]), {"body": "sneaky"})
    assert response.status_code == 403
    assert not published_review.comments.filter(body="sneaky").exists()


def test_another_members_profile_lists_only_reviews_the_viewer_may_read(client, member, published_review, week):
    from tests.factories import ReviewScopeFactory

    unlocked_scope = ReviewScopeFactory(week=week, position=2)
    ReviewFactory(scope=unlocked_scope, author=published_review.author, summary="Readable review")
    ReviewFactory(scope=unlocked_scope, author=member)
    client.force_login(member)
    content = client.get(pages(published_review)["author's profile"]).content.decode()
    assert "Readable review" in content and HIDDEN_SUMMARY not in content


def test_deactivated_account_is_treated_as_signed_out(client, published_review):
    former = UserFactory(username="former", is_active=False)
    client.force_login(former)
    assert visible_on(client, published_review) == NONE_VISIBLE


def test_a_hidden_comment_cannot_be_edited_even_by_its_author(client, member, organiser, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    comment = comment_create(review=published_review, author=member, body="Before moderation")
    comment = comment_set_hidden(comment=comment, hidden=True, by=organiser)
    assert not rules.test_rule("reviews.edit_comment", member, comment)
    assert rules.test_rule("reviews.delete_comment", member, comment)  # deleting their own words stays possible
    client.force_login(member)
    assert client.get(reverse("reviews:comment_edit", args=[comment.pk])).status_code == 404
