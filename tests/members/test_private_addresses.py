"""The profile page's private feed and calendar addresses, and the button that gives them a new secret."""

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Profile
from members.services import feed_key_ensure, feed_key_renew
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("members:profile_edit")
RENEW_URL = reverse("feed_key_renew")


def test_the_key_is_made_on_first_use_and_then_kept(member):
    assert not Profile.objects.filter(user=member).exists()
    key = feed_key_ensure(user=member)
    assert len(key) >= 40 and Profile.objects.get(user=member).feed_key == key
    assert feed_key_ensure(user=member) == key


def test_renewing_gives_a_new_unique_key(member, other_member):
    old = feed_key_ensure(user=member)
    new = feed_key_renew(user=member)
    assert new != old and Profile.objects.get(user=member).feed_key == new
    assert feed_key_ensure(user=other_member) not in {old, new}


def test_profiles_without_a_key_do_not_collide():
    Profile.objects.create(user=UserFactory(username="a"))
    Profile.objects.create(user=UserFactory(username="b"))
    assert Profile.objects.filter(feed_key="").count() == 2


def test_profile_page_shows_the_members_private_addresses(member_client, member):
    page = member_client.get(PROFILE_URL).content.decode()
    key = Profile.objects.get(user=member).feed_key
    assert f'value="http://testserver/private/{key}/feed.atom"' in page
    assert f'value="http://testserver/private/{key}/calendar.ics"' in page
    assert f'action="{RENEW_URL}"' in page and "New secret address" in page
    assert 'name="csrfmiddlewaretoken"' in page.split(f'action="{RENEW_URL}"', 1)[1]
    assert member_client.get(PROFILE_URL).content.decode().count(key) == 2  # the same key on the next visit


def test_new_secret_address_revokes_the_old_ones_with_a_message(member_client, member):
    old = feed_key_ensure(user=member)
    old_feed = reverse("member_feed", kwargs={"key": old})
    response = member_client.post(RENEW_URL, follow=True)
    assert response.redirect_chain == [(f"{PROFILE_URL}#private-addresses", 302)]
    new = Profile.objects.get(user=member).feed_key
    page = response.content.decode()
    assert new != old and new in page and old not in page
    assert "The old ones no longer work" in page
    assert member_client.get(old_feed).status_code == 404


def test_renewing_takes_a_post_from_a_signed_in_member(member_client, member):
    old = feed_key_ensure(user=member)
    assert member_client.get(RENEW_URL).status_code == 405
    response = Client().post(RENEW_URL)  # a visitor is sent to sign in
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert Profile.objects.get(user=member).feed_key == old


def test_renewing_needs_the_csrf_token(member):
    old = feed_key_ensure(user=member)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(RENEW_URL).status_code == 403
    assert Profile.objects.get(user=member).feed_key == old


def test_another_members_key_is_not_shown(member_client, other_member):
    key = feed_key_ensure(user=other_member)
    assert key not in member_client.get(PROFILE_URL).content.decode()
