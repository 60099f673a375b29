"""What happens between a notification and its email: a mail server that fails, a preference changed in
between, a recipient who left, a review taken back."""

from datetime import timedelta
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import scheduled
from notifications.models import Notification
from notifications.services import preferences_save
from notifications.tasks import MAX_MAIL_ATTEMPTS, send_notification_email
from reviews.services import review_unpublish
from tests.notifications.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def commented(scope, ada, alan, comment_on):
    review = publish(scope, ada)
    publish(scope, alan)
    comment_on(review, alan, "Delivery-marker")  # in the test's transaction: the email task has not run
    return Notification.objects.get(recipient=ada)


def test_a_refused_address_is_tried_a_few_times_then_left_on_the_site(commented, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise SMTPRecipientsRefused({"ada@example.com": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    moment = timezone.now()
    for _ in range(MAX_MAIL_ATTEMPTS + 3):
        moment += scheduled.LOST_AFTER + timedelta(minutes=1)
        scheduled.lost_emails(moment)  # the task fails (the worker records it) and is tried again later
    commented.refresh_from_db()
    assert commented.mail_attempts == MAX_MAIL_ATTEMPTS and commented.mail_skipped_at is not None
    assert scheduled.lost_emails(moment + timedelta(days=1)) == 0


def test_a_lost_email_is_not_enqueued_again_before_its_back_off(commented):
    later = timezone.now() + scheduled.LOST_AFTER + timedelta(minutes=1)
    assert scheduled.lost_emails(later) == 1  # sent now (tasks run at once in the tests)
    assert scheduled.lost_emails(later + timedelta(minutes=30)) == 0
    assert len(mail.outbox) == 1


def test_switched_to_daily_before_sending_goes_in_the_daily_email(commented, ada, django_capture_on_commit_callbacks):
    preferences_save(member=ada, deliveries={"comment": "daily"})
    assert send_notification_email.call(notification_id=commented.pk) is False
    preferences_save(member=ada, deliveries={"comment": "now"})  # and back: still in the daily email
    with django_capture_on_commit_callbacks(execute=True):
        scheduled.daily_emails(timezone.now().replace(hour=20))
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    assert "Delivery-marker" in mail.outbox[0].body and "once a day" in mail.outbox[0].body


def test_a_recipient_who_left_is_not_mailed(commented, ada):
    ada.is_active = False
    ada.save()
    assert send_notification_email.call(notification_id=commented.pk) is False
    assert mail.outbox == []


def test_a_review_taken_back_is_no_longer_quoted(client, commented, ada, scope):
    review_unpublish(review=ada.reviews.get())
    commented.refresh_from_db()
    assert "Delivery-marker" not in commented.body + commented.title and commented.mail_skipped_at is not None
    client.force_login(ada)
    assert "Delivery-marker" not in client.get(reverse("notifications:list")).content.decode()


def test_a_mention_in_code_names_no_one(scope, ada, alan, comment_on, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    UserFactory(username="property")
    review = publish(scope, ada)
    publish(scope, alan)
    publish(scope, UserFactory(username="property"))
    with django_capture_on_commit_callbacks(execute=True):
        comment_on(review, alan, "```python\n@property\ndef x(self): ...\n```\nAnd `@property` inline.")
    assert not Notification.objects.filter(recipient__username="property").exists()


def test_the_header_links_the_notifications_page_with_nothing_unread(client, ada):
    client.force_login(ada)
    page = client.get("/").content.decode()
    assert f'href="{reverse("notifications:list")}">Notifications</a>' in page
