"""Searching: what ``user`` may find for ``query``, one page at a time, in a fixed number of queries.

Who may find an entry is asked at query time, of the rules that decide who may read the thing itself:
``papers.rules.visible_weeks_q`` for the week of every entry, and for reviews and their comments the
parts of ``reviews.rules.readable_reviews_q``: the review is the searcher's own, or its scope is one
``reviews.rules.unlocked_scopes_q`` unlocks for them. Both are asked of the entry's own links (week,
scope, review author), never through a join to every matching review or comment. A visitor finds the
curriculum only; a member finds the published reviews the write-first rule lets them read, and the shown
comments on them; drafts, hidden reviews, hidden and deleted comments have no entry and are found by
nobody (``search.services``).

**Bounded work.** A common word can match hundreds of thousands of comments; counting and ranking them
all would cost seconds. A search looks at the newest ``CANDIDATES`` entries the searcher may find, along
the index of when each was written (on PostgreSQL a covering index: the words, kind and links are checked
in the index alone, and the walk stops once it has enough), and ranks only those; past that the page says
"500+" and asks for another word. A rare word is found through the GIN index instead, the planner's
choice.

**PostgreSQL**: the stored, GIN-indexed vector is matched with ``websearch_to_tsquery`` (quotes, ``or``
and ``-word`` work), ranked with ``ts_rank`` (title words weigh more) and highlighted with
``ts_headline``.

**Other databases (SQLite in development and tests)**: every word of the query must occur in the title or
text, case-insensitively (``icontains``, no stemming, no operators); results come newest first, and
the snippet is a window of the text around the first hit with every hit marked.

Either way headings and snippets are plain-text parts, hits flagged; the template escapes them and
frames the hits in ``<mark>``, the only markup added.
"""

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import reduce
from operator import and_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Replace

from core.roles import is_in_the_group, is_member
from members.models import display_name
from papers.models import ReviewScope, Week
from papers.rules import visible_weeks_q
from reviews.rules import NOTHING, unlocked_scopes_q
from search.models import SearchEntry
from search.services import SEARCH_CONFIG

RESULTS_PER_PAGE = 20
CANDIDATES = 500  # the most entries a search counts and ranks
MAX_QUERY_LENGTH = 200
MAX_WORDS = 8  # the fallback's AND of words; PostgreSQL's parser takes the whole query
SNIPPET_CHARS = 220
CURRICULUM = (SearchEntry.Kind.WEEK, SearchEntry.Kind.PAPER, SearchEntry.Kind.RESOURCE)
# Hits in a headline are framed by these (never in indexed text: search.services strips them).
START, STOP = "\x02", "\x03"
_MARKED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
# PostgreSQL's headline parser takes "<...>" for HTML tags and "&...;" for entities and drops them: the
# headline is made of the text with those characters stood in for, put back afterwards.
STAND_INS = {"<": "\x04", ">": "\x05", "&": "\x06"}
_MARKERS = re.compile(f"[{START}{STOP}{''.join(STAND_INS.values())}]")
_ROWS = (
    "week",
    "paper__week",
    "resource__week",
    "resource__paper",
    "review__scope__week",
    "review__author__profile",
    "comment__author__profile",
    "comment__review__scope__week",
    "comment__review__author__profile",
)


# Texts of the linked rows a result never shows (its own text is the entry's): left in the database.
_REVIEW_TEXTS = tuple(
    f"{part}{suffix}" for part in ("summary", "confusions", "questions") for suffix in ("", "_html")
) + ("excerpt",)
_WEEK_TEXTS = ("intro", "intro_html", "review_plan", "meeting_notes", "meeting_notes_html")
_LONG_TEXTS = (
    *(f"review__{name}" for name in _REVIEW_TEXTS),
    *(f"comment__review__{name}" for name in _REVIEW_TEXTS),
    "comment__body",
    "comment__body_html",
    *(
        f"{week}__{name}"
        for week in ("week", "paper__week", "resource__week", "review__scope__week", "comment__review__scope__week")
        for name in _WEEK_TEXTS
    ),
    "paper__abstract",
)


def findable_q(user) -> Q:
    """Entries ``user`` may find, by the rules of what the entries point at: the week visible, and for a
    review or a comment, the review their own or its scope unlocked (``readable_reviews_q`` for the
    published reviews, the only ones indexed)."""
    visible = Q(week__in=Week.objects.filter(visible_weeks_q(user)).values("pk"))
    curriculum = Q(kind__in=CURRICULUM)
    if not is_in_the_group(user):
        return visible & curriculum
    own = Q(review_author=user) if is_member(user) else NOTHING
    unlocked = Q(scope__in=ReviewScope.objects.filter(unlocked_scopes_q(user)).values("pk"))
    return visible & (curriculum | own | unlocked)


def query_words(query: str) -> list[str]:
    return query.split()[:MAX_WORDS]


def _marked_words(query: str) -> list[str]:
    """The words to mark in titles and fallback snippets: no quotes, exclusions or ``or``."""
    words = (word.strip('"') for word in query_words(query) if not word.startswith("-"))
    return [word for word in words if word and word.lower() != "or"]


@dataclass(frozen=True)
class Part:
    """A stretch of a heading or snippet, plain text; ``hit`` when it is a word searched for."""

    text: str
    hit: bool = False


@dataclass(frozen=True)
class Found:
    """What a result shows: its kind, a heading (hits flagged) linking to it, where it belongs."""

    kind: str
    kind_label: str
    heading: list[Part]
    url: str
    context: str
    snippet: list[Part]
    external: bool = False
    written_at: datetime | None = None


def _found(entry: SearchEntry, snippet: list[Part], words: list[str]) -> Found:
    kind, label = entry.kind, entry.get_kind_display()

    def heading(text: str) -> list[Part]:
        return highlight(text, words)

    if kind == SearchEntry.Kind.WEEK:
        return Found(kind, label, heading(entry.week.heading), entry.week.get_absolute_url(), "", snippet)
    if kind == SearchEntry.Kind.PAPER:
        paper = entry.paper
        title = heading(f"Paper {paper.position}: {paper.title}")
        return Found(kind, label, title, paper.get_absolute_url(), paper.week.heading, snippet)
    if kind == SearchEntry.Kind.RESOURCE:
        resource = entry.resource
        context = resource.week.heading + (f" · Paper {resource.paper.position}" if resource.paper else "")
        return Found(kind, label, heading(resource.display_title), resource.url, context, snippet, external=True)
    if kind == SearchEntry.Kind.REVIEW:
        review = entry.review
        title = heading(f"Review by {display_name(review.author)}")
        return Found(kind, label, title, review.get_absolute_url(), review.scope.week.heading, snippet)
    comment = entry.comment
    title = heading(f"Comment by {display_name(comment.author)} on the review by {display_name(comment.review.author)}")
    return Found(kind, label, title, comment.get_absolute_url(), comment.review.scope.week.heading, snippet)


def _plain(text: str) -> str:
    for character, stand_in in STAND_INS.items():
        text = text.replace(stand_in, character)
    return _MARKERS.sub("", text)


def marked(text: str) -> list[Part]:
    """Text with hits framed by START/STOP → plain-text parts, the hits flagged. Templates escape each
    part and frame the hits in ``<mark>`` (search/_marked.html): no HTML is made here."""
    parts, position = [], 0
    for hit in _MARKED.finditer(text):
        parts += [Part(_plain(text[position : hit.start()])), Part(_plain(hit.group(1)), hit=True)]
        position = hit.end()
    parts.append(Part(_plain(text[position:])))
    return [part for part in parts if part.text]


def _hits(words: list[str]):
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE) if words else None


def highlight(text: str, words: list[str]) -> list[Part]:
    """All of ``text``, with every occurrence of a word marked."""
    text, pattern = _MARKERS.sub("", text), _hits(words)
    return marked(pattern.sub(lambda hit: f"{START}{hit.group(0)}{STOP}", text) if pattern else text)


def window_snippet(text: str, words: list[str], *, size: int = SNIPPET_CHARS) -> list[Part]:
    """The fallback's snippet: ``size`` characters of ``text`` around the first hit, every hit marked."""
    text, pattern = _MARKERS.sub("", text), _hits(words)
    first = pattern.search(text) if pattern else None
    start = max(0, first.start() - size // 3) if first else 0
    end = min(len(text), start + size)
    before, after = [Part("… ")] if start else [], [Part(" …")] if end < len(text) else []
    return before + highlight(text[start:end], words) + after


@dataclass
class SearchResults:
    query: str
    kind: str
    # Per kind, among the newest ``CANDIDATES`` findable matches: exact unless ``capped``, else at least.
    counts: dict[str, int] = field(default_factory=dict)
    capped: bool = False
    page: Page | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cap(self) -> int:
        return CANDIDATES

    @property
    def shown_capped(self) -> bool:
        """The results on offer (of the chosen kind) are the newest ``CANDIDATES`` of more."""
        return self.page is not None and self.page.paginator.count >= CANDIDATES

    def kinds(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) of each kind with results, in the order kinds are declared."""
        return [(kind, label, self.counts[kind]) for kind, label in SearchEntry.Kind.choices if self.counts.get(kind)]


def _matching(entries, query: str):
    if connection.vendor == "postgresql":
        search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        return entries.filter(search_vector=search_query), search_query
    conditions = [Q(title__icontains=word) | Q(text__icontains=word) for word in query_words(query)]
    return entries.filter(reduce(and_, conditions)), None


@dataclass(frozen=True)
class Candidate:
    pk: int
    kind: str
    rank: float


def _candidates(matching, search_query) -> list[Candidate]:
    """The newest ``CANDIDATES`` matches, best first: by rank on PostgreSQL, then newest (the sort is
    stable). One query of narrow rows: PostgreSQL either walks the newest-first covering index and stops
    at ``CANDIDATES`` (a common word) or collects the few matches through the GIN index (a rare one)."""
    rank = SearchRank(F("search_vector"), search_query) if search_query is not None else Value(0.0)
    rows = matching.order_by("-written_at", "-pk").annotate(rank=rank).values_list("pk", "kind", "rank")
    newest = [Candidate(pk, kind, rank) for pk, kind, rank in rows[:CANDIDATES]]
    return sorted(newest, key=lambda candidate: -candidate.rank)


def _with_headlines(rows, search_query):
    return rows.annotate(
        headline=SearchHeadline(
            reduce(lambda text, pair: Replace(text, Value(pair[0]), Value(pair[1])), STAND_INS.items(), F("text")),
            search_query,
            config=SEARCH_CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
    )


def search(*, user, query: str, kind: str = "", page: str | int | None = None) -> SearchResults:
    """One page of what ``user`` may find for ``query``; ``kind`` narrows it to one kind of entry.

    Two queries whatever the data (three for one kind of a capped search): the newest ``CANDIDATES``
    findable matches, narrow rows with their rank (on PostgreSQL), then the page's rows with everything
    they link to and, on PostgreSQL, their highlighted snippets, made for those rows only. None for an
    empty query."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    kind = kind if kind in SearchEntry.Kind.values else ""
    results = SearchResults(query=query, kind=kind)
    if not query:
        return results
    matching, search_query = _matching(SearchEntry.objects.filter(findable_q(user)), query)
    candidates = _candidates(matching, search_query)
    results.counts = dict(Counter(candidate.kind for candidate in candidates))
    results.capped = len(candidates) == CANDIDATES
    if kind and results.capped:
        candidates = _candidates(matching.filter(kind=kind), search_query)
    elif kind:
        candidates = [candidate for candidate in candidates if candidate.kind == kind]
    results.page = Paginator(candidates, RESULTS_PER_PAGE).get_page(page)
    on_page = [candidate.pk for candidate in results.page.object_list]
    rows = SearchEntry.objects.filter(pk__in=on_page).select_related(*_ROWS).defer(*_LONG_TEXTS)
    if search_query is not None:
        rows = _with_headlines(rows, search_query)
    entries = {entry.pk: entry for entry in rows} if on_page else {}
    words = _marked_words(query)
    found = []
    for pk in on_page:
        entry = entries[pk]
        headline = getattr(entry, "headline", None)
        snippet = marked(headline) if headline is not None else window_snippet(entry.text, words)
        found.append(replace(_found(entry, snippet, words), written_at=entry.written_at))
    results.page.object_list = found
    return results
