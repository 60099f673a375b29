import rules
from django import template
from django.utils.functional import cached_property

from core.roles import is_organiser
from members.models import display_name

register = template.Library()


@register.filter
def member_name(user) -> str:
    return display_name(user)


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
