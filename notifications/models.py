from django.conf import settings
from django.db import models

from core.models import TimestampedModel


class Kind(models.TextChoices):
    COMMENT = "comment", "A comment on your review"
    REPLY = "reply", "A reply to your comment"
    MENTION = "mention", "You are mentioned (@username)"
    REMINDER = "reminder", "A reminder before reviews are due"
    DIGEST = "digest", "The digest before the meeting"
    SUMMARY = "summary", "Organisers: who wrote what, after reviews are due"
    MODERATION = "moderation", "An organiser hid your comment or review"


class Delivery(models.TextChoices):
    NOW = "now", "Email me at once"
    DAILY = "daily", "Once a day, in one email"
    OFF = "off", "Off (still listed on the site)"


# What a member gets until they choose otherwise: everything at once, as a reading group's mail is rare.
DEFAULT_DELIVERY = {kind: Delivery.NOW for kind in Kind}


class Preference(models.Model):
    """How a member wants one kind of notification; no row means ``DEFAULT_DELIVERY``."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.member}: {self.kind} {self.delivery}"


class Notification(TimestampedModel):
    """Something that happened for one member, shown on their notifications page and, as they chose,
    emailed. It is also the sent-log: one row per recipient, kind and object (``about``, e.g.
    ``"comment:12"`` or ``"week:3"``), so a reminder found twice, by two workers or after a crash, is
    recorded and mailed once."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    about = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    # Plain text of what happened, already limited to what the recipient may read.
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    # How the recipient wanted it when it was made; the email task asks again before sending.
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.NOW)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Set when no email goes out for it: its kind was off, its text withdrawn, or every attempt failed.
    mail_skipped_at = models.DateTimeField(null=True, blank=True)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    last_mail_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "about"], name="notify_once_per_object"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}: {self.title}"


class DailyEmail(models.Model):
    """The sent-log of the daily email: one per member per day."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "day"], name="one_daily_email_per_day")]

    def __str__(self):
        return f"Daily email to {self.member} on {self.day}"
