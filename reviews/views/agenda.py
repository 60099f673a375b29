"""The week's agenda: its confusions and questions, as a page, as Markdown, and the votes on them."""

import rules
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from core import versions
from core.pagecache import cache_page, content_version, keep_until
from core.roles import is_organiser
from papers import selectors as curriculum
from reviews import selectors
from reviews.views.caching import of_week, still_to_come
from reviews.views.refusals import require


@require_safe
@login_required
@cache_page(depends_on=of_week)
def week_agenda(request, number: int):
    """The week's confusions and questions that the member may read, grouped by paper and place, most
    voted first, with a "me too" / "+1" button on the others' items."""
    require(request, "reviews.read_reviews", reason="The agenda is for verified members.")
    page = curriculum.week_page(number=number, user=request.user, site_version=content_version(request, versions.SITE))
    keep_until(request, still_to_come(page.week.meeting_at))
    context = {
        "week": page.week,
        "agenda": selectors.week_agenda(week=page.week, user=request.user),
        "runs_agenda": is_organiser(request.user),
        "meeting_started": still_to_come(page.week.meeting_at) is None and page.week.meeting_at is not None,
        "meeting_notes_shown": rules.test_rule("reviews.read_meeting_notes", request.user, page.week),
    }
    return render(request, "reviews/agenda.html", context)


@require_safe
@login_required
def week_agenda_markdown(request, number: int):
    """The agenda as Markdown, to start the meeting notes from: the same items the page shows."""
    require(request, "reviews.read_reviews", reason="The agenda is for verified members.")
    page = curriculum.week_page(number=number, user=request.user)
    agenda = selectors.week_agenda(week=page.week, user=request.user)
    text = render_to_string("reviews/agenda.md", {"week": page.week, "agenda": agenda}, request=request)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="week-{page.week.number}-agenda.md"'
    return response
