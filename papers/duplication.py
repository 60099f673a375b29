"""Copying a week: the admin's "Duplicate this week" action."""

from django.db import transaction
from django.db.models import Max

from papers.models import Paper, Resource, ReviewScope, Week

PAPER_COPIED_FIELDS = ("position", "title", "authors", "year", "venue", "url", "pdf_url", "arxiv_id", "doi",
                       "abstract", "focus_note", "note")  # fmt: skip
RESOURCE_COPIED_FIELDS = ("kind", "topic", "title", "url", "note", "position")


@transaction.atomic
def week_duplicate(*, week: Week) -> Week:
    """A draft copy of ``week`` numbered after the last week: the same title, intro, review plan, papers,
    review scopes and resources. Dates and the publish time are left empty (a draft is scheduled anew);
    reviews belong to the original and are not copied."""
    number = (Week.objects.select_for_update().aggregate(top=Max("number"))["top"] or 0) + 1
    copy = Week(number=number, title=week.title, intro=week.intro, review_plan=week.review_plan)
    copy.full_clean()
    copy.save()
    papers = {}
    for paper in week.papers.order_by("position"):
        papers[paper.pk] = Paper.objects.create(
            week=copy, **{name: getattr(paper, name) for name in PAPER_COPIED_FIELDS}
        )
    for resource in week.resources.order_by("position", "pk"):
        Resource.objects.create(
            week=copy,
            paper=papers.get(resource.paper_id),
            **{name: getattr(resource, name) for name in RESOURCE_COPIED_FIELDS},
        )
    for scope in week.review_scopes.prefetch_related("papers").order_by("position"):
        new_scope = ReviewScope.objects.create(week=copy, position=scope.position, focus=scope.focus)
        new_scope.papers.set([papers[paper.pk] for paper in scope.papers.all() if paper.pk in papers])
    return copy
