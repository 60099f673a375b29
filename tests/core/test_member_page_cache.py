"""Members' pages from the cache: a repeat view costs no query and two cache round trips, and every input
the page depends on, changed, shows at once; no page ever reaches another member."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.middleware.csrf import _get_new_csrf_string, _unmask_cipher_token
from django.test import Client, RequestFactory
from django.utils import timezone

from members.services import organiser_grant, profile_update
from reviews.models import ReadingChoice
from tests.factories import CommentFactory, PaperFactory, ReviewFactory, ReviewScopeFactory, WeekFactory

pytestmark = pytest.mark.django_db(transaction=True)  # versions are renewed after commits

OTHERS_REVIEW = "Others-review-marker-5e21"


def signed_in(user) -> Client:
    """A browser that has been here before: signed in, with a CSRF cookie."""
    client = Client()
    client.force_login(user)
    client.cookies["csrftoken"] = _get_new_csrf_string()
    return client


def week_with_review(number, **week_fields):
    week = WeekFactory(number=number, title=f"Week {number} title", **week_fields)
    scope = ReviewScopeFactory(week=week, position=1)
    scope.papers.add(PaperFactory(week=week, position=1))
    review = ReviewFactory(scope=scope, summary=f"{OTHERS_REVIEW} in week {number}")
    return week, scope, review


@pytest.fixture
def week():
    return week_with_review(3)


def served_from_cache(client, url, django_assert_num_queries) -> str:
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_repeat_view_costs_no_query_and_two_cache_round_trips(week, member, monkeypatch, django_assert_num_queries):
    client = signed_in(member)
    first = client.get("/weeks/3/")
    trips, depth = [], [0]

    def counted(name, real):
        def call(*args, **kwargs):
            # A backend's get_many may loop over its own get: one round trip, counted once.
            if not depth[0]:
                trips.append(name)
            depth[0] += 1
            try:
                return real(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for alias in ("default", "pages"):
        cache = caches[alias]
        for method in ("get", "get_many", "set", "add", "set_many", "delete", "has_key"):
            monkeypatch.setattr(cache, method, counted(method, getattr(cache, method)))
    second = served_from_cache(client, "/weeks/3/", django_assert_num_queries)
    assert second == first.content.decode()
    assert trips == ["get", "get_many"]  # the session, then the user, the versions and the page at once
    assert second.count('href="/members/member/"') >= 1 and "Write your review" in second


def test_own_review_shows_at_once(week, member, django_assert_num_queries):
    _, scope, _ = week
    client = signed_in(member)
    assert OTHERS_REVIEW not in client.get("/weeks/3/").content.decode()
    ReviewFactory(scope=scope, author=member)
    assert OTHERS_REVIEW in client.get("/weeks/3/").content.decode()
    served_from_cache(client, "/weeks/3/", django_assert_num_queries)


def test_choosing_to_read_first_shows_at_once(week, member):
    _, scope, _ = week
    client = signed_in(member)
    assert OTHERS_REVIEW not in client.get("/weeks/3/").content.decode()
    ReadingChoice.objects.create(scope=scope, member=member)
    assert OTHERS_REVIEW in client.get("/weeks/3/").content.decode()


def test_a_new_role_shows_at_once(week, member):
    client = signed_in(member)
    assert "Organise" not in client.get("/weeks/3/").content.decode()
    organiser_grant(user=member)
    assert "Organise" in client.get("/weeks/3/").content.decode()


def test_verifying_the_email_shows_at_once(week, unverified_user):
    client = signed_in(unverified_user)
    before = client.get("/weeks/3/").content.decode()
    EmailAddress.objects.filter(user=unverified_user).update(verified=True)  # no signal: not yet seen
    assert client.get("/weeks/3/").content.decode() == before
    address = EmailAddress.objects.get(user=unverified_user)
    address.save()  # as allauth does when the link is followed
    assert client.get("/weeks/3/").content.decode() != before
    assert "Write your review" in client.get("/weeks/3/").content.decode()


def test_the_meeting_passing_shows_at_once(member):
    meeting = timezone.now() + timezone.timedelta(seconds=1.5)
    week_with_review(4, meeting_at=meeting)
    client = signed_in(member)
    assert OTHERS_REVIEW not in client.get("/weeks/4/").content.decode()
    time.sleep(max(0, (meeting - timezone.now()).total_seconds()) + 0.1)
    assert OTHERS_REVIEW in client.get("/weeks/4/").content.decode()


def test_a_deactivated_member_is_signed_out_at_once(week, member):
    client = signed_in(member)
    client.get("/weeks/3/")
    member.is_active = False
    member.save()
    page = client.get("/weeks/3/").content.decode()
    assert 'href="/members/member/"' not in page and "Sign in" in page


def test_a_password_changed_elsewhere_signs_this_browser_out(week, member):
    client = signed_in(member)
    client.get("/weeks/3/")
    member.set_password("a-new-password-9f3")
    member.save()
    assert 'href="/members/member/"' not in client.get("/weeks/3/").content.decode()


def test_each_browser_gets_forms_for_its_own_csrf_secret(week, member):
    browsers = [signed_in(member), signed_in(member)]
    for _ in range(2):  # rendered, then served from the cache
        for browser in browsers:
            page = browser.get("/weeks/3/").content.decode()
            token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
            assert _unmask_cipher_token(token) == browser.cookies["csrftoken"].value


def test_no_page_ever_reaches_another_member(week, member, other_member):
    _, scope, _ = week
    ReviewFactory(scope=scope, author=member)
    mine, theirs = signed_in(member), signed_in(other_member)
    theirs.cookies["csrftoken"] = mine.cookies["csrftoken"].value  # even with the same CSRF cookie
    for _ in range(2):
        my_page, their_page = (client.get("/weeks/3/").content.decode() for client in (mine, theirs))
        assert 'href="/members/member/"' in my_page and OTHERS_REVIEW in my_page
        assert 'href="/members/member/"' not in their_page.split("<main", 1)[0]
        assert 'href="/members/other/"' in their_page and OTHERS_REVIEW not in their_page


def test_a_comment_in_one_week_leaves_another_weeks_pages_cached(member, django_assert_num_queries):
    _, _, review_three = week_with_review(3)
    week_with_review(5)
    client = signed_in(member)
    ReadingChoice.objects.create(scope=review_three.scope, member=member)
    client.get("/weeks/3/"), client.get("/weeks/5/")
    CommentFactory(review=review_three, body="A fresh comment")
    served_from_cache(client, "/weeks/5/", django_assert_num_queries)
    assert "1 comment" in client.get("/weeks/3/").content.decode()


def test_a_new_comment_shows_on_the_review_page_at_once(week, member, django_assert_num_queries):
    _, scope, review = week
    ReviewFactory(scope=scope, author=member)
    client = signed_in(member)
    client.get(f"/reviews/{review.pk}/")
    served_from_cache(client, f"/reviews/{review.pk}/", django_assert_num_queries)
    CommentFactory(review=review, body="Comment-marker-88ab")
    assert "Comment-marker-88ab" in client.get(f"/reviews/{review.pk}/").content.decode()


def test_a_waiting_message_is_shown_not_a_cached_page(week, member):
    client = signed_in(member)
    client.get("/weeks/3/")
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.SUCCESS, "Your review is published.")
    response = client.get("/weeks/3/")
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    assert "Your review is published." in client.get("/weeks/3/").content.decode()


def test_a_display_name_change_shows_on_every_page(week, member):
    _, scope, review = week
    ReviewFactory(scope=scope, author=member)
    client = signed_in(member)
    client.get("/weeks/3/")
    profile_update(user=review.author, display_name="Renamed Reviewer", bio="")
    assert "Renamed Reviewer" in client.get("/weeks/3/").content.decode()


def test_a_curriculum_edit_shows_at_once_though_the_curriculum_is_kept(week, member, django_assert_max_num_queries):
    week_row, scope, review = week
    client = signed_in(member)
    client.get("/weeks/3/")
    CommentFactory(review=review)  # out of date: the page renders again, the curriculum comes from the cache
    with django_assert_max_num_queries(3):
        assert client.get("/weeks/3/").status_code == 200
    paper = scope.papers.get()
    paper.title = "A renamed paper"
    paper.save()
    assert "A renamed paper" in client.get("/weeks/3/").content.decode()
    week_row.published_at = timezone.now() + timezone.timedelta(days=1)
    week_row.save()
    assert client.get("/weeks/3/").status_code == 404
