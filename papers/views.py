from django.shortcuts import render
from django.views.decorators.http import require_safe

from core import versions
from core.pagecache import cache_page
from papers import calendar, feeds, selectors


@require_safe
@cache_page(depends_on=lambda number, position: [versions.week(number)])
def paper_detail(request, number: int, position: int):
    paper = selectors.paper_for_page(number=number, position=position, user=request.user)
    resources = selectors.group_resources(list(paper.resources.all()))
    return render(request, "papers/paper_detail.html", {"paper": paper, "week": paper.week, "resources": resources})


@require_safe
def site_calendar(request):
    """Every published week's dates, for calendar apps to subscribe to."""
    built = calendar.site_calendar(absolute=request.build_absolute_uri)
    return calendar.ics_response(built, filename="reading-group.ics")


weeks_feed = require_safe(feeds.weeks_feed)
