from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import TimestampedModel


class Profile(TimestampedModel):
    """What a member shows the group about themselves."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=80, blank=True, help_text="How the group sees your name.")
    bio = models.TextField(max_length=1000, blank=True, help_text="A few words about you (plain text).")

    class Meta:
        ordering = ["user__username"]

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


class Invitation(TimestampedModel):
    """An organiser's invitation; when the site is invite-only, it is the way in."""

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

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Invitation for {self.email}"

    def join_path(self) -> str:
        """The invitee's personal link. Deliberately not ``get_absolute_url``: the link is a key (it signs
        up with the address already verified), and Django's "view on site" hands that URL to any staff."""
        return reverse("members:invitation_accept", kwargs={"token": self.token})

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None
