"""The header names the signed-in member as the group sees them: their display name, once they set one."""

import re

import pytest
from django.urls import reverse

from members.auth_backends import MemberAccountBackend, MemberModelBackend
from members.models import display_name
from members.services import profile_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def header_of(response) -> str:
    return re.search(r'<header class="site-header">.*?</header>', response.content.decode(), re.S).group(0)


def test_the_header_shows_the_display_name_and_keeps_the_username_as_its_hint(client):
    ada = UserFactory(username="ada")
    profile_update(user=ada, display_name="Ada Lovelace", bio="")
    client.force_login(ada)
    header = header_of(client.get(reverse("home")))
    assert ">Ada Lovelace</a>" in header
    assert 'title="Your page (@ada)"' in header


def test_a_member_without_a_display_name_is_shown_by_their_username(member_client):
    assert ">member</a>" in header_of(member_client.get(reverse("home")))


@pytest.mark.django_db(transaction=True)  # the snapshot and the page cache are renewed on commit
def test_a_new_display_name_shows_in_the_header_on_the_next_page(client):
    grace = UserFactory(username="grace")
    client.force_login(grace)
    assert ">grace</a>" in header_of(client.get(reverse("home")))  # the signed-in snapshot is kept now
    response = client.post(reverse("members:profile_edit"), {"display_name": "Grace Hopper", "bio": ""}, follow=True)
    assert ">Grace Hopper</a>" in header_of(response)
    assert ">Grace Hopper</a>" in header_of(client.get(reverse("home")))


@pytest.mark.parametrize("backend", [MemberModelBackend, MemberAccountBackend])
def test_the_sign_in_backends_read_the_profile_with_the_user_row(backend, django_assert_num_queries):
    named = UserFactory(username="named")
    profile_update(user=named, display_name="Named Person", bio="")
    unnamed = UserFactory(username="unnamed")
    with django_assert_num_queries(2):
        loaded_named = backend().get_user(named.pk)
        loaded_unnamed = backend().get_user(unnamed.pk)
        assert (display_name(loaded_named), display_name(loaded_unnamed)) == ("Named Person", "unnamed")


def test_the_backends_refuse_an_inactive_account():
    gone = UserFactory(username="gone", is_active=False)
    assert MemberModelBackend().get_user(gone.pk) is None
    assert MemberAccountBackend().get_user(gone.pk) is None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("django.contrib.auth.backends.ModelBackend", "members.auth_backends.MemberModelBackend"),
        ("allauth.account.auth_backends.AuthenticationBackend", "members.auth_backends.MemberAccountBackend"),
    ],
)
def test_a_member_signed_in_under_a_backends_old_name_stays_signed_in(client, old, new):
    ada = UserFactory(username="ada")
    profile_update(user=ada, display_name="Ada Lovelace", bio="")
    client.force_login(ada, backend=old)
    assert ">Ada Lovelace</a>" in header_of(client.get(reverse("home")))
    assert client.session["_auth_user_backend"] == new
    assert ">Ada Lovelace</a>" in header_of(client.get(reverse("home")))


def test_a_session_naming_an_unknown_backend_is_still_signed_out(client):
    client.force_login(UserFactory(username="ada"), backend="somewhere.else.Backend")
    assert "Sign in</a>" in header_of(client.get(reverse("home")))
