"""Who sees which week. Defined once, as a query condition; the one-week predicate and the rule the
templates ask (``papers.view_week``) are derived from it, so the lists and the checks cannot disagree."""

import rules
from django.db.models import Q
from django.utils import timezone

from core.roles import is_organiser
from papers.models import Week


def visible_weeks_q(user, *, via: str = "") -> Q:
    """Organisers see every week, drafts included; everybody else the weeks whose publish time has come.
    ``via`` is the lookup path from the queried model to its week (``"scope__week__"``)."""
    if is_organiser(user):
        return Q()
    return Q(**{f"{via}published_at__lte": timezone.now()})


def visible_weeks(user):
    return Week.objects.filter(visible_weeks_q(user))


@rules.predicate
def week_is_visible(user, week: Week) -> bool:
    return visible_weeks(user).filter(pk=week.pk).exists()


rules.add_rule("papers.view_week", week_is_visible)
