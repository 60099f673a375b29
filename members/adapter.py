from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.shortcuts import render

from core.mail import send_after_commit
from members.models import Invitation, Profile
from members.services import InvitationUnavailable, invitation_accept

INVITATION_SESSION_KEY = "readinggroup_invitation"


def session_invitation(request) -> Invitation | None:
    """The invitation whose link this browser followed, whatever its state."""
    token = request.session.get(INVITATION_SESSION_KEY)
    if not token:
        return None
    return Invitation.objects.filter(token=token).first()


def open_invitation(request) -> Invitation | None:
    invitation = session_invitation(request)
    return invitation if invitation is not None and invitation.is_open else None


def invitation_unavailable_response(request, reason: str, status: int = 410):
    return render(request, "members/invitation_unavailable.html", {"reason": reason}, status=status)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's messages (address confirmation, password reset) go through the site's one mail path:
        a task, enqueued once the transaction commits."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        send_after_commit(self.render_mail(template_prefix, email, ctx))

    def is_open_for_signup(self, request):
        """Open to everyone, or when the site is invite-only, to people who followed an open invitation.
        Checked when the sign-up page is opened and posted; the invitation is claimed for good in
        ``save_user``, in the transaction that creates the account."""
        return not settings.INVITE_ONLY or open_invitation(request) is not None

    def save_user(self, request, user, form, commit=True):
        if not commit:
            return super().save_user(request, user, form, commit=commit)
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            Profile.objects.get_or_create(user=user)
            invitation = session_invitation(request)
            if invitation is not None:
                try:
                    invitation_accept(invitation=invitation, user=user)
                except InvitationUnavailable:
                    request.session.pop(INVITATION_SESSION_KEY, None)
                    if settings.INVITE_ONLY:
                        raise  # the invitation was the way in: no account without it
                    # Sign-up is open anyway, but the address is verified by email, not by the link.
                    self.unstash_verified_email(request)
                else:
                    request.session.pop(INVITATION_SESSION_KEY, None)
        return user


def _only_unverified_claims_elsewhere(email: str) -> bool:
    """Is ``email`` known only as another account's unverified, non-primary address (an address someone
    added and never confirmed, possibly someone else's)? Such a claim proves nothing and must not keep
    the address's owner from signing up; whoever verifies the address first keeps it."""
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if not addresses.exists() or addresses.filter(verified=True).exists() or addresses.filter(primary=True).exists():
        return False
    field = account_settings.USER_MODEL_EMAIL_FIELD
    return not (field and get_user_model().objects.filter(**{f"{field}__iexact": email}).exists())


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, made one transaction (the account, its profile, its address and the claim of
    the invitation it used) and not blocked by someone else's unverified claim on the address."""

    def validate_unique_email(self, value) -> str:
        if _only_unverified_claims_elsewhere(value):
            self.account_already_exists = False
            return get_adapter().validate_unique_email(value)
        return super().validate_unique_email(value)

    def try_save(self, request):
        try:
            with transaction.atomic():
                return super().try_save(request)
        except InvitationUnavailable as refusal:
            return None, invitation_unavailable_response(request, refusal.reason, status=409)
