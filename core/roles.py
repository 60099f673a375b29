"""Who someone is to the site: visitor, member (signed in with a verified email) or organiser.

These are ``rules`` predicates, so the apps' rules combine them (``is_member & is_comment_author``) and
code calls them like functions (``is_member(user)``).
"""

import rules
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q

ORGANISERS_GROUP = "Organisers"


def _cached(user, key: str, compute) -> bool:
    # Views, templates and querysets ask several times per request; ask the database once.
    if not hasattr(user, key):
        setattr(user, key, compute())
    return getattr(user, key)


def _active_account(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


@rules.predicate
def is_organiser(user) -> bool:
    """Superusers and staff members of the Organisers group; staff alone is not enough."""
    if not _active_account(user):
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False
    return _cached(user, "_is_organiser", lambda: user.groups.filter(name=ORGANISERS_GROUP).exists())


@rules.predicate
def is_member(user) -> bool:
    """Signed in, active, and has verified an email address: may write reviews and comments."""
    if not _active_account(user):
        return False
    from allauth.account.models import EmailAddress

    return _cached(user, "_is_member", lambda: EmailAddress.objects.filter(user=user, verified=True).exists())


def organisers_q(*, via: str = "") -> Q:
    """``is_organiser`` as a query condition on users (reached through ``via``, e.g. ``"author__"``), so a
    page can show who is an organiser without a query per person."""
    in_group = Exists(
        Group.objects.filter(name=ORGANISERS_GROUP, user=OuterRef(via.removesuffix("__") or "pk")),
    )
    staff_in_group = Q(**{f"{via}is_staff": True}) & Q(in_group)
    return Q(**{f"{via}is_active": True}) & (Q(**{f"{via}is_superuser": True}) | staff_in_group)


def members_q() -> Q:
    """``is_member`` as a query condition on users: active, with a verified email address."""
    from allauth.account.models import EmailAddress

    return Q(is_active=True) & Q(Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)))


# Reviews, member pages and previews are for the group: its verified members and its organisers.
is_in_the_group = is_member | is_organiser

rules.add_rule("core.organise", is_organiser)
