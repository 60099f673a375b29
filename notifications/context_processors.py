from django.utils.functional import SimpleLazyObject

from core.roles import is_member


def unread_notifications(request):
    """The header's link to the notifications page and its unread count, counted once and only when a
    page renders (kept pages carry theirs: a new notification renews its recipient's pages)."""
    user = getattr(request, "user", None)
    if user is None or not is_member(user):
        return {}
    return {
        "notifications_link": True,
        "unread_notifications": SimpleLazyObject(lambda: user.notifications.filter(read_at__isnull=True).count()),
    }
