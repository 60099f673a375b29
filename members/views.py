from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from members.adapter import INVITATION_SESSION_KEY, invitation_unavailable_response
from members.forms import ProfileForm
from members.models import Invitation, Profile
from members.services import feed_key_ensure, feed_key_renew, profile_update


@login_required
def profile_edit(request):
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, display_name=form.cleaned_data["display_name"], bio=form.cleaned_data["bio"])
        messages.success(request, "Your profile is saved.")
        return redirect("member_detail", username=request.user.get_username())
    return render(request, "members/profile_edit.html", {"form": form, **_private_addresses(request)})


def _private_addresses(request) -> dict:
    """The member's private feed and calendar addresses (served by the reviews app, named at the site's
    root), made with their feed key, which is created the first time the page shows it."""
    key = feed_key_ensure(user=request.user)
    return {
        "private_feed_url": request.build_absolute_uri(reverse("member_feed", kwargs={"key": key})),
        "private_calendar_url": request.build_absolute_uri(reverse("member_calendar", kwargs={"key": key})),
    }


@login_required
@require_POST
def feed_key_renew_view(request):
    """A new secret for the private feed and calendar addresses; the old addresses stop working."""
    feed_key_renew(user=request.user)
    messages.success(
        request,
        "Your private feed and calendar have new addresses. The old ones no longer work: "
        "subscribe again with the new ones below.",
    )
    return redirect(f"{reverse('members:profile_edit')}#private-addresses")


@require_safe
def invitation_accept(request, token: str):
    """Following an invitation link opens sign-up (also on an invite-only site) with the email filled in."""
    invitation = get_object_or_404(Invitation, token=token)
    if not invitation.is_open:
        # Used, revoked or expired: a page that says which, and nothing that opens sign-up.
        request.session.pop(INVITATION_SESSION_KEY, None)
        return invitation_unavailable_response(request, invitation.status)
    if request.user.is_authenticated:
        messages.info(request, "You are already signed in.")
        return redirect("home")
    request.session[INVITATION_SESSION_KEY] = invitation.token
    # The link reached this inbox, so that address needs no second verification.
    get_adapter(request).stash_verified_email(request, invitation.email)
    messages.success(request, "Welcome! Choose a username and password to join the reading group.")
    return redirect("account_signup")
