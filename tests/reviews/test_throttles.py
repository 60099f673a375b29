"""Per-member limits on previews, review saves and comment writes: refusals keep every typed word."""

import pytest
from django.urls import reverse

from reviews.models import Comment, Review
from reviews.throttles import TOO_MANY
from tests.factories import CommentFactory, ReviewFactory
from tests.reviews.helpers import textarea_text

pytestmark = pytest.mark.django_db

PARTS = {"summary": "My **summary**", "confusions": "Section 2.3 & <why>?", "questions": "Why tanh?"}


@pytest.fixture
def limits(settings):
    """Sets the rate of one throttle for the test, leaving the others as configured."""

    def set_rate(action: str, rate: str):
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, action: rate}

    return set_rate


def write_url(scope):
    return reverse("reviews:review_write", args=[scope.week.number, scope.position])


def test_preview_over_the_limit_is_refused_with_every_part_still_in_the_form(client, member, scope, limits):
    limits("markdown_preview", "2/m/user")
    client.force_login(member)
    for _ in range(2):
        assert client.post(write_url(scope), {**PARTS, "version": "", "action": "preview"}).status_code == 200

    response = client.post(write_url(scope), {**PARTS, "version": "", "action": "preview"})

    content = response.content.decode()
    assert response.status_code == 429
    assert TOO_MANY in content
    assert "<strong>summary</strong>" not in content  # nothing was rendered
    for name, text in PARTS.items():
        assert textarea_text(content, name) == text
    assert not Review.objects.exists()


def test_saving_over_the_limit_writes_nothing_and_keeps_the_text(client, member, scope, limits):
    limits("review_save", "1/m/user")
    client.force_login(member)
    client.post(write_url(scope), {**PARTS, "version": "", "action": "draft"})
    review = Review.objects.get()

    response = client.post(
        write_url(scope), {**PARTS, "summary": "Second thoughts", "version": review.version, "action": "publish"}
    )

    content = response.content.decode()
    assert response.status_code == 429 and TOO_MANY in content
    assert textarea_text(content, "summary") == "Second thoughts"
    assert textarea_text(content, "questions") == "Why tanh?"
    review.refresh_from_db()
    assert review.summary == "My **summary**" and review.status == Review.Status.DRAFT


def test_a_member_out_of_previews_can_still_save(client, member, scope, limits):
    limits("markdown_preview", "1/m/user")
    client.force_login(member)
    client.post(write_url(scope), {**PARTS, "version": "", "action": "preview"})
    assert client.post(write_url(scope), {**PARTS, "version": "", "action": "preview"}).status_code == 429

    response = client.post(write_url(scope), {**PARTS, "version": "", "action": "draft"})

    assert response.status_code == 302 and Review.objects.get().summary == "My **summary**"


def test_one_members_count_does_not_limit_another(client, member, other_member, scope, limits):
    limits("markdown_preview", "1/m/user")
    client.force_login(member)
    client.post(write_url(scope), {**PARTS, "version": "", "action": "preview"})
    assert client.post(write_url(scope), {**PARTS, "version": "", "action": "preview"}).status_code == 429

    client.force_login(other_member)
    response = client.post(write_url(scope), {**PARTS, "version": "", "action": "preview"})

    assert response.status_code == 200 and "<strong>summary</strong>" in response.content.decode()


@pytest.fixture
def commenter(member, published_review):
    """A member who has written their own review, so they may read and discuss the published one."""
    ReviewFactory(scope=published_review.scope, author=member)
    return member


def test_commenting_over_the_limit_is_refused_with_the_text_kept(client, commenter, published_review, limits):
    limits("comment_write", "1/m/user")
    client.force_login(commenter)
    url = reverse("reviews:comment_create", args=[published_review.pk])
    client.post(url, {"body": "First comment"})

    response = client.post(url, {"body": "A *second* thought"})

    content = response.content.decode()
    assert response.status_code == 429 and TOO_MANY in content
    assert textarea_text(content, "body") == "A *second* thought"
    assert list(Comment.objects.values_list("body", flat=True)) == ["First comment"]


def test_editing_shares_the_comment_limit_and_keeps_the_text(client, commenter, published_review, limits):
    limits("comment_write", "1/m/user")
    comment = CommentFactory(review=published_review, author=commenter, body="Original words")
    client.force_login(commenter)
    client.post(reverse("reviews:comment_create", args=[published_review.pk]), {"body": "Another comment"})

    response = client.post(
        reverse("reviews:comment_edit", args=[comment.pk]), {"body": "Rewritten words", "version": comment.version}
    )

    content = response.content.decode()
    assert response.status_code == 429 and TOO_MANY in content
    assert textarea_text(content, "body") == "Rewritten words"
    comment.refresh_from_db()
    assert comment.body == "Original words" and not comment.edited_at


def test_comment_preview_over_the_limit_renders_nothing(client, commenter, published_review, limits):
    limits("markdown_preview", "1/m/user")
    client.force_login(commenter)
    url = reverse("reviews:comment_create", args=[published_review.pk])
    client.post(url, {"body": "**Draft** comment", "action": "preview"})

    response = client.post(url, {"body": "**Draft** comment", "action": "preview"})

    content = response.content.decode()
    assert response.status_code == 429 and "<strong>Draft</strong>" not in content
    assert textarea_text(content, "body") == "**Draft** comment"
    assert not Comment.objects.exists()


def test_preview_endpoint_over_the_limit_answers_with_a_short_message(client, member, limits):
    limits("markdown_preview", "2/m/user")
    client.force_login(member)
    url = reverse("reviews:markdown_preview")
    for _ in range(2):
        assert client.post(url, {"text": "**bold**"}).status_code == 200

    response = client.post(url, {"text": "**bold**"})

    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/plain")
    assert "Too many previews" in response.content.decode()
