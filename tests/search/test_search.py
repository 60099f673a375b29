"""Search finds only what its reader may read: the curriculum for everybody who may see the week,
published reviews the write-first rule lets them read and the shown comments on them; never drafts,
hidden or deleted comments, or a word of any of those in a snippet."""

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.models import ReadingChoice, Review
from reviews.selectors import readable_reviews
from reviews.services import comment_delete, comment_set_hidden, review_save, review_set_hidden, review_unpublish
from search import selectors
from search.models import SearchEntry
from search.selectors import findable_q, search, window_snippet
from search.services import search_index_rebuild
from tests.factories import (
    CommentFactory,
    PaperFactory,
    ResourceFactory,
    ReviewFactory,
    ReviewScopeFactory,
    UserFactory,
    WeekFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:search")
HIDDEN_WORD = "Quokkasecret"  # only in a review hidden by the write-first rule
SHARED_WORD = "Zyxwarbler"  # in the paper's title and in the hidden review


class World:
    def __init__(self):
        now = timezone.now()
        self.week = WeekFactory(number=3, title="Recurrent nets", meeting_at=now + timezone.timedelta(days=3))
        self.scope = ReviewScopeFactory(week=self.week, position=1)
        self.paper = PaperFactory(
            week=self.week,
            position=1,
            title=f"Long short-term memory {SHARED_WORD}",
            authors="Sepp Hochreiter, Jürgen Schmidhuber",
            abstract="Learning to store information over extended time intervals by recurrent backpropagation.",
        )
        self.scope.papers.add(self.paper)
        self.resource = ResourceFactory(week=self.week, title="Understanding LSTM Networks", note="Colah's blogpost")
        self.author = UserFactory(username="author")
        self.review = ReviewFactory(
            scope=self.scope, author=self.author, summary=f"{SHARED_WORD} gates: {HIDDEN_WORD} forgets nothing."
        )
        self.comment = CommentFactory(review=self.review, author=self.author, body="Gradientcommentword here.")
        self.draft = ReviewFactory(
            scope=self.scope,
            author=UserFactory(username="drafter"),
            summary="Draftonlyword in a draft.",
            status=Review.Status.DRAFT,
            published_at=None,
        )


@pytest.fixture
def world():
    return World()


def found_kinds(user, query):
    results = search(user=user, query=query)
    return sorted(found.kind for found in results.page) if results.page else []


def test_empty_query_shows_the_form_and_no_results(client, world):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert 'role="search"' in response.text and "search-result" not in response.text


def test_visitor_finds_weeks_papers_and_resources(client, world):
    page = client.get(SEARCH, {"q": "Hochreiter"}).text
    assert "Long short-term memory" in page and world.paper.get_absolute_url() in page
    assert client.get(SEARCH, {"q": "Colah"}).text.count('class="search-result"') == 1
    assert "Recurrent nets" in client.get(SEARCH, {"q": "Recurrent"}).text


def test_visitor_finds_no_review_or_comment(client, world):
    from django.contrib.auth.models import AnonymousUser

    assert found_kinds(AnonymousUser(), "Gradientcommentword") == []
    assert found_kinds(AnonymousUser(), SHARED_WORD) == ["paper"]
    page = client.get(SEARCH, {"q": "Gradientcommentword"}).text
    assert "Nothing found" in page and "sign in" in page


def test_member_finds_the_readable_review_and_its_comment(client, world, member):
    review_save(scope=world.scope, author=member, parts={"summary": "s", "confusions": "c", "questions": "q"},
                version=None, publish=True)  # fmt: skip
    client.force_login(member)
    page = client.get(SEARCH, {"q": HIDDEN_WORD}).text
    assert world.review.get_absolute_url() in page
    assert "<mark>" + HIDDEN_WORD + "</mark>" in page
    assert found_kinds(member, "Gradientcommentword") == ["comment"]


def test_hidden_review_word_is_never_found_nor_shown_in_a_snippet(client, world, member, unverified_user):
    """The leak test: the write-first rule hides the review from a member who has not written."""
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), member, unverified_user):
        assert found_kinds(user, HIDDEN_WORD) == []
        assert found_kinds(user, "Gradientcommentword") == []
        # The shared word finds the paper; the review, its snippet and its word stay out.
        assert found_kinds(user, SHARED_WORD) == ["paper"]
    for who in (None, member, unverified_user):
        client.logout()
        if who is not None:
            client.force_login(who)
        for query in (SHARED_WORD, "gates forgets", "nothing"):
            response = client.get(SEARCH, {"q": query})
            assert response.status_code == 200
            assert HIDDEN_WORD not in response.text
            assert world.review.get_absolute_url() not in response.text
    # Its author and organisers find it.
    assert found_kinds(world.author, HIDDEN_WORD) == ["review"]


def test_organiser_finds_the_review(world, organiser):
    assert found_kinds(organiser, HIDDEN_WORD) == ["review"]


def test_drafts_are_found_by_nobody(world, organiser):
    drafter = world.draft.author
    for user in (drafter, organiser, world.author):
        assert found_kinds(user, "Draftonlyword") == []
    assert not SearchEntry.objects.filter(review=world.draft).exists()


def test_unpublished_review_and_its_comments_are_no_longer_found(world, organiser):
    review_unpublish(review=world.review)
    assert found_kinds(organiser, HIDDEN_WORD) == []
    assert found_kinds(organiser, "Gradientcommentword") == []
    assert found_kinds(world.author, HIDDEN_WORD) == []


def test_a_review_an_organiser_hid_is_found_by_nobody_until_shown_again(client, world, member, organiser):
    reader = UserFactory(username="reader")
    ReviewFactory(scope=world.scope, author=reader)  # unlocks the scope: the review was readable
    assert found_kinds(reader, HIDDEN_WORD) == ["review"]
    review_set_hidden(review=world.review, hidden=True, by=organiser, reason="spam")
    for user in (reader, world.author, organiser):
        assert found_kinds(user, HIDDEN_WORD) == []
        assert found_kinds(user, "Gradientcommentword") == []  # its comments go with it
    client.force_login(reader)
    page = client.get(SEARCH, {"q": SHARED_WORD}).content.decode()
    assert "Long short-term memory" in page and HIDDEN_WORD not in page  # not even in a snippet
    review_set_hidden(review=world.review, hidden=False, by=organiser)
    assert found_kinds(reader, HIDDEN_WORD) == ["review"]
    assert found_kinds(reader, "Gradientcommentword") == ["comment"]


def test_hidden_and_deleted_comments_are_found_by_nobody(world, organiser):
    hidden = CommentFactory(review=world.review, author=organiser, body="Hiddencommentword text")
    deleted = CommentFactory(review=world.review, author=world.author, body="Deletedcommentword text")
    assert found_kinds(world.author, "Hiddencommentword") == ["comment"]
    comment_set_hidden(comment=hidden, hidden=True, by=organiser, reason="other")
    comment_delete(comment=deleted)
    for user in (world.author, organiser):
        assert found_kinds(user, "Hiddencommentword") == []
        assert found_kinds(user, "Deletedcommentword") == []
    comment_set_hidden(comment=hidden, hidden=False, by=organiser)
    assert found_kinds(world.author, "Hiddencommentword") == ["comment"]


def test_edits_update_the_index(world):
    world.paper.title = "Gated recurrent units"
    world.paper.save()
    from django.contrib.auth.models import AnonymousUser

    assert found_kinds(AnonymousUser(), "Gated") == ["paper"]
    assert found_kinds(AnonymousUser(), "Long short-term") == []
    review_save(scope=world.scope, author=world.author, version=world.review.version,
                parts={"summary": "Rewritten entirely", "confusions": "c", "questions": "q"})  # fmt: skip
    assert found_kinds(world.author, HIDDEN_WORD) == []
    assert found_kinds(world.author, "Rewritten") == ["review"]


def test_unpublished_week_is_found_by_organisers_only(world, member, organiser):
    from django.contrib.auth.models import AnonymousUser

    hidden_week = WeekFactory(number=9, title="Secret week", published_at=None)
    PaperFactory(week=hidden_week, position=1, title="Invisiblepaperword")
    ResourceFactory(week=hidden_week, title="Invisibleresourceword")
    for user in (AnonymousUser(), member):
        assert found_kinds(user, "Invisiblepaperword") == []
        assert found_kinds(user, "Invisibleresourceword") == []
        assert found_kinds(user, "Secret week") == []
    assert found_kinds(organiser, "Invisiblepaperword") == ["paper"]
    hidden_week.published_at = timezone.now() + timezone.timedelta(days=1)  # scheduled: still hidden
    hidden_week.save()
    assert found_kinds(member, "Invisiblepaperword") == []


def test_html_in_text_is_escaped_in_snippets_and_titles(client, world):
    PaperFactory(
        week=world.week, position=2, title="<b>Boldtitleword</b>", abstract="<script>alert(1)</script> Xsnippetword"
    )
    page = client.get(SEARCH, {"q": "Xsnippetword"}).text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    page = client.get(SEARCH, {"q": "Boldtitleword"}).text
    assert "<b>" not in page and "&lt;b&gt;<mark>Boldtitleword</mark>&lt;/b&gt;" in page


def test_snippet_marks_only_with_mark_tags():
    parts = window_snippet("a <i>x</i> \x02word\x03 & more", ["word"])
    snippet = render_to_string("search/_marked.html", {"parts": parts}).strip()
    assert snippet == "a &lt;i&gt;x&lt;/i&gt; <mark>word</mark> &amp; more"


def test_results_are_paginated_twenty_per_page(client, world):
    for position in range(2, 27):
        PaperFactory(week=world.week, position=position, title=f"Pagedword paper {position}")
    first = client.get(SEARCH, {"q": "Pagedword"}).text
    assert first.count('class="search-result"') == 20 and "Page 1 of 2" in first
    second = client.get(SEARCH, {"q": "Pagedword", "page": 2}).text
    assert second.count('class="search-result"') == 5
    assert 'href="?q=Pagedword&amp;page=1"' in second


def test_kind_filter_narrows_the_results(client, world, member):
    results = search(user=world.author, query=SHARED_WORD, kind="review")
    assert [found.kind for found in results.page] == ["review"]
    assert results.counts == {"paper": 1, "review": 1}


def test_rebuilding_the_index_indexes_what_is_findable(world):
    SearchEntry.objects.all().delete()
    assert search_index_rebuild() == 5  # the week, the paper, the resource, the review, the comment
    assert found_kinds(world.author, HIDDEN_WORD) == ["review"]


def _make_data(numbers, week, scope, reader):
    for i in numbers:
        paper = PaperFactory(week=week, position=100 + i, title=f"Countword paper {i}")
        scope.papers.add(paper)
        ResourceFactory(week=week, title=f"Countword resource {i}")
        review = ReviewFactory(scope=scope, author=UserFactory(), summary=f"Countword review {i}")
        CommentFactory(review=review, author=reader, body=f"Countword comment {i}")


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_queries_per_search_page_do_not_grow_with_results(client, world, member, role):
    ReviewFactory(scope=world.scope, author=member)  # the member has written: everything is readable
    if role == "member":
        client.force_login(member)
    counts = []
    for numbers in (range(1), range(1, 10)):  # 1× and 10× the data
        _make_data(numbers, world.week, world.scope, member)
        client.get(SEARCH, {"q": "Countword"})  # warm the session and per-user caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(SEARCH, {"q": "Countword"})
        assert response.status_code == 200
        counts.append(len(queries))
    print("search page queries", role, counts)
    assert counts[0] == counts[1], counts
    assert response.text.count('class="search-result"') == 20  # a full page: 20 or 40 found


def test_a_common_word_is_counted_and_ranked_among_the_newest_matches_only(client, world, member, monkeypatch):
    monkeypatch.setattr(selectors, "CANDIDATES", 25)
    ReviewFactory(scope=world.scope, author=member)
    _make_data(range(10), world.week, world.scope, member)  # 40 entries: papers, resources, reviews, comments
    client.force_login(member)
    page = client.get(SEARCH, {"q": "Countword"}).text
    assert "More than 25 results for “Countword”" in page and "All (25+)" in page
    assert "Page 1 of 2" in page
    last = client.get(SEARCH, {"q": "Countword", "page": 2}).text
    assert last.count('class="search-result"') == 5  # 25 candidates: the newest 25 entries
    assert "Countword paper 0" not in page + last  # the oldest entries are past the newest 25
    narrowed = client.get(SEARCH, {"q": "Countword", "kind": "paper"}).text
    assert "10 results for “Countword”" in narrowed  # one kind: its own newest 25, here all of them


def test_what_search_finds_of_reviews_is_what_the_rules_let_each_reader_read(world, member, organiser):
    """The search's own statement of the rules (on the entry's week, scope and review author) agrees with
    readable_reviews_q, the site's one rule, for every kind of reader."""
    other_week = WeekFactory(number=4, meeting_at=timezone.now() - timezone.timedelta(days=1))
    past_scope = ReviewScopeFactory(week=other_week, position=1)
    ReviewFactory(scope=past_scope, author=UserFactory(), summary="Commonword in a past week")
    ReviewFactory(scope=world.scope, author=member, summary="Commonword by the member")
    chooser = UserFactory(username="chooser")
    ReadingChoice.objects.create(scope=world.scope, member=chooser)
    ReviewFactory(scope=world.scope, author=UserFactory(), summary="Commonword locked to some")
    unverified = UserFactory(username="unverified", verified=False)
    for user in (member, organiser, chooser, world.author, unverified, UserFactory(username="newcomer")):
        found = set(SearchEntry.objects.filter(findable_q(user), kind="review").values_list("review_id", flat=True))
        readable = set(readable_reviews(user).filter(status="published").values_list("pk", flat=True))
        assert found == readable, user.username


def test_header_has_a_labelled_search_box(client, world):
    page = client.get(reverse("home")).text
    form = re.search(r'<form class="header-search" role="search".*?</form>', page, re.DOTALL).group(0)
    assert 'action="/search/"' in form and 'name="q"' in form
    assert '<label class="visually-hidden" for="header-search-q">' in form
