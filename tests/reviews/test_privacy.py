"""What organisers and members must not learn about others' private writing."""

import pytest
from django.urls import reverse

from reviews.services import comment_create, comment_set_hidden
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_deleting_a_week_never_names_a_drafts_author(client, organiser, scope):
    author = UserFactory(username="quiet-drafter")
    ReviewFactory(scope=scope, author=author, status="draft", published_at=None)
    client.force_login(organiser)
    page = client.get(reverse("admin:papers_week_delete", args=[scope.week.pk])).content.decode()
    assert "quiet-drafter" not in page
    assert "A private draft of" in page


def test_gone_hidden_and_not_yours_get_one_answer_when_editing(client, member, published_review):
    """A missing comment, a comment under a review the member cannot read, and someone else's comment
    all answer alike, and the text typed into the form comes back."""
    ReviewFactory(scope=published_review.scope, author=member)
    someone_elses = comment_create(review=published_review, author=UserFactory(), body="Theirs")
    hidden_scope_review = ReviewFactory(author=UserFactory())  # another week; the member has not written
    under_hidden_review = comment_create(review=hidden_scope_review, author=UserFactory(), body="Elsewhere")
    client.force_login(member)
    answers = set()
    for pk in (someone_elses.pk, under_hidden_review.pk, 999_999):
        response = client.post(reverse("reviews:comment_edit", args=[pk]), {"body": "My careful words", "version": 1})
        assert "My careful words" in response.content.decode()
        answers.add(response.status_code)
    assert answers == {404}


def test_an_author_cannot_erase_a_comment_an_organiser_hid(client, member, organiser, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    comment = comment_create(review=published_review, author=member, body="Words under moderation")
    comment_set_hidden(comment=comment, hidden=True, by=organiser)
    client.force_login(member)
    client.post(reverse("reviews:comment_delete", args=[comment.pk]))
    client.force_login(organiser)
    admin_page = client.get(reverse("admin:reviews_comment_change", args=[comment.pk]))
    assert admin_page.status_code == 200 and "Words under moderation" in admin_page.content.decode()
