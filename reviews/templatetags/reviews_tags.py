import rules
from django import template
from django.template.defaultfilters import pluralize
from django.utils.functional import cached_property

from core.roles import is_member, is_organiser

register = template.Library()


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

    @cached_property
    def report(self) -> bool:
        # reviews.report_comment without its first condition: the page showing the comment is its
        # review's, which the user reads (asking again would load the review once per comment).
        comment = self.comment
        return is_member(self.user) and not self._own and not comment.is_tombstone and not comment.is_hidden

    @property
    def _own(self) -> bool:
        return self.comment.author_id == self.user.pk


@register.simple_tag
def comment_permissions(user, comment) -> CommentPermissions:
    return CommentPermissions(user, comment)


@register.filter
def vote_words(item) -> str:
    """How many members share an agenda item, in words that read right at 0, 1 and many."""
    count = item.vote_count
    if item.kind == "confusion":
        return "no one else yet" if count == 0 else f"{count} member{pluralize(count)} also confused"
    return "no +1 yet" if count == 0 else f"+1 from {count} member{pluralize(count)}"


@register.filter
def one_line(text: str) -> str:
    """Markdown source on one line, for a list item of the agenda's Markdown."""
    return " ".join(str(text).split())
