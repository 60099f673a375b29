"""Every URL of the site × every kind of visitor, GET and POST, against outcomes written down as data.

The URL list comes from the resolver, so a new view without a row here fails
``test_every_url_pattern_has_a_row``. Each cell runs in a transaction that is rolled back, so a POST
in one cell (unpublishing, deleting) never changes what the next cell sees. POSTs are sent twice: empty
(``SITE``), and with the data a real form sends (``VALID_POSTS``). Besides the status code, every answer
(its body and where it redirects to) is checked for what must not leak: a draft to anyone but its
author, a review hidden by the write-first rule to those it is hidden from, a comment an organiser hid
to anyone but organisers, the admin's links to anyone but organisers. And every POST is checked for
what it wrote: an answer other than a redirect, or any answer to a signed-out visitor, comes with no
write; a valid POST answered with a redirect has written something.

``staff`` is an account with the admin flag that is not in the Organisers group (an organiser whose
group was taken away, say): it gets no organiser power anywhere. On the site it is a verified member
who has not reviewed the scope, exactly like ``other_member``; in the admin it is a staff user without
permissions.
"""

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Invitation, Profile
from members.services import feed_key_ensure, organiser_grant
from notifications.emails import unsubscribe_token
from notifications.models import Notification, Preference
from papers.models import Week
from reviews.models import Comment, CommentReport, ItemVote, ReadingChoice, Review, ReviewItem
from reviews.services import comment_set_hidden, review_set_hidden
from tests.factories import (
    CommentFactory,
    PaperFactory,
    ResourceFactory,
    ReviewFactory,
    ReviewScopeFactory,
    UserFactory,
    WeekFactory,
)
from tests.helpers import site_url_names

ROLES = ("anonymous", "unverified", "member", "author", "other_member", "staff", "organiser", "deactivated")
SIGNED_OUT = {"anonymous", "deactivated"}
REDIRECTS = {301, 302, 303}
PUBLISHED_MARKER = "Published-review-marker-7f3a"
DRAFT_MARKER = "Draft-review-marker-91c2"
DRAFT_COMMENT_MARKER = "Draft-comment-marker-2a6f"
HIDDEN_COMMENT_MARKER = "Hidden-comment-marker-c4b7"
HIDDEN_WEEK_MARKER = "Hidden-week-marker-5d1e"
HIDDEN_REVIEW_MARKER = "Hidden-review-marker-e81d"
INVITATION_TOKEN = "Invitation-token-marker-3b8e"
AUTHOR_EMAIL = "author-private-address@example.com"
# What must not leak, and who may see it anywhere on the site (in a page or where it redirects to).
MUST_NOT_LEAK = {
    "a review hidden by the write-first rule": (re.escape(PUBLISHED_MARKER), {"member", "author", "organiser"}),
    "another member's draft": (re.escape(DRAFT_MARKER), {"author"}),
    # A draft shows no comments, not even to its author; the admin leaves them out.
    "a comment on a draft": (re.escape(DRAFT_COMMENT_MARKER), set()),
    # Its own author, too, reads "Comment hidden by an organiser.".
    "a comment an organiser hid": (re.escape(HIDDEN_COMMENT_MARKER), {"organiser"}),
    # A review an organiser hid: its author still reads it (with the reason), and the organisers.
    "a review an organiser hid": (re.escape(HIDDEN_REVIEW_MARKER), {"author", "organiser"}),
    "an unpublished week": (re.escape(HIDDEN_WEEK_MARKER), {"organiser"}),
    # An invitation's link signs up with the address already verified: it goes to the invitee only.
    "an invitation's link": (re.escape(INVITATION_TOKEN), set()),
    "another member's email address": (re.escape(AUTHOR_EMAIL), {"author"}),
    # The site's "Organise" link, and the admin's links to its apps and models (not to the admin's own
    # pages, which any account with the admin flag opens).
    "links into the admin": (
        r'href="/admin/">Organise<|href="/admin/(?!r/|password_change/|logout/|jsi18n/|login/)\w+/',
        {"organiser"},
    ),
}
# Everything else is shown to someone allowed somewhere in the matrix (checked, so that each pattern
# looks for what the pages really print).
# Writes whose key is in the link itself, so they need no sign-in: an email's unsubscribe (RFC 8058).
WRITES_WITHOUT_SIGN_IN = {"notifications:unsubscribe"}
SHOWN_TO_NOBODY = {"a comment on a draft", "an invitation's link"}


def row(anonymous, unverified, member, author, other_member, staff, organiser, deactivated=None):
    """Expected status per role, in the order of ``ROLES``; a deactivated account is signed out, so it
    defaults to the visitor's."""
    values = (anonymous, unverified, member, author, other_member, staff, organiser)
    return {**dict(zip(ROLES, values, strict=False)), "deactivated": anonymous if deactivated is None else deactivated}


def same(status):
    return row(*([status] * 7))


@dataclass
class Cell:
    args: Callable  # world -> kwargs for reverse()
    get: dict | None
    post: dict | None = None  # None: the URL takes no POST worth sending (and is checked for no 500 only)


@dataclass
class Post:
    """A POST with the data the site's own form would send: ``data(world, role)``."""

    name: str
    data: Callable
    expected: dict
    args: Callable | None = None  # world -> kwargs for reverse(); None: the SITE row's


NO_ARGS = lambda w: {}  # noqa: E731
NO_DATA = lambda w, role: {}  # noqa: E731 (the form is only a button)
REVIEW = lambda w: {"pk": w.review.pk}  # noqa: E731
DRAFT = lambda w: {"pk": w.draft.pk}  # noqa: E731
COMMENT = lambda w: {"pk": w.comment.pk}  # noqa: E731
HIDDEN_COMMENT = lambda w: {"pk": w.hidden_comment.pk}  # noqa: E731
HIDDEN_REVIEW = lambda w: {"pk": w.hidden_review.pk}  # noqa: E731
DRAFT_COMMENT = lambda w: {"pk": w.draft_comment.pk}  # noqa: E731
SCOPE = lambda w: {"number": w.week.number, "position": w.scope.position}  # noqa: E731
DRAFT_ID = lambda w: {"object_id": w.draft.pk}  # noqa: E731
DRAFT_COMMENT_ID = lambda w: {"object_id": w.draft_comment.pk}  # noqa: E731
HIDDEN_COMMENT_ID = lambda w: {"object_id": w.hidden_comment.pk}  # noqa: E731
ITEM = lambda w: {"pk": w.item.pk}  # noqa: E731

ORGANISERS_REDIRECTED = row(302, 403, 403, 403, 403, 403, 302)

# Statuses: 200 page, 301/302 redirect (302 for a visitor is "sign in first"), 400 form refused,
# 403 refused with a reason, 404 not found (or not yours to know about), 405 wrong method, 409 conflict.
# Columns of row(): anonymous, unverified, member, author, other_member, staff, organiser[, deactivated].
SITE = {
    "home": Cell(NO_ARGS, same(200), same(405)),
    "week_detail": Cell(lambda w: {"number": w.week.number}, same(200), same(405)),
    "papers:paper_detail": Cell(lambda w: {"number": w.week.number, "position": 1}, same(200), same(405)),
    "favicon": Cell(NO_ARGS, same(301), same(405)),
    "health": Cell(NO_ARGS, same(200), same(405)),
    "health_session": Cell(NO_ARGS, same(200), same(405)),
    "admin_login_redirect": Cell(NO_ARGS, same(302), same(302)),
    "members:profile_edit": Cell(
        NO_ARGS, row(302, 200, 200, 200, 200, 200, 200), row(302, 302, 302, 302, 302, 302, 302)
    ),
    "admin_view_on_site": Cell(
        lambda w: {"content_type_id": ContentType.objects.get_for_model(w.week).pk, "object_id": w.week.pk},
        row(404, 404, 404, 404, 404, 404, 302),
        row(404, 404, 404, 404, 404, 404, 302),
    ),
    "members:invitation_accept": Cell(lambda w: {"token": w.invitation.token}, same(302), same(405)),
    "reviews:scope_reviews": Cell(SCOPE, row(302, 403, 200, 200, 403, 403, 200), same(405)),
    # Every member reads the agenda; the items of a scope show only to those it is unlocked for.
    "reviews:week_agenda": Cell(lambda w: {"number": w.week.number}, row(302, 403, 200, 200, 200, 200, 200), same(405)),
    "reviews:week_agenda_markdown": Cell(
        lambda w: {"number": w.week.number}, row(302, 403, 200, 200, 200, 200, 200), same(405)
    ),
    # The form is only a button: an empty POST is a valid one. Not on one's own item, nor a hidden one.
    "reviews:item_vote": Cell(lambda w: {"pk": w.item.pk}, same(405), row(302, 403, 302, 403, 403, 403, 302)),
    # The meeting's side of the agenda is the organisers'; an empty POST is refused with a message.
    "reviews:item_pin": Cell(ITEM, same(405), ORGANISERS_REDIRECTED),
    "reviews:item_move": Cell(ITEM, same(405), ORGANISERS_REDIRECTED),
    "reviews:item_merge": Cell(ITEM, same(405), ORGANISERS_REDIRECTED),
    "reviews:item_outcome": Cell(ITEM, row(302, 403, 403, 403, 403, 403, 200), ORGANISERS_REDIRECTED),
    # Where an item is about is its author's to say.
    # Anyone else's item answers as a missing one would.
    "reviews:item_place": Cell(ITEM, row(302, 403, 404, 200, 404, 404, 404), row(302, 403, 404, 302, 404, 404, 404)),
    # The read-only API: public, published weeks only, the same for everyone; GET only (api/).
    "api:api-root": Cell(NO_ARGS, same(200), same(405)),
    # Search: public; what each role finds is tested in tests/search/test_search.py.
    "search:search": Cell(NO_ARGS, same(200), same(405)),
    "api:openapi-json": Cell(NO_ARGS, same(200), same(405)),
    "api:week_list": Cell(NO_ARGS, same(200), same(405)),
    "api:week_detail": Cell(lambda w: {"number": w.week.number}, same(200), same(405)),
    "api:week_resources": Cell(lambda w: {"number": w.week.number}, same(200), same(405)),
    "api:paper_list": Cell(NO_ARGS, same(200), same(405)),
    "api:paper_detail": Cell(lambda w: {"number": w.week.number, "position": 1}, same(200), same(405)),
    # The organisers' desk: the board and the weeks' totals for organisers; one's own history for members.
    "desk:weeks": Cell(NO_ARGS, row(302, 403, 403, 403, 403, 403, 200), same(405)),
    "desk:board": Cell(lambda w: {"number": w.week.number}, row(302, 403, 403, 403, 403, 403, 200), same(405)),
    # An empty POST reminds nobody: the organiser is sent back to the board with a message.
    "desk:remind": Cell(lambda w: {"number": w.week.number}, same(405), ORGANISERS_REDIRECTED),
    "desk:my_history": Cell(NO_ARGS, row(302, 403, 200, 200, 200, 200, 200), same(405)),
    # Drafts appear only as "a draft exists" (the leak checks hold it to that).
    "desk:member_history": Cell(
        lambda w: {"username": w.author.username}, row(302, 403, 403, 403, 403, 403, 200), same(405)
    ),
    # Notifications are each member's own; the unsubscribe link needs no sign-in (its signature is the key).
    "notifications:list": Cell(NO_ARGS, row(302, 200, 200, 200, 200, 200, 200), same(405)),
    "notifications:read": Cell(NO_ARGS, same(405), row(302, 302, 302, 302, 302, 302, 302)),
    "notifications:open": Cell(lambda w: {"pk": w.notification.pk}, same(405), row(302, 404, 404, 302, 404, 404, 404)),
    "notifications:preferences": Cell(
        NO_ARGS, row(302, 200, 200, 200, 200, 200, 200), row(302, 400, 400, 400, 400, 400, 400)
    ),
    "notifications:unsubscribe": Cell(
        lambda w: {"token": unsubscribe_token(w.author, "comment")}, same(200), same(302)
    ),
    "reviews:meeting_notes": Cell(
        lambda w: {"number": w.week.number},
        row(302, 403, 403, 403, 403, 403, 200),
        row(302, 403, 403, 403, 403, 403, 400),
    ),
    "reviews:review_write": Cell(
        SCOPE,
        row(302, 403, 200, 200, 200, 200, 200),
        # An empty form saves a draft; for those who already have a review it is a stale save.
        row(302, 403, 409, 409, 302, 302, 302),
    ),
    # GET: the page that says what "show me" means; POST: the choice. Undoing it is a button.
    "reviews:reading_choice": Cell(
        SCOPE, row(302, 403, 200, 200, 200, 200, 200), row(302, 403, 302, 302, 302, 302, 302)
    ),
    "reviews:reading_choice_undo": Cell(SCOPE, same(405), row(302, 403, 302, 302, 302, 302, 302)),
    "reviews:review_detail": Cell(REVIEW, row(302, 403, 200, 200, 403, 403, 200), same(405)),
    "reviews:review_unpublish": Cell(
        REVIEW, row(302, 405, 405, 405, 405, 405, 405), row(302, 404, 404, 302, 404, 404, 404)
    ),
    "reviews:comment_create": Cell(
        REVIEW, row(302, 405, 405, 405, 405, 405, 405), row(302, 403, 400, 400, 403, 403, 400)
    ),
    "reviews:comment_edit": Cell(
        COMMENT, row(302, 403, 404, 200, 404, 404, 404), row(302, 403, 404, 200, 404, 404, 404)
    ),
    "reviews:comment_delete": Cell(
        COMMENT, row(302, 403, 404, 200, 404, 404, 404), row(302, 403, 404, 302, 404, 404, 404)
    ),
    # Hiding asks for a reason (an empty POST is refused); showing again is a button.
    "reviews:comment_hide": Cell(
        COMMENT, row(302, 403, 403, 403, 404, 404, 200), row(302, 403, 403, 403, 404, 404, 400)
    ),
    # Reporting: members who read the comment, not its author.
    "reviews:comment_report": Cell(
        COMMENT, row(302, 403, 200, 403, 404, 404, 200), row(302, 403, 400, 403, 404, 404, 400)
    ),
    # Hiding a review, as a comment: organisers only, a reason asked for. Those the write-first rule
    # keeps from the review get its explanation, as on the review's page.
    "reviews:review_hide": Cell(REVIEW, row(302, 403, 403, 403, 403, 403, 200), row(302, 403, 403, 403, 403, 403, 400)),
    "member_detail": Cell(lambda w: {"username": w.author.username}, row(302, 403, 200, 200, 200, 200, 200), same(405)),
    "reviews:markdown_help": Cell(NO_ARGS, same(200), same(405)),
    # Called by the editor's script, which cannot follow a sign-in redirect: visitors get 403 too.
    # An empty text is valid and answers "Nothing to preview".
    "reviews:markdown_preview": Cell(NO_ARGS, same(405), row(403, 403, 200, 200, 200, 200, 200)),
    # Public: the published weeks, the same for everyone.
    "papers:weeks_feed": Cell(NO_ARGS, same(200), same(405)),
    "papers:calendar": Cell(NO_ARGS, same(200), same(405)),
    # A private address is opened by its key, not by a session (feed readers and calendar apps have
    # none): every role gets what the key's member may read. Here the author's (whose profile exists, so
    # making the key adds no row), and since every role is shown it, the leak checks prove it holds nothing
    # only the author may see: not their draft, not the comment an organiser hid. A deactivated member's
    # key and the other members' feeds: tests/reviews/test_private_feeds.py.
    "member_feed": Cell(lambda w: {"key": feed_key_ensure(user=w.author)}, same(200), same(405)),
    "member_calendar": Cell(lambda w: {"key": feed_key_ensure(user=w.author)}, same(200), same(405)),
    # The profile page's "New secret address" button: any signed-in account.
    "feed_key_renew": Cell(NO_ARGS, row(302, 405, 405, 405, 405, 405, 405), same(302)),
    # allauth's pages: signed-in people are sent on from the entrance pages, visitors from the account pages.
    "account_login": Cell(NO_ARGS, row(200, 302, 302, 302, 302, 302, 302), row(200, 302, 302, 302, 302, 302, 302)),
    "account_signup": Cell(NO_ARGS, row(200, 302, 302, 302, 302, 302, 302), row(200, 302, 302, 302, 302, 302, 302)),
    "account_logout": Cell(NO_ARGS, row(302, 200, 200, 200, 200, 200, 200), same(302)),
    "account_inactive": Cell(NO_ARGS, same(200), None),
    "account_reauthenticate": Cell(NO_ARGS, row(302, 200, 200, 200, 200, 200, 200), None),
    "account_email": Cell(NO_ARGS, row(302, 200, 200, 200, 200, 200, 200), None),
    "account_email_verification_sent": Cell(NO_ARGS, same(200), None),
    "account_change_password": Cell(NO_ARGS, row(302, 200, 200, 200, 200, 200, 200), None),
    "account_set_password": Cell(NO_ARGS, row(302, 302, 302, 302, 302, 302, 302), None),
    "account_reset_password": Cell(NO_ARGS, same(200), None),
    "account_reset_password_done": Cell(NO_ARGS, same(200), None),
    "account_confirm_login_code": Cell(NO_ARGS, same(302), None),
    "account_confirm_email": Cell(lambda w: {"key": "not-a-real-key"}, same(200), None),
    "account_reset_password_from_key": Cell(lambda w: {"uidb36": "1", "key": "bad-key"}, same(200), None),
    "account_reset_password_from_key_done": Cell(NO_ARGS, same(200), None),
}


# The same views with other objects: a draft and a comment on it, a comment an organiser hid, a week
# that is not published yet.
VARIANTS = {
    # The API never shows an unpublished week, not even to an organiser: its answers are public and cacheable.
    "unpublished week, API": (
        "api:week_detail",
        Cell(lambda w: {"number": w.hidden_week.number}, same(404), same(405)),
    ),
    "unpublished week, API resources": (
        "api:week_resources",
        Cell(lambda w: {"number": w.hidden_week.number}, same(404), same(405)),
    ),
    "unpublished week, API paper": (
        "api:paper_detail",
        Cell(
            lambda w: {"number": w.hidden_week.number, "position": w.hidden_week.papers.get().position},
            same(404),
            same(405),
        ),
    ),
    "draft review page": ("reviews:review_detail", Cell(DRAFT, row(404, 404, 404, 200, 404, 404, 404))),
    "draft review, comment on it": (
        "reviews:comment_create",
        # Nobody comments on a draft, not even its author.
        Cell(DRAFT, row(302, 405, 405, 405, 405, 405, 405), row(302, 404, 404, 403, 404, 404, 404)),
    ),
    "comment on a draft, edit page": (
        "reviews:comment_edit",
        # Its own author (other_member) no longer reaches it: it is as private as the draft.
        Cell(DRAFT_COMMENT, row(302, 403, 404, 404, 404, 404, 404), row(302, 403, 404, 404, 404, 404, 404)),
    ),
    "hidden comment, edit page": (
        "reviews:comment_edit",
        # Written by member; hidden, it can no longer be edited (a POST keeps the typed text). A comment
        # that is gone, hidden or not yours gets one answer: 404.
        Cell(HIDDEN_COMMENT, row(302, 403, 404, 404, 404, 404, 404)),
    ),
    "hidden comment, delete page": (
        "reviews:comment_delete",
        Cell(HIDDEN_COMMENT, row(302, 403, 200, 404, 404, 404, 404)),
    ),
    # A hidden review is read by its author and organisers only; to everyone else it does not exist (as a
    # draft), even to a member who wrote their own review of the scope.
    "hidden review page": ("reviews:review_detail", Cell(HIDDEN_REVIEW, row(404, 404, 404, 200, 404, 404, 200))),
    "hidden review, its author's form": (
        "reviews:review_write",
        Cell(
            lambda w: {"number": w.week.number, "position": w.hidden_scope.position},
            row(302, 403, 200, 200, 200, 200, 200),
        ),
    ),
    "hidden review, hide page": (
        "reviews:review_hide",
        Cell(HIDDEN_REVIEW, row(302, 404, 404, 403, 404, 404, 200), row(302, 404, 404, 403, 404, 404, 400)),
    ),
    "hidden review, comment on it": (
        "reviews:comment_create",
        Cell(HIDDEN_REVIEW, row(302, 405, 405, 405, 405, 405, 405), row(302, 404, 404, 403, 404, 404, 403)),
    ),
    "private feed, a wrong key": ("member_feed", Cell(lambda w: {"key": "not-a-feed-key"}, same(404), same(405))),
    "private calendar, a wrong key": (
        "member_calendar",
        Cell(lambda w: {"key": "not-a-feed-key"}, same(404), same(405)),
    ),
    "unpublished week page": (
        "week_detail",
        Cell(lambda w: {"number": w.hidden_week.number}, row(404, 404, 404, 404, 404, 404, 200)),
    ),
    "unpublished week, write a review": (
        "reviews:review_write",
        Cell(lambda w: {"number": w.hidden_week.number, "position": 1}, row(302, 404, 404, 404, 404, 404, 200)),
    ),
}

REVIEW_PARTS = {"summary": "What the papers do.", "confusions": "What I did not follow.", "questions": "What next?"}


def review_form(action):
    """The review editor's form: the three parts, the button pressed, and the version of the sender's own
    review of the scope as the page gave it (empty when they have none)."""

    def data(w, role):
        own = Review.objects.filter(scope=w.scope, author=w.users[role]).first() if role in w.users else None
        return {**REVIEW_PARTS, "action": action, "version": own.version if own else ""}

    return data


# Valid data, so that what is refused is refused for who sends it, not for what is sent.
VALID_POSTS = {
    "review_write, publish": Post(
        "reviews:review_write", review_form("publish"), row(302, 403, 302, 302, 302, 302, 302)
    ),
    "review_write, save": Post("reviews:review_write", review_form("draft"), row(302, 403, 302, 302, 302, 302, 302)),
    "review_write, preview": Post(
        "reviews:review_write", review_form("preview"), row(302, 403, 200, 200, 200, 200, 200)
    ),
    # Only the write-first rule's button.
    "reading_choice": Post("reviews:reading_choice", NO_DATA, row(302, 403, 302, 302, 302, 302, 302)),
    "item_vote": Post("reviews:item_vote", NO_DATA, row(302, 403, 302, 403, 403, 403, 302)),
    "item_pin": Post("reviews:item_pin", NO_DATA, ORGANISERS_REDIRECTED),
    "item_merge": Post("reviews:item_merge", lambda w, role: {"into": w.other_item.pk}, ORGANISERS_REDIRECTED),
    "item_outcome": Post(
        "reviews:item_outcome",
        lambda w, role: {"outcome": "answered", "answer": "As *Eq. 4* says."},
        ORGANISERS_REDIRECTED,
    ),
    "item_place": Post(
        "reviews:item_place", lambda w, role: {"place": "Section 2"}, row(302, 403, 404, 302, 404, 404, 404)
    ),
    "notification_open": Post(
        "notifications:open", NO_DATA, row(302, 404, 404, 302, 404, 404, 404), args=lambda w: {"pk": w.notification.pk}
    ),
    "notifications_preferences": Post(
        "notifications:preferences",
        lambda w, role: {
            kind: "daily" for kind in ("comment", "reply", "mention", "reminder", "digest", "summary", "moderation")
        },
        row(302, 302, 302, 302, 302, 302, 302),
    ),
    "meeting_notes": Post(
        "reviews:meeting_notes",
        lambda w, role: {"notes": "We discussed *it*.", "version": 0},
        row(302, 403, 403, 403, 403, 403, 302),
        args=lambda w: {"number": w.week.number},
    ),
    "review_unpublish": Post("reviews:review_unpublish", NO_DATA, row(302, 404, 404, 302, 404, 404, 404)),
    "comment_create": Post(
        "reviews:comment_create", lambda w, role: {"body": "A *fair* point."}, row(302, 403, 302, 302, 403, 403, 302)
    ),
    "comment_create, reply": Post(
        "reviews:comment_create",
        lambda w, role: {"body": "A reply.", "parent": w.comment.pk},
        row(302, 403, 302, 302, 403, 403, 302),
    ),
    "comment_create, reply to the hidden comment": Post(
        "reviews:comment_create",
        lambda w, role: {"body": "A reply.", "parent": w.hidden_comment.pk},
        row(302, 403, 400, 400, 403, 403, 400),
    ),
    "comment_edit": Post(
        "reviews:comment_edit",
        lambda w, role: {"body": "Better words.", "version": w.comment.version},
        row(302, 403, 404, 302, 404, 404, 404),
    ),
    "comment_delete": Post("reviews:comment_delete", NO_DATA, row(302, 403, 404, 302, 404, 404, 404)),
    "comment_hide": Post(
        "reviews:comment_hide",
        lambda w, role: {"hidden": "1", "reason": "off_topic", "note": "Keep to the paper."},
        row(302, 403, 403, 403, 404, 404, 302),
    ),
    # Every account of the world is checked; those who have not written the week's scope are reminded.
    "desk_remind": Post(
        "desk:remind",
        lambda w, role: {"member": [user.pk for user in w.users.values()]},
        ORGANISERS_REDIRECTED,
        args=lambda w: {"number": w.week.number},
    ),
    "comment_report": Post(
        "reviews:comment_report",
        lambda w, role: {"reason": "disrespectful"},
        row(302, 403, 302, 403, 404, 404, 302),
    ),
    "markdown_preview": Post(
        "reviews:markdown_preview",
        lambda w, role: {"text": "Some *maths*: $x^2$"},
        row(403, 403, 200, 200, 200, 200, 200),
    ),
    "profile_edit": Post(
        "members:profile_edit", lambda w, role: {"display_name": "A new name", "bio": "A new bio."}, same(302)
    ),
    # The same forms aimed at objects that may not be changed that way.
    "draft review, comment on it": Post(
        "reviews:comment_create",
        lambda w, role: {"body": "A *fair* point."},
        row(302, 404, 404, 403, 404, 404, 404),
        args=DRAFT,
    ),
    "hidden comment, edit": Post(
        "reviews:comment_edit",
        lambda w, role: {"body": "Better words.", "version": w.hidden_comment.version},
        row(302, 403, 404, 404, 404, 404, 404),
        args=HIDDEN_COMMENT,
    ),
    "hide a review": Post(
        "reviews:review_hide",
        lambda w, role: {"hidden": "1", "reason": "off_topic", "note": "Keep to the paper."},
        row(302, 403, 403, 403, 403, 403, 302),
    ),
    "hidden review, show again": Post(
        "reviews:review_hide",
        lambda w, role: {"hidden": "0"},
        row(302, 404, 404, 403, 404, 404, 302),
        args=HIDDEN_REVIEW,
    ),
    # Its author cannot change it while it is hidden: refused, the text kept in the form.
    # Each role sends the form of their own review of that scope (the member has one; others start one).
    "hidden review, its author saves": Post(
        "reviews:review_write",
        lambda w, role: {
            "summary": "New",
            "confusions": "New",
            "questions": "New",
            "version": own_version(w, role, w.hidden_scope),
            "action": "publish",
        },
        row(302, 403, 302, 409, 302, 302, 302),
        args=lambda w: {"number": w.week.number, "position": w.hidden_scope.position},
    ),
    "hidden comment, show again": Post(
        "reviews:comment_hide",
        lambda w, role: {"hidden": "0"},
        row(302, 403, 403, 403, 404, 404, 302),
        args=HIDDEN_COMMENT,
    ),
    # Its author may still delete it.
    "hidden comment, delete": Post(
        "reviews:comment_delete", NO_DATA, row(302, 403, 302, 404, 404, 404, 404), args=HIDDEN_COMMENT
    ),
}

# Open to every account with the admin flag; members and visitors are sent to sign in.
ADMIN_OWN_VIEWS = {"index", "password_change", "password_change_done", "jsi18n", "view_on_site"}
NO_ADD_IN_ADMIN = {
    *("reviews.review", "reviews.comment", "reviews.readingchoice", "reviews.reviewitem"),
    *("reviews.commentreport", "reviews.moderationentry"),
}
NO_CHANGE_IN_ADMIN = {"members.invitation"}
# Derived from the reviews: shown to organisers, never deleted by hand.
NO_DELETE_IN_ADMIN = {"reviews.reviewitem", "reviews.commentreport", "reviews.moderationentry"}


def admin_row(staff, organiser):
    """In the admin, everyone without the admin flag is sent to sign in."""
    return row(302, 302, 302, 302, 302, staff, organiser)


# Admin pages opened on what the admin does not list. ReviewAdmin and CommentAdmin leave drafts (and
# the comments of drafts) out of their querysets, so a draft's id is one that does not exist: the
# organiser is sent back to the admin's index ("doesn't exist"), and never shown the draft. Django
# asks staff without permissions for the permission first (403), except on the history page.
ADMIN_VARIANTS = {
    "admin: a draft, change page": ("admin:reviews_review_change", DRAFT_ID, admin_row(403, 302)),
    "admin: a draft, delete page": ("admin:reviews_review_delete", DRAFT_ID, admin_row(403, 302)),
    "admin: a draft, history page": ("admin:reviews_review_history", DRAFT_ID, admin_row(302, 302)),
    "admin: comment on a draft, change page": ("admin:reviews_comment_change", DRAFT_COMMENT_ID, admin_row(403, 302)),
    "admin: comment on a draft, delete page": ("admin:reviews_comment_delete", DRAFT_COMMENT_ID, admin_row(403, 302)),
    "admin: comment on a draft, history page": ("admin:reviews_comment_history", DRAFT_COMMENT_ID, admin_row(302, 302)),
    # An organiser opens a comment they hid, and reads it.
    "admin: hidden comment, change page": ("admin:reviews_comment_change", HIDDEN_COMMENT_ID, admin_row(403, 200)),
    # An invitation has no page to send anyone to: its page is its secret link.
    "admin: view on site, an invitation": (
        "admin:view_on_site",
        lambda w: {"content_type_id": ContentType.objects.get_for_model(Invitation).pk, "object_id": w.invitation.pk},
        same(404),
    ),
    # "View on site" tells a draft from a missing id for nobody, and an unpublished week's number only to
    # organisers.
    "admin: view on site, a draft": (
        "admin:view_on_site",
        lambda w: {"content_type_id": ContentType.objects.get_for_model(w.draft).pk, "object_id": w.draft.pk},
        same(404),
    ),
    "admin: view on site, an unpublished week": (
        "admin:view_on_site",
        lambda w: {"content_type_id": ContentType.objects.get_for_model(w.week).pk, "object_id": w.hidden_week.pk},
        row(404, 404, 404, 404, 404, 404, 302),
    ),
}


class World:
    """One of everything the URLs point at, and one signed-in client per role."""

    def __init__(self):
        now = timezone.now()
        self.week = WeekFactory(number=2, meeting_at=now + timezone.timedelta(days=3))
        self.scope = ReviewScopeFactory(week=self.week, position=1)
        paper = PaperFactory(week=self.week, position=1)
        self.scope.papers.add(paper)
        ResourceFactory(week=self.week, paper=paper)
        self.draft_scope = ReviewScopeFactory(week=self.week, position=2)
        self.hidden_week = WeekFactory(number=9, published_at=None, intro=HIDDEN_WEEK_MARKER)
        ReviewScopeFactory(week=self.hidden_week, position=1).papers.add(PaperFactory(week=self.hidden_week))
        self.users = {
            "unverified": UserFactory(username="unverified", verified=False),
            "member": UserFactory(username="member"),
            "author": UserFactory(username="author", email=AUTHOR_EMAIL),
            "other_member": UserFactory(username="other"),
            "staff": UserFactory(username="staff", is_staff=True),
            "organiser": UserFactory(username="organiser"),
            "deactivated": UserFactory(username="deactivated", is_active=False),
        }
        organiser_grant(user=self.users["organiser"])
        self.author = self.users["author"]
        Profile.objects.create(user=self.author, display_name="Author", bio="bio")
        self.review = ReviewFactory(scope=self.scope, author=self.author, summary=PUBLISHED_MARKER)
        self.draft = ReviewFactory(
            scope=self.draft_scope, author=self.author, summary=DRAFT_MARKER, status="draft", published_at=None
        )
        member_review = ReviewFactory(scope=self.scope, author=self.users["member"])
        self.item = ReviewItem.objects.create(
            review=self.review, kind="confusion", position=0, text=f"Me? {PUBLISHED_MARKER}"
        )
        self.other_item = ReviewItem.objects.create(review=member_review, kind="confusion", position=0, text="Me too?")
        self.notification = Notification.objects.create(
            recipient=self.author,
            kind="comment",
            about="comment:0",
            title="A comment",
            url=self.review.get_absolute_url(),
        )
        ReviewItem.objects.create(review=self.draft, kind="question", position=0, text=f"Draft? {DRAFT_MARKER}")
        self.comment = CommentFactory(review=self.review, author=self.author, body="A comment")
        # Written while the draft was published, then unpublished with it.
        self.draft_comment = CommentFactory(
            review=self.draft, author=self.users["other_member"], body=f"On the draft: {DRAFT_COMMENT_MARKER}"
        )
        self.hidden_comment = comment_set_hidden(
            comment=CommentFactory(
                review=self.review, author=self.users["member"], body=f"Hid: {HIDDEN_COMMENT_MARKER}"
            ),
            hidden=True,
            by=self.users["organiser"],
            reason="off_topic",
            note="Moderation-note-marker",
        )
        # The report queue and the moderation log have a row each for their admin pages.
        CommentReport.objects.create(comment=self.hidden_comment, reporter=self.users["author"], reason="spam")
        ReadingChoice.objects.create(scope=self.draft_scope, member=self.users["organiser"])
        # A review an organiser hid, in a scope the member has unlocked by writing their own review of it.
        self.hidden_scope = ReviewScopeFactory(week=self.week, position=3)
        ReviewFactory(scope=self.hidden_scope, author=self.users["member"])
        self.hidden_review = review_set_hidden(
            review=ReviewFactory(scope=self.hidden_scope, author=self.author, summary=HIDDEN_REVIEW_MARKER),
            hidden=True,
            by=self.users["organiser"],
            reason="spam",
        )
        ReviewItem.objects.create(
            review=self.hidden_review, kind="question", position=0, text=f"Hid? {HIDDEN_REVIEW_MARKER}"
        )
        self.invitation = Invitation.objects.create(email="new@example.com", token=INVITATION_TOKEN, invited_by=None)
        self.clients = {"anonymous": Client()}
        for role, user in self.users.items():
            client = Client()
            client.force_login(user)
            # A CSRF cookie from an earlier visit, as a browser has: members' pages are cached only then.
            client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
            self.clients[role] = client
        self.stored = stored_state()


def own_version(world, role, scope) -> str:
    """The version field of ``role``'s own review form for ``scope``: empty when they have none."""
    user = world.users.get(role)
    review = Review.objects.filter(scope=scope, author=user).first() if user else None
    return str(review.version) if review else ""


def stored_state():
    """What the site's forms can write, as comparable values."""
    return (
        list(Review.objects.order_by("pk").values_list("pk", "status", "version", "summary", "edited_at")),
        list(Comment.objects.order_by("pk").values_list("pk", "body", "version", "hidden_at", "deleted_at")),
        list(ReadingChoice.objects.order_by("pk").values_list("pk", "scope", "member")),
        list(Profile.objects.order_by("pk").values_list("pk", "display_name", "bio")),
        list(ItemVote.objects.order_by("pk").values_list("pk", "item", "member")),
        list(
            ReviewItem.objects.order_by("pk").values_list(
                "pk", "pin_order", "merged_into", "outcome", "answer", "outcome_set_at", "place_label", "paper"
            )
        ),
        list(Week.objects.order_by("pk").values_list("pk", "meeting_notes", "meeting_notes_version")),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        list(Preference.objects.order_by("pk").values_list("pk", "member", "kind", "delivery")),
        list(CommentReport.objects.order_by("pk").values_list("pk", "comment", "reporter", "reason")),
    )


def admin_expectation(name: str, world) -> tuple[dict, dict]:
    """Admin URLs follow rules rather than one row each: staff pages are for organisers only, and an
    organiser may open exactly the models the Organisers group manages. The admin flag alone (``staff``)
    opens the admin's own pages, as Django does for staff without permissions: its index (which then
    lists no app), the password change of their own account, its translations; every app page is 404
    and every model page 403."""
    view = name.removeprefix("admin:")
    organiser = staff = 200
    kwargs = {}
    if view == "login":
        return same(302), {}
    if view == "logout":
        organiser = staff = 405  # signing out of the admin takes a POST
    elif view == "autocomplete":
        organiser = staff = 403  # without its query parameters
    elif view == "app_list":
        app_label = "papers"
        kwargs = {"app_label": app_label}
        staff = 404  # an app with nothing the user may see does not exist for them
    elif view == "auth_user_password_change":
        kwargs = {"id": world.author.pk}
        organiser = staff = 403  # organisers do not manage accounts' passwords
    elif view == "view_on_site":
        # Answered by the site's own check (core.views.admin_view_on_site): only those who may view the
        # object in the admin are sent to it; everyone else gets the 404 of an id that does not exist.
        kwargs = {"content_type_id": ContentType.objects.get_for_model(world.week).pk, "object_id": world.week.pk}
        return row(404, 404, 404, 404, 404, 404, 302), kwargs
    elif view not in ADMIN_OWN_VIEWS:
        # "<app label>_<model>_<action>", where an app label may hold underscores (django_tasks_db).
        model_class = next(
            m for m in admin.site._registry if view.startswith(f"{m._meta.app_label}_{m._meta.model_name}_")
        )
        app_label, model = model_class._meta.app_label, model_class._meta.model_name
        action = view.removeprefix(f"{app_label}_{model}_")
        label = f"{app_label}.{model}"
        allowed = app_label in settings.ORGANISER_APPS
        if (action == "add" and label in NO_ADD_IN_ADMIN) or (action == "delete" and label in NO_DELETE_IN_ADMIN):
            allowed = False
        if action in {"change", "delete", "history"}:
            instance = model_class.objects.order_by("pk").first()
            if instance is None and action == "history":  # no row (no task queued): "does not exist"
                return admin_row(302, 302), {"object_id": 1}
            kwargs = {"object_id": instance.pk if instance is not None else 1}
            if action == "change" and label in NO_CHANGE_IN_ADMIN:
                organiser = 200  # shown read-only to someone who may view it
        organiser = organiser if allowed else 403
        staff = 403
    return admin_row(staff, organiser), kwargs


def shows(shown: str) -> set[str]:
    return {what for what, (pattern, _) in MUST_NOT_LEAK.items() if re.search(pattern, shown)}


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    shown: set[str] = field(default_factory=set)
    cells: int = 0


def check(world, report, label, url, method, expected, data=None):
    """One request per role; ``data`` (world, role -> form data) marks a valid POST, which must write
    something whenever it is answered with a redirect."""
    # A GET is asked twice: the second answer may come from the page cache, and must be as right.
    for role, attempt in [(role, n) for role in ROLES for n in range(1 if method == "POST" else 2)]:
        client = world.clients[role]
        cookies = copy.deepcopy(client.cookies)  # a sign-out in one cell must not sign out the next
        with transaction.atomic():
            form = data(world, role) if data else {}
            response = client.post(url, form) if method == "POST" else client.get(url)
            status = response.status_code
            body = "" if response.streaming else response.content.decode(errors="replace")
            shown = f"{body}\n{response.get('Location', '')}"
            wrote = method == "POST" and stored_state() != world.stored
            transaction.set_rollback(True)
        client.cookies = cookies
        where = f"{label} {method}{' (valid data)' if data else ''} as {role}{' (again)' if attempt else ''}"
        if status >= 500:
            report.problems.append(f"{where}: {status}")
        elif expected is not None and status != expected[role]:
            report.problems.append(f"{where}: got {status}, expected {expected[role]}")
        if wrote and (status not in REDIRECTS or (role in SIGNED_OUT and label not in WRITES_WITHOUT_SIGN_IN)):
            report.problems.append(f"{where}: answered {status} but wrote to the database")
        elif data and not wrote and status in REDIRECTS and role not in SIGNED_OUT:
            report.problems.append(f"{where}: answered {status} but saved nothing")
        found = shows(shown)
        report.shown |= found
        for leak in sorted(what for what in found if role not in MUST_NOT_LEAK[what][1]):
            report.problems.append(f"{where}: shows {leak}")
    report.cells += len(ROLES) * (1 if method == "POST" else 2)


@pytest.mark.django_db
def test_every_url_pattern_has_a_row():
    names = {name for name in site_url_names() if not name.startswith("admin:")}
    assert sorted(names - set(SITE)) == [], "new URL patterns need a row in SITE"
    assert sorted(set(SITE) - names) == [], "rows for URL patterns that no longer exist"
    assert sorted({post.name for post in VALID_POSTS.values()} - names) == [], "VALID_POSTS for unknown URLs"


def test_staff_is_a_plain_member_on_the_site():
    """The admin flag without the Organisers group changes nothing on the site: staff is expected what a
    verified member who has not reviewed the scope is expected."""
    rows = {f"{name} GET": cell.get for name, cell in SITE.items()} | {
        f"{name} POST": cell.post for name, cell in SITE.items()
    }
    rows |= {f"{label} GET": cell.get for label, (_, cell) in VARIANTS.items()}
    rows |= {f"{label} POST": cell.post for label, (_, cell) in VARIANTS.items()}
    rows |= {f"{label} POST (valid data)": post.expected for label, post in VALID_POSTS.items()}
    differ = [label for label, expected in rows.items() if expected and expected["staff"] != expected["other_member"]]
    assert differ == []


@pytest.mark.django_db
def test_authorisation_matrix(settings):
    settings.ACCOUNT_RATE_LIMITS = False  # hundreds of requests from one address in a second
    world = World()
    report = Report()
    for name, cell in SITE.items():
        url = reverse(name, kwargs=cell.args(world))
        check(world, report, name, url, "GET", cell.get)
        check(world, report, name, url, "POST", cell.post)
    for label, (name, cell) in VARIANTS.items():
        url = reverse(name, kwargs=cell.args(world))
        check(world, report, label, url, "GET", cell.get)
        if cell.post is not None:
            check(world, report, label, url, "POST", cell.post)
    for label, post in VALID_POSTS.items():
        url = reverse(post.name, kwargs=(post.args or SITE[post.name].args)(world))
        check(world, report, label, url, "POST", post.expected, data=post.data)
    for name in sorted(n for n in site_url_names() if n.startswith("admin:")):
        expected, kwargs = admin_expectation(name, world)
        check(world, report, name, reverse(name, kwargs=kwargs), "GET", expected)
    for label, (name, args, expected) in ADMIN_VARIANTS.items():
        check(world, report, label, reverse(name, kwargs=args(world)), "GET", expected)
    for what in sorted(MUST_NOT_LEAK.keys() - SHOWN_TO_NOBODY - report.shown):
        report.problems.append(f"no page shows {what} to anyone: its leak check finds nothing")
    problems = report.problems
    assert not problems, f"{len(problems)} of {report.cells} cells wrong:\n" + "\n".join(problems)
