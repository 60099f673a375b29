"""The review and comment changelists at scale: organisers narrow them to one member through a type-ahead
box (no link per member, no join on usernames), and PostgreSQL answers their text search from trigram
indexes instead of reading every row."""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from reviews.models import Comment, Review
from tests.factories import CommentFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

REVIEWS = reverse("admin:reviews_review_changelist")
COMMENTS = reverse("admin:reviews_comment_changelist")
TRIGRAM_INDEXES = {"review_summary_trgm", "review_confusions_trgm", "review_questions_trgm", "comment_body_trgm"}
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only; SQLite has none"
)


def shown(response) -> set[int]:
    """The ids of the rows the changelist shows."""
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def filter_sidebar(response) -> str:
    return re.search(r'<search id="changelist-filter".*?</search>', response.content.decode(), re.S).group(0)


@pytest.fixture
def two_reviews(scope, author, other_member):
    return ReviewFactory(scope=scope, author=author), ReviewFactory(scope=scope, author=other_member)


def test_author_filter_narrows_the_reviews_to_one_member(organiser_client, two_reviews, author):
    mine, _ = two_reviews

    response = organiser_client.get(REVIEWS, {"author__id__exact": author.pk})

    assert shown(response) == {mine.pk}
    # The box shows whom the list is narrowed to.
    assert f'<option value="{author.pk}" selected>author</option>' in filter_sidebar(response)


def test_author_filter_narrows_the_comments_to_one_member(organiser_client, two_reviews, author, other_member):
    review, _ = two_reviews
    mine = CommentFactory(review=review, author=author)
    CommentFactory(review=review, author=other_member)

    response = organiser_client.get(COMMENTS, {"author__id__exact": author.pk})

    assert shown(response) == {mine.pk}


@pytest.mark.parametrize("changelist", [REVIEWS, COMMENTS])
def test_changelist_offers_a_type_ahead_box_not_a_link_per_member(organiser_client, changelist):
    members = [UserFactory(username=f"writer{n}") for n in range(5)]
    for member in members:
        CommentFactory(review=ReviewFactory(author=member), author=member)

    response = organiser_client.get(changelist)

    sidebar = filter_sidebar(response)
    assert "By author" in sidebar
    assert [member.username for member in members if member.username in sidebar] == []
    assert "author__id__exact=" not in sidebar  # no link that filters by a member
    # The box is the admin's select2, asking this changelist's own view, with the scripts that drive it.
    assert f'data-ajax--url="{changelist}authors/"' in sidebar
    # In an order that works: select2 on jQuery before the admin takes jQuery away from the page
    # (jquery.init.js), the box set up before the script that listens to it.
    scripts = re.findall(r'<script src="/static/([^"]+)"', response.content.decode())
    order = ["select2.full", "jquery.init.js", "autocomplete.js", "admin-filters/author-filter.js"]
    positions = [next(n for n, src in enumerate(scripts) if name in src) for name in order]
    assert positions == sorted(positions)


def test_author_box_offers_members_with_published_reviews_by_name(organiser_client, two_reviews, scope):
    drafter = UserFactory(username="authoress")
    ReviewFactory(scope=scope, author=drafter, status=Review.Status.DRAFT, published_at=None)
    url = reverse("admin:reviews_review_authors")

    found = organiser_client.get(url, {"term": "AUTH"}).json()

    # Drafts are private, so their writers are not offered; the other member does not match the name.
    assert found == {
        "results": [{"id": str(two_reviews[0].author_id), "text": "author"}],
        "pagination": {"more": False},
    }


def test_author_box_offers_comment_writers(organiser_client, published_review, other_member):
    CommentFactory(review=published_review, author=other_member)
    url = reverse("admin:reviews_comment_authors")

    found = organiser_client.get(url, {"term": ""}).json()["results"]

    assert found == [{"id": str(other_member.pk), "text": "other"}]


def test_author_box_is_closed_to_staff_who_are_not_organisers(client, published_review):
    client.force_login(UserFactory(username="staff", is_staff=True))

    response = client.get(reverse("admin:reviews_review_authors"), {"term": "auth"})

    assert response.status_code == 403


def test_search_finds_a_review_by_a_word_in_its_confusions(organiser_client, two_reviews):
    wanted, _ = two_reviews
    Review.objects.filter(pk=wanted.pk).update(confusions="Why does the Wormhole lemma hold?")

    assert shown(organiser_client.get(REVIEWS, {"q": "wormhole"})) == {wanted.pk}


def test_search_finds_a_comment_by_a_word_in_its_body(organiser_client, published_review, author):
    wanted = CommentFactory(review=published_review, author=author, body="What about the wormhole lemma?")
    CommentFactory(review=published_review, author=author, body="Agreed.")

    assert shown(organiser_client.get(COMMENTS, {"q": "Wormhole"})) == {wanted.pk}


@pytest.mark.parametrize(("model", "changelist"), [(Review, REVIEWS), (Comment, COMMENTS)])
def test_search_no_longer_matches_usernames(organiser_client, organiser, model, changelist):
    writer = UserFactory(username="zebrafinch")
    CommentFactory(review=ReviewFactory(author=writer), author=writer)
    request = RequestFactory().get(changelist, {"q": "zebrafinch"})
    request.user = organiser

    found, _ = admin.site.get_model_admin(model).get_search_results(request, model.objects.all(), "zebrafinch")

    assert shown(organiser_client.get(changelist, {"q": "zebrafinch"})) == set()
    assert "auth_user" not in str(found.query)  # the join to every row's author that made searches slow


@needs_postgresql
def test_trigram_indexes_exist_after_migrate():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        indexes = dict(cursor.fetchall())

    assert set(indexes) == TRIGRAM_INDEXES
    # Django's icontains is UPPER(column) LIKE UPPER(term) on PostgreSQL: only an index on that
    # expression can answer it.
    assert all("USING gin (upper(" in definition and "gin_trgm_ops" in definition for definition in indexes.values())


@needs_postgresql
@pytest.mark.parametrize(
    ("model", "indexes"),
    [
        (Review, {"review_summary_trgm", "review_confusions_trgm", "review_questions_trgm"}),
        (Comment, {"comment_body_trgm"}),
    ],
)
def test_admin_search_can_be_answered_from_the_trigram_indexes(rf, organiser, model, indexes):
    request = rf.get("/")
    request.user = organiser
    model_admin = admin.site.get_model_admin(model)
    # The search's own condition, without the changelist's other filters: on a test database's few rows
    # the planner would answer those from another index and filter the text row by row (at scale,
    # `make bench-scale` shows the changelist's searches on these indexes).
    found, _ = model_admin.get_search_results(request, model.objects.all(), "wormhole")
    with connection.cursor() as cursor:
        # A test database is too small for the planner to prefer an index; forbid it the full scan.
        cursor.execute("SET LOCAL enable_seqscan = off")

    plan = found.order_by().explain()

    assert {name for name in indexes if f"Bitmap Index Scan on {name}" in plan} == indexes


def test_a_long_list_is_counted_up_to_a_cap_and_says_so(organiser_client, published_review, monkeypatch):
    from core.paginators import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 4)
    monkeypatch.setattr(admin.site._registry[Comment], "list_per_page", 2)
    for n in range(6):
        CommentFactory(review=published_review, body=f"Comment {n}")
    response = organiser_client.get(COMMENTS)
    page = response.content.decode()
    assert "More than 4 comments" in page and "6 comments" not in page
    assert len(shown(response)) == 2 and response.context["cl"].paginator.num_pages == 2
    assert "More than 4 results" in organiser_client.get(COMMENTS, {"q": "Comment"}).content.decode()
    response = organiser_client.get(COMMENTS, {"q": "Comment 5"})
    assert "1 comment" in response.content.decode() and "More than" not in response.content.decode()
