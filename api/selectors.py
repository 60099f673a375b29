"""The curriculum as the API shows it: the published weeks and what belongs to them, the same for everyone.

The API is public and its answers are cacheable (``Cache-Control: public``, ETags), so what it shows may not
depend on who asks: it reads the curriculum as a visitor sees it (``papers.rules.visible_weeks`` with an
anonymous user), even for a signed-in organiser. Drafts and scheduled weeks stay on the organisers' pages,
where nothing is kept by a shared cache. Each function runs a fixed number of queries, however many rows
it returns.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from papers.models import Paper, Resource, ReviewScope, Week
from papers.rules import visible_weeks, visible_weeks_q

VISITOR = AnonymousUser()


def published_weeks():
    return visible_weeks(VISITOR)


def _papers():
    return Prefetch("papers", queryset=Paper.objects.order_by("position"))


def _resources():
    return Prefetch("resources", queryset=Resource.objects.select_related("paper").order_by("position", "pk"))


def _scopes():
    return Prefetch(
        "review_scopes",
        queryset=ReviewScope.objects.order_by("position").prefetch_related(
            Prefetch("papers", queryset=Paper.objects.order_by("position"))
        ),
    )


def week_list():
    """Published weeks with their papers (3 queries with the page's count)."""
    return published_weeks().order_by("number").prefetch_related(_papers())


def week_get(*, number: int) -> Week:
    """A published week with its papers, resources and review scopes (5 queries); 404 otherwise."""
    return get_object_or_404(
        published_weeks().prefetch_related(_papers(), _resources(), _scopes()),
        number=number,
    )


def week_get_bare(*, number: int) -> Week:
    return get_object_or_404(published_weeks(), number=number)


def week_resources(*, week: Week):
    return Resource.objects.filter(week=week).select_related("paper").order_by("position", "pk")


def paper_list():
    """Papers of the published weeks, with their week (3 queries with the page's count)."""
    return (
        Paper.objects.filter(visible_weeks_q(VISITOR, via="week__"))
        .select_related("week")
        .order_by("week__number", "position")
    )


def paper_get(*, number: int, position: int) -> Paper:
    """A paper of a published week, with its resources and the review scopes it is in (4 queries)."""
    return get_object_or_404(
        paper_list().prefetch_related(
            Prefetch("resources", queryset=Resource.objects.select_related("paper").order_by("position", "pk")),
            _scopes(),
        ),
        week__number=number,
        position=position,
    )
