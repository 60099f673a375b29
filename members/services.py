"""Writes about accounts: profiles, invitations, the organisers' group."""

import secrets

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.roles import ORGANISERS_GROUP
from members.models import Invitation, Profile


def organisers_group_ensure(using: str = "default") -> Group:
    """The Organisers group exists and may manage the curriculum, reviews, comments and invitations."""
    group, _ = Group.objects.using(using).get_or_create(name=ORGANISERS_GROUP)
    group.permissions.add(*Permission.objects.using(using).filter(content_type__app_label__in=settings.ORGANISER_APPS))
    return group


@transaction.atomic
def organiser_grant(*, user) -> None:
    """Make ``user`` an organiser: staff access to the admin and the organisers' permissions."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(organisers_group_ensure())


@transaction.atomic
def profile_update(*, user, display_name: str, bio: str) -> Profile:
    """Create or change the member's profile."""
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.display_name = display_name.strip()
    profile.bio = bio.strip()
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def invitation_create(*, email: str, invited_by, site_url: str) -> Invitation:
    """Invite ``email`` to join; the email with the personal link is sent once the invitation is saved."""
    invitation = Invitation(email=email.strip().lower(), invited_by=invited_by, token=secrets.token_urlsafe(32))
    invitation.full_clean()
    invitation.save()
    link = f"{site_url.rstrip('/')}{invitation.join_path()}"
    context = {"link": link, "site_name": settings.SITE_NAME, "inviter": invited_by}
    transaction.on_commit(
        lambda: send_mail(
            f"You are invited to the {settings.SITE_NAME} reading group",
            render_to_string("members/email/invitation.txt", context),
            None,
            [invitation.email],
        )
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Invitation:
    """Mark the invitation used by ``user``; an invitation is used once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated"])
    return invitation
