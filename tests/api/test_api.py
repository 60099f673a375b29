"""The read-only JSON API of the curriculum (api/): published weeks only, paginated, described by OpenAPI,
with ETag / Last-Modified and 304 answers."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from api.views import MAX_LIMIT
from papers.models import Resource
from tests.factories import PaperFactory, ResourceFactory, ReviewFactory, ReviewScopeFactory, WeekFactory

HIDDEN = "Hidden-week-title-5d1e"
SCHEDULED = "Scheduled-week-title-8c2a"
HIDDEN_PAPER = "Hidden-paper-title-33f0"
HIDDEN_RESOURCE = "Hidden-resource-title-77ab"
REVIEW_MARKER = "Review-summary-marker-4e1d"

pytestmark = pytest.mark.django_db


def _curriculum():
    """Week 1 published (2 papers, a scope over both, a week and a paper resource), Week 2 a draft and
    Week 3 scheduled, each with a paper and a resource."""
    week = WeekFactory(number=1, title="Backprop", intro="Intro with **bold** <!-- organisers only -->")
    first = PaperFactory(week=week, position=1, title="Learning representations")
    second = PaperFactory(week=week, position=2, title="Gradient-based learning")
    scope = ReviewScopeFactory(week=week, position=1, focus="Section 2 of Paper 2")
    scope.papers.set([first, second])
    ResourceFactory(week=week, title="A lecture", kind=Resource.Kind.VIDEO)
    ResourceFactory(week=week, paper=second, title="Its code", kind=Resource.Kind.CODE, url="https://example.org/c")
    ReviewFactory(scope=scope, summary=REVIEW_MARKER)
    hidden = WeekFactory(number=2, title=HIDDEN, published_at=None)
    scheduled = WeekFactory(number=3, title=SCHEDULED, published_at=timezone.now() + timezone.timedelta(days=2))
    for other in (hidden, scheduled):
        paper = PaperFactory(week=other, position=1, title=HIDDEN_PAPER)
        ResourceFactory(week=other, paper=paper, title=HIDDEN_RESOURCE)
        ReviewScopeFactory(week=other, position=1).papers.set([paper])
    return week


def _urls(week_number):
    return [
        reverse("api:api-root"),
        reverse("api:week_list"),
        reverse("api:week_detail", kwargs={"number": week_number}),
        reverse("api:week_resources", kwargs={"number": week_number}),
        reverse("api:paper_list"),
        reverse("api:paper_detail", kwargs={"number": week_number, "position": 1}),
        reverse("api:openapi-json"),
    ]


@pytest.mark.parametrize("signed_in", [False, True])
def test_only_published_weeks_appear_anywhere_even_for_an_organiser(client, organiser, signed_in):
    _curriculum()
    if signed_in:
        client.force_login(organiser)
    for url in _urls(1):
        body = client.get(url).content.decode()
        for secret in (HIDDEN, SCHEDULED, HIDDEN_PAPER, HIDDEN_RESOURCE, REVIEW_MARKER):
            assert secret not in body, (url, secret)
    weeks = client.get(reverse("api:week_list")).json()
    assert [week["number"] for week in weeks["items"]] == [1]
    assert weeks["count"] == 1
    papers = client.get(reverse("api:paper_list")).json()
    assert {paper["week"] for paper in papers["items"]} == {1}


@pytest.mark.parametrize("number", [2, 3, 99])
@pytest.mark.parametrize("signed_in", [False, True])
def test_unpublished_scheduled_and_missing_weeks_are_404_json(client, organiser, number, signed_in):
    _curriculum()
    if signed_in:
        client.force_login(organiser)
    for url in (
        reverse("api:week_detail", kwargs={"number": number}),
        reverse("api:week_resources", kwargs={"number": number}),
        reverse("api:paper_detail", kwargs={"number": number, "position": 1}),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"detail": "Not Found"}


def test_a_missing_paper_of_a_published_week_is_404(client):
    _curriculum()
    response = client.get(reverse("api:paper_detail", kwargs={"number": 1, "position": 9}))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_week_detail_has_papers_resources_and_scopes_and_intro_as_sanitised_html(client):
    _curriculum()
    week = client.get(reverse("api:week_detail", kwargs={"number": 1})).json()
    assert week["heading"] == "Week 1: Backprop"
    assert week["page"] == "/weeks/1/"
    assert "<strong>bold</strong>" in week["intro_html"]
    assert "intro" not in week  # the Markdown source is not handed out
    assert "<!--" not in week["intro_html"]  # raw HTML comes out escaped, as on the site
    assert [(p["position"], p["title"], p["week"]) for p in week["papers"]] == [
        (1, "Learning representations", 1),
        (2, "Gradient-based learning", 1),
    ]
    assert week["review_scopes"] == [
        {"position": 1, "label": "Papers 1 and 2", "papers": [1, 2], "focus": "Section 2 of Paper 2"}
    ]
    assert [(r["title"], r["kind_label"], r["paper"]) for r in week["resources"]] == [
        ("A lecture", "Video", None),
        ("Its code", "Code", 2),
    ]
    assert "meeting_notes" not in week and "reviews" not in week


def test_paper_detail_and_resources_list(client):
    _curriculum()
    paper = client.get(reverse("api:paper_detail", kwargs={"number": 1, "position": 2})).json()
    assert paper["title"] == "Gradient-based learning"
    assert paper["week"] == 1
    assert paper["page"] == "/weeks/1/papers/2/"
    assert [r["title"] for r in paper["resources"]] == ["Its code"]
    assert [s["label"] for s in paper["review_scopes"]] == ["Papers 1 and 2"]
    resources = client.get(reverse("api:week_resources", kwargs={"number": 1})).json()
    assert resources["count"] == 2
    assert [r["title"] for r in resources["items"]] == ["A lecture", "Its code"]


def test_index_links_to_the_lists_and_the_description(client):
    assert client.get("/api/").json() == {
        "weeks": "/api/weeks/",
        "papers": "/api/papers/",
        "openapi": "/api/openapi.json",
    }


def test_lists_are_paginated_with_a_maximum_page_size(client):
    for number in range(1, 8):
        PaperFactory(week=WeekFactory(number=number), position=1)
    page = client.get(reverse("api:week_list"), {"limit": 3, "offset": 3}).json()
    assert page["count"] == 7
    assert [week["number"] for week in page["items"]] == [4, 5, 6]
    papers = client.get(reverse("api:paper_list"), {"limit": 2}).json()
    assert papers["count"] == 7 and [p["week"] for p in papers["items"]] == [1, 2]
    assert len(client.get(reverse("api:week_list")).json()["items"]) == 7  # default limit 20
    too_many = client.get(reverse("api:week_list"), {"limit": MAX_LIMIT + 1})
    assert too_many.status_code == 422
    assert client.get(reverse("api:week_list"), {"limit": MAX_LIMIT}).status_code == 200
    assert client.get(reverse("api:week_list"), {"offset": -1}).status_code == 422


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_405_signed_in_or_not(client, organiser, method):
    week = _curriculum()
    for signed_in in (False, True):
        if signed_in:
            client.force_login(organiser)
        for url in _urls(1):
            response = getattr(client, method)(url, data="{}", content_type="application/json")
            assert response.status_code == 405, (method, url)
    week.refresh_from_db()
    assert week.title == "Backprop"


def test_openapi_schema_is_json_listing_every_path_and_no_docs_page(client):
    response = client.get(reverse("api:openapi-json"))
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/",
        "/api/weeks/",
        "/api/weeks/{number}/",
        "/api/weeks/{number}/resources/",
        "/api/papers/",
        "/api/weeks/{number}/papers/{position}/",
    }
    assert set(schema["paths"]["/api/weeks/"]) == {"get"}
    assert "ETag" in response
    # Swagger UI would load from a CDN, which the CSP forbids: there is no docs page.
    assert client.get("/api/docs").status_code == 404
    assert "cdn" not in response.content.decode().lower()


def test_answers_carry_etag_last_modified_and_a_public_cache_policy_for_visitors(client):
    week = _curriculum()
    response = client.get(reverse("api:week_detail", kwargs={"number": 1}))
    assert response["ETag"].startswith('"')
    newest = max(
        [week.updated, week.published_at]
        + [p.updated for p in week.papers.all()]
        + [r.updated for r in week.resources.all()]
        + [s.updated for s in week.review_scopes.all()]
    )
    assert response["Last-Modified"] == http_date(newest.timestamp())
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]


def test_signed_in_answers_stay_private_and_unstored(client, member):
    _curriculum()
    client.force_login(member)
    response = client.get(reverse("api:week_list"))
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "public" not in cache_control


@pytest.mark.parametrize("name", ["week_list", "week_detail", "week_resources", "paper_list", "paper_detail"])
def test_a_repeated_conditional_request_is_304(client, name):
    _curriculum()
    kwargs = {"week_detail": {"number": 1}, "week_resources": {"number": 1}}.get(name, {})
    if name == "paper_detail":
        kwargs = {"number": 1, "position": 1}
    url = reverse(f"api:{name}", kwargs=kwargs)
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get(url, headers={"If-None-Match": '"not-the-etag"'})
    assert stale.status_code == 200 and stale.json() == first.json()


def test_a_changed_week_changes_the_etag_and_answers_200(client):
    week = _curriculum()
    url = reverse("api:week_detail", kwargs={"number": 1})
    first = client.get(url)
    week.title = "Backpropagation"
    week.save()
    for listed in (url, reverse("api:week_list")):
        assert "Backpropagation" in client.get(listed).content.decode()
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert changed.json()["title"] == "Backpropagation"


def test_a_week_that_gets_published_changes_the_list(client):
    _curriculum()
    url = reverse("api:week_list")
    first = client.get(url)
    week = WeekFactory(number=4, title="Now public", published_at=None)
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    week.published_at = timezone.now()
    week.save()
    now = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert now.status_code == 200 and "Now public" in now.content.decode()


def _make_weeks(count, start=1):
    for number in range(start, start + count):
        week = WeekFactory(number=number)
        papers = [PaperFactory(week=week, position=position) for position in (1, 2)]
        scope = ReviewScopeFactory(week=week, position=1)
        scope.papers.set(papers)
        ResourceFactory(week=week)
        ResourceFactory(week=week, paper=papers[0])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_data(client):
    """The same number of queries with 1 week and with 10 (each with its papers, scope and resources),
    and the counts are written down so a new query is noticed."""
    expected = {
        reverse("api:week_list"): 3,  # count, weeks, papers
        reverse("api:week_detail", kwargs={"number": 1}): 5,  # week, papers, resources, scopes, their papers
        reverse("api:week_resources", kwargs={"number": 1}): 3,  # week, resources with their paper, count
        reverse("api:paper_list"): 2,  # papers with their week, count
        reverse("api:paper_detail", kwargs={"number": 1, "position": 1}): 4,  # paper+week, resources, scopes+papers
        reverse("api:openapi-json"): 0,
    }
    _make_weeks(1)
    small = {url: _queries(client, url) for url in expected}
    _make_weeks(9, start=2)
    for url in expected:
        # 10× the data on every list; the first page (20) holds it all
        assert _queries(client, url) == small[url] == expected[url], url
    assert client.get(reverse("api:paper_list")).json()["count"] == 20
