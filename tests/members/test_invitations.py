"""An invitation makes one member, for a limited time, unless an organiser revokes it first."""

import threading
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.adapter import AccountAdapter
from members.models import Invitation
from members.services import InvitationUnavailable, invitation_accept, invitation_create, invitation_revoke
from tests.factories import UserFactory

SITE_URL = "https://reading.example.org"


def signup_form(n: int) -> dict:
    """A complete sign-up form; each sender a different person with a different address."""
    return {
        "email": f"person{n}@example.com",
        "username": f"person{n}",
        "password1": "lovelace-engine-1843",
        "password2": "lovelace-engine-1843",
    }


def invite(organiser, email="grace@example.com", **kwargs) -> Invitation:
    return invitation_create(email=email, invited_by=organiser, site_url=SITE_URL, **kwargs)


def follow_link(client, invitation):
    return client.get(invitation.join_path(), follow=True)


def accounts() -> set[str]:
    return set(get_user_model().objects.values_list("username", flat=True))


@pytest.mark.django_db
def test_a_sign_up_that_passed_the_door_after_the_invitation_was_used_creates_no_account(
    settings, organiser, monkeypatch
):
    """The race in slow motion: both sessions follow the link and open the sign-up form while the
    invitation is open; the first to post takes it. The second's check at the door ran before the first
    committed (as it does when both post at once), so it reaches the account's creation: that is
    refused and nothing of it is kept."""
    settings.INVITE_ONLY = True
    invitation = invite(organiser)
    first, second = Client(), Client()
    for client in (first, second):
        follow_link(client, invitation)
        assert client.get(reverse("account_signup")).status_code == 200  # sign-up open to both
    before = accounts()
    first.post(reverse("account_signup"), signup_form(1))
    # The door check saw the invitation open a moment ago.
    monkeypatch.setattr(AccountAdapter, "is_open_for_signup", lambda self, request: True)
    response = second.post(reverse("account_signup"), signup_form(2))
    assert accounts() - before == {"person1"}
    assert not EmailAddress.objects.filter(email="person2@example.com").exists()
    assert response.status_code == 409 and "already been used" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_by.username == "person1"


@pytest.mark.django_db
def test_claiming_a_used_invitation_is_refused_not_ignored(organiser):
    invitation = invite(organiser)
    invitation_accept(invitation=invitation, user=UserFactory(username="first"))
    with pytest.raises(InvitationUnavailable) as refused:
        invitation_accept(invitation=invitation, user=UserFactory(username="second"))
    assert refused.value.reason == Invitation.USED
    invitation.refresh_from_db()
    assert invitation.accepted_by.username == "first"


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_with_one_invitation_make_exactly_one_member(settings):
    """Six browsers that opened the same link post the sign-up form at the same moment, each in its own
    thread with its own database connection."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite takes one write lock per database (IMMEDIATE transactions), so sign-ups "
            "cannot overlap there; run with DATABASE_URL=postgres://… to check the concurrent claim"
        )
    settings.INVITE_ONLY = True
    settings.ACCOUNT_RATE_LIMITS = False  # six sign-ups from one address in a second
    organiser = UserFactory(username="organiser")
    invitation = invite(organiser)
    senders = 6
    clients = [Client() for _ in range(senders)]
    for client in clients:
        follow_link(client, invitation)
    barrier = threading.Barrier(senders)
    statuses, errors = [None] * senders, []

    def sign_up(n):
        try:
            barrier.wait(timeout=30)
            statuses[n] = clients[n].post(reverse("account_signup"), signup_form(n)).status_code
        except Exception as error:  # noqa: BLE001 (reported below, in the test's thread)
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    created = accounts() - {"organiser"}
    assert len(created) == 1, f"one invitation made {len(created)} members: {sorted(created)}"
    invitation.refresh_from_db()
    assert invitation.accepted_by.username in created
    assert sorted(statuses).count(409) == senders - 1, statuses
    assert set(EmailAddress.objects.exclude(user=organiser).values_list("user__username", flat=True)) == created


@pytest.mark.django_db
def test_invitation_expires_after_the_default_number_of_days(client, settings, organiser):
    settings.INVITE_ONLY = True
    settings.INVITATION_EXPIRY_DAYS = 14
    invitation = invite(organiser)
    assert timedelta(days=13, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=14)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(invitation.join_path())
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert "Sign Up Closed" in client.post(reverse("account_signup"), signup_form(1)).content.decode()
    assert accounts() == {"organiser"}


@pytest.mark.django_db
def test_invitation_expiring_after_sign_up_opened_creates_no_account(client, settings, organiser):
    settings.INVITE_ONLY = True
    invitation = invite(organiser)
    follow_link(client, invitation)
    assert client.get(reverse("account_signup")).status_code == 200
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("account_signup"), signup_form(1))
    assert "person1" not in accounts()
    assert response.status_code in {200, 409}  # closed at the door, or refused at the claim


@pytest.mark.django_db
def test_organiser_sets_an_expiry_and_revokes_in_the_admin(
    client, settings, organiser, django_capture_on_commit_callbacks
):
    settings.INVITE_ONLY = True
    client.force_login(organiser)
    expires = timezone.localtime() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:members_invitation_add"),
            {
                "email": "ada@example.com",
                "expires_at_0": expires.strftime("%Y-%m-%d"),
                "expires_at_1": expires.strftime("%H:%M:%S"),
            },
            follow=True,
        )
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert abs(invitation.expires_at - expires) < timedelta(seconds=1)
    response = client.post(
        reverse("admin:members_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
        follow=True,
    )
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and invitation.status == Invitation.REVOKED
    visitor = Client()
    response = visitor.get(invitation.join_path())
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    assert "Sign Up Closed" in visitor.post(reverse("account_signup"), signup_form(1)).content.decode()


@pytest.mark.django_db
def test_revoking_leaves_a_used_invitation_as_it_is(organiser):
    used, unused = invite(organiser, "a@example.com"), invite(organiser, "b@example.com")
    invitation_accept(invitation=used, user=UserFactory(username="joined"))
    assert invitation_revoke(invitations=Invitation.objects.all()) == 1
    used.refresh_from_db()
    unused.refresh_from_db()
    assert (used.status, unused.status) == (Invitation.USED, Invitation.REVOKED)


@pytest.mark.django_db
def test_on_an_open_site_a_used_invitation_no_longer_verifies_the_address(client, settings, organiser):
    """Sign-up is open to all, so a late sign-up still makes an account, but the address is no longer
    taken as verified by the (now used) link."""
    settings.INVITE_ONLY = False
    invitation = invite(organiser)
    follow_link(client, invitation)
    invitation_accept(invitation=invitation, user=UserFactory(username="quicker"))
    client.post(reverse("account_signup"), {**signup_form(1), "email": "grace@example.com"})
    user = get_user_model().objects.get(username="person1")
    assert not EmailAddress.objects.get(user=user).verified
