"""The curriculum as an iCalendar subscription (``/calendar.ics``), built with ``icalendar``.

Every published week gives up to three events: reading starts (all day), reviews due and the meeting.
Calendar apps that subscribe poll the address and match events by ``UID``; an event whose ``SEQUENCE``
grew replaces the copy they have, so a moved meeting moves instead of showing twice.

- UIDs are ``week-<pk>-<what>@<host>``: the week's primary key (its number can be changed in the admin,
  its pk never), and the host of ``SITE_URL`` rather than of the request, so the same event has the same
  UID however the calendar was fetched.
- Times are written in UTC (``…Z``). Every calendar app reads UTC times and shows them in the
  subscriber's own zone; a ``TZID`` needs a ``VTIMEZONE`` block each app interprets its own way (Outlook
  maps it to Windows zone names, some apps ignore it), and buys nothing here: the events are single
  moments, not recurring ones that would have to follow daylight-saving changes in one place.
- ``DTSTAMP`` and ``LAST-MODIFIED`` are the week's last save, so an unchanged week gives the same bytes.
- ``SEQUENCE`` is ``Week.schedule_sequence``, bumped whenever one of its times changes (``Week.save``).

``reviews/calendar.py`` builds a member's private calendar from the same pieces.
"""

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from icalendar import Calendar, Event, vDuration

from papers.models import Week
from papers.rules import visible_weeks

# The site stores no meeting length: an hour gives the event a visible block in day views.
MEETING_LENGTH = timedelta(hours=1)
# How often subscribers are asked to look again (REFRESH-INTERVAL, and Outlook's X-PUBLISHED-TTL).
REFRESH_INTERVAL = timedelta(hours=6)


def uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def week_uid(week: Week, what: str) -> str:
    """``week-12-meeting@reading.example.org``"""
    return f"week-{week.pk}-{what}@{uid_host()}"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def event(*, week: Week, uid: str, summary: str, start, url: str, end=None, transparent=False) -> Event:
    """One event of ``week``: its UID, SEQUENCE, DTSTAMP and LAST-MODIFIED follow the rules in the module's
    text. ``start`` is a date (an all-day event) or an aware datetime (written in UTC)."""
    if isinstance(start, datetime):
        start, end = _utc(start), _utc(end) if end is not None else None
    stamp = _utc(week.updated)
    built = Event.new(
        uid=uid,
        stamp=stamp,
        last_modified=stamp,
        sequence=week.schedule_sequence,
        summary=summary,
        start=start,
        end=end,
        url=url,
    )
    if transparent:  # a deadline or a reading period does not make anyone busy
        built.add("TRANSP", "TRANSPARENT")
    return built


def meeting_event(week: Week, *, absolute) -> Event | None:
    """The week's meeting, or None before its time is set. ``absolute`` turns a path into a full URL."""
    if week.meeting_at is None:
        return None
    return event(
        week=week,
        uid=week_uid(week, "meeting"),
        summary=f"Meeting: {week.heading}",
        start=week.meeting_at,
        end=week.meeting_at + MEETING_LENGTH,
        url=absolute(week.get_absolute_url()),
    )


def week_events(week: Week, *, absolute) -> list[Event]:
    """Reading starts, reviews due and the meeting of ``week``, those of them that have a date."""
    url = absolute(week.get_absolute_url())
    events = []
    if week.reading_starts is not None:
        events.append(
            event(
                week=week,
                uid=week_uid(week, "reading"),
                summary=f"Reading starts: {week.heading}",
                start=week.reading_starts,
                end=week.reading_starts + timedelta(days=1),
                url=url,
                transparent=True,
            )
        )
    if week.reviews_due is not None:
        events.append(
            event(
                week=week,
                uid=week_uid(week, "reviews-due"),
                summary=f"Reviews due: {week.heading}",
                start=week.reviews_due,
                url=url,
                transparent=True,
            )
        )
    meeting = meeting_event(week, absolute=absolute)
    if meeting is not None:
        events.append(meeting)
    return events


def calendar(*, name: str, uid: str, events: list[Event]) -> Calendar:
    """A calendar of ``events``; ``uid`` names the calendar itself (the same on every fetch)."""
    prodid = f"-//{settings.SITE_NAME}//Reading group calendar//EN"
    built = Calendar.new(
        prodid=prodid,
        name=name,
        uid=uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/{uid}"),
        refresh_interval=REFRESH_INTERVAL,
        subcomponents=events,
    )
    built["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # RFC 7986 requires the parameter
    built.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    return built


def published_weeks():
    """The weeks a visitor sees (``papers.rules``), with what the calendars show: one query."""
    return visible_weeks(AnonymousUser()).order_by("number")


def site_calendar(*, absolute) -> Calendar:
    """Every published week's events."""
    events = [item for week in published_weeks() for item in week_events(week, absolute=absolute)]
    return calendar(name=settings.SITE_NAME, uid="calendar", events=events)


def ics_response(built: Calendar, *, filename: str) -> HttpResponse:
    response = HttpResponse(built.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
