"""The one way the site sends email: a task on Django's task framework, enqueued once the transaction
that caused it has committed, so a rolled-back action mails no one and a slow mail server never holds
up a page. The worker (``manage.py db_worker``) sends it."""

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task


@task
def send_email_message(
    *, subject: str, body: str, to: list[str], from_email: str | None = None, html: str = "", headers=None
) -> None:
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def message_parts(message) -> dict:
    """What the task needs to rebuild ``message`` (tasks take JSON arguments)."""
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    if not html and getattr(message, "content_subtype", "plain") == "html":
        html, body = message.body, ""
    else:
        body = message.body
    return {
        "subject": message.subject,
        "body": body,
        "to": list(message.to),
        "from_email": message.from_email,
        "html": html,
        "headers": dict(message.extra_headers),
    }


def send_after_commit(message) -> None:
    """Send ``message`` (an ``EmailMessage``) through the task queue once the current transaction commits."""
    parts = message_parts(message)
    transaction.on_commit(lambda: send_email_message.enqueue(**parts))


def send_text_after_commit(*, subject: str, body: str, to: list[str]) -> None:
    transaction.on_commit(lambda: send_email_message.enqueue(subject=subject, body=body, to=to))
