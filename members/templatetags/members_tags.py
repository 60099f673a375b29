from django import template

from members import avatars
from members.models import display_name

register = template.Library()


@register.filter
def member_name(user) -> str:
    """The name the group sees: the display name, else the username."""
    return display_name(user)


@register.inclusion_tag("members/_avatar.html")
def avatar(user):
    """A member's initials on their colour (``members.avatars``), for bylines."""
    username = user.get_username() if user is not None else ""
    return {"initials": avatars.initials(display_name(user)), "hue": avatars.hue(username)}
