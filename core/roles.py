"""Who someone is to the site: visitor, member (signed in with a verified email) or organiser."""

ORGANISERS_GROUP = "Organisers"


def _cached(user, key: str, compute) -> bool:
    # Views, templates and querysets ask several times per request; ask the database once.
    if not hasattr(user, key):
        setattr(user, key, compute())
    return getattr(user, key)


def is_organiser(user) -> bool:
    """Superusers and staff members of the Organisers group; anonymous visitors never are."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False
    return _cached(user, "_is_organiser", lambda: user.groups.filter(name=ORGANISERS_GROUP).exists())


def is_member(user) -> bool:
    """Signed in, active, and has verified an email address: may write reviews and comments."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    from allauth.account.models import EmailAddress

    return _cached(user, "_is_member", lambda: EmailAddress.objects.filter(user=user, verified=True).exists())
