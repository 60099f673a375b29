"""Notifications that come from the calendar rather than from someone's action: the reminder before
reviews are due, the digest before the meeting, the organisers' summary after reviews are due, the
daily email, and a catch-up for emails a crashed worker never sent. ``manage.py send_due_notifications``
runs them all; each is safe to run twice at once or again after a crash (``notify`` records each
recipient, kind and object once)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from core.roles import members_q, organisers_q
from members.models import display_name
from notifications.models import DailyEmail, Delivery, Notification
from notifications.services import notify
from notifications.tasks import send_daily_email, send_notification_email
from papers.models import MAX_REMINDER_HOURS, PUBLISHED, Paper, ReviewScope, Week
from reviews import selectors as review_selectors
from reviews.models import ReadingChoice, Review

# An email that should have gone out at once and is still unsent after this long was lost (a worker
# that crashed, a queue that was down): it is enqueued again.
LOST_AFTER = timedelta(minutes=10)
# Past this, a missed reminder or digest is no longer worth sending (the moment it announced is gone).
TOO_LATE = timedelta(0)
SUMMARY_WITHIN = timedelta(days=2)
DAILY_EMAIL_HOUR = 18


def _weeks(**moment_filter):
    scopes = ReviewScope.objects.order_by("position").prefetch_related(
        Prefetch("papers", queryset=Paper.objects.order_by("position"))
    )
    return Week.objects.filter(PUBLISHED.q(), **moment_filter).prefetch_related(
        Prefetch("review_scopes", queryset=scopes)
    )


def _members(*, not_yet: tuple[str, str] | None = None):
    """Verified, active members; with ``not_yet=(kind, about)``, those not notified of it already (so a
    run every few minutes costs nothing for those done)."""
    members = get_user_model().objects.filter(members_q()).select_related("profile").order_by("pk")
    if not_yet is not None:
        kind, about = not_yet
        members = members.exclude(pk__in=Notification.objects.filter(kind=kind, about=about).values("recipient"))
    return members


def _written_or_chosen(week) -> set[tuple[int, int]]:
    """(member, scope) pairs of the week that need no reminder: a published review or "show me"."""
    published = Review.objects.filter(scope__week=week, status=Review.Status.PUBLISHED)
    pairs = set(published.values_list("author_id", "scope_id"))
    return pairs | set(ReadingChoice.objects.filter(scope__week=week).values_list("member_id", "scope_id"))


def reminders(now) -> int:
    """To each member, once per week, N hours before reviews are due (the week's own N, or the site's):
    the scopes they have not written."""
    sent = 0
    soon = _weeks(reviews_due__gt=now + TOO_LATE, reviews_due__lte=now + timedelta(hours=MAX_REMINDER_HOURS))
    for week in soon:
        hours = week.reminder_hours or settings.REMINDER_HOURS_BEFORE_DUE
        if week.reviews_due > now + timedelta(hours=hours):
            continue
        scopes = list(week.review_scopes.all())
        done = _written_or_chosen(week)
        for member in _members(not_yet=("reminder", f"week:{week.pk}")):
            missing = [scope for scope in scopes if (member.pk, scope.pk) not in done]
            if not missing:
                continue
            lines = [f"- {scope.label()}" + (f" (focus: {scope.focus})" if scope.focus else "") for scope in missing]
            due = timezone.localtime(week.reviews_due).strftime("%a %-d %b, %H:%M")
            sent += bool(
                notify(
                    recipient=member,
                    kind="reminder",
                    about=f"week:{week.pk}",
                    title=f"Reviews for {week.heading} are due {due}",
                    body="Still to write:\n" + "\n".join(lines),
                    url=week.get_absolute_url(),
                )
            )
    return sent


def digests(now) -> int:
    """A few hours before the meeting: the agenda's most shared items each member may read, or, when no
    one has voted, the week's newest readable reviews."""
    hours = settings.DIGEST_HOURS_BEFORE_MEETING
    sent = 0
    for week in _weeks(meeting_at__gt=now + TOO_LATE, meeting_at__lte=now + timedelta(hours=hours)):
        meeting = timezone.localtime(week.meeting_at).strftime("%a %-d %b, %H:%M")
        for member in _members(not_yet=("digest", f"week:{week.pk}")):
            agenda = review_selectors.week_agenda(week=week, user=member)
            top = sorted((item for item in agenda.items if item.vote_count), key=lambda item: -item.vote_count)[:8]
            if top:
                lines = [
                    f"- {item.get_kind_display()} ({item.vote_count} sharing), {display_name(item.review.author)}: "
                    + " ".join(item.text.split())[:200]
                    for item in top
                ]
                body, url = "On the agenda:\n" + "\n".join(lines), reverse("reviews:week_agenda", args=[week.number])
            else:
                readable = review_selectors.readable_reviews(member).filter(
                    scope__week=week, status=Review.Status.PUBLISHED
                )[:8]
                lines = [f"- {display_name(review.author)}: {review.excerpt}" for review in readable]
                if not lines:
                    continue
                body, url = "New reviews you can read:\n" + "\n".join(lines), week.get_absolute_url()
            sent += bool(
                notify(
                    recipient=member,
                    kind="digest",
                    about=f"week:{week.pk}",
                    title=f"The meeting of {week.heading} is {meeting}",
                    body=body,
                    url=url,
                )
            )
    return sent


def summaries(now) -> int:
    """To each organiser, once reviews are due: per scope, who published (late or not), who chose to read
    without writing, who has not written."""
    sent = 0
    organisers = list(get_user_model().objects.filter(organisers_q()).order_by("pk"))
    for week in _weeks(reviews_due__lte=now, reviews_due__gt=now - SUMMARY_WITHIN):
        members = list(_members())
        published = {
            (review.author_id, review.scope_id): review
            for review in Review.objects.filter(scope__week=week, status=Review.Status.PUBLISHED)
        }
        chose = set(ReadingChoice.objects.filter(scope__week=week).values_list("member_id", "scope_id"))
        blocks = []
        for scope in week.review_scopes.all():
            wrote, late, read, nothing = [], [], [], []
            for member in members:
                review = published.get((member.pk, scope.pk))
                name = display_name(member)
                if review is not None:
                    (late if review.published_at > week.reviews_due else wrote).append(name)
                elif (member.pk, scope.pk) in chose:
                    read.append(name)
                else:
                    nothing.append(name)
            blocks.append(
                f"{scope.label()}: {len(wrote) + len(late)} published"
                + "".join(
                    f"\n  {label}: {', '.join(names)}"
                    for label, names in (
                        ("on time", wrote),
                        ("late", late),
                        ("read without writing", read),
                        ("not written", nothing),
                    )
                    if names
                )
            )
        already = set(
            Notification.objects.filter(kind="summary", about=f"week:{week.pk}").values_list("recipient", flat=True)
        )
        for organiser in (organiser for organiser in organisers if organiser.pk not in already):
            sent += bool(
                notify(
                    recipient=organiser,
                    kind="summary",
                    about=f"week:{week.pk}",
                    title=f"Reviews of {week.heading}: who wrote what",
                    body="\n".join(blocks),
                    url=week.get_absolute_url(),
                )
            )
    return sent


def daily_emails(now) -> int:
    """Once a day, from ``DAILY_EMAIL_HOUR`` on, one email per member with what they chose to get daily."""
    if timezone.localtime(now).hour < DAILY_EMAIL_HOUR:
        return 0
    today = timezone.localdate(now)
    waiting = Notification.objects.filter(
        delivery=Delivery.DAILY, emailed_at__isnull=True, mail_skipped_at__isnull=True
    ).values_list("recipient_id", flat=True)
    enqueued = 0
    for member_id in sorted(set(waiting)):
        try:
            with transaction.atomic():
                DailyEmail.objects.create(member_id=member_id, day=today)
                transaction.on_commit(lambda member_id=member_id: send_daily_email.enqueue(member_id=member_id))
            enqueued += 1
        except IntegrityError:
            continue  # sent today already
    return enqueued


def lost_emails(now) -> int:
    """Emails that should have gone out at once and did not (their task lost): enqueued again; the
    task itself sends each once."""
    lost = (
        Notification.objects.filter(
            delivery=Delivery.NOW,
            emailed_at__isnull=True,
            mail_skipped_at__isnull=True,
            created__lt=now - LOST_AFTER,
        )
        .filter(Q(last_mail_attempt_at__isnull=True) | Q(last_mail_attempt_at__lt=now - LOST_AFTER))
        .values_list("pk", flat=True)
    )
    lost = list(lost)
    # Backed off: each is enqueued at most once per LOST_AFTER, however long the worker stays down.
    Notification.objects.filter(pk__in=lost).update(last_mail_attempt_at=now)
    for notification_id in lost:
        send_notification_email.enqueue(notification_id=notification_id)
    return len(lost)


def run_all(now=None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "reminders": reminders(now),
        "digests": digests(now),
        "summaries": summaries(now),
        "daily emails": daily_emails(now),
        "lost emails sent again": lost_emails(now),
    }
