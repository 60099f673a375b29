"""A member's private Atom feed and private calendar, at addresses made with their secret feed key:
exactly what the key's member may read, and nothing once the key is renewed or the account deactivated."""

from datetime import timedelta

import feedparser
import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from members.services import feed_key_ensure, feed_key_renew
from reviews.models import ReadingChoice
from reviews.services import comment_create, comment_delete, comment_set_hidden
from tests.factories import CommentFactory, PaperFactory, ReviewFactory, ReviewScopeFactory, UserFactory, WeekFactory
from tests.helpers import queries_for

pytestmark = pytest.mark.django_db

UNLOCKED_MARKER = "Unlocked-review-marker-1a2b"
COMMENT_MARKER = "Visible-comment-marker-3c4d"
HIDDEN_COMMENT_MARKER = "Hidden-comment-marker-5e6f"
DELETED_COMMENT_MARKER = "Deleted-comment-marker-7a8b"
DRAFT_MARKER = "Draft-review-marker-9c0d"
DRAFT_COMMENT_MARKER = "Draft-comment-marker-e1f2"
LOCKED_MARKER = "Locked-review-marker-a3b4"
HIDDEN_WEEK_MARKER = "Hidden-week-review-marker-c5d6"
OWN_MARKER = "Own-review-marker-e7f8"


def feed_url(user) -> str:
    return reverse("member_feed", kwargs={"key": feed_key_ensure(user=user)})


def calendar_url(user) -> str:
    return reverse("member_calendar", kwargs={"key": feed_key_ensure(user=user)})


def read_feed(client, user):
    response = client.get(feed_url(user))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed, response.content.decode()


def read_calendar(client, user) -> icalendar.Calendar:
    response = client.get(calendar_url(user))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL", "SEQUENCE"):
            assert required in event
    return calendar


def new_scope(week, position):
    scope = ReviewScopeFactory(week=week, position=position)
    scope.papers.add(PaperFactory(week=week, position=position))
    return scope


@pytest.fixture
def world(member, other_member, organiser):
    """Week 2 (meeting in three days, so the write-first rule holds): ``member`` has published a review of
    scope 1 and so reads the others' reviews of it; scope 2 is still locked for them."""
    now = timezone.now()
    week = WeekFactory(number=2, meeting_at=now + timedelta(days=3), reviews_due=now + timedelta(days=2))
    unlocked, locked = new_scope(week, 1), new_scope(week, 2)
    author = UserFactory(username="author")
    own = ReviewFactory(scope=unlocked, author=member, summary=OWN_MARKER)
    review = ReviewFactory(scope=unlocked, author=author, summary=UNLOCKED_MARKER)
    ReviewFactory(scope=locked, author=author, summary=LOCKED_MARKER)
    draft = ReviewFactory(scope=locked, author=other_member, summary=DRAFT_MARKER, status="draft", published_at=None)
    # Written while the draft was published, then unpublished with it.
    CommentFactory(review=draft, author=author, body=DRAFT_COMMENT_MARKER)
    comment_create(review=review, author=other_member, body=COMMENT_MARKER)
    comment_create(review=own, author=author, body="Nice review")  # on the member's own review: news to them
    comment_create(review=review, author=member, body="My own comment")  # not news
    comment_set_hidden(
        comment=comment_create(review=review, author=author, body=HIDDEN_COMMENT_MARKER), hidden=True, by=organiser
    )
    parent = comment_create(review=review, author=other_member, body=DELETED_COMMENT_MARKER)
    comment_create(review=review, author=author, body="A reply that keeps the tombstone", parent=parent)
    comment_delete(comment=parent)
    hidden_week = WeekFactory(number=9, published_at=None)
    ReviewFactory(scope=new_scope(hidden_week, 1), author=author, summary=HIDDEN_WEEK_MARKER)
    return {"week": week, "unlocked": unlocked, "locked": locked, "author": author, "review": review}


def test_feed_has_the_reviews_and_comments_the_member_may_read(client, member, world):
    feed, body = read_feed(client, member)
    titles = [entry.title for entry in feed.entries]
    assert "author reviewed Paper 1 of Week 2: Topic of week 2" in titles
    assert "other commented on author's review of Paper 1 of Week 2: Topic of week 2" in titles
    assert "author commented on member's review of Paper 1 of Week 2: Topic of week 2" in titles
    assert UNLOCKED_MARKER in body and COMMENT_MARKER in body
    review = world["review"]
    entry = next(entry for entry in feed.entries if entry.title.startswith("author reviewed"))
    assert entry.link == f"http://testserver{review.get_absolute_url()}" and entry.author == "author"
    comment = review.comments.get(body=COMMENT_MARKER)
    entry = next(entry for entry in feed.entries if COMMENT_MARKER in entry.summary)
    assert entry.link == f"http://testserver{review.get_absolute_url()}?comment={comment.pk}#comment-{comment.pk}"


def test_feed_never_shows_what_the_member_may_not_read(client, member, world):
    _, body = read_feed(client, member)
    assert LOCKED_MARKER not in body  # hidden by the write-first rule
    assert DRAFT_MARKER not in body and DRAFT_COMMENT_MARKER not in body  # another member's draft, and on it
    assert HIDDEN_COMMENT_MARKER not in body  # an organiser hid it
    assert DELETED_COMMENT_MARKER not in body and "deleted" not in body.lower()
    assert HIDDEN_WEEK_MARKER not in body  # a week not published yet
    assert OWN_MARKER not in body and "My own comment" not in body  # their own writing is not news


def test_feed_follows_the_write_first_rule_as_it_changes(client, other_member, world):
    _, body = read_feed(client, other_member)
    assert UNLOCKED_MARKER not in body and LOCKED_MARKER not in body
    ReadingChoice.objects.create(scope=world["locked"], member=other_member)
    _, body = read_feed(client, other_member)
    assert LOCKED_MARKER in body and UNLOCKED_MARKER not in body


def test_organisers_feed_has_every_published_review_but_no_draft_or_hidden_comment(client, organiser, world):
    _, body = read_feed(client, organiser)
    assert UNLOCKED_MARKER in body and LOCKED_MARKER in body and COMMENT_MARKER in body
    assert DRAFT_MARKER not in body and DRAFT_COMMENT_MARKER not in body
    assert HIDDEN_COMMENT_MARKER not in body  # read on the site, where it is marked hidden; never in a feed


def test_an_unverified_accounts_feed_is_empty(client, unverified_user, world):
    feed, _ = read_feed(client, unverified_user)
    assert feed.entries == []


def test_the_key_not_the_session_decides(client, member, other_member, world):
    client.force_login(other_member)
    _, body = read_feed(client, member)
    assert UNLOCKED_MARKER in body  # member's feed, whoever fetches it


def test_a_wrong_or_empty_key_is_404(client, member, world):
    feed_key_ensure(user=member)
    assert client.get(reverse("member_feed", kwargs={"key": "not-a-key"})).status_code == 404
    assert client.get(reverse("member_calendar", kwargs={"key": "not-a-key"})).status_code == 404
    assert client.get("/private//feed.atom").status_code == 404


def test_renewing_the_key_makes_the_old_addresses_404(client, member, world):
    old_feed, old_calendar = feed_url(member), calendar_url(member)
    assert client.get(old_feed).status_code == 200 and client.get(old_calendar).status_code == 200
    new_key = feed_key_renew(user=member)
    assert client.get(old_feed).status_code == 404
    assert client.get(old_calendar).status_code == 404
    assert client.get(reverse("member_feed", kwargs={"key": new_key})).status_code == 200
    assert client.get(reverse("member_calendar", kwargs={"key": new_key})).status_code == 200


def test_a_deactivated_members_key_is_404(client, member, world):
    feed, calendar = feed_url(member), calendar_url(member)
    member.is_active = False
    member.save()
    assert client.get(feed).status_code == 404
    assert client.get(calendar).status_code == 404


def test_feed_refuses_a_post(client, member, world):
    assert client.post(feed_url(member)).status_code == 405
    assert client.post(calendar_url(member)).status_code == 405


def add_activity(world, count):
    """``count`` more readable reviews (in new unlocked scopes) and comments, plus as many that the member
    may not read."""
    week = world["week"]
    for _ in range(count):
        writer = UserFactory()
        scope = new_scope(week, week.review_scopes.count() + 1)
        ReviewFactory(scope=scope, author=writer)
        review = ReviewFactory(scope=world["unlocked"], author=writer)
        CommentFactory(review=review, author=world["author"])
        CommentFactory(review=world["review"], author=writer)


def test_feed_keeps_the_newest_fifty_entries_newest_first(client, member, world):
    add_activity(world, 30)
    feed, _ = read_feed(client, member)
    assert len(feed.entries) == 50
    published = [entry.published_parsed for entry in feed.entries]
    assert published == sorted(published, reverse=True)


def test_feed_and_calendar_cost_the_same_queries_whatever_the_data(client, member, world):
    urls = (feed_url(member), calendar_url(member))
    add_activity(world, 1)
    one = [queries_for(client, url) for url in urls]
    add_activity(world, 10)
    for number in range(20, 30):
        week = WeekFactory(number=number, meeting_at=timezone.now() + timedelta(days=number))
        new_scope(week, 1)
    ten = [queries_for(client, url) for url in urls]
    assert one == ten
    # The owner, their verified address, the reviews, the comments, the scopes' papers; the owner, their
    # address, the weeks, the scopes still to write, their papers.
    assert one == [5, 5]


def test_calendar_has_the_meetings_and_the_reviews_still_to_write(client, member, world):
    week = world["week"]
    drafted = new_scope(week, 3)
    ReviewFactory(scope=drafted, author=member, status="draft", published_at=None)
    chosen = new_scope(week, 4)
    ReadingChoice.objects.create(scope=chosen, member=member)
    WeekFactory(number=8, published_at=None, meeting_at=timezone.now() + timedelta(days=9), title="Hidden-week")
    calendar = read_calendar(client, member)
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    meeting = f"week-{week.pk}-meeting@testserver"
    due = {
        scope: f"week-{week.pk}-scope-{scope.pk}-review-due-member-{member.pk}@testserver"
        for scope in (world["unlocked"], world["locked"], drafted, chosen)
    }
    # Published: no due item; chose to read without writing: none either; locked (not started) and a
    # draft: due. The unpublished week is not there.
    assert set(events) == {meeting, due[world["locked"]], due[drafted]}
    item = events[due[world["locked"]]]
    assert str(item["SUMMARY"]) == "Review due: Paper 2 (Week 2: Topic of week 2)"
    assert item["DTSTART"].dt == week.reviews_due.replace(microsecond=0)
    assert str(item["URL"]) == f"http://testserver{reverse('reviews:review_write', args=[2, 2])}"
    assert events[meeting]["DTSTART"].dt == week.meeting_at.replace(microsecond=0)


def test_calendar_due_items_follow_the_schedule_sequence(client, member, world):
    week = world["week"]
    uid = f"week-{week.pk}-scope-{world['locked'].pk}-review-due-member-{member.pk}@testserver"
    before = {str(e["UID"]): e for e in read_calendar(client, member).walk("VEVENT")}[uid]
    week.refresh_from_db()
    week.reviews_due += timedelta(hours=6)
    week.save()
    after = {str(e["UID"]): e for e in read_calendar(client, member).walk("VEVENT")}[uid]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1


def test_calendar_of_someone_who_writes_no_reviews_has_only_the_meetings(client, unverified_user, world):
    summaries = [str(event["SUMMARY"]) for event in read_calendar(client, unverified_user).walk("VEVENT")]
    assert summaries == ["Meeting: Week 2: Topic of week 2"]
