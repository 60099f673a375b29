from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse

from readinggroup.markup import MARKDOWN_MAX_LENGTH, render_markdown


def markdown_text_field(*args, **kwargs) -> models.TextField:
    """A Markdown source field: the form and the model (``full_clean``) refuse text over the budget."""
    return models.TextField(
        *args, max_length=MARKDOWN_MAX_LENGTH, validators=[MaxLengthValidator(MARKDOWN_MAX_LENGTH)], **kwargs
    )


class TimestampedModel(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RenderedMarkdownModel(TimestampedModel):
    """Keeps each Markdown field's sanitised HTML twin (``intro`` → ``intro_html``) up to date.

    ``save()`` renders (a save of other fields only leaves the HTML alone), and fixtures, which
    ``loaddata`` saves without calling ``save()``, are rendered by ``render_loaded_fixture`` below: a
    template never shows HTML that did not come out of the sanitiser. ``bulk_create`` and
    ``QuerySet.update`` bypass both; code that uses them renders itself, and ``manage.py
    rerender_markup`` brings every stored row up to date.
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


@receiver(pre_save, dispatch_uid="readinggroup-render-loaded-fixture")
def render_loaded_fixture(sender, instance, raw: bool, **kwargs):
    """A fixture row's ``*_html`` is whatever the file says: replace it with a rendering of the source."""
    if raw and isinstance(instance, RenderedMarkdownModel):
        instance.derive_fields()


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
