"""Read-side queries for curriculum pages, each with a fixed number of queries."""

import logging
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import versions
from papers.models import PUBLISHED, Paper, Resource, ReviewScope, Week
from papers.rules import visible_weeks, week_is_visible


@dataclass
class ResourceGroup:
    kind_label: str
    topics: list[tuple[str, list[Resource]]] = field(default_factory=list)


def group_resources(resources: list[Resource]) -> list[ResourceGroup]:
    """Group resources by kind (in the order kinds are declared) and then by topic (first seen first)."""
    kind_order = {value: index for index, value in enumerate(Resource.Kind.values)}
    groups = []
    ordered = sorted(resources, key=lambda r: (kind_order[r.kind], r.position, r.pk))
    for kind, of_kind in groupby(ordered, key=lambda r: r.kind):
        of_kind = list(of_kind)
        topics: dict[str, list[Resource]] = {}
        for resource in of_kind:
            topics.setdefault(resource.topic, []).append(resource)
        groups.append(ResourceGroup(kind_label=Resource.Kind(kind).label, topics=list(topics.items())))
    return groups


logger = logging.getLogger(__name__)
KEEP_CURRICULUM_SECONDS = 600


def _scopes_prefetch():
    return Prefetch(
        "review_scopes",
        queryset=ReviewScope.objects.order_by("position").prefetch_related(
            Prefetch("papers", queryset=Paper.objects.order_by("position"))
        ),
    )


@dataclass
class WeekPage:
    week: Week
    papers: list[Paper]
    scopes: list[ReviewScope]
    week_resources: list[ResourceGroup]
    paper_resources: dict[int, list[ResourceGroup]]

    def papers_with_resources(self) -> list[tuple[Paper, list[ResourceGroup]]]:
        return [(paper, self.paper_resources.get(paper.pk, [])) for paper in self.papers]


def week_page(*, number: int, user, site_version: str | None = None) -> WeekPage:
    """The week with its papers, review scopes and resources; 404 when the user may not see it.

    With ``site_version`` (the token of ``core.versions.SITE`` the page is rendered at), a published week's
    curriculum, the same for everyone who may see it, is kept in the page cache under that token: five
    queries fewer for every member whose cached page of the week is out of date."""
    key = f"readinggroup:week-curriculum:{number}:{site_version}"
    if site_version is not None:
        kept = _cache_call("get", key)
        if isinstance(kept, WeekPage) and week_is_visible(user, kept.week):
            return kept
    page = _week_page(number=number, user=user)
    if site_version is not None and PUBLISHED.holds(page.week):
        _cache_call("set", key, page, KEEP_CURRICULUM_SECONDS)
    return page


def _cache_call(operation: str, *args):
    try:
        return getattr(versions.cache(), operation)(*args)
    except Exception:  # noqa: BLE001 (a cache that is down or full: read from the database)
        logger.warning("curriculum cache unavailable", exc_info=True)
        return None


def _week_page(*, number: int, user) -> WeekPage:
    week = get_object_or_404(
        visible_weeks(user).prefetch_related(
            Prefetch("papers", queryset=Paper.objects.order_by("position")),
            Prefetch("resources", queryset=Resource.objects.order_by("position", "pk")),
            _scopes_prefetch(),
        ),
        number=number,
    )
    resources = list(week.resources.all())
    by_paper: dict[int, list[Resource]] = {}
    for resource in resources:
        if resource.paper_id:
            by_paper.setdefault(resource.paper_id, []).append(resource)
    return WeekPage(
        week=week,
        papers=list(week.papers.all()),
        scopes=list(week.review_scopes.all()),
        week_resources=group_resources([r for r in resources if not r.paper_id]),
        paper_resources={paper_id: group_resources(items) for paper_id, items in by_paper.items()},
    )


def paper_for_page(*, number: int, position: int, user) -> Paper:
    """A paper of a week the user may see, with its week, resources and review scopes."""
    return get_object_or_404(
        Paper.objects.select_related("week")
        .filter(week__in=visible_weeks(user))
        .prefetch_related(
            Prefetch("resources", queryset=Resource.objects.order_by("position", "pk")),
            Prefetch("review_scopes", queryset=ReviewScope.objects.prefetch_related("papers")),
        ),
        week__number=number,
        position=position,
    )


@dataclass
class Schedule:
    current: Week | None
    upcoming: list[Week]
    past: list[Week]


def schedule_for(*, user) -> Schedule:
    """Split the weeks the user may see into the current one, upcoming and past ones.

    The current week is the latest whose reading has started; with no dates at all, the first week.
    """
    today = timezone.localdate()
    weeks = list(
        visible_weeks(user)
        .annotate(paper_count=Count("papers"))
        .prefetch_related(Prefetch("papers", queryset=Paper.objects.order_by("position")))
        .order_by("number")
    )
    if not weeks:
        return Schedule(current=None, upcoming=[], past=[])
    started = [week for week in weeks if week.reading_starts and week.reading_starts <= today]
    current = started[-1] if started else weeks[0]
    return Schedule(
        current=current,
        upcoming=[week for week in weeks if week.number > current.number],
        past=[week for week in weeks if week.number < current.number][::-1],
    )
