"""Moderation with reasons: members report comments, organisers hide them for a reason their author is
told and sees, and every action is in the moderation log."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from reviews.models import CommentReport, ModerationEntry
from reviews.services import comment_report, comment_set_hidden, reports_dismiss
from tests.factories import CommentFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion(published_review, member, author):
    ReviewFactory(scope=published_review.scope, author=member)  # the member reads the others' reviews
    return CommentFactory(review=published_review, author=author, body="Rude-marker remark")


def test_a_member_reports_a_comment_once_and_organisers_see_the_reports(client, discussion, member, organiser):
    client.force_login(member)
    page = client.get(discussion.review.get_absolute_url()).content.decode()
    assert f'href="{reverse("reviews:comment_report", args=[discussion.pk])}">Report</a>' in page
    url = reverse("reviews:comment_report", args=[discussion.pk])
    assert client.post(url, {"note": "no reason"}).status_code == 400
    response = client.post(url, {"reason": "disrespectful", "note": "Personal attack"}, follow=True)
    assert "Thank you: the organisers will look at it." in response.content.decode()
    again = client.post(url, {"reason": "spam"}, follow=True)
    assert "You reported this comment already." in again.content.decode()
    assert CommentReport.objects.get().reason == "disrespectful"
    client.force_login(organiser)
    hide_page = client.get(reverse("reviews:comment_hide", args=[discussion.pk])).content.decode()
    assert "Reported by 1 member" in hide_page and "Personal attack" in hide_page


def test_authors_cannot_report_their_own_and_no_one_reports_what_they_cannot_read(client, discussion, author):
    client.force_login(author)
    assert client.get(reverse("reviews:comment_report", args=[discussion.pk])).status_code == 403
    stranger = UserFactory(username="stranger")  # has not written: the write-first rule hides the review
    client.force_login(stranger)
    assert client.get(reverse("reviews:comment_report", args=[discussion.pk])).status_code in (403, 404)
    assert not CommentReport.objects.exists()


def test_hiding_tells_the_author_why_settles_reports_and_is_logged(
    client, discussion, member, author, organiser, django_capture_on_commit_callbacks
):
    comment_report(comment=discussion, reporter=member, reason="disrespectful")
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:comment_hide", args=[discussion.pk]),
            {"hidden": "1", "reason": "disrespectful", "note": "Please keep it about the paper."},
            follow=True,
        )
    assert "its author is told why" in response.content.decode()
    assert CommentReport.objects.get().resolved_by == organiser
    entry = ModerationEntry.objects.get()
    assert (entry.moderator, entry.action, entry.reason, entry.note) == (
        organiser,
        "hide",
        "disrespectful",
        "Please keep it about the paper.",
    )
    [message] = mail.outbox
    assert message.to == [author.email] and "Disrespectful or personal" in message.body
    assert "Please keep it about the paper." in message.body and "Rude-marker" not in message.body
    client.force_login(author)
    page = client.get(discussion.review.get_absolute_url()).content.decode()
    assert "Hidden: Disrespectful or personal." in page and "Please keep it about the paper." in page
    assert "Rude-marker" not in page  # hidden from its author too: the reason is what they are told
    client.force_login(member)
    page = client.get(discussion.review.get_absolute_url()).content.decode()
    assert "Comment hidden by an organiser." in page and "Please keep it about the paper." not in page
    assert "Rude-marker" not in page


def test_showing_again_and_dismissing_reports_are_logged(discussion, member, organiser):
    report, _ = comment_report(comment=discussion, reporter=member, reason="spam")
    assert reports_dismiss(reports=[report], by=organiser) == 1
    comment_set_hidden(comment=discussion, hidden=True, by=organiser, reason="spam")
    comment_set_hidden(comment=discussion, hidden=False, by=organiser)
    discussion.refresh_from_db()
    assert (discussion.hidden_reason, discussion.hidden_note) == ("", "")
    assert [entry.action for entry in ModerationEntry.objects.order_by("pk")] == ["dismiss", "hide", "show"]
    assert Notification.objects.filter(recipient=discussion.author, kind="moderation").count() == 1
