"""Read-side queries for review pages; each runs a fixed number of queries whatever the data size."""

import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

import rules
from django.db import models
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.timesince import timesince

from core.roles import is_in_the_group, is_member, organisers_q
from members import avatars
from papers.models import Paper, ReviewScope, Week
from reviews.models import Comment, ItemVote, ReadingChoice, Review, ReviewItem
from reviews.rules import readable_reviews_q, unlocked_scopes_q

REVIEWS_PER_SCOPE_ON_WEEK_PAGE = 5
# Pages show an "organiser" badge next to organisers' names, asked in the same query as the rows.
AUTHOR_IS_ORGANISER = ExpressionWrapper(organisers_q(via="author__"), output_field=BooleanField())
# A review card shows the excerpt, never the Markdown or its HTML: lists leave those wide columns out.
FULL_TEXT_COLUMNS = ("summary", "confusions", "questions", "summary_html", "confusions_html", "questions_html")


def _visible_comment_count():
    """Counted per listed review in a subquery, so a list never joins (and groups) every comment of every
    review it considers: with a LIMIT, PostgreSQL counts only the rows it returns."""
    visible = Comment.objects.filter(review=OuterRef("pk"), deleted_at__isnull=True, hidden_at__isnull=True)
    return Coalesce(Subquery(visible.order_by().values("review").annotate(n=Count("pk")).values("n")), 0)


def review_cards(queryset):
    """What a review card shows of each review in ``queryset``."""
    return (
        queryset.select_related("author__profile", "scope__week")
        .defer(*FULL_TEXT_COLUMNS)
        .annotate(comment_count=_visible_comment_count(), author_is_organiser=AUTHOR_IS_ORGANISER)
    )


def readable_reviews(user):
    """Every review ``user`` may read in full, with what list pages show of it."""
    return review_cards(Review.objects.filter(readable_reviews_q(user)))


@dataclass
class ScopePanel:
    scope: ReviewScope
    own: Review | None = None
    reviews: list[Review] = field(default_factory=list)
    published_count: int = 0
    unlocked: bool = False
    # The member's own side besides their review: "I will not write one — show me", and their votes on
    # the scope's agenda items (``member_scope_state``).
    chose_to_read: bool = False
    vote_count: int = 0

    @property
    def others_count(self) -> int:
        own_published = 1 if self.own is not None and self.own.is_published else 0
        return self.published_count - own_published

    @property
    def more_count(self) -> int:
        """Readable reviews not listed on the week page."""
        return max(self.others_count - len(self.reviews), 0) if self.unlocked else 0

    @property
    def hidden_count(self) -> int:
        return 0 if self.unlocked else self.others_count


def week_review_panels(*, scopes: list[ReviewScope], user) -> list[ScopePanel]:
    """Per review scope of a week: the user's own review, the others' reviews they may read, and how
    many are hidden from them by the write-first rule.

    The scopes are those of a week the user may see (``papers.selectors.week_page``), so of
    ``readable_reviews_q`` (the week visible, and the review the user's own or published in a scope the
    write-first rule unlocks for them) only the unlocking is asked here, once per scope."""
    panels = {scope.pk: ScopePanel(scope=scope) for scope in scopes}
    others = Review.objects.filter(status=Review.Status.PUBLISHED)
    if user.is_authenticated:
        others = others.exclude(author=user)
    newest_first = ("-published_at", "-pk")
    # One query for every scope's state: how many published reviews it has, whether the write-first rule
    # lets the user read them, and the publication time of the others' Nth newest. The cards are then read
    # with a range per unlocked scope, together with the user's own reviews. Both walk the index on (scope,
    # status, publication time) and stop after N rows, so the cost stays flat whatever the number of
    # reviews (ranking them all with a window function sorted every review of the week).
    per_scope = Review.objects.filter(scope=OuterRef("pk"), status=Review.Status.PUBLISHED).order_by()
    nth_newest = others.filter(scope=OuterRef("pk")).order_by(*newest_first).values("published_at")
    states = ReviewScope.objects.filter(pk__in=list(panels)).annotate(
        published_count=Coalesce(Subquery(per_scope.values("scope").annotate(n=Count("pk")).values("n")), 0),
        unlocked=Exists(ReviewScope.objects.filter(unlocked_scopes_q(user), pk=OuterRef("pk"))),
        cutoff=Subquery(nth_newest[REVIEWS_PER_SCOPE_ON_WEEK_PAGE - 1 : REVIEWS_PER_SCOPE_ON_WEEK_PAGE]),
        **member_scope_state(user),
    )
    newest = Q(pk__in=[])
    columns = ("pk", "published_count", "unlocked", "cutoff", "chose_to_read", "vote_count")
    for scope_id, count, unlocked, cutoff, chose_to_read, vote_count in states.values_list(*columns):
        panels[scope_id].published_count, panels[scope_id].unlocked = count, unlocked
        panels[scope_id].chose_to_read, panels[scope_id].vote_count = chose_to_read, vote_count
        if unlocked and is_in_the_group(user):
            newest |= Q(scope_id=scope_id, **({"published_at__gte": cutoff} if cutoff else {}))
    own = Q(author=user, scope__in=list(panels)) if is_member(user) else Q(pk__in=[])
    for review in review_cards(others.filter(newest) | Review.objects.filter(own)).order_by("scope_id", *newest_first):
        panel = panels[review.scope_id]
        if is_member(user) and review.author_id == user.pk:
            panel.own = review
        elif len(panel.reviews) < REVIEWS_PER_SCOPE_ON_WEEK_PAGE:  # ties at the cutoff time
            panel.reviews.append(review)
    return list(panels.values())


def member_scope_state(user) -> dict:
    """Annotations for review scopes: whether ``user`` chose to read the others' reviews without writing
    (``chose_to_read``, any ``ReadingChoice``) and how many of the scope's agenda items they marked
    (``vote_count``: their votes on items still in a published review). Subqueries of the scope's row, so
    a page asks them in the query that reads its scopes."""
    if not is_member(user):
        return {"chose_to_read": Value(False), "vote_count": Value(0)}
    votes = (
        ItemVote.objects.filter(
            member=user,
            item__review__scope=OuterRef("pk"),
            item__review__status=Review.Status.PUBLISHED,
            item__retired_at__isnull=True,
        )
        .order_by()
        .values("item__review__scope")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "chose_to_read": Exists(ReadingChoice.objects.filter(scope=OuterRef("pk"), member=user)),
        "vote_count": Coalesce(Subquery(votes), 0),
    }


class MyState(models.TextChoices):
    """Where a member stands with one review scope."""

    PUBLISHED = "published", "Published"
    HIDDEN = "hidden", "Hidden by an organiser"
    DRAFT = "draft", "Draft"
    CHOSE_TO_READ = "chose-to-read", "Chose to read without writing"
    NOT_STARTED = "not-started", "Not started"


def scope_state(*, status: str | None, chose_to_read: bool) -> MyState:
    # A review, even a draft, says more than a reading choice: unpublishing after reading leaves both.
    if status == Review.Status.PUBLISHED:
        return MyState.PUBLISHED
    if status == Review.Status.HIDDEN:
        return MyState.HIDDEN  # written, and not to be rewritten until an organiser shows it again
    if status is not None:
        return MyState.DRAFT
    return MyState.CHOSE_TO_READ if chose_to_read else MyState.NOT_STARTED


@dataclass(frozen=True)
class MyScope:
    scope: ReviewScope
    state: MyState
    review_pk: int | None = None

    @property
    def to_write(self) -> bool:
        """A draft to finish or a review not started; choosing to read without writing settles a scope."""
        return self.state in (MyState.DRAFT, MyState.NOT_STARTED)


@dataclass(frozen=True)
class MyWeek:
    """A member's own state of a week ("Your week"): per review scope what they did, and how many of the
    week's agenda items they marked."""

    week: Week
    scopes: list[MyScope]
    vote_count: int

    @property
    def first_to_write(self) -> MyScope | None:
        return next((entry for entry in self.scopes if entry.to_write), None)

    @property
    def due(self):
        return self.week.reviews_due

    @property
    def is_late(self) -> bool:
        """Past the due time with a review still to write; views keep their page only until the due time."""
        return self.due is not None and self.due <= timezone.now() and self.first_to_write is not None


def my_week_from_panels(*, week: Week, panels: list[ScopePanel], user) -> MyWeek | None:
    """``user``'s state of ``week`` read off its review panels (``week_review_panels``): no query. None for
    those who do not write reviews (``reviews.write_review``) and for a week without review scopes."""
    if not panels or not rules.test_rule("reviews.write_review", user):
        return None
    scopes = [
        MyScope(
            scope=panel.scope,
            state=scope_state(status=panel.own.status if panel.own else None, chose_to_read=panel.chose_to_read),
            review_pk=panel.own.pk if panel.own else None,
        )
        for panel in panels
    ]
    return MyWeek(week=week, scopes=scopes, vote_count=sum(panel.vote_count for panel in panels))


def my_week(*, week: Week | None, user) -> MyWeek | None:
    """``user``'s state of ``week`` (the home page's current week), for pages without its review panels.
    Two queries whatever the data: the week's scopes with the member's side of each, and their papers
    (for the scopes' labels). None as ``my_week_from_panels``."""
    if week is None or not rules.test_rule("reviews.write_review", user):
        return None
    own = Review.objects.filter(scope=OuterRef("pk"), author=user).order_by()
    scopes = (
        ReviewScope.objects.filter(week=week)
        .order_by("position")
        .prefetch_related(Prefetch("papers", queryset=Paper.objects.only("position").order_by("position")))
        .annotate(
            own_pk=Subquery(own.values("pk")[:1]),
            own_status=Subquery(own.values("status")[:1]),
            **member_scope_state(user),
        )
    )
    entries = [
        MyScope(
            scope=scope,
            state=scope_state(status=scope.own_status, chose_to_read=scope.chose_to_read),
            review_pk=scope.own_pk,
        )
        for scope in scopes
    ]
    if not entries:
        return None
    return MyWeek(week=week, scopes=entries, vote_count=sum(scope.vote_count for scope in scopes))


def scope_reviews(*, scope):
    """All published reviews of ``scope``, newest first (the scope's own page), for a user the write-first
    rule lets read them: the view asks ``rules.scope_refusal`` first. In an unlocked scope of a visible
    week every published review is readable (``readable_reviews_q``), so the list asks nothing more and
    reads the index on (scope, status, publication time)."""
    return review_cards(Review.objects.filter(scope=scope, status=Review.Status.PUBLISHED)).order_by(
        "-published_at", "-pk"
    )


def review_for_page(*, pk: int) -> Review | None:
    """The review with what its page shows; access is decided by ``rules.review_refusal``."""
    return (
        Review.objects.select_related("author__profile", "scope__week")
        .annotate(author_is_organiser=AUTHOR_IS_ORGANISER)
        .prefetch_related(Prefetch("scope__papers", queryset=Paper.objects.select_related("week").order_by("position")))
        .filter(pk=pk)
        .first()
    )


COMMENT_MAX_INDENT = 6


COMMENT_FIELDS = [
    *("review_id", "author_id", "parent_id", "body_html", "created", "edited_at", "deleted_at", "hidden_at"),
    *("hidden_reason", "hidden_note"),
]


@dataclass(frozen=True)
class CommentPlace:
    """Where a comment sits in its review's discussion: enough to thread and paginate it, and to tell
    whether it can be replied to, without reading its text."""

    pk: int
    parent_id: int | None
    depth: int
    thread: int
    is_tombstone: bool
    is_hidden: bool


def comment_threads(*, review: Review) -> list[list[CommentPlace]]:
    """The review's discussion as threads (a top-level comment and all its replies), each flat in thread
    order (every reply right after its parent, siblings in posting order), read over four narrow columns.

    Built with an explicit stack: no recursion, any depth."""
    rows = Comment.objects.filter(review=review).order_by("created", "pk")
    rows = list(rows.values_list("pk", "parent_id", "deleted_at", "hidden_at"))
    known = {row[0] for row in rows}
    children: dict[int | None, list[tuple]] = defaultdict(list)
    for row in rows:
        children[row[1] if row[1] in known else None].append(row)
    threads: list[list[CommentPlace]] = []
    for thread, top in enumerate(children[None]):
        threads.append([])
        stack = [(top, 0)]
        while stack:
            (pk, parent_id, deleted_at, hidden_at), depth = stack.pop()
            place = CommentPlace(pk, parent_id, depth, thread, deleted_at is not None, hidden_at is not None)
            threads[-1].append(place)
            stack.extend((reply, depth + 1) for reply in reversed(children.get(pk, [])))
    return threads


def thread_pages(threads: list[list[CommentPlace]], comments_per_page: int) -> list[list[list[CommentPlace]]]:
    """The threads in pages of whole threads holding about ``comments_per_page`` comments: a page takes
    threads until the next would take it past that (a longer thread gets a page of its own), so a page's
    cost follows the comments on it, not the number of threads."""
    pages: list[list[list[CommentPlace]]] = []
    size = 0
    for thread in threads:
        if not pages or (size and size + len(thread) > comments_per_page):
            pages.append([])
            size = 0
        pages[-1].append(thread)
        size += len(thread)
    return pages


@functools.cache
def _member_url_prefix() -> str:
    return reverse("member_detail", args=["-"]).removesuffix("-/")


def _member_url(username: str) -> str:
    # reverse() per comment was a tenth of a long discussion's page: the prefix is built once, and the
    # name quoted as reverse() quotes it.
    return f"{_member_url_prefix()}{quote(username, safe=RFC3986_SUBDELIMS + '~:@')}/"


def _ago(moment, now) -> str:
    """How long ago, for the last week ("just now", "3 hours ago"); older comments show their date only.
    Kept pages live a minute at most, so the words stay true."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds > 7 * 86400:
        return ""
    return f"{timesince(moment, now, depth=1)} ago"


def comments_at(*, review: Review, places: list[CommentPlace]) -> list[Comment]:
    """The comments at ``places`` (a page of threads), in that order, each with its place's ``depth``,
    ``indent`` (the depth capped at ``COMMENT_MAX_INDENT``, for display) and ``thread``, the
    ``parent_comment`` it replies to (None for a top-level one), and its author's ``author_name``,
    ``author_username``, ``author_url`` (their member page), ``author_is_organiser`` and avatar
    (``author_initials``, ``author_hue``, ``members.avatars``), and when it was
    written in the site's time zone (``created_iso``, ``created_label``, and ``created_ago`` within a week).

    Only these rows are read in full (no Markdown sources), with the author's name as columns rather
    than two more model instances per comment."""
    found = (
        Comment.objects.filter(review=review, pk__in=[place.pk for place in places])
        .only(*COMMENT_FIELDS)
        .annotate(
            author_is_organiser=AUTHOR_IS_ORGANISER,
            author_username=F("author__username"),
            author_display_name=F("author__profile__display_name"),
        )
    )
    by_pk = {comment.pk: comment for comment in found}
    zone, month_names, now = timezone.get_current_timezone(), {}, timezone.now()
    comments = []
    for place in places:
        comment = by_pk.get(place.pk)
        if comment is None:  # gone since its place was read
            continue
        comment.depth, comment.indent, comment.thread = place.depth, min(place.depth, COMMENT_MAX_INDENT), place.thread
        comment.parent_comment = by_pk.get(place.parent_id)
        comment.author_name = comment.author_display_name or comment.author_username
        comment.author_url = _member_url(comment.author_username)
        comment.author_initials = avatars.initials(comment.author_name)
        comment.author_hue = avatars.hue(comment.author_username)
        # Django's date filter looks its formats up again for every value (a third of a long discussion's
        # page): the same text as date:"c" and date:"j M, H:i", with the month's name looked up once.
        local = comment.created.astimezone(zone)
        if local.month not in month_names:
            month_names[local.month] = str(MONTHS_3[local.month]).title()
        comment.created_iso = local.isoformat()
        comment.created_label = f"{local.day} {month_names[local.month]}, {local:%H:%M}"
        comment.created_ago = _ago(comment.created, now)
        comments.append(comment)
    return comments


def member_published_reviews(*, member, viewer):
    """``member``'s published reviews that ``viewer`` may read, newest first."""
    return (
        readable_reviews(viewer)
        .filter(author=member, status=Review.Status.PUBLISHED)
        .prefetch_related(Prefetch("scope__papers", queryset=Paper.objects.select_related("week").order_by("position")))
        .order_by("-published_at", "-pk")
    )


@dataclass
class AgendaGroup:
    """The items of one place of one paper (or of no paper, or no place), most voted first."""

    paper: Paper | None
    place_label: str
    items: list = field(default_factory=list)

    @property
    def summary(self) -> str:
        """ "3 confusions, 1 question" """
        counts = Counter(item.kind for item in self.items)
        nouns = ((ReviewItem.Kind.CONFUSION, "confusion"), (ReviewItem.Kind.QUESTION, "question"))
        return ", ".join(f"{counts[kind]} {noun}{pluralize(counts[kind])}" for kind, noun in nouns if counts[kind])


@dataclass
class Agenda:
    """A week's agenda as a user may read it: the items organisers pinned, in their order, then the
    others grouped by paper and place; and the user's own items with what the meeting made of them."""

    pinned: list = field(default_factory=list)
    groups: list[AgendaGroup] = field(default_factory=list)
    mine: list = field(default_factory=list)

    @property
    def items(self) -> list:
        return [*self.pinned, *(item for group in self.groups for item in group.items)]

    @property
    def mine_answered(self) -> int:
        return sum(1 for item in self.mine if item.shown_outcome == ReviewItem.Outcome.ANSWERED)

    @property
    def mine_picked(self) -> int:
        return sum(1 for item in self.mine if item.shown_outcome == ReviewItem.Outcome.PICKED)


def _agenda_items(user):
    """Current items of published reviews ``user`` may read (the write-first rule)."""
    return ReviewItem.objects.filter(
        readable_reviews_q(user, via="review__"),
        review__status=Review.Status.PUBLISHED,
        retired_at__isnull=True,
    ).select_related("review__author__profile")


def week_agenda(*, week, user) -> Agenda:
    """The confusions and questions of the week that ``user`` may read, each with its vote count, the
    user's own vote and the readable duplicates merged into it. Pinned items come first in the
    organisers' order; the others are grouped by paper and place, each group ranked by votes then age,
    groups by paper position, then by their top item's votes. Two queries, whatever the numbers."""
    readable_duplicates = _agenda_items(user).order_by("created", "pk")
    items = (
        _agenda_items(user)
        .filter(review__scope__week=week, merged_into__isnull=True)
        .select_related("paper")
        .defer("review__summary", "review__confusions", "review__questions", "review__summary_html")
        .defer("review__confusions_html", "review__questions_html")
        .annotate(
            vote_count=Count("votes", distinct=True),
            voted=Exists(ItemVote.objects.filter(item=OuterRef("pk"), member_id=getattr(user, "pk", None))),
        )
        .prefetch_related(Prefetch("duplicates", queryset=readable_duplicates, to_attr="shown_duplicates"))
        .order_by("-vote_count", "created", "pk")
    )
    agenda = Agenda()
    groups: dict[tuple, AgendaGroup] = {}
    member = is_member(user)
    for item in items:
        # Readable by the query above; reviews.vote_item also keeps members off their own items (the
        # vote view asks the rule itself).
        item.is_mine = member and item.review.author_id == user.pk
        item.may_vote = member and not item.is_mine
        for shown in (item, *item.shown_duplicates):
            shown.shown_outcome = item.outcome
            if member and shown.review.author_id == user.pk:
                agenda.mine.append(shown)
        if item.pin_order is not None:
            agenda.pinned.append(item)
            continue
        key = (item.paper_id, item.place_key)
        if key not in groups:
            groups[key] = AgendaGroup(paper=item.paper, place_label=item.place_label)
        groups[key].items.append(item)
    agenda.pinned.sort(key=lambda item: (item.pin_order, item.pk))
    agenda.mine.sort(key=lambda item: (item.kind, item.review_id, item.position))
    agenda.groups = sorted(
        groups.values(),
        key=lambda g: (
            g.paper is None,
            g.paper.position if g.paper else 0,
            g.place_label == "",
            -g.items[0].vote_count,
        ),
    )
    return agenda
