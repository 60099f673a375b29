"""Comments and reviews as notifications: a comment on your review, a reply to your comment, an
@username mention. Each recipient is asked the site's own reading rule first, so a notification never
carries text its recipient may not read."""

import operator
import re
from functools import reduce

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Coalesce, Now
from django.dispatch import receiver
from django.utils.text import Truncator

from core.markup import html_to_text
from core.roles import is_member
from members.models import display_name
from notifications.models import Kind, Notification
from notifications.services import notify
from reviews.rules import review_is_readable
from reviews.signals import (
    comment_hidden,
    comment_posted,
    comment_withdrawn,
    review_hidden,
    review_published,
    review_withdrawn,
)

# "@alan" or "@ada.lovelace", not an email address ("a@b.org") nor a word ending in "@".
MENTION = re.compile(r"(?<![\w@./-])@([A-Za-z0-9_][A-Za-z0-9._-]*[A-Za-z0-9_]|[A-Za-z0-9_])")
EXCERPT_CHARS = 600
WITHDRAWN_TITLE = "A comment that was hidden or deleted"
WITHDRAWN_REVIEW_TITLE = "About a review its author has taken back"
# Code is not prose: "@property" in a code block names no one.
CODE = re.compile(r"<pre\b.*?</pre>|<code\b.*?</code>", re.DOTALL)


def mentioned_members(text: str, *, limit: int = 20) -> list:
    """The active accounts named as ``@username`` in ``text`` (at most ``limit``, so a pasted list of
    names cannot turn one comment into mail to everyone)."""
    names = list(dict.fromkeys(name.lower() for name in MENTION.findall(text)))[:limit]
    if not names:
        return []
    named = reduce(operator.or_, (Q(username__iexact=name) for name in names))
    return list(get_user_model().objects.filter(named, is_active=True).select_related("profile"))


def _prose(rendered_html: str) -> str:
    return html_to_text(CODE.sub(" ", rendered_html))


def _excerpt(rendered_html: str) -> str:
    return Truncator(html_to_text(rendered_html)).chars(EXCERPT_CHARS)


def _where(review) -> str:
    return f"{review.scope.week.heading} · {review.scope.label()}"


@receiver(comment_posted)
def comment_notifications(sender, comment, **kwargs):
    review, author = comment.review, comment.author
    who = display_name(author)
    recipients: dict[int, tuple] = {}  # first reason wins: a reply to me on my review is a reply
    if comment.parent is not None and comment.parent.author is not None:
        recipients[comment.parent.author_id] = (comment.parent.author, Kind.REPLY, f"{who} replied to your comment")
    recipients.setdefault(review.author_id, (review.author, Kind.COMMENT, f"{who} commented on your review"))
    for member in mentioned_members(_prose(comment.body_html)):
        recipients.setdefault(member.pk, (member, Kind.MENTION, f"{who} mentioned you in a comment"))
    recipients.pop(author.pk, None)
    for recipient, kind, title in recipients.values():
        if is_member(recipient) and review_is_readable(recipient, review) and not comment.is_hidden:
            notify(
                recipient=recipient,
                kind=kind,
                about=f"comment:{comment.pk}",
                title=f"{title} ({_where(review)})",
                body=_excerpt(comment.body_html),
                url=comment.get_absolute_url(),
            )


@receiver(review_published)
def review_mentions(sender, review, **kwargs):
    text = _prose(" ".join((review.summary_html, review.confusions_html, review.questions_html)))
    who = display_name(review.author)
    for member in mentioned_members(text):
        if member.pk != review.author_id and is_member(member) and review_is_readable(member, review):
            notify(
                recipient=member,
                kind=Kind.MENTION,
                about=f"review:{review.pk}",
                title=f"{who} mentioned you in a review ({_where(review)})",
                body=_excerpt(review.summary_html),
                url=review.get_absolute_url(),
            )


def _withdraw(notifications, title: str) -> None:
    """No longer quoted on the notifications page or in a daily email, nor emailed if not yet sent."""
    notifications.update(body="", title=title, mail_skipped_at=Coalesce("emailed_at", Now()), updated=Now())


@receiver(comment_withdrawn)
def forget_withdrawn_comment(sender, comment_id, **kwargs):
    _withdraw(Notification.objects.filter(about=f"comment:{comment_id}"), WITHDRAWN_TITLE)


@receiver(review_withdrawn)
def forget_withdrawn_review(sender, review, **kwargs):
    """A review back to a draft: its mentions and its comments are no longer quoted."""
    abouts = [f"review:{review.pk}", *(f"comment:{pk}" for pk in review.comments.values_list("pk", flat=True))]
    _withdraw(Notification.objects.filter(about__in=abouts), WITHDRAWN_REVIEW_TITLE)


def _tell_why(*, author, entry, what: str, about: str, where: str, afterwards: str, url: str) -> None:
    """The author of something an organiser hid is told why: the reason and the organiser's note, never
    the text of anyone else."""
    reason = entry.get_reason_display()
    notify(
        recipient=author,
        kind=Kind.MODERATION,
        about=about,
        title=f"An organiser hid your {what}{where}: {reason}",
        body=f"{reason}." + (f"\n{entry.note}" if entry.note else "") + f"\n{afterwards}",
        url=url,
    )


@receiver(comment_hidden)
def tell_the_author_why(sender, comment, entry, **kwargs):
    _tell_why(
        author=comment.author,
        entry=entry,
        what="comment",
        about=f"hidden:{entry.pk}",
        where="",
        afterwards="The organisers keep its text; you can still delete it.",
        url=comment.get_absolute_url(),
    )


@receiver(review_hidden)
def tell_the_review_author_why(sender, review, entry, **kwargs):
    _tell_why(
        author=review.author,
        entry=entry,
        what="review",
        about=f"hidden-review:{entry.pk}",
        where=f" ({_where(review)})",
        afterwards="You and the organisers can still read it; it stays as it is until an organiser shows it again.",
        url=review.get_absolute_url(),
    )
