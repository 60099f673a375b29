"""Who someone is to the site: visitor, member (signed in with a verified email) or organiser.

These are ``rules`` predicates, so the apps' rules combine them (``is_member & is_comment_author``) and
code calls them like functions (``is_member(user)``).
"""

import rules

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


# Reviews, member pages and previews are for the group: its verified members and its organisers.
is_in_the_group = is_member | is_organiser

rules.add_rule("core.organise", is_organiser)
