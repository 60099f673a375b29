import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils.module_loading import import_string

from core.roles import is_member
from members.models import Invitation, Profile
from members.services import invitation_create
from readinggroup.settings import cache_settings
from tests.factories import TEST_PASSWORD, UserFactory
from tests.helpers import close_redis
from tests.members.signup import SIGNUP, confirmation_path

pytestmark = pytest.mark.django_db


def test_sign_up_requires_email_verification_before_membership(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # mail is a task, enqueued once the sign-up commits
        response = client.post(reverse("account_signup"), SIGNUP, follow=True)
    user = get_user_model().objects.get(username="grace")
    assert not is_member(user)
    assert "Verify your email address" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["grace@example.com"]
    link = confirmation_path(mail.outbox[0])
    client.post(link.split("testserver", 1)[-1])
    user = get_user_model().objects.get(username="grace")
    assert is_member(user)
    assert Profile.objects.filter(user=user).exists()


def test_unverified_account_cannot_sign_in_yet(client):
    UserFactory(username="pending", verified=False)
    response = client.post(reverse("account_login"), {"login": "pending", "password": TEST_PASSWORD}, follow=True)
    assert "Verify your email address" in response.content.decode()


def test_password_reset_does_not_reveal_whether_an_account_exists(client, django_capture_on_commit_callbacks):
    UserFactory(username="known", email="known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": "known@example.com"}, follow=True)
        unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert known.status_code == unknown.status_code == 200
    assert mail.outbox[0].to == ["known@example.com"]


def test_sign_up_with_a_taken_email_does_not_reveal_it(client):
    UserFactory(username="taken", email="grace@example.com")
    response = client.post(reverse("account_signup"), SIGNUP, follow=True)
    assert "already" not in response.content.decode().lower()
    assert "Verify your email address" in response.content.decode()


def test_repeated_failed_logins_are_rate_limited_even_with_the_right_password(client):
    UserFactory(username="target")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "target", "password": "wrong-password"})
    locked = client.post(reverse("account_login"), {"login": "target", "password": TEST_PASSWORD})
    assert "Too many failed login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_sign_in_goes_through_the_site_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "next=/admin/" in response["Location"]


def test_profile_edit_changes_the_display_name(client, member):
    client.force_login(member)
    response = client.post(
        reverse("members:profile_edit"), {"display_name": "Ada L.", "bio": "Likes LSTMs."}, follow=True
    )
    assert "Ada L." in response.content.decode() and "Likes LSTMs." in response.content.decode()
    assert client.get(reverse("members:profile_edit")).status_code == 200


def test_profile_edit_needs_sign_in(client):
    assert client.get(reverse("members:profile_edit")).status_code == 302


def test_invite_only_site_refuses_open_sign_up(client, settings):
    settings.INVITE_ONLY = True
    response = client.post(reverse("account_signup"), SIGNUP)
    assert "Sign Up Closed" in response.content.decode()
    assert not get_user_model().objects.filter(username="grace").exists()


def test_invitation_opens_sign_up_once_with_the_email_already_verified(
    client, settings, organiser, django_capture_on_commit_callbacks
):
    settings.INVITE_ONLY = True
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            email="grace@example.com", invited_by=organiser, site_url="https://reading.example.org"
        )
    assert len(mail.outbox) == 1 and invitation.join_path() in mail.outbox[0].body
    response = client.get(invitation.join_path(), follow=True)
    assert 'value="grace@example.com"' in response.content.decode()
    client.post(reverse("account_signup"), SIGNUP)
    user = get_user_model().objects.get(username="grace")
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and not invitation.is_open
    client.logout()
    response = client.get(invitation.join_path(), follow=True)
    assert "already been used" in response.content.decode()
    second = {**SIGNUP, "email": "eve@example.com", "username": "eve"}
    assert "Sign Up Closed" in client.post(reverse("account_signup"), second).content.decode()


def test_unknown_invitation_is_not_found(client):
    assert client.get(reverse("members:invitation_accept", args=["not-a-token"])).status_code == 404


def test_organiser_invites_from_the_admin(client, organiser, django_capture_on_commit_callbacks):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:members_invitation_add"), {"email": "New@Example.com"}, follow=True)
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert invitation.email == "new@example.com" and invitation.invited_by == organiser
    assert mail.outbox[0].to == ["new@example.com"]


def _backend(config: dict):
    """A cache as a separate worker process would build it from the same settings."""
    options = {key: value for key, value in config.items() if key not in {"BACKEND", "LOCATION"}}
    return import_string(config["BACKEND"])(config["LOCATION"], options)


@pytest.mark.django_db
def test_without_redis_rate_limits_live_in_the_database_shared_by_workers_apart_from_pages(settings):
    config = cache_settings("")
    settings.CACHES = config
    call_command("createcachetable", verbosity=0)
    counters_in_one_worker, counters_in_another = _backend(config["default"]), _backend(config["default"])
    counters_in_one_worker.set("allauth:rl:login:ip:127.0.0.1", [1, 2, 3])
    assert counters_in_another.get("allauth:rl:login:ip:127.0.0.1") == [1, 2, 3]
    _backend(config["pages"]).clear()  # a flood of pages evicting or clearing them leaves counters alone
    assert counters_in_another.get("allauth:rl:login:ip:127.0.0.1") == [1, 2, 3]


def test_with_redis_rate_limits_and_pages_use_separate_key_spaces():
    config = cache_settings("redis://127.0.0.1:6379/15")
    counters, pages = _backend(config["default"]), _backend(config["pages"])
    try:
        counters.set("allauth:rl:probe", 1)
    except Exception as error:  # noqa: BLE001 (any connection error means no Redis on this machine)
        close_redis(counters)
        pytest.skip(f"no Redis on 127.0.0.1:6379: {error}")
    pages.set("allauth:rl:probe", "a page")
    another_worker = _backend(config["default"])
    assert counters.get("allauth:rl:probe") == 1 and another_worker.get("allauth:rl:probe") == 1
    counters.delete("allauth:rl:probe")
    pages.delete("allauth:rl:probe")
    for backend in (counters, pages, another_worker):
        close_redis(backend)
