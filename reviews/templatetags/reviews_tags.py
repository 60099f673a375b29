from django import template

from members.models import display_name

register = template.Library()


@register.filter
def member_name(user) -> str:
    return display_name(user)
