"""Writes about accounts: profiles, invitations, the organisers' group."""

import secrets

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.mail import send_text_after_commit
from core.roles import ORGANISERS_GROUP
from members.models import Invitation, Profile, invitation_expiry_default
from members.names import display_name_clean


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
    """Create or change the member's profile. The display name is normalised and checked here too (not only
    in the form), so no caller can set an invisible name or one that passes for another member's:
    ``ValidationError`` on ``display_name`` otherwise."""
    try:
        display_name = display_name_clean(display_name, user=user)
    except ValidationError as error:
        raise ValidationError({"display_name": error.error_list}) from error
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.display_name = display_name
    profile.bio = bio.strip()
    profile.full_clean()
    profile.save()
    return profile


class InvitationUnavailable(Exception):
    """The invitation cannot be used (any more): ``reason`` is one of the Invitation statuses."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def invitation_create(*, email: str, invited_by, site_url: str, expires_at=None) -> Invitation:
    """Invite ``email`` to join; the email with the personal link is sent once the invitation is saved.
    The link works until ``expires_at`` (by default ``INVITATION_EXPIRY_DAYS`` from now)."""
    invitation = Invitation(
        email=email.strip().lower(),
        invited_by=invited_by,
        token=secrets.token_urlsafe(32),
        expires_at=expires_at or invitation_expiry_default(),
    )
    invitation.full_clean()
    invitation.save()
    link = f"{site_url.rstrip('/')}{invitation.join_path()}"
    context = {
        "link": link,
        "site_name": settings.SITE_NAME,
        "inviter": invited_by,
        "expires_at": invitation.expires_at,
    }
    send_text_after_commit(
        subject=f"You are invited to the {settings.SITE_NAME} reading group",
        body=render_to_string("members/email/invitation.txt", context),
        to=[invitation.email],
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Invitation:
    """Claim the invitation for ``user``, who is being created in the same transaction.

    One conditional UPDATE decides: it only matches an invitation that is still open (not used, revoked or
    expired), and a concurrent sign-up that claimed it first holds the row until it commits, after which
    the database re-checks the condition for the others (PostgreSQL) or they wait for the write lock
    (SQLite). Zero rows means someone else has it: ``InvitationUnavailable`` is raised, so that the
    caller's transaction (the new account) rolls back."""
    now = timezone.now()
    claimed = Invitation.objects.open().filter(pk=invitation.pk).update(accepted_at=now, accepted_by=user, updated=now)
    invitation = Invitation.objects.get(pk=invitation.pk)
    if not claimed:
        raise InvitationUnavailable(invitation.status)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitations) -> int:
    """Stop unused invitations from working; returns how many were revoked."""
    now = timezone.now()
    return invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now, updated=now)


def _new_feed_key() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def feed_key_ensure(*, user) -> str:
    """The secret of ``user``'s private feed and calendar addresses, made (with their profile, if need be)
    the first time it is asked for; the same key after that, until ``feed_key_renew``."""
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    if not profile.feed_key:
        profile.feed_key = _new_feed_key()
        profile.full_clean()
        profile.save()
    return profile.feed_key


@transaction.atomic
def feed_key_renew(*, user) -> str:
    """Give ``user`` a new feed key and return it. The old key stops working at once: the private feed and
    calendar (``reviews/feeds.py``, ``reviews/calendar.py``) find their member by the key, so an address
    made with the old one is 404 from now on."""
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    profile.feed_key = _new_feed_key()
    profile.full_clean()
    profile.save()
    return profile.feed_key
