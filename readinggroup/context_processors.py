from django.conf import settings

from readinggroup.roles import is_organiser


def site(request):
    return {"site_name": settings.SITE_NAME, "user_is_organiser": is_organiser(request.user)}
