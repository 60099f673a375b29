"""The organisers' progress board: who wrote what per week, and reminding those who have not written."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from desk.selectors import State, week_board, weeks_progress
from desk.services import reminder_about, week_remind
from notifications.models import Notification
from reviews.models import ReadingChoice, Review
from reviews.services import reading_choice_record, review_save, review_unpublish
from tests.factories import PaperFactory, ReviewFactory, ReviewScopeFactory, UserFactory, WeekFactory
from tests.helpers import queries_for

SECRET = "A draft sentence nobody else may read"
PARTS = {"summary": "A summary.", "confusions": "- Why?", "questions": "- What next?"}


@pytest.fixture
def week(db):
    week = WeekFactory(number=3, title="Attention", reviews_due=timezone.now() - timedelta(hours=1))
    for position in (1, 2):
        scope = ReviewScopeFactory(week=week, position=position)
        scope.papers.add(PaperFactory(week=week, position=position))
    return week


def scopes_of(week):
    return list(week.review_scopes.order_by("position"))


@pytest.fixture
def grid(week, organiser):
    """ada published scope 1 on time and scope 2 late; bob has a draft of scope 1 and chose "show me" for
    scope 2; cy unpublished scope 1 after reading; dee did nothing."""
    first, second = scopes_of(week)
    ada, bob, cy, dee = (UserFactory(username=name) for name in ("ada", "bob", "cy", "dee"))
    ReviewFactory(scope=first, author=ada, published_at=week.reviews_due - timedelta(hours=2))
    ReviewFactory(scope=second, author=ada, published_at=week.reviews_due + timedelta(minutes=5))
    ReviewFactory(scope=first, author=bob, status=Review.Status.DRAFT, published_at=None, summary=SECRET)
    reading_choice_record(scope=second, member=bob)
    withdrawn = ReviewFactory(scope=first, author=cy)
    review_unpublish(review=withdrawn)  # ada's published review was there to read
    return {"ada": ada, "bob": bob, "cy": cy, "dee": dee, "organiser": organiser}


def states(board) -> dict[str, list[str]]:
    return {row.member.username: [cell.state for cell in row.cells] for row in board.rows}


def test_the_grid_shows_each_members_state_per_scope(week, grid):
    board = week_board(week=week)

    assert states(board) == {
        "ada": [State.PUBLISHED, State.LATE],
        "bob": [State.DRAFT, State.OPTED_OUT],
        "cy": [State.WITHDRAWN, State.NOTHING],
        "dee": [State.NOTHING, State.NOTHING],
        "organiser": [State.NOTHING, State.NOTHING],
    }
    assert ReadingChoice.objects.get(member=grid["cy"]).how == ReadingChoice.How.UNPUBLISHED_AFTER_READING


def test_totals_per_scope_and_per_member(week, grid):
    board = week_board(week=week)

    first, second = board.totals
    assert first.counts == {State.PUBLISHED: 1, State.DRAFT: 1, State.WITHDRAWN: 1, State.NOTHING: 2}
    assert second.counts == {State.LATE: 1, State.OPTED_OUT: 1, State.NOTHING: 3}
    assert {row.member.username: row.published for row in board.rows}["ada"] == 2
    assert [row.member.username for row in board.not_written] == ["bob", "cy", "dee", "organiser"]


def test_the_board_page_shows_states_as_text_late_times_and_no_draft_text(organiser_client, week, grid):
    response = organiser_client.get(reverse("desk:board", args=[week.number]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page
    for label in ("Published late", "Draft", "Opted out", "Withdrawn after reading", "Nothing"):
        assert label in page
    late = Review.objects.get(author=grid["ada"], scope__position=2).published_at
    assert timezone.localtime(late).strftime("%a %-d %b, %H:%M") in page
    assert SECRET not in page
    assert "Total: published late" in page


def test_the_board_never_loads_draft_text(week, grid):
    with CaptureQueriesContext(connection) as queries:
        week_board(week=week)
    review_query = next(q["sql"] for q in queries.captured_queries if 'FROM "reviews_review"' in q["sql"])
    assert "summary" not in review_query and "confusions" not in review_query


def test_active_filter_keeps_members_who_wrote_recently(week, grid, organiser_client):
    old_week = WeekFactory(number=1)
    old_scope = ReviewScopeFactory(week=old_week, position=1)
    long_ago = timezone.now() - timedelta(weeks=10)
    veteran = UserFactory(username="veteran")
    Review.objects.filter(pk=ReviewFactory(scope=old_scope, author=veteran, published_at=long_ago).pk).update(
        created=long_ago
    )

    board = week_board(week=week, active_only=True)

    assert [row.member.username for row in board.rows] == ["ada", "bob", "cy"]
    page = organiser_client.get(reverse("desk:board", args=[week.number]) + "?members=active").content.decode()
    assert "@veteran" not in page and "@dee" not in page and "@ada" in page
    assert "started or published a review in the last 4 weeks" in page


def test_the_weeks_list_totals_each_week(week, grid, organiser_client):
    [progress] = weeks_progress()

    assert (progress.expected, progress.published, progress.late) == (10, 2, 1)
    assert (progress.drafts, progress.opted_out, progress.withdrawn, progress.nothing) == (1, 1, 1, 5)
    page = organiser_client.get(reverse("desk:weeks")).content.decode()
    assert reverse("desk:board", args=[week.number]) in page


@pytest.mark.parametrize("name", ["desk:weeks", "desk:board"])
def test_members_are_refused_with_a_reason(member_client, week, name):
    args = [week.number] if name == "desk:board" else []

    response = member_client.get(reverse(name, args=args))

    assert response.status_code == 403
    assert "The desk is for organisers." in response.content.decode()


@pytest.mark.parametrize("name", ["desk:weeks", "desk:board"])
def test_visitors_are_sent_to_sign_in(client, week, name):
    args = [week.number] if name == "desk:board" else []

    response = client.get(reverse(name, args=args))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_member_cannot_remind(member_client, week, grid):
    response = member_client.post(reverse("desk:remind", args=[week.number]), {"member": [grid["dee"].pk]})

    assert response.status_code == 403
    assert not Notification.objects.exists()


def test_a_visitor_cannot_remind(client, week, grid):
    response = client.post(reverse("desk:remind", args=[week.number]), {"member": [grid["dee"].pk]})

    assert response.status_code == 302
    assert not Notification.objects.exists()


def _members_for(week, count: int):
    first, second = scopes_of(week)
    for n in range(count):
        author = UserFactory(username=f"m{count}-{n}")
        ReviewFactory(scope=first, author=author)
        ReviewFactory(scope=second, author=author, status=Review.Status.DRAFT, published_at=None)
        reading_choice_record(scope=second, member=author)


@pytest.mark.parametrize("name", ["desk:board", "desk:weeks"])
def test_query_count_does_not_grow_with_members(organiser_client, week, name):
    args = [week.number] if name == "desk:board" else []
    url = reverse(name, args=args)
    _members_for(week, 3)
    few = queries_for(organiser_client, url)
    _members_for(week, 30)
    ReviewScopeFactory(week=WeekFactory(number=9), position=1)  # and a second week
    many = queries_for(organiser_client, url)

    assert few == many


def test_the_board_is_a_fixed_number_of_queries(week, django_assert_num_queries):
    _members_for(week, 5)
    with django_assert_num_queries(5):  # scopes, their papers, members, reviews, reading choices
        week_board(week=week)


def test_remind_reaches_only_those_who_have_not_written_once_a_day(organiser_client, week, grid):
    everyone = [user.pk for user in grid.values()]
    url = reverse("desk:remind", args=[week.number])

    response = organiser_client.post(url, {"member": everyone}, follow=True)

    reminded = set(Notification.objects.filter(kind="reminder").values_list("recipient__username", flat=True))
    assert reminded == {"bob", "cy", "dee", "organiser"}
    assert "Reminded 4 members." in response.content.decode()
    dee = Notification.objects.get(recipient=grid["dee"])
    assert dee.about == reminder_about(week=week, day=timezone.localdate())
    assert dee.body == "Still to write:\n- Paper 1\n- Paper 2"
    assert Notification.objects.get(recipient=grid["cy"]).body == "Still to write:\n- Paper 2"
    assert Notification.objects.get(recipient=grid["bob"]).body == "Still to write:\n- Paper 1"

    again = organiser_client.post(url, {"member": everyone}, follow=True).content.decode()

    assert "Reminded 0 members. 4 had been reminded about this week today already" in again
    assert Notification.objects.count() == 4


def test_remind_only_the_checked_members(organiser_client, week, grid):
    organiser_client.post(reverse("desk:remind", args=[week.number]), {"member": [grid["dee"].pk, grid["ada"].pk]})

    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["dee"]


def test_remind_again_the_next_day(week, grid):
    today = timezone.localdate()
    week_remind(week=week, members=[grid["dee"]], today=today)

    result = week_remind(week=week, members=[grid["dee"]], today=today + timedelta(days=1))

    assert (result.reminded, result.already_today) == (1, 0)
    assert Notification.objects.filter(recipient=grid["dee"]).count() == 2


def test_remind_refuses_a_week_members_cannot_see(organiser_client, grid):
    hidden = WeekFactory(number=8, published_at=None)
    ReviewScopeFactory(week=hidden, position=1)

    response = organiser_client.post(reverse("desk:remind", args=[8]), {"member": [grid["dee"].pk]}, follow=True)

    assert "Members cannot see this week yet" in response.content.decode()
    assert not Notification.objects.exists()


def test_remind_emails_members_who_want_it_at_once(week, grid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        week_remind(week=week, members=[grid["dee"]])

    [message] = mail.outbox
    assert message.to == ["dee@example.com"]
    assert "Paper 1" in message.body


def test_published_review_counts_as_written_after_review_save(week, organiser):
    first, second = scopes_of(week)
    writer = UserFactory(username="writer")
    review_save(scope=first, author=writer, parts=PARTS, version=None, publish=True)

    row = next(row for row in week_board(week=week).rows if row.member == writer)

    assert [cell.state for cell in row.cells] == [State.LATE, State.NOTHING]
