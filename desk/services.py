"""What organisers do from the desk: remind members who have not written a week's reviews."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from desk.selectors import week_board
from notifications.models import Kind, Notification
from notifications.services import notify
from papers.models import Week


@dataclass(frozen=True)
class RemindResult:
    reminded: int  # notified now
    already_today: int  # reminded about this week today already (by anyone), not again
    unreachable: int  # no reminder possible: no email address on record


def reminder_about(*, week: Week, day: date) -> str:
    """What a desk reminder is about: the week and the day, so a member gets at most one a day for a
    week however many organisers press the button (``notify`` records each recipient, kind, about once)."""
    return f"week:{week.pk}:asked:{day.isoformat()}"


def _reminder_text(week: Week, missing) -> tuple[str, str]:
    # The same words as the scheduled reminder (notifications/scheduled.py ``reminders``).
    lines = [f"- {scope.label()}" + (f" (focus: {scope.focus})" if scope.focus else "") for scope in missing]
    if week.reviews_due is None:
        title = f"A reminder: reviews for {week.heading}"
    else:
        due = timezone.localtime(week.reviews_due).strftime("%a %-d %b, %H:%M")
        verb = "were due" if week.reviews_due <= timezone.now() else "are due"
        title = f"Reviews for {week.heading} {verb} {due}"
    return title, "Still to write:\n" + "\n".join(lines)


@transaction.atomic
def week_remind(*, week: Week, members, by=None, today: date | None = None) -> RemindResult:
    """Sends the notifications app's reminder (kind "reminder") to those of ``members`` who have not
    written some scope of ``week`` (no published review and no reading choice), listing those scopes.

    Guarantees: only members of the group (``members_q``) are reminded, whatever ``members`` holds; each
    member at most once a day per week (``reminder_about``); the text names only the member's own
    missing scopes. Refuses (``ValidationError``) a week members cannot see yet or one without scopes.
    ``by`` is the organiser asking; the reminder does not name them."""
    if not week.is_published:
        raise ValidationError("Members cannot see this week yet: publish it before reminding anyone.")
    board = week_board(week=week, members=members)
    if not board.scopes:
        raise ValidationError("This week has no review scopes: there is nothing to write yet.")
    about = reminder_about(week=week, day=today or timezone.localdate())
    to_remind = board.not_written
    asked = set(
        Notification.objects.filter(
            kind=Kind.REMINDER, about=about, recipient__in=[row.member.pk for row in to_remind]
        ).values_list("recipient_id", flat=True)
    )
    reminded = unreachable = 0
    for row in to_remind:
        if row.member.pk in asked:
            continue
        title, body = _reminder_text(week, row.missing)
        sent = notify(
            recipient=row.member,
            kind=Kind.REMINDER.value,
            about=about,
            title=title,
            body=body,
            url=week.get_absolute_url(),
        )
        if sent is None:
            unreachable += 1
        else:
            reminded += 1
    return RemindResult(reminded=reminded, already_today=len(asked), unreachable=unreachable)
