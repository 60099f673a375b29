"""The notification emails, sent by the task worker. A task claims its notifications in a short
transaction (the database is not held while the mail server answers), sends, then records them sent.
A failed send is tried again by the schedule (``scheduled.lost_emails``) up to ``MAX_MAIL_ATTEMPTS``."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from notifications.emails import daily_email, notification_email
from notifications.models import Delivery, Notification
from notifications.services import deliveries_of

MAX_MAIL_ATTEMPTS = 5


def _pending():
    return Notification.objects.select_for_update().filter(emailed_at__isnull=True, mail_skipped_at__isnull=True)


def _skip(notifications) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        mail_skipped_at=timezone.now(), updated=timezone.now()
    )


@task
def send_notification_email(*, notification_id: int) -> bool:
    """Emails one notification unless it was emailed already, its recipient left, or its kind is no
    longer wanted at once (switched to daily: it is recorded so, and the daily email takes it; switched
    off: it is only listed on the site)."""
    now = timezone.now()
    with transaction.atomic():
        notification = _pending().select_related("recipient").filter(pk=notification_id).first()
        if notification is None:
            return False
        recipient = notification.recipient
        delivery = deliveries_of(recipient)[notification.kind]
        if delivery == Delivery.OFF or not recipient.is_active or not recipient.email:
            _skip([notification])
            return False
        if delivery == Delivery.DAILY:
            notification.delivery = Delivery.DAILY
            notification.save(update_fields=["delivery", "updated"])
            return False
        if notification.mail_attempts >= MAX_MAIL_ATTEMPTS:
            _skip([notification])
            return False
        notification.mail_attempts += 1
        notification.last_mail_attempt_at = now
        notification.save(update_fields=["mail_attempts", "last_mail_attempt_at", "updated"])
        message = notification_email(notification)
    message.send()
    Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True


@task
def send_daily_email(*, member_id: int) -> int:
    """One email with the member's notifications recorded as daily and not mailed yet (kinds switched
    off since are left on the site only)."""
    member = get_user_model().objects.filter(pk=member_id, is_active=True).first()
    if member is None:
        return 0
    off = {kind for kind, delivery in deliveries_of(member).items() if delivery == Delivery.OFF}
    with transaction.atomic():
        waiting = list(_pending().filter(recipient=member, delivery=Delivery.DAILY).order_by("created", "pk"))
        _skip([n for n in waiting if n.kind in off])
        notifications = [n for n in waiting if n.kind not in off]
        if not notifications:
            return 0
        message = daily_email(member, notifications)
        # Claimed as sent before the mail server is asked, so a second worker never sends them again;
        # a failure hands them back.
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
    try:
        message.send()
    except Exception:
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=None)
        raise
    return len(notifications)
