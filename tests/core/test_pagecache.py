import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.pagecache import cache_page
from members.models import Invitation
from papers.models import Paper
from papers.services import journey_import
from tests.factories import PaperFactory, ReviewFactory, ReviewScopeFactory, WeekFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the cache is invalidated after commits


@pytest.fixture
def week():
    week = WeekFactory(number=4, title="Recurrent networks")
    scope = ReviewScopeFactory(week=week, position=1)
    scope.papers.add(PaperFactory(week=week, position=1, title="LSTM: A Search Space Odyssey"))
    return week


def test_a_visitor_gets_the_second_view_from_the_cache(client, week, django_assert_num_queries):
    first = client.get("/weeks/4/")
    with django_assert_num_queries(0):
        second = client.get("/weeks/4/")
    assert second.content == first.content and "LSTM: A Search Space Odyssey" in second.content.decode()
    assert "Cookie" in second["Vary"] and "Content-Security-Policy" in second


def test_any_change_shows_at_once(client, week):
    client.get("/weeks/4/")
    paper = Paper.objects.get()
    paper.title = "LSTM, revisited"
    paper.save()
    assert "LSTM, revisited" in client.get("/weeks/4/").content.decode()
    ReviewFactory(scope=week.review_scopes.get())
    assert "1 member has published a review of this." in client.get("/weeks/4/").content.decode()


def test_changes_through_the_importer_and_deletions_show_at_once(client, week):
    client.get("/")
    journey_import(source="### Week 5: Attention\n\n#### Paper 1: Attention Is All You Need\n", publish=True)
    assert "Week 5: Attention" in client.get("/").content.decode()
    week.delete()
    assert "Recurrent networks" not in client.get("/").content.decode()


def test_signed_in_members_always_get_their_own_page(client, week, member):
    client.get("/weeks/4/")
    client.force_login(member)
    content = client.get("/weeks/4/").content.decode()
    assert "Write your review" in content and 'href="/members/member/"' in content


def test_pages_with_messages_are_neither_served_from_nor_stored_in_the_cache(client, week):
    client.get("/weeks/4/")
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "You have signed out.")
    response = client.get("/")  # any response object to carry the cookie
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    assert "You have signed out." in client.get("/weeks/4/").content.decode()
    del client.cookies["messages"]
    assert "You have signed out." not in client.get("/weeks/4/").content.decode()


def test_unpublishing_hides_the_week_from_visitors_at_once(client, week):
    assert client.get("/weeks/4/").status_code == 200
    week.published_at = None
    week.save()
    assert client.get("/weeks/4/").status_code == 404


def test_query_strings_are_neither_cached_nor_served_from_the_cache(client, week, django_assert_num_queries):
    from django.core.cache import caches

    for n in range(5):
        client.get(f"/weeks/4/?x={n}")
    assert not [key for key in caches["pages"]._cache if "page" in key]
    client.get("/weeks/4/")
    with django_assert_num_queries(0):
        client.get("/weeks/4/")
    with CaptureQueriesContext(connection) as rendered:
        client.get("/weeks/4/?x=1")
    assert len(rendered) > 0  # rendered afresh, not served from the cache


def test_a_lost_version_never_revives_old_pages(client, week):
    from django.core.cache import caches

    from core.pagecache import VERSION_KEY

    client.get("/weeks/4/")
    week.published_at = None
    week.save()
    caches["pages"].delete(VERSION_KEY)  # evicted
    Paper.objects.update(title="x")  # any later change
    assert client.get("/weeks/4/").status_code == 404


def test_a_response_that_sets_a_cookie_is_never_stored():
    calls = []

    @cache_page
    def view_setting_a_cookie(request):
        calls.append(request)
        response = HttpResponse(f"rendered {len(calls)}")
        response.set_cookie("tracking", str(len(calls)))
        return response

    first = view_setting_a_cookie(RequestFactory().get("/weeks/9/"))
    second = view_setting_a_cookie(RequestFactory().get("/weeks/9/"))
    assert len(calls) == 2
    assert (first.content, second.content) == (b"rendered 1", b"rendered 2")
    assert second.cookies["tracking"].value == "2"


def test_an_invitation_leaves_cached_pages_alone(client, week, django_assert_num_queries):
    """Invitations show on no page, so sending one does not make every visitor's page render again."""
    client.get("/weeks/4/")
    Invitation.objects.create(email="new@example.com", token="a-token", invited_by=None)
    with django_assert_num_queries(0):
        client.get("/weeks/4/")
