"""The "Your week" box: a member's own state of a week, first on the week page and the home page — per
review scope published, draft, chose to read without writing or not started; the due time; their votes on
the agenda; and the action to write."""

import time

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from reviews.models import ItemVote, ReadingChoice
from reviews.services import item_vote_toggle, review_save
from tests.factories import PaperFactory, ReviewFactory, ReviewScopeFactory, UserFactory, WeekFactory
from tests.helpers import queries_for

pytestmark = pytest.mark.django_db

HOME = "/"


def add_scope(week, position):
    scope = ReviewScopeFactory(week=week, position=position)
    scope.papers.add(PaperFactory(week=week, position=position, title=f"Paper titled {position}"))
    return scope


def publish(scope, author, confusions="- One confusion\n- Another one"):
    parts = {"summary": "A summary.", "confusions": confusions, "questions": "- A question?"}
    return review_save(scope=scope, author=author, parts=parts, version=None, publish=True)


def my_week_box(content: str) -> str:
    """The "Your week" box of a page; empty when the page has none."""
    if 'class="my-week"' not in content:
        return ""
    return content.split('<section class="my-week"', 1)[1].split("</section>", 1)[0]


def write_url(week, position):
    return reverse("reviews:review_write", args=[week.number, position])


@pytest.fixture
def current_week(week):
    """The week of the conftest (Week 2, meeting in three days) as the home page's current week."""
    week.reading_starts = timezone.localdate()
    week.save()
    return week


@pytest.fixture
def four_scopes(current_week, member):
    """Paper 1 published, Paper 2 a draft, Paper 3 read without writing, Paper 4 not started."""
    scopes = [add_scope(current_week, position) for position in range(1, 5)]
    ReviewFactory(scope=scopes[0], author=member)
    ReviewFactory(scope=scopes[1], author=member, status="draft", published_at=None)
    ReadingChoice.objects.create(scope=scopes[2], member=member)
    return scopes


@pytest.mark.parametrize("url", ["week", "home"])
def test_member_sees_the_state_of_each_scope_and_continues_the_first_unwritten(client, member, four_scopes, url):
    week = four_scopes[0].week
    client.force_login(member)
    box = my_week_box(client.get(week.get_absolute_url() if url == "week" else HOME).content.decode())
    states = [part.split("</li>", 1)[0] for part in box.split('<li class="my-scope">')[1:]]
    assert [">Published<" in states[0], ">Draft<" in states[1]] == [True, True]
    assert ">Chose to read without writing<" in states[2] and ">Not started<" in states[3]
    assert [f"Paper {n}" in state for n, state in enumerate(states, 1)] == [True] * 4
    assert f'<a class="button" href="{write_url(week, 2)}">Continue your draft</a>' in box
    assert "Write your review" not in box


def test_member_who_has_not_started_is_asked_to_write_the_first_scope(client, member, current_week):
    add_scope(current_week, 1)
    add_scope(current_week, 2)
    client.force_login(member)
    for url in (current_week.get_absolute_url(), HOME):
        box = my_week_box(client.get(url).content.decode())
        assert f'<a class="button" href="{write_url(current_week, 1)}">Write your review</a>' in box
        assert box.count(">Not started<") == 2


def test_member_who_has_written_everything_gets_no_write_action(client, member, current_week):
    ReviewFactory(scope=add_scope(current_week, 1), author=member)
    ReadingChoice.objects.create(scope=add_scope(current_week, 2), member=member)
    client.force_login(member)
    box = my_week_box(client.get(HOME).content.decode())
    assert ">Published<" in box and ">Chose to read without writing<" in box
    assert 'class="button"' not in box


def test_the_box_comes_first_on_the_week_page_and_the_home_page(client, member, four_scopes):
    week = four_scopes[0].week
    client.force_login(member)
    content = client.get(week.get_absolute_url()).content.decode()
    assert content.index("<h1>") < content.index('class="my-week"') < content.index("An intro with")
    assert content.index('class="my-week"') < content.index('id="papers-heading"')
    home = client.get(HOME).content.decode()
    assert home.index("<h1>") < home.index('class="my-week"') < home.index('class="current-week"')
    assert f'Your week: <a href="{week.get_absolute_url()}">Week 2: ' in home


def test_week_page_says_when_the_member_chose_to_read_without_writing(client, member, four_scopes):
    client.force_login(member)
    content = client.get(four_scopes[0].week.get_absolute_url()).content.decode()
    panel = content.split('id="scope-3"', 1)[1].split("</li>", 1)[0]
    assert "You chose to read without writing; you can still write yours." in panel


@pytest.mark.parametrize("url", ["week", "home"])
def test_due_time_is_shown_as_a_date_and_late_after_it(client, member, current_week, url):
    add_scope(current_week, 1)
    page = current_week.get_absolute_url() if url == "week" else HOME
    client.force_login(member)
    due = timezone.now() + timezone.timedelta(days=2)
    current_week.reviews_due = due
    current_week.save()
    box = my_week_box(client.get(page).content.decode())
    label = date_format(timezone.localtime(due), "D j M, H:i")
    assert f">{label}</time>" in box and "Late" not in box
    current_week.reviews_due = timezone.now() - timezone.timedelta(hours=1)
    current_week.save()
    assert ">Late<" in my_week_box(client.get(page).content.decode())


def test_no_late_once_everything_is_written(client, member, current_week):
    ReviewFactory(scope=add_scope(current_week, 1), author=member)
    current_week.reviews_due = timezone.now() - timezone.timedelta(hours=1)
    current_week.save()
    client.force_login(member)
    box = my_week_box(client.get(HOME).content.decode())
    assert "Reviews due" in box and "Late" not in box


@pytest.mark.parametrize("url", ["week", "home"])
def test_votes_on_this_weeks_agenda_are_counted_and_link_to_it(client, member, current_week, url):
    first, second = add_scope(current_week, 1), add_scope(current_week, 2)
    ReviewFactory(scope=first, author=member)
    ReadingChoice.objects.create(scope=second, member=member)
    other_week = WeekFactory(number=7)
    elsewhere = add_scope(other_week, 1)
    ReadingChoice.objects.create(scope=elsewhere, member=member)
    items = [*publish(first, UserFactory()).items.all(), *publish(second, UserFactory()).items.all()]
    retired = publish(first, UserFactory()).items.first()
    for item in [*items[:3], retired, publish(elsewhere, UserFactory()).items.first()]:
        ItemVote.objects.create(item=item, member=member)
    ItemVote.objects.create(item=items[3], member=UserFactory())  # someone else's
    retired.retired_at = timezone.now()
    retired.save()
    client.force_login(member)
    box = my_week_box(client.get(current_week.get_absolute_url() if url == "week" else HOME).content.decode())
    agenda = reverse("reviews:week_agenda", args=[current_week.number])
    assert f'You marked <a href="{agenda}">3 items on the agenda</a>.' in box


def test_the_home_page_greets_a_signed_in_member_by_name_not_with_the_visitors_tagline(client, member, current_week):
    add_scope(current_week, 1)
    client.force_login(member)
    home = client.get(HOME).content.decode()
    assert "<h1>Welcome back, member</h1>" in home
    assert "Read a paper a week, together" not in home
    assert "Read a paper a week, together" in Client().get(HOME).content.decode()


def test_no_votes_yet_reads_zero(client, member, current_week):
    add_scope(current_week, 1)
    client.force_login(member)
    assert ">0 items on the agenda</a>" in my_week_box(client.get(HOME).content.decode())


@pytest.mark.parametrize("who", ["visitor", "unverified"])
def test_visitors_and_unverified_members_see_no_box(client, unverified_user, four_scopes, who):
    if who == "unverified":
        client.force_login(unverified_user)
    for url in (four_scopes[0].week.get_absolute_url(), HOME):
        content = client.get(url).content.decode()
        assert "my-week" not in content and "Your week" not in content


def test_week_without_review_scopes_shows_no_box(client, member, current_week):
    client.force_login(member)
    assert "Your week" not in client.get(HOME).content.decode()
    assert "Your week" not in client.get(current_week.get_absolute_url()).content.decode()


def member_state_in_scopes(week, member, positions):
    """Scopes of ``week`` at ``positions``, each with the member's review or choice and votes on two items."""
    for position in positions:
        scope = add_scope(week, position)
        if position % 2:
            ReviewFactory(scope=scope, author=member, status="draft", published_at=None)
            ReadingChoice.objects.create(scope=scope, member=member)
        else:
            ReviewFactory(scope=scope, author=member)
        for item in list(publish(scope, UserFactory()).items.all())[:2]:
            ItemVote.objects.create(item=item, member=member)


@pytest.mark.parametrize("url", ["week", "home"])
def test_queries_do_not_grow_with_the_members_state(client, member, current_week, url):
    page = current_week.get_absolute_url() if url == "week" else HOME
    member_state_in_scopes(current_week, member, [1])
    client.force_login(member)
    client.get(page)  # warm-up: content types and permission caches
    once = queries_for(client, page)
    member_state_in_scopes(current_week, member, range(2, 11))
    # Not a kept copy: this test's transaction never commits, so nothing renews the page cache.
    assert ">20 items on the agenda</a>" in my_week_box(rendered(client, page))
    assert queries_for(client, page) == once


def test_home_page_box_reads_the_scopes_with_the_members_state_and_their_papers(client, member, current_week):
    client.force_login(member)
    client.get(HOME)
    no_scopes = queries_for(client, HOME)  # one query finds no review scopes: no box
    member_state_in_scopes(current_week, member, [1, 2])
    assert "Your week" in rendered(client, HOME)
    assert queries_for(client, HOME) == no_scopes + 1  # and one more for their papers


def rendered(client, url) -> str:
    caches["pages"].clear()
    return client.get(url).content.decode()


def signed_in(user) -> Client:
    """A browser that has been here before (session and CSRF cookie), so its pages are kept for it."""
    from django.middleware.csrf import _get_new_csrf_string

    client = Client()
    client.force_login(user)
    client.cookies["csrftoken"] = _get_new_csrf_string()
    return client


@pytest.mark.django_db(transaction=True)  # cached pages are renewed after commits
def test_a_vote_shows_on_the_members_kept_home_page_at_once(member, current_week):
    scope = add_scope(current_week, 1)
    ReviewFactory(scope=scope, author=member)
    item = publish(scope, UserFactory()).items.first()
    client = signed_in(member)
    assert ">0 items on the agenda</a>" in client.get(HOME).content.decode()
    item_vote_toggle(item=item, member=member)
    assert ">1 item on the agenda</a>" in client.get(HOME).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_due_time_passing_shows_late_on_the_kept_home_page(member, current_week):
    add_scope(current_week, 1)
    due = timezone.now() + timezone.timedelta(seconds=1.5)
    current_week.reviews_due = due
    current_week.save()
    client = signed_in(member)
    assert "Late" not in my_week_box(client.get(HOME).content.decode())
    assert "Late" not in my_week_box(client.get(HOME).content.decode())  # kept
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.1)
    assert ">Late<" in my_week_box(client.get(HOME).content.decode())
