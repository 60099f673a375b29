"""Comments, replies and mentions as notifications: listed on the site, emailed with a plain-text and an
HTML part and a one-click unsubscribe, and never carrying text the recipient may not read."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from notifications.tasks import send_notification_email
from reviews.services import comment_delete, comment_set_hidden
from tests.factories import UserFactory
from tests.notifications.conftest import publish

pytestmark = pytest.mark.django_db


def test_a_comment_on_my_review_is_emailed_with_both_parts_and_unsubscribe_headers(
    scope, ada, alan, comment_on, django_capture_on_commit_callbacks
):
    review = publish(scope, ada)
    publish(scope, alan)
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_on(review, alan, "I *like* Section 2.")
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject.startswith("[") and "alan commented on your review" in message.subject
    assert "I like Section 2." in message.body and comment.get_absolute_url() in message.body
    html = dict((mimetype, content) for content, mimetype in message.alternatives)["text/html"]
    assert "I like Section 2." in html and "Unsubscribe" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://testserver/notifications/unsubscribe/")
    notification = Notification.objects.get(recipient=ada)
    assert notification.emailed_at is not None and notification.kind == "comment"


def test_a_reply_goes_to_the_parent_author_once_and_never_to_oneself(
    scope, ada, alan, comment_on, django_capture_on_commit_callbacks
):
    review = publish(scope, ada)
    publish(scope, alan)
    with django_capture_on_commit_callbacks(execute=True):
        parent = comment_on(review, ada, "My own note on my review.")
    assert mail.outbox == []  # no notification for one's own comment
    with django_capture_on_commit_callbacks(execute=True):
        comment_on(review, alan, "A reply to you, @ada.", parent=parent)
    assert [(m.to, "replied to your comment" in m.subject) for m in mail.outbox] == [(["ada@example.com"], True)]


def test_a_mention_reaches_a_member_who_may_read_it_and_no_one_else(
    scope, ada, alan, comment_on, django_capture_on_commit_callbacks
):
    grace = UserFactory(username="grace")  # has not written: the write-first rule hides the review
    review = publish(scope, ada)
    publish(scope, alan)
    with django_capture_on_commit_callbacks(execute=True):
        comment_on(review, ada, "What do @alan and @Grace think? Mail me at ada@grace.org")
    assert [m.to for m in mail.outbox] == [["alan@example.com"]]
    assert not Notification.objects.filter(recipient=grace).exists()


def test_a_mention_in_a_review_notifies_readers_only(scope, ada, alan, django_capture_on_commit_callbacks):
    publish(scope, alan)
    grace = UserFactory(username="grace")
    with django_capture_on_commit_callbacks(execute=True):
        publish(scope, ada, summary="As @alan and @grace said, Secret-summary-marker.")
    assert [m.to for m in mail.outbox] == [["alan@example.com"]]
    assert "Secret-summary-marker" in mail.outbox[0].body
    assert not Notification.objects.filter(recipient=grace).exists()


def test_no_notification_from_a_hidden_comment_or_for_an_inactive_member(
    scope, ada, alan, comment_on, organiser, django_capture_on_commit_callbacks
):
    review = publish(scope, ada)
    publish(scope, alan)
    ada.is_active = False
    ada.save()
    with django_capture_on_commit_callbacks(execute=True):
        comment_on(review, alan, "Into the void")
    assert mail.outbox == [] and not Notification.objects.exists()


def test_the_notifications_page_lists_marks_read_and_the_header_counts(
    client, scope, ada, alan, comment_on, django_capture_on_commit_callbacks
):
    review = publish(scope, ada)
    publish(scope, alan)
    comment = comment_on(review, alan, "First-comment-marker")
    comment_on(review, alan, "Second-comment-marker")
    client.force_login(ada)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "First-comment-marker" in page and "Second-comment-marker" in page
    assert '<span class="count-badge">2<span class="visually-hidden"> unread</span>' in page
    opened = client.post(
        reverse("notifications:open", args=[Notification.objects.filter(about=f"comment:{comment.pk}").get().pk])
    )
    assert opened["Location"] == comment.get_absolute_url()
    client.post(reverse("notifications:read"))
    assert Notification.objects.filter(recipient=ada, read_at__isnull=True).count() == 0
    assert "count-badge" not in client.get(reverse("notifications:list")).content.decode()
    client.force_login(alan)
    other = Notification.objects.filter(recipient=ada).first()
    assert client.post(reverse("notifications:open", args=[other.pk])).status_code == 404


def test_a_comment_hidden_or_deleted_before_its_email_is_no_longer_quoted_or_mailed(
    client, scope, ada, alan, comment_on, organiser
):
    review = publish(scope, ada)
    publish(scope, alan)
    hidden = comment_on(review, alan, "Rude-marker")  # in the test's transaction: its email has not gone yet
    deleted = comment_on(review, alan, "Regretted-marker")
    comment_set_hidden(comment=hidden, hidden=True, by=organiser)
    comment_delete(comment=deleted)
    client.force_login(ada)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Rude-marker" not in page and "Regretted-marker" not in page
    assert page.count("A comment that was hidden or deleted") == 2
    for notification in Notification.objects.filter(recipient=ada):
        assert send_notification_email.call(notification_id=notification.pk) is False
    assert mail.outbox == []
