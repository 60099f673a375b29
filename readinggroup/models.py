from django.conf import settings
from django.db import models
from django.urls import reverse

from readinggroup.markup import render_markdown


class TimestampedModel(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RenderedMarkdownModel(TimestampedModel):
    """Keeps each Markdown field's sanitised HTML twin (``intro`` → ``intro_html``) up to date.

    Rendering happens on every save, whichever path saves (service, admin inline, fixture), so a
    template can never show HTML that is stale or was never sanitised.
    """

    markdown_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        # A save of other fields only (hiding a comment) must not re-render from a stale copy.
        if update_fields is None or set(update_fields) & set(self.markdown_fields):
            derived = self.derive_fields()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    def derive_fields(self) -> set[str]:
        """Fill in the fields computed from others; returns their names."""
        for field in self.markdown_fields:
            setattr(self, f"{field}_html", render_markdown(getattr(self, field)))
        return {f"{field}_html" for field in self.markdown_fields}


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
        return reverse("reviews:member_detail", kwargs={"username": self.user.get_username()})

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

    def get_absolute_url(self):
        return reverse("invitation_accept", kwargs={"token": self.token})

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None
