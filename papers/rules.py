"""Who sees which week: organisers every week, drafts included; everybody else the weeks whose publish
time has come. Defined once (``PUBLISHED``), read as a query condition for lists and as a check on one
week (the rule ``papers.view_week``)."""

import rules
from django.db.models import Q

from core.roles import is_organiser
from papers.models import PUBLISHED, Week


def visible_weeks_q(user, *, via: str = "") -> Q:
    """``via`` is the lookup path from the queried model to its week (``"scope__week__"``)."""
    return Q() if is_organiser(user) else PUBLISHED.q(user, via=via)


def visible_weeks(user):
    return Week.objects.filter(visible_weeks_q(user))


@rules.predicate
def week_is_visible(user, week: Week) -> bool:
    return is_organiser(user) or PUBLISHED.holds(week, user)


rules.add_rule("papers.view_week", week_is_visible)
