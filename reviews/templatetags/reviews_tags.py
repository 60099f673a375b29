import rules
from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.functional import cached_property

from core.roles import is_organiser
from members.models import display_name

register = template.Library()


@register.filter
def member_name(user) -> str:
    return display_name(user)


# Times in long lists: Django's ``date`` filter looks its formats up again for every value, which was a
# third of a 500-comment page. These give the same text as ``date:"c"`` and ``date:"j M, H:i"``.
@register.filter
def iso_time(value) -> str:
    return timezone.localtime(value).isoformat()


@register.filter
def day_month_time(value) -> str:
    local = timezone.localtime(value)
    return f"{local.day} {str(MONTHS_3[local.month]).title()}, {local:%H:%M}"


class CommentPermissions:
    """What ``user`` may do with one comment, each answer asked of ``reviews/rules.py`` when first read.

    One tag per comment instead of one ``test_rule`` per action: a long thread renders this for every
    comment, and most comments are someone else's."""

    def __init__(self, user, comment):
        self.user, self.comment = user, comment

    def _ask(self, rule: str) -> bool:
        return rules.test_rule(rule, self.user, self.comment)

    # Editing and deleting are for the comment's author, hiding for organisers (reviews/rules.py): the rules
    # are asked only where they can hold, which spares hundreds of rule evaluations on a long thread.
    @cached_property
    def edit(self) -> bool:
        return self._own and self._ask("reviews.edit_comment")

    @cached_property
    def delete(self) -> bool:
        return self._own and self._ask("reviews.delete_comment")

    @cached_property
    def hide(self) -> bool:
        return is_organiser(self.user) and self._ask("reviews.hide_comment")

    @property
    def _own(self) -> bool:
        return self.comment.author_id == self.user.pk


@register.simple_tag
def comment_permissions(user, comment) -> CommentPermissions:
    return CommentPermissions(user, comment)
