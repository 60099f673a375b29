"""The notification emails, sent by the task worker. Each send locks its notifications and records
them as emailed in the same transaction, so a retry or a second worker never mails them twice."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from notifications.emails import daily_email, notification_email
from notifications.models import Delivery, Notification
from notifications.services import deliveries_of


def _pending():
    return Notification.objects.select_for_update().filter(emailed_at__isnull=True, mail_skipped_at__isnull=True)


@task
def send_notification_email(*, notification_id: int) -> bool:
    """Emails one notification unless it was emailed already or its kind is no longer wanted at once
    (switched to daily: the daily email takes it; switched off: it is only listed on the site)."""
    with transaction.atomic():
        notification = _pending().select_related("recipient").filter(pk=notification_id).first()
        if notification is None:
            return False
        delivery = deliveries_of(notification.recipient)[notification.kind]
        if delivery == Delivery.OFF:
            notification.mail_skipped_at = timezone.now()
            notification.save(update_fields=["mail_skipped_at", "updated"])
            return False
        if delivery == Delivery.DAILY:
            return False
        notification_email(notification).send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "updated"])
    return True


@task
def send_daily_email(*, member_id: int) -> int:
    """One email with the member's notifications of the kinds they want daily, not mailed yet."""
    member = get_user_model().objects.filter(pk=member_id, is_active=True).first()
    if member is None:
        return 0
    daily = [kind for kind, delivery in deliveries_of(member).items() if delivery == Delivery.DAILY]
    with transaction.atomic():
        notifications = list(_pending().filter(recipient=member, kind__in=daily).order_by("created", "pk"))
        if not notifications:
            return 0
        daily_email(member, notifications).send()
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
    return len(notifications)
