"""Per-kind email preferences (at once / daily / off), the daily email, and the one-click unsubscribe
of every notification email, which needs no sign-in."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import scheduled
from notifications.emails import unsubscribe_token
from notifications.models import Notification
from notifications.services import deliveries_of, preferences_save
from tests.notifications.conftest import publish

pytestmark = pytest.mark.django_db


def test_the_preferences_page_saves_a_choice_per_kind(client, ada):
    client.force_login(ada)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "A comment on your review" in page and "Organisers" not in page  # not an organiser
    data = {
        "comment": "daily",
        "reply": "now",
        "mention": "off",
        "reminder": "now",
        "digest": "daily",
        "moderation": "now",
    }
    response = client.post(reverse("notifications:preferences"), data, follow=True)
    assert "Your email preferences are saved." in response.content.decode()
    assert {kind: deliveries_of(ada)[kind] for kind in data} == data
    assert client.post(reverse("notifications:preferences"), {**data, "reply": "hourly"}).status_code == 400


def test_off_lists_on_the_site_without_mail_and_daily_sends_one_email(
    scope, ada, alan, comment_on, django_capture_on_commit_callbacks
):
    review = publish(scope, ada)
    publish(scope, alan)
    preferences_save(member=ada, deliveries={"comment": "daily", "mention": "off"})
    with django_capture_on_commit_callbacks(execute=True):
        comment_on(review, alan, "First-daily-marker")
        comment_on(review, alan, "Second-daily-marker @ada")
    assert mail.outbox == [] and Notification.objects.filter(recipient=ada).count() == 2
    evening = timezone.now().replace(hour=20)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled.daily_emails(evening)
        scheduled.daily_emails(evening)  # once a day
    [message] = mail.outbox
    assert "First-daily-marker" in message.body and "Second-daily-marker" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_unsubscribe_link_asks_then_switches_the_kind_off_without_signing_in(client, ada):
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(ada, "comment")])
    page = client.get(url)
    assert page.status_code == 200 and "a comment on your review" in page.content.decode()
    assert deliveries_of(ada)["comment"] == "now"  # a link scanner opening it changes nothing
    done = client.post(url, follow=True)
    assert "no more emails for a comment on your review" in done.content.decode()
    assert deliveries_of(ada)["comment"] == "off" and deliveries_of(ada)["reply"] == "now"


def test_a_mail_clients_one_click_post_unsubscribes(client, ada):
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(ada, "digest")])
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and deliveries_of(ada)["digest"] == "off"


def test_a_forged_or_foreign_unsubscribe_link_is_refused(client, ada):
    token = unsubscribe_token(ada, "comment")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("notifications:unsubscribe", args=[forged])).status_code == 404
    assert client.post(reverse("notifications:unsubscribe", args=["not-a-token"])).status_code == 404
    ada.is_active = False
    ada.save()
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 404
