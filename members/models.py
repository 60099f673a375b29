from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import TimestampedModel


class Profile(TimestampedModel):
    """What a member shows the group about themselves."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=80, blank=True, help_text="How the group sees your name.")
    bio = models.TextField(max_length=1000, blank=True, help_text="A few words about you (plain text).")
    # The secret in the addresses of the member's private feed and calendar; empty until first shown.
    # Renewed by ``members.services.feed_key_renew``, which is how a leaked address is revoked.
    feed_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["user__username"]
        constraints = [
            models.UniqueConstraint(fields=["feed_key"], condition=~Q(feed_key=""), name="profile_feed_key_unique"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("member_detail", kwargs={"username": self.user.get_username()})

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_username()


def display_name(user) -> str:
    """A member's display name, falling back to the username (profile prefetched where it matters)."""
    if user is None:
        return "Former member"
    profile = getattr(user, "profile", None)
    return profile.name if profile is not None else user.get_username()


def invitation_expiry_default():
    """When a new invitation stops working unless an organiser chooses otherwise."""
    return timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Invitations that can still be used: not used, not revoked, not expired."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(TimestampedModel):
    """An organiser's invitation; when the site is invite-only, it is the way in."""

    OPEN, USED, REVOKED, EXPIRED = "open", "used", "revoked", "expired"

    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation_accepted",
        editable=False,
    )
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(
        "expires",
        default=invitation_expiry_default,
        blank=True,
        help_text="The link stops working after this moment. Leave it empty for the default.",
    )
    revoked_at = models.DateTimeField("revoked", null=True, blank=True, editable=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Invitation for {self.email}"

    def join_path(self) -> str:
        """The invitee's personal link. Deliberately not ``get_absolute_url``: the link is a key (it signs
        up with the address already verified), and Django's "view on site" hands that URL to any staff."""
        return reverse("members:invitation_accept", kwargs={"token": self.token})

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return self.USED
        if self.revoked_at is not None:
            return self.REVOKED
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return self.EXPIRED
        return self.OPEN

    @property
    def is_open(self) -> bool:
        return self.status == self.OPEN
