from django.conf import settings

from core.roles import is_organiser


def site(request):
    return {"site_name": settings.SITE_NAME, "user_is_organiser": is_organiser(request.user)}
