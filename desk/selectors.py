"""What the organisers' desk reads: the progress board of a week (members × review scopes), the weeks
with their totals, and a member's history. Each is a fixed number of queries whatever the number of
members, scopes and reviews; drafts are read as "exists" only (their text is never loaded)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from core.roles import members_q
from members.models import display_name
from papers.models import Paper, ReviewScope, Week
from papers.rules import visible_weeks_q
from reviews.models import Comment, ReadingChoice, Review

# What a draft says; pages that are not its author's never load it.
DRAFT_TEXT = ("summary", "summary_html", "confusions", "confusions_html", "questions", "questions_html", "excerpt")
# A review counted as written on the board: published, or published and then hidden by an organiser.
WRITTEN = (Review.Status.PUBLISHED, Review.Status.HIDDEN)
# "Active" on the board: started or published a review in the last ACTIVE_WEEKS weeks.
ACTIVE_WEEKS = 4


class State:
    """What a member did with one review scope, as the board shows it (text and badge, never colour
    alone). ``badge`` is the CSS modifier of ``.badge``."""

    PUBLISHED = "published"
    LATE = "late"
    HIDDEN = "hidden"
    DRAFT = "draft"
    OPTED_OUT = "opted-out"
    WITHDRAWN = "withdrawn"
    NOTHING = "nothing"

    LABELS = {
        PUBLISHED: "Published",
        LATE: "Published late",
        HIDDEN: "Hidden by an organiser",
        DRAFT: "Draft",
        OPTED_OUT: "Opted out (“show me”)",
        WITHDRAWN: "Withdrawn after reading",
        NOTHING: "Nothing",
    }
    BADGES = {
        PUBLISHED: "published",
        LATE: "late",
        HIDDEN: "hidden",
        DRAFT: "draft",
        OPTED_OUT: "chose-to-read",
        WITHDRAWN: "withdrawn",
        NOTHING: "not-started",
    }
    # The columns of the totals, in the order the page shows them.
    ORDER = (PUBLISHED, LATE, HIDDEN, DRAFT, OPTED_OUT, WITHDRAWN, NOTHING)
    # Needs no reminder: the member wrote (a hidden review too: it cannot be rewritten), or chose to read.
    DONE = frozenset({PUBLISHED, LATE, HIDDEN, OPTED_OUT, WITHDRAWN})


@dataclass
class Cell:
    scope: ReviewScope
    state: str
    published_at: datetime | None = None

    @property
    def label(self) -> str:
        return State.LABELS[self.state]

    @property
    def badge(self) -> str:
        return State.BADGES[self.state]


@dataclass
class Row:
    member: object
    cells: list[Cell]

    @property
    def name(self) -> str:
        return display_name(self.member)

    @property
    def published(self) -> int:
        return sum(cell.state in (State.PUBLISHED, State.LATE) for cell in self.cells)

    @property
    def missing(self) -> list[ReviewScope]:
        """The scopes this member has neither written nor chosen to read without writing."""
        return [cell.scope for cell in self.cells if cell.state not in State.DONE]


@dataclass
class ScopeTotals:
    scope: ReviewScope
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Board:
    week: Week
    scopes: list[ReviewScope]
    rows: list[Row]
    totals: list[ScopeTotals]
    active_only: bool
    active_since: datetime

    @property
    def totals_by_state(self) -> list[tuple[str, str, list[int]]]:
        """The footer of the grid: per state, its label and its count in each scope's column."""
        return [
            (state, State.LABELS[state], [totals.counts.get(state, 0) for totals in self.totals])
            for state in State.ORDER
        ]

    @property
    def not_written(self) -> list[Row]:
        return [row for row in self.rows if row.missing]


def _scopes_query():
    return ReviewScope.objects.order_by("position").prefetch_related(
        Prefetch("papers", queryset=Paper.objects.order_by("position"))
    )


def active_since(now=None) -> datetime:
    return (now or timezone.now()) - timedelta(weeks=ACTIVE_WEEKS)


def board_members(*, active_only: bool, now=None):
    """The group's members (``members_q``), optionally only the active ones: those who started or
    published a review in the last ``ACTIVE_WEEKS`` weeks."""
    members = get_user_model().objects.filter(members_q()).select_related("profile").order_by("username")
    if active_only:
        since = active_since(now)
        recent = Review.objects.filter(author=OuterRef("pk")).filter(Q(created__gte=since) | Q(published_at__gte=since))
        members = members.filter(Exists(recent))
    return members


def _state(*, review: dict | None, choice: str | None, due) -> tuple[str, datetime | None]:
    if review is not None and review["status"] == Review.Status.PUBLISHED:
        late = due is not None and review["published_at"] > due
        return (State.LATE if late else State.PUBLISHED), review["published_at"]
    if review is not None and review["status"] == Review.Status.HIDDEN:
        return State.HIDDEN, review["published_at"]
    if choice == ReadingChoice.How.UNPUBLISHED_AFTER_READING:
        return State.WITHDRAWN, None
    if choice is not None:
        return State.OPTED_OUT, None
    if review is not None:
        return State.DRAFT, None
    return State.NOTHING, None


def week_board(*, week: Week, active_only: bool = False, members=None, now=None) -> Board:
    """The grid of ``week``: one row per member, one cell per review scope. Five queries: scopes, their
    papers, members, the week's reviews (author, scope, status, publish time: no text) and its reading
    choices. ``members`` narrows the rows (a list or queryset of users, still within the group)."""
    scopes = list(_scopes_query().filter(week=week))
    people = board_members(active_only=active_only, now=now)
    if members is not None:
        people = people.filter(pk__in=[getattr(m, "pk", m) for m in members])
    people = list(people)
    reviews = {
        (row["author_id"], row["scope_id"]): row
        for row in Review.objects.filter(scope__week=week).values("author_id", "scope_id", "status", "published_at")
    }
    choices = {
        (member_id, scope_id): how
        for member_id, scope_id, how in ReadingChoice.objects.filter(scope__week=week).values_list(
            "member_id", "scope_id", "how"
        )
    }
    totals = {scope.pk: ScopeTotals(scope=scope) for scope in scopes}
    rows = []
    for person in people:
        cells = []
        for scope in scopes:
            key = (person.pk, scope.pk)
            state, published_at = _state(review=reviews.get(key), choice=choices.get(key), due=week.reviews_due)
            cells.append(Cell(scope=scope, state=state, published_at=published_at))
            counts = totals[scope.pk].counts
            counts[state] = counts.get(state, 0) + 1
        rows.append(Row(member=person, cells=cells))
    return Board(
        week=week,
        scopes=scopes,
        rows=rows,
        totals=[totals[scope.pk] for scope in scopes],
        active_only=active_only,
        active_since=active_since(now),
    )


@dataclass
class WeekProgress:
    week: Week
    scope_count: int
    expected: int
    published: int
    late: int
    hidden: int
    drafts: int
    opted_out: int
    withdrawn: int

    @property
    def nothing(self) -> int:
        # A draft beside a reading choice (withdrawn after reading) counts once, as withdrawn.
        done = self.published + self.hidden + self.drafts + self.opted_out + self.withdrawn
        return max(self.expected - done, 0)


def weeks_progress(*, active_only: bool = False) -> list[WeekProgress]:
    """Every week, newest first, with its totals over the group's members. Four queries: weeks with
    their scope counts, the member count, reviews and reading choices counted per week."""
    weeks = list(Week.objects.annotate(scope_count=Count("review_scopes")).order_by("-number"))
    members = board_members(active_only=active_only)
    member_count = members.count()
    in_group = Q(author__in=members.values("pk"))
    reviews = Review.objects.filter(in_group).values("scope__week").order_by()
    review_counts = {
        row["scope__week"]: row
        for row in reviews.annotate(
            published=Count("pk", filter=Q(status=Review.Status.PUBLISHED)),
            late=Count(
                "pk",
                filter=Q(status=Review.Status.PUBLISHED, published_at__gt=F("scope__week__reviews_due")),
            ),
            hidden=Count("pk", filter=Q(status=Review.Status.HIDDEN)),
            # Drafts whose author has not also chosen to read (those count as withdrawn or opted out).
            drafts=Count(
                "pk",
                filter=Q(status=Review.Status.DRAFT)
                & ~Exists(ReadingChoice.objects.filter(scope=OuterRef("scope"), member=OuterRef("author"))),
            ),
        )
    }
    choices = (
        ReadingChoice.objects.filter(member__in=members.values("pk"))
        .exclude(Exists(Review.objects.filter(scope=OuterRef("scope"), author=OuterRef("member"), status__in=WRITTEN)))
        .values("scope__week")
        .order_by()
        .annotate(
            opted_out=Count("pk", filter=Q(how=ReadingChoice.How.CHOSE_TO_READ)),
            withdrawn=Count("pk", filter=Q(how=ReadingChoice.How.UNPUBLISHED_AFTER_READING)),
        )
    )
    choice_counts = {row["scope__week"]: row for row in choices}
    result = []
    for week in weeks:
        counted = review_counts.get(week.pk, {})
        chosen = choice_counts.get(week.pk, {})
        result.append(
            WeekProgress(
                week=week,
                scope_count=week.scope_count,
                expected=week.scope_count * member_count,
                published=counted.get("published", 0),
                late=counted.get("late", 0),
                hidden=counted.get("hidden", 0),
                drafts=counted.get("drafts", 0),
                opted_out=chosen.get("opted_out", 0),
                withdrawn=chosen.get("withdrawn", 0),
            )
        )
    return result


def history_reviews(*, member, viewer):
    """``member``'s reviews across the weeks ``viewer`` can see, newest week first. Their own drafts for
    themselves; anyone else (an organiser) gets the drafts as rows without text: the template shows only
    that one exists, and the queryset defers the text so it is never even loaded."""
    reviews = (
        Review.objects.filter(visible_weeks_q(viewer, via="scope__week__"), author=member)
        .select_related("scope__week")
        .prefetch_related(Prefetch("scope__papers", queryset=Paper.objects.order_by("position")))
        .order_by("-scope__week__number", "scope__position")
    )
    if viewer.pk != member.pk:
        reviews = reviews.defer(*DRAFT_TEXT)
    return reviews


def history_comments(*, member, viewer):
    """``member``'s comments across the weeks ``viewer`` can see, newest first, with the review and scope
    they are under. Not the ones they deleted, nor those under a review that is a draft again (hidden
    with it, as on the review's page). Comments an organiser hid are listed; the page shows their text
    only to organisers."""
    return (
        Comment.objects.filter(visible_weeks_q(viewer, via="review__scope__week__"), author=member)
        .filter(deleted_at__isnull=True, review__status=Review.Status.PUBLISHED)
        .select_related("review__scope__week", "review__author__profile")
        .prefetch_related(Prefetch("review__scope__papers", queryset=Paper.objects.order_by("position")))
        .order_by("-created")
    )
