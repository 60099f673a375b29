"""The public Atom feed of published weeks and the public calendar (/calendar.ics)."""

from datetime import date, datetime, timedelta

import feedparser
import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from papers.models import Week
from tests.factories import WeekFactory
from tests.helpers import queries_for

pytestmark = pytest.mark.django_db

FEED_URL = "/weeks/feed.atom"
CALENDAR_URL = "/calendar.ics"


def scheduled_week(number, **fields):
    starts = date(2030, 3, 4) + timedelta(weeks=number)
    zone = timezone.get_current_timezone()
    return WeekFactory(
        number=number,
        reading_starts=starts,
        reviews_due=datetime(starts.year, starts.month, starts.day, 18, 0, tzinfo=zone) + timedelta(days=4),
        meeting_at=datetime(starts.year, starts.month, starts.day, 15, 0, tzinfo=zone) + timedelta(days=5),
        **fields,
    )


def parse_feed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def parse_calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL", "SEQUENCE"):
            assert required in event, f"{required} missing from {event.get('SUMMARY')}"
    return calendar


def events_by_uid(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_urls_are_where_the_links_point():
    assert reverse("papers:weeks_feed") == FEED_URL
    assert reverse("papers:calendar") == CALENDAR_URL


def test_feed_lists_published_weeks_with_heading_link_intro_and_times(client):
    week = scheduled_week(2, title="Convolutional networks", intro="Read **LeNet** first.")
    feed = parse_feed(client.get(FEED_URL))
    assert feed.feed.title.endswith("weeks") and feed.version == "atom10"
    (entry,) = feed.entries
    assert entry.title == "Week 2: Convolutional networks"
    assert entry.link == f"http://testserver{week.get_absolute_url()}"
    assert "<strong>LeNet</strong>" in entry.summary  # the sanitised HTML, as HTML
    assert entry.published_parsed[:5] == week.published_at.utctimetuple()[:5]
    assert entry.updated_parsed[:5] == week.updated.utctimetuple()[:5]


def test_feed_intro_is_the_sanitised_html(client):
    WeekFactory(number=1, intro="Hello <script>alert(1)</script> <img src=x onerror=alert(2)>")
    entry = parse_feed(client.get(FEED_URL)).entries[0]
    # The sanitiser turned the tags into text: a reader shows them, and runs nothing.
    assert "<script" not in entry.summary and "<img" not in entry.summary
    assert "&lt;script&gt;alert(1)" in entry.summary


def test_visitor_sees_no_unpublished_week_in_the_feed_or_the_calendar(client, organiser_client):
    scheduled_week(1, title="Out now")
    scheduled_week(2, title="Hidden-week-draft", published_at=None)
    scheduled_week(3, title="Hidden-week-later", published_at=timezone.now() + timedelta(days=2))
    for reader in (client, organiser_client):  # the public addresses are the visitors' view for everyone
        feed = parse_feed(reader.get(FEED_URL))
        assert [entry.title for entry in feed.entries] == ["Week 1: Out now"]
        response = reader.get(CALENDAR_URL)
        summaries = [str(event["SUMMARY"]) for event in parse_calendar(response).walk("VEVENT")]
        assert summaries and all("Week 1" in summary for summary in summaries)
        assert b"Hidden-week" not in response.content


def test_calendar_has_reading_start_due_time_and_meeting_of_each_published_week(client):
    week = scheduled_week(4, title="Attention")
    response = client.get(CALENDAR_URL)
    events = events_by_uid(parse_calendar(response))
    host = "testserver"
    reading = events[f"week-{week.pk}-reading@{host}"]
    due = events[f"week-{week.pk}-reviews-due@{host}"]
    meeting = events[f"week-{week.pk}-meeting@{host}"]
    assert len(events) == 3
    # All day: a DATE, ending (exclusively) the next day.
    assert reading["DTSTART"].dt == week.reading_starts and reading["DTEND"].dt == week.reading_starts + timedelta(1)
    assert reading["DTSTART"].params.get("VALUE") == "DATE"
    # Timed events in UTC, the same moments as stored.
    assert due["DTSTART"].dt == week.reviews_due and due["DTSTART"].dt.utcoffset() == timedelta(0)
    assert meeting["DTSTART"].dt == week.meeting_at and meeting["DTEND"].dt == week.meeting_at + timedelta(hours=1)
    assert f"DTSTART:{week.meeting_at.astimezone(timezone.UTC):%Y%m%dT%H%M%S}Z".encode() in response.content
    assert str(meeting["SUMMARY"]) == "Meeting: Week 4: Attention"
    assert str(meeting["URL"]) == f"http://testserver{week.get_absolute_url()}"
    assert meeting["DTSTAMP"].dt == week.updated.replace(microsecond=0)
    assert {int(event["SEQUENCE"]) for event in events.values()} == {0}
    assert due["TRANSP"] == "TRANSPARENT" and "TRANSP" not in meeting


def test_a_week_without_dates_gives_no_events(client):
    WeekFactory(number=1)
    assert list(parse_calendar(client.get(CALENDAR_URL)).walk("VEVENT")) == []


def test_moving_the_meeting_bumps_the_sequence_and_keeps_the_uid(client):
    week = scheduled_week(1)
    before = events_by_uid(parse_calendar(client.get(CALENDAR_URL)))
    week = Week.objects.get(pk=week.pk)  # as the admin loads it
    week.meeting_at += timedelta(hours=2)
    week.full_clean()
    week.save()
    after = events_by_uid(parse_calendar(client.get(CALENDAR_URL)))
    assert before.keys() == after.keys()
    meeting = f"week-{week.pk}-meeting@testserver"
    assert int(after[meeting]["SEQUENCE"]) == int(before[meeting]["SEQUENCE"]) + 1 == 1
    assert after[meeting]["DTSTART"].dt == before[meeting]["DTSTART"].dt + timedelta(hours=2)
    assert after[meeting]["DTSTAMP"].dt >= before[meeting]["DTSTAMP"].dt


def test_sequence_grows_only_when_a_time_changes():
    week = scheduled_week(1)
    assert week.schedule_sequence == 0
    week.title = "A new title"
    week.save()
    week.save(update_fields=["title", "updated"])
    assert Week.objects.get(pk=week.pk).schedule_sequence == 0
    loaded = Week.objects.get(pk=week.pk)
    loaded.reviews_due += timedelta(days=1)
    loaded.save(update_fields=["reviews_due"])
    assert Week.objects.get(pk=week.pk).schedule_sequence == 1
    loaded.reading_starts = None  # a date removed is a change too
    loaded.save()
    loaded.save()  # saved again unchanged
    assert Week.objects.get(pk=week.pk).schedule_sequence == 2
    # A week built by hand with its pk (not loaded) is compared with the database.
    by_hand = Week.objects.get(pk=week.pk)
    unloaded = Week(**{f.attname: getattr(by_hand, f.attname) for f in Week._meta.concrete_fields})
    unloaded._state.adding = False
    unloaded.meeting_at = None
    unloaded.save()
    assert Week.objects.get(pk=week.pk).schedule_sequence == 3


def test_a_deferred_time_is_not_taken_for_a_change():
    week = scheduled_week(1)
    loaded = Week.objects.defer("meeting_at").get(pk=week.pk)
    loaded.title = "Renamed"
    loaded.save()
    assert Week.objects.get(pk=week.pk).schedule_sequence == 0


def test_feed_and_calendar_cost_the_same_queries_for_one_and_ten_weeks(client, django_assert_num_queries):
    scheduled_week(1)
    one = {url: queries_for(client, url) for url in (FEED_URL, CALENDAR_URL)}
    for number in range(2, 11):
        scheduled_week(number)
    ten = {url: queries_for(client, url) for url in (FEED_URL, CALENDAR_URL)}
    assert one == ten == {FEED_URL: 1, CALENDAR_URL: 1}
    assert len(parse_feed(client.get(FEED_URL)).entries) == 10
    assert len(list(parse_calendar(client.get(CALENDAR_URL)).walk("VEVENT"))) == 30


def test_feed_and_calendar_refuse_a_post(client):
    assert client.post(FEED_URL).status_code == 405
    assert client.post(CALENDAR_URL).status_code == 405


def test_home_page_links_to_the_calendar_and_the_feed(client):
    page = client.get("/").content.decode()
    assert f'href="{CALENDAR_URL}">Subscribe in your calendar</a>' in page
    assert f'href="{FEED_URL}"' in page.split("<main", 1)[1]
    head = page.split("</head>", 1)[0]
    assert '<link rel="alternate" type="application/atom+xml" title="' in head and f'href="{FEED_URL}"' in head
