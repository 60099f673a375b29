from django import template

from members.models import display_name

register = template.Library()


@register.filter
def member_name(user) -> str:
    """The name the group sees: the display name, else the username."""
    return display_name(user)
