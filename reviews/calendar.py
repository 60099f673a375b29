"""A member's private calendar (``/private/<key>/calendar.ics``, the key of ``reviews/feeds.py``): the
published weeks' meetings and, for each review scope still to write, "Review due: <scope>" at the week's
due time. Built from the public calendar's pieces (``papers/calendar.py``: UIDs, SEQUENCE, UTC times).

"Still to write" is the "Your week" panel's own definition (``reviews.selectors.MyScope.to_write``): no
published review of the scope, and not "I will not write one — show me" (a draft to finish counts as
still to write, even after a choice to read). Only for those who write reviews (``reviews.write_review``).
"""

import rules
from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.views.decorators.http import require_safe

from papers import calendar
from papers.models import Paper, ReviewScope
from reviews.feeds import feed_owner_or_404, private_response
from reviews.models import Review
from reviews.selectors import MyScope, member_scope_state, scope_state


def scopes_to_write(*, user) -> list[ReviewScope]:
    """The review scopes of published weeks with a due time that ``user`` has still to write, each with
    its week and papers: two queries."""
    if not rules.test_rule("reviews.write_review", user):
        return []
    own = Review.objects.filter(scope=OuterRef("pk"), author=user).order_by()
    scopes = (
        ReviewScope.objects.filter(week__in=calendar.published_weeks().filter(reviews_due__isnull=False))
        .select_related("week")
        .prefetch_related(Prefetch("papers", queryset=Paper.objects.only("id", "position").order_by("position")))
        .annotate(own_status=Subquery(own.values("status")[:1]), **member_scope_state(user))
        .order_by("week__number", "position")
    )
    return [
        scope
        for scope in scopes
        if MyScope(scope=scope, state=scope_state(status=scope.own_status, chose_to_read=scope.chose_to_read)).to_write
    ]


def due_event(scope: ReviewScope, *, user, absolute):
    week = scope.week
    return calendar.event(
        week=week,
        # One per member and scope: the event is theirs, not the week's.
        uid=calendar.week_uid(week, f"scope-{scope.pk}-review-due-member-{user.pk}"),
        summary=f"Review due: {scope.label()} ({week.heading})",
        start=week.reviews_due,
        url=absolute(reverse("reviews:review_write", kwargs={"number": week.number, "position": scope.position})),
        transparent=True,
    )


def member_calendar(*, user, absolute):
    meetings = [calendar.meeting_event(week, absolute=absolute) for week in calendar.published_weeks()]
    due = [due_event(scope, user=user, absolute=absolute) for scope in scopes_to_write(user=user)]
    events = [event for event in meetings if event is not None] + due
    return calendar.calendar(name="Your reading group dates", uid=f"members/{user.pk}/calendar", events=events)


@require_safe
def member_calendar_ics(request, key: str):
    user = feed_owner_or_404(key)
    built = member_calendar(user=user, absolute=request.build_absolute_uri)
    return private_response(calendar.ics_response(built, filename="my-reading-group.ics"))
