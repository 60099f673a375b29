from django import template

from readinggroup.models import display_name
from readinggroup.roles import is_member, is_organiser
from reviews.selectors import week_review_panels

register = template.Library()


@register.inclusion_tag("reviews/_week_reviews.html", takes_context=True)
def week_reviews(context, week, scopes):
    """The "Reviews this week" section of a week page: one panel per review scope."""
    user = context["request"].user
    return {
        "week": week,
        "panels": week_review_panels(week=week, scopes=scopes, user=user),
        "user": user,
        "is_member": is_member(user),
        "is_organiser": is_organiser(user),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def member_name(user) -> str:
    return display_name(user)
