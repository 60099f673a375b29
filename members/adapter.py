from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from members.models import Invitation, Profile
from members.services import invitation_accept

INVITATION_SESSION_KEY = "readinggroup_invitation"


def open_invitation(request) -> Invitation | None:
    token = request.session.get(INVITATION_SESSION_KEY)
    if not token:
        return None
    return Invitation.objects.filter(token=token, accepted_at__isnull=True).first()


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Open to everyone, or when the site is invite-only, to people who followed an open invitation."""
        return not settings.INVITE_ONLY or open_invitation(request) is not None

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            Profile.objects.get_or_create(user=user)
            invitation = open_invitation(request)
            if invitation is not None:
                invitation_accept(invitation=invitation, user=user)
                request.session.pop(INVITATION_SESSION_KEY, None)
        return user
