"""Who is an organiser: the people who schedule the curriculum and moderate discussions."""

ORGANISERS_GROUP = "Organisers"


def is_organiser(user) -> bool:
    """Superusers and staff members of the Organisers group; anonymous visitors never are."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False
    # Cache on the user object: templates and querysets ask several times per request.
    if not hasattr(user, "_is_organiser"):
        user._is_organiser = user.groups.filter(name=ORGANISERS_GROUP).exists()
    return user._is_organiser
