"""A member's private Atom feed (``/private/<key>/feed.atom``): the newest reviews and comments they may
read, at an address whose secret they can renew on their profile page (``members.services``).

The address is the member's credentials: whoever fetches it (a feed reader, with no session) gets what
the key's member may read, decided by the site's one rule (``reviews.rules.readable_reviews_q``): others'
published reviews the write-first rule unlocks for them, and the comments on those reviews that nobody
deleted and no organiser hid. Never a draft, nor a comment on one. A wrong or renewed key, or the key of
a deactivated account, is 404. The member's own reviews and comments are left out: they are not news to
them.

Entries carry the start of the text, not all of it: a feed reader keeps what it fetched for good, and
the site stays where a hidden comment or an unpublished review stops showing.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_safe

from members.models import Profile, display_name
from papers.models import Paper
from reviews.models import Comment, Review, summary_excerpt
from reviews.rules import readable_reviews_q
from reviews.selectors import FULL_TEXT_COLUMNS, readable_reviews

ENTRIES_IN_FEED = 50


def feed_owner_or_404(key: str):
    """The active member whose private feed and calendar ``key`` opens; 404 for any other key."""
    profile = get_object_or_404(
        # The empty key is every profile's before it has one: excluded here as in the unique constraint.
        Profile.objects.select_related("user").exclude(feed_key=""),
        feed_key=key,
        user__is_active=True,
    )
    return profile.user


def private_response(response):
    """Nothing at a secret address is kept by a shared cache, nor listed by a search engine."""
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@dataclass(frozen=True)
class Entry:
    title: str
    link: str
    summary: str
    author: str
    published: datetime
    updated: datetime


def newest_readable(*, user, limit: int = ENTRIES_IN_FEED) -> list[Entry]:
    """The ``limit`` newest reviews and comments ``user`` may read and did not write, newest first.

    Three queries whatever the numbers: the newest readable reviews, the newest visible comments on
    readable reviews (each stopping after ``limit`` rows), and the papers of their scopes for the labels."""
    reviews = list(
        readable_reviews(user)
        .filter(status=Review.Status.PUBLISHED)
        .exclude(author=user)
        .order_by("-published_at", "-pk")[:limit]
    )
    comments = list(
        Comment.objects.filter(
            readable_reviews_q(user, via="review__"),
            review__status=Review.Status.PUBLISHED,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        .exclude(author=user)
        .select_related("author__profile", "review__author__profile", "review__scope__week")
        .defer("body", *(f"review__{column}" for column in FULL_TEXT_COLUMNS))
        .order_by("-created", "-pk")[:limit]
    )
    scopes = {review.scope_id: review.scope for review in reviews}
    scopes |= {comment.review.scope_id: comment.review.scope for comment in comments}
    papers = Prefetch("papers", queryset=Paper.objects.only("id", "position").order_by("position"))
    prefetch_related_objects(list(scopes.values()), papers)
    entries = [_review_entry(review, scopes[review.scope_id]) for review in reviews]
    entries += [_comment_entry(comment, scopes[comment.review.scope_id]) for comment in comments]
    entries.sort(key=lambda entry: entry.published, reverse=True)
    return entries[:limit]


def _where(scope) -> str:
    return f"{scope.label()} of {scope.week.heading}"


def _review_entry(review: Review, scope) -> Entry:
    author = display_name(review.author)
    return Entry(
        title=f"{author} reviewed {_where(scope)}",
        link=review.get_absolute_url(),
        summary=escape(review.excerpt),
        author=author,
        published=review.published_at,
        updated=max(review.published_at, review.edited_at or review.published_at),
    )


def _comment_entry(comment: Comment, scope) -> Entry:
    author = display_name(comment.author)
    review_url = comment.review.get_absolute_url()
    return Entry(
        title=f"{author} commented on {display_name(comment.review.author)}'s review of {_where(scope)}",
        # ?comment= opens the page of the discussion that holds it.
        link=f"{review_url}?comment={comment.pk}#comment-{comment.pk}",
        summary=escape(summary_excerpt(comment.body_html)),
        author=author,
        published=comment.created,
        updated=max(comment.created, comment.edited_at or comment.created),
    )


class MemberFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, key: str):
        return feed_owner_or_404(key)

    def title(self, user):
        return f"{settings.SITE_NAME}: new reviews and comments for {display_name(user)}"

    def subtitle(self, user):
        return "Reviews and comments you may read, newest first."

    def link(self, user):
        return reverse("home")

    def feed_guid(self, user):
        # Stable across key renewals, and without the key in it.
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/members/{user.pk}/feed").urn

    def items(self, user):
        return newest_readable(user=user)

    def item_title(self, entry: Entry):
        return entry.title

    def item_link(self, entry: Entry):
        return entry.link

    def item_description(self, entry: Entry):
        return entry.summary

    def item_author_name(self, entry: Entry):
        return entry.author

    def item_pubdate(self, entry: Entry):
        return entry.published

    def item_updateddate(self, entry: Entry):
        return entry.updated


_member_feed = MemberFeed()


@require_safe
def member_feed(request, key: str):
    return private_response(_member_feed(request, key=key))
