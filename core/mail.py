"""The one way the site sends email: a task on Django's task framework, enqueued once the transaction
that caused it has committed, so a rolled-back action mails no one and a slow mail server never holds
up a page. The worker (``manage.py db_worker``) sends it."""

from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone

# A mail server that refuses or fails is asked again after these delays (then the task fails for good and
# the failure is logged by the worker).
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))


@task
def send_email_message(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str = "",
    headers=None,
    attempt: int = 0,
) -> None:
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        if attempt < len(RETRY_AFTER) and default_task_backend.supports_defer:
            later = send_email_message.using(run_after=timezone.now() + RETRY_AFTER[attempt])
            later.enqueue(
                subject=subject,
                body=body,
                to=to,
                from_email=from_email,
                html=html,
                headers=headers,
                attempt=attempt + 1,
            )
        raise


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
