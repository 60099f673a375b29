"""Every URL of the site × every kind of visitor, GET and POST, against outcomes written down as data.

The URL list comes from the resolver, so a new view without a row here fails
``test_every_url_pattern_has_a_row``. Each cell runs in a transaction that is rolled back, so a POST
in one cell (unpublishing, deleting) never changes what the next cell sees. Besides the status code,
every answer is checked for what must not leak: a draft to anyone but its author, a review hidden by
the write-first rule to those it is hidden from.
"""

import copy
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Invitation, Profile
from members.services import organiser_grant
from reviews.models import ReadingChoice
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

ROLES = ("anonymous", "unverified", "member", "author", "other_member", "organiser", "deactivated")
PUBLISHED_MARKER = "Published-review-marker-7f3a"
DRAFT_MARKER = "Draft-review-marker-91c2"
HIDDEN_WEEK_MARKER = "Hidden-week-marker-5d1e"
AUTHOR_EMAIL = "author-private-address@example.com"
# Who may see each marker anywhere on the site.
MAY_SEE_PUBLISHED = {"member", "author", "organiser"}
MAY_SEE_DRAFT = {"author"}
MAY_SEE_HIDDEN_WEEK = {"organiser"}


def row(anonymous, unverified, member, author, other_member, organiser, deactivated=None):
    """Expected status per role; a deactivated account is signed out, so it defaults to the visitor's."""
    values = (anonymous, unverified, member, author, other_member, organiser)
    return {**dict(zip(ROLES, values, strict=False)), "deactivated": anonymous if deactivated is None else deactivated}


def same(status):
    return row(*([status] * 6))


@dataclass
class Cell:
    args: callable  # world -> kwargs for reverse()
    get: dict
    post: dict | None = None  # None: the URL takes no POST worth sending (and is checked for no 500 only)


NO_ARGS = lambda w: {}  # noqa: E731
REVIEW = lambda w: {"pk": w.review.pk}  # noqa: E731
COMMENT = lambda w: {"pk": w.comment.pk}  # noqa: E731
SCOPE = lambda w: {"number": w.week.number, "position": w.scope.position}  # noqa: E731

# Statuses: 200 page, 301/302 redirect (302 for a visitor is "sign in first"), 400 form refused,
# 403 refused with a reason, 404 not found (or not yours to know about), 405 wrong method, 409 conflict.
SITE = {
    "papers:home": Cell(NO_ARGS, same(200), same(405)),
    "week_detail": Cell(lambda w: {"number": w.week.number}, same(200), same(405)),
    "papers:paper_detail": Cell(lambda w: {"number": w.week.number, "position": 1}, same(200), same(405)),
    "favicon": Cell(NO_ARGS, same(301), same(405)),
    "health": Cell(NO_ARGS, same(200), same(405)),
    "admin_login_redirect": Cell(NO_ARGS, same(302), same(302)),
    "members:profile_edit": Cell(NO_ARGS, row(302, 200, 200, 200, 200, 200), row(302, 302, 302, 302, 302, 302)),
    "members:invitation_accept": Cell(lambda w: {"token": w.invitation.token}, same(302), same(405)),
    "reviews:scope_reviews": Cell(SCOPE, row(302, 403, 200, 200, 403, 200), same(405)),
    "reviews:review_write": Cell(
        SCOPE,
        row(302, 403, 200, 200, 200, 200),
        # An empty form saves a draft; for those who already have a review it is a stale save.
        row(302, 403, 409, 409, 302, 302),
    ),
    "reviews:reading_choice": Cell(SCOPE, row(302, 405, 405, 405, 405, 405), row(302, 403, 302, 302, 302, 302)),
    "reviews:review_detail": Cell(REVIEW, row(302, 403, 200, 200, 403, 200), same(405)),
    "reviews:review_unpublish": Cell(REVIEW, row(302, 405, 405, 405, 405, 405), row(302, 404, 404, 302, 404, 404)),
    "reviews:comment_create": Cell(REVIEW, row(302, 405, 405, 405, 405, 405), row(302, 403, 400, 400, 403, 400)),
    "reviews:comment_edit": Cell(COMMENT, row(302, 403, 403, 200, 404, 403), row(302, 403, 403, 200, 404, 403)),
    "reviews:comment_delete": Cell(COMMENT, row(302, 403, 403, 200, 404, 403), row(302, 403, 403, 302, 404, 403)),
    "reviews:comment_hide": Cell(COMMENT, row(302, 405, 405, 405, 405, 405), row(302, 403, 403, 403, 404, 302)),
    "member_detail": Cell(lambda w: {"username": w.author.username}, row(302, 403, 200, 200, 200, 200), same(405)),
    "reviews:markdown_help": Cell(NO_ARGS, same(200), same(405)),
    # Called by the editor's script, which cannot follow a sign-in redirect: visitors get 403 too.
    # An empty text is valid and answers "Nothing to preview".
    "reviews:markdown_preview": Cell(NO_ARGS, same(405), row(403, 403, 200, 200, 200, 200)),
    # allauth's pages: signed-in people are sent on from the entrance pages, visitors from the account pages.
    "account_login": Cell(NO_ARGS, row(200, 302, 302, 302, 302, 302), row(200, 302, 302, 302, 302, 302)),
    "account_signup": Cell(NO_ARGS, row(200, 302, 302, 302, 302, 302), row(200, 302, 302, 302, 302, 302)),
    "account_logout": Cell(NO_ARGS, row(302, 200, 200, 200, 200, 200), same(302)),
    "account_inactive": Cell(NO_ARGS, same(200), None),
    "account_reauthenticate": Cell(NO_ARGS, row(302, 200, 200, 200, 200, 200), None),
    "account_email": Cell(NO_ARGS, row(302, 200, 200, 200, 200, 200), None),
    "account_email_verification_sent": Cell(NO_ARGS, same(200), None),
    "account_change_password": Cell(NO_ARGS, row(302, 200, 200, 200, 200, 200), None),
    "account_set_password": Cell(NO_ARGS, row(302, 302, 302, 302, 302, 302), None),
    "account_reset_password": Cell(NO_ARGS, same(200), None),
    "account_reset_password_done": Cell(NO_ARGS, same(200), None),
    "account_confirm_login_code": Cell(NO_ARGS, same(302), None),
    "account_confirm_email": Cell(lambda w: {"key": "not-a-real-key"}, same(200), None),
    "account_reset_password_from_key": Cell(lambda w: {"uidb36": "1", "key": "bad-key"}, same(200), None),
    "account_reset_password_from_key_done": Cell(NO_ARGS, same(200), None),
}

# The same views with other objects: a draft, and a week that is not published yet.
VARIANTS = {
    "draft review page": ("reviews:review_detail", lambda w: {"pk": w.draft.pk}, row(404, 404, 404, 200, 404, 404)),
    "draft review, comment on it": (
        "reviews:comment_create",
        lambda w: {"pk": w.draft.pk},
        None,
    ),
    "unpublished week page": (
        "week_detail",
        lambda w: {"number": w.hidden_week.number},
        row(404, 404, 404, 404, 404, 200),
    ),
    "unpublished week, write a review": (
        "reviews:review_write",
        lambda w: {"number": w.hidden_week.number, "position": 1},
        row(302, 404, 404, 404, 404, 200),
    ),
}
DRAFT_COMMENT_POST = row(302, 404, 404, 403, 404, 404)  # nobody comments on a draft, not even its author

ORGANISER_ONLY_VIEWS = {"index", "password_change", "password_change_done", "jsi18n", "view_on_site"}
NO_ADD_IN_ADMIN = {"reviews.review", "reviews.comment", "reviews.readingchoice"}
NO_CHANGE_IN_ADMIN = {"members.invitation"}


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
        ReviewFactory(scope=self.scope, author=self.users["member"])
        self.comment = CommentFactory(review=self.review, author=self.author, body="A comment")
        ReadingChoice.objects.create(scope=self.draft_scope, member=self.users["organiser"])
        self.invitation = Invitation.objects.create(email="new@example.com", token="open-token", invited_by=None)
        self.clients = {"anonymous": Client()}
        for role, user in self.users.items():
            client = Client()
            client.force_login(user)
            self.clients[role] = client


def admin_expectation(name: str, world) -> tuple[dict, dict]:
    """Admin URLs follow rules rather than one row each: staff pages are for organisers only, and an
    organiser may open exactly the models the Organisers group manages."""
    view = name.removeprefix("admin:")
    organiser = 200
    kwargs = {}
    if view == "login":
        return same(302), {}
    if view == "logout":
        organiser = 405  # signing out of the admin takes a POST
    elif view == "autocomplete":
        organiser = 403  # without its query parameters
    elif view == "app_list":
        app_label = "papers"
        kwargs = {"app_label": app_label}
    elif view == "auth_user_password_change":
        kwargs = {"id": world.author.pk}
        organiser = 403  # organisers do not manage accounts' passwords
    elif view == "view_on_site":
        kwargs = {"content_type_id": ContentType.objects.get_for_model(world.week).pk, "object_id": world.week.pk}
        organiser = 302
    elif view not in ORGANISER_ONLY_VIEWS:
        model_name, action = view.rsplit("_", 1)
        app_label, _, model = model_name.partition("_")
        model_class = next(
            m for m in admin.site._registry if m._meta.app_label == app_label and m._meta.model_name == model
        )
        label = f"{app_label}.{model}"
        allowed = app_label in settings.ORGANISER_APPS
        if action == "add" and label in NO_ADD_IN_ADMIN:
            allowed = False
        if action in {"change", "delete", "history"}:
            instance = model_class.objects.order_by("pk").first()
            kwargs = {"object_id": instance.pk}
            if action == "change" and label in NO_CHANGE_IN_ADMIN:
                organiser = 200  # shown read-only to someone who may view it
        organiser = organiser if allowed else 403
    return row(302, 302, 302, 302, 302, organiser), kwargs


def leaks(role: str, content: str) -> list[str]:
    found = []
    if PUBLISHED_MARKER in content and role not in MAY_SEE_PUBLISHED:
        found.append("a review hidden by the write-first rule")
    if DRAFT_MARKER in content and role not in MAY_SEE_DRAFT:
        found.append("another member's draft")
    if HIDDEN_WEEK_MARKER in content and role not in MAY_SEE_HIDDEN_WEEK:
        found.append("an unpublished week")
    if AUTHOR_EMAIL in content and role != "author":
        found.append("another member's email address")
    return found


def check(world, label, url, method, expected, problems):
    for role in ROLES:
        client = world.clients[role]
        cookies = copy.deepcopy(client.cookies)  # a sign-out in one cell must not sign out the next
        with transaction.atomic():
            response = client.post(url, {}) if method == "POST" else client.get(url)
            status = response.status_code
            content = response.content.decode(errors="replace") if not response.streaming else ""
            transaction.set_rollback(True)
        client.cookies = cookies
        if status >= 500:
            problems.append(f"{label} {method} as {role}: {status}")
        elif expected is not None and status != expected[role]:
            problems.append(f"{label} {method} as {role}: got {status}, expected {expected[role]}")
        for leak in leaks(role, content):
            problems.append(f"{label} {method} as {role}: shows {leak}")
    return len(ROLES)


@pytest.mark.django_db
def test_every_url_pattern_has_a_row():
    names = {name for name in site_url_names() if not name.startswith("admin:")}
    assert sorted(names - set(SITE)) == [], "new URL patterns need a row in SITE"
    assert sorted(set(SITE) - names) == [], "rows for URL patterns that no longer exist"


@pytest.mark.django_db
def test_authorisation_matrix(settings):
    settings.ACCOUNT_RATE_LIMITS = False  # hundreds of requests from one address in a second
    world = World()
    problems: list[str] = []
    cells = 0
    for name, cell in SITE.items():
        url = reverse(name, kwargs=cell.args(world))
        cells += check(world, name, url, "GET", cell.get, problems)
        cells += check(world, name, url, "POST", cell.post, problems)
    for label, (name, args, expected_get) in VARIANTS.items():
        url = reverse(name, kwargs=args(world))
        if expected_get is not None:
            cells += check(world, label, url, "GET", expected_get, problems)
        else:
            cells += check(world, label, url, "POST", DRAFT_COMMENT_POST, problems)
    for name in sorted(n for n in site_url_names() if n.startswith("admin:")):
        expected, kwargs = admin_expectation(name, world)
        cells += check(world, name, reverse(name, kwargs=kwargs), "GET", expected, problems)
    assert not problems, f"{len(problems)} of {cells} cells wrong:\n" + "\n".join(problems)
