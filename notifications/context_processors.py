from core.roles import is_member


def unread_notifications(request):
    """The unread count in the header, counted only when a page renders (kept pages carry theirs: a new
    notification renews its recipient's pages)."""
    user = getattr(request, "user", None)
    if user is None or not is_member(user):
        return {}

    def count():
        return user.notifications.filter(read_at__isnull=True).count()

    return {"unread_notifications": count}
