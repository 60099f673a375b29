from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@require_safe
def health(request):
    """For load balancers and the benchmark's baseline: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def session_check(request):
    """The benchmark's signed-in baseline: loads the session and the user, and nothing else. Answers the
    same few bytes to members and visitors, so it tells nothing about who asked."""
    _ = request.user.is_authenticated  # asking is the point: it loads the session, then the user
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): send them to ours."""
    return redirect(static("favicon.svg"), permanent=True)


def admin_view_on_site(request, content_type_id: int, object_id: str):
    """The admin's "view on site" link, for those who may see the object in the admin.

    Django's own redirect asks only for the staff flag, so any staff account could learn where an object
    lives, or that it exists at all (a draft's id, an unpublished week's number). Here the object must be
    one the admin would show this user: a model they may view, and a row its admin lists for them.
    Anything else is the same 404 as an id that does not exist."""
    if not (request.user.is_active and request.user.is_staff):
        raise Http404("No such object.")
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        model_admin = admin.site.get_model_admin(model) if model is not None else None
    except (ContentType.DoesNotExist, admin.sites.NotRegistered):
        model_admin = None
    if model_admin is None:
        raise Http404("No such object.")
    if not model_admin.has_view_permission(request):
        raise Http404("No such object.")
    if not model_admin.get_queryset(request).filter(pk=object_id).exists():
        raise Http404("No such object.")
    return shortcut(request, content_type_id, object_id)
