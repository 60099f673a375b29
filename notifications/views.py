"""A member's notifications page, their email preferences, and the one-click unsubscribe of every
notification email (RFC 8058), which needs no sign-in: the signed link is the proof."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.roles import is_organiser
from notifications import services
from notifications.emails import DAILY, read_unsubscribe_token
from notifications.forms import PreferencesForm
from notifications.models import Kind, Notification

NOTIFICATIONS_PER_PAGE = 30


@require_safe
@login_required
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user)
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    unread = sum(1 for notification in page if notification.read_at is None)
    return render(request, "notifications/list.html", {"page_obj": page, "unread_on_page": unread})


@require_POST
@login_required
def notifications_read(request):
    marked = services.mark_read(member=request.user)
    messages.success(
        request, f"{marked} notification{'s' if marked != 1 else ''} marked as read." if marked else "Nothing new."
    )
    return redirect("notifications:list")


@require_POST
@login_required
def notification_open(request, pk: int):
    """Marks one notification read and goes to what it is about."""
    notification = Notification.objects.filter(recipient=request.user, pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    services.mark_read(member=request.user, notification_ids=[notification.pk])
    return redirect(notification.url)


@login_required
def preferences(request):
    deliveries = services.deliveries_of(request.user)
    organiser = is_organiser(request.user)
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, deliveries=deliveries, show_organiser_kinds=organiser)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(member=request.user, deliveries=form.cleaned_data)
        messages.success(request, "Your email preferences are saved.")
        return redirect("notifications:preferences")
    status = 400 if form.is_bound else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


@csrf_exempt  # the signed link is the credential; mail clients post to it without a session (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """GET shows what the link turns off, with a button (a link scanner that follows it changes
    nothing); POST turns it off, from that button or from a mail client's one-click unsubscribe."""
    found = read_unsubscribe_token(token)
    member = None
    if found is not None:
        member = get_user_model().objects.filter(pk=found[0], is_active=True).first()
    if member is None:
        raise Http404("This unsubscribe link is not valid.")
    kind = found[1]
    what = "the daily email" if kind == DAILY else Kind(kind).label.lower()
    if request.method == "POST":
        services.unsubscribe(member=member, kind=kind)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(f"Unsubscribed from {what}.", content_type="text/plain; charset=utf-8")
        return redirect(f"{request.path}?done=1")
    done = request.GET.get("done") == "1"
    return render(request, "notifications/unsubscribe.html", {"what": what, "done": done, "token": token})
