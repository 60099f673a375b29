"""Notification emails: a plain-text and an HTML part from templates, and in every one a one-click
unsubscribe (RFC 8058) and a link to the preferences page."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from notifications.models import Kind

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# The daily email's unsubscribe: every kind the member has delivered daily.
DAILY = "daily"


def unsubscribe_token(member, kind: str) -> str:
    return signing.dumps({"member": member.pk, "kind": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The member and kind a token was made for, or None for a token not made by this site."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        kind = data["kind"]
        return int(data["member"]), kind if kind == DAILY else Kind(kind).value
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else f"{settings.SITE_URL}{path}"


def build_email(*, member, kind: str, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    """The email ``template`` (``notifications/email/<template>.txt`` and ``.html``) for ``member``, with
    the unsubscribe headers for ``kind``."""
    unsubscribe_url = absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(member, kind)]))
    context = {
        **context,
        "member": member,
        "kind_label": "the daily email" if kind == DAILY else Kind(kind).label.lower(),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": absolute(reverse("notifications:preferences")),
    }
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[member.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string(f"notifications/email/{template}.html", context), "text/html")
    return message


def notification_email(notification) -> EmailMultiAlternatives:
    return build_email(
        member=notification.recipient,
        kind=notification.kind,
        subject=notification.title,
        template="notification",
        context={"notification": notification, "url": absolute(notification.url)},
    )


def daily_email(member, notifications: list) -> EmailMultiAlternatives:
    for notification in notifications:
        notification.absolute_url = absolute(notification.url)
    count = len(notifications)
    return build_email(
        member=member,
        kind=DAILY,
        subject=f"{count} thing{'s' if count != 1 else ''} in the reading group today",
        template="daily",
        context={"notifications": notifications},
    )
