"""Notifying members: one record per recipient, kind and object, mailed as each member chose."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import versions
from notifications.models import DEFAULT_DELIVERY, Delivery, Kind, Notification, Preference


def deliveries_of(member) -> dict[str, str]:
    """How ``member`` wants each kind delivered (the defaults where they chose nothing)."""
    chosen = dict(Preference.objects.filter(member=member).values_list("kind", "delivery"))
    return {kind.value: chosen.get(kind.value, DEFAULT_DELIVERY[kind]) for kind in Kind}


def delivery_of(member, kind: str) -> str:
    chosen = Preference.objects.filter(member=member, kind=kind).values_list("delivery", flat=True).first()
    return chosen or DEFAULT_DELIVERY[Kind(kind)]


@transaction.atomic
def preferences_save(*, member, deliveries: dict[str, str]) -> None:
    for kind, delivery in deliveries.items():
        Preference.objects.update_or_create(member=member, kind=Kind(kind), defaults={"delivery": Delivery(delivery)})


def notify(*, recipient, kind: str, about: str, title: str, body: str, url: str) -> Notification | None:
    """Records that ``kind`` happened about ``about`` for ``recipient``, once: a second call for the same
    recipient, kind and object (a retry, a second worker) does nothing and returns None. Emailed after
    the transaction commits when the recipient wants it at once. The caller passes only text the
    recipient may read."""
    if not recipient.is_active or not recipient.email:
        return None
    delivery = delivery_of(recipient, kind)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                about=about,
                title=title[:200],
                body=body,
                url=url,
                delivery=delivery,
                mail_skipped_at=timezone.now() if delivery == Delivery.OFF else None,
            )
    except IntegrityError:
        return None
    if delivery == Delivery.NOW:
        from notifications.tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.enqueue(notification_id=notification.pk))
    return notification


@transaction.atomic
def mark_read(*, member, notification_ids=None) -> int:
    unread = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    marked = unread.update(read_at=timezone.now(), updated=timezone.now())
    if marked:
        versions.changed([versions.member(member.pk)])  # the unread count in the header
    return marked


@transaction.atomic
def unsubscribe(*, member, kind: str) -> list[str]:
    """The one-click unsubscribe of an email's footer: that kind (for the daily email, every kind
    delivered daily) is off from now on. Returns the kinds switched off."""
    if kind == "daily":
        kinds = [name for name, delivery in deliveries_of(member).items() if delivery == Delivery.DAILY]
    else:
        kinds = [Kind(kind).value]
    for name in kinds:
        Preference.objects.update_or_create(member=member, kind=name, defaults={"delivery": Delivery.OFF})
    return kinds
