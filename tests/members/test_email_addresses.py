"""Nobody can sit on someone else's address, and a borrowed session cannot swap the account's address."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from core.roles import is_member
from tests.factories import TEST_PASSWORD, UserFactory
from tests.members.signup import SIGNUP, confirmation_path

pytestmark = pytest.mark.django_db


def reauthenticate(client, password=TEST_PASSWORD):
    return client.post(reverse("account_reauthenticate"), {"password": password}, follow=True)


def test_the_owner_signs_up_after_someone_else_claimed_their_address_unverified(
    client, django_capture_on_commit_callbacks
):
    squatter = UserFactory(username="squatter")
    # What "add email" did before one-address mode: an extra, unverified address on another account.
    EmailAddress.objects.create(user=squatter, email="grace@example.com", verified=False, primary=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGNUP)
    owner = get_user_model().objects.get(username="grace")
    assert [message.to for message in mail.outbox] == [["grace@example.com"]]
    client.post(confirmation_path(mail.outbox[0]))
    assert EmailAddress.objects.get(user=owner, email="grace@example.com").verified
    assert is_member(get_user_model().objects.get(pk=owner.pk))
    # The squatter can never confirm it now.
    claim = EmailAddress.objects.get(user=squatter, email="grace@example.com")
    assert not claim.can_set_verified()


def test_a_verified_address_still_cannot_be_signed_up_again(client):
    UserFactory(username="taken", email="grace@example.com")
    client.post(reverse("account_signup"), SIGNUP)
    assert not get_user_model().objects.filter(username="grace").exists()


def test_adding_an_email_asks_for_the_password_again(client, member):
    client.force_login(member)  # a session that did not just type the password (a stolen cookie, say)
    response = client.post(reverse("account_email"), {"email": "attacker@example.com", "action_add": ""})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="attacker@example.com").exists()
    assert mail.outbox == []
    # A wrong password does not get through either.
    client.post(response["Location"], {"password": "not-the-password"})
    assert not EmailAddress.objects.filter(email="attacker@example.com").exists()
    # With the password, the suspended request goes through.
    response = client.post(reverse("account_email"), {"email": "new-address@example.com", "action_add": ""})
    client.post(response["Location"], {"password": TEST_PASSWORD})
    new = EmailAddress.objects.get(user=member, email="new-address@example.com")
    assert not new.verified and not new.primary


def test_a_member_has_one_address_which_a_verified_new_one_replaces(client, member, django_capture_on_commit_callbacks):
    client.force_login(member)
    reauthenticate(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"email": "first-try@example.com", "action_add": ""})
        client.post(reverse("account_email"), {"email": "second-try@example.com", "action_add": ""})
    # One pending address at a time: the second replaces the first.
    assert set(EmailAddress.objects.filter(user=member).values_list("email", flat=True)) == {
        "member@example.com",
        "second-try@example.com",
    }
    client.post(confirmation_path(mail.outbox[-1]))
    assert list(EmailAddress.objects.filter(user=member).values_list("email", "verified", "primary")) == [
        ("second-try@example.com", True, True)
    ]


def test_changing_the_password_needs_the_current_one(client, member):
    client.force_login(member)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": "a-guess", "password1": "a-new-password-77", "password2": "a-new-password-77"},
    )
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)
