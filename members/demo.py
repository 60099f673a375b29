"""Demo accounts for local development; never created unless DEBUG is on."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from members.services import organiser_grant, profile_update


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    display_name: str


DEMO_ACCOUNTS = (
    DemoAccount("organiser", "demo-organiser-pass", "organiser", "Olivia Organiser"),
    DemoAccount("ada", "demo-member-pass", "member", "Ada Lovelace"),
    DemoAccount("alan", "demo-member-pass", "member", "Alan Turing"),
)


@transaction.atomic
def demo_accounts_ensure() -> None:
    """Create the demo organiser and members once; later runs leave them (and their passwords) alone."""
    if not settings.DEBUG:
        raise RuntimeError("Demo accounts are only created when DEBUG is on.")
    user_model = get_user_model()
    for account in DEMO_ACCOUNTS:
        first, _, last = account.display_name.partition(" ")
        user, created = user_model.objects.get_or_create(
            username=account.username,
            defaults={"first_name": first, "last_name": last, "email": f"{account.username}@example.com"},
        )
        if created:
            user.set_password(account.password)
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            profile_update(user=user, display_name=account.display_name, bio="")
        if account.role == "organiser":
            organiser_grant(user=user)
