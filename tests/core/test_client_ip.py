"""Sign-in rate limits behind the TLS proxy: each client counts apart, and nobody can lock a member out.

allauth counts failed sign-ins per client address. Behind a proxy every request comes from the proxy's
address, so without the trusted-proxy settings one person's failures would lock everyone out.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from readinggroup.settings import trusted_proxy_settings
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.2"  # every request reaches the site from the proxy's address
LOCKED = "Too many failed login attempts"


def apply(settings, environ):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = trusted_proxy_settings(environ)


def behind_proxy(client_address, header="X-Forwarded-For", sent_by_client=""):
    """A browser at ``client_address`` as the site sees it through the proxy, which appends the address
    to whatever X-Forwarded-For the client sent (or sets its own header)."""
    value = f"{sent_by_client}, {client_address}" if sent_by_client else client_address
    return Client(REMOTE_ADDR=PROXY, headers={header: value})


def fail_logins(client, times, login=None):
    for n in range(times):
        client.post(reverse("account_login"), {"login": login or f"nobody-{n}", "password": "wrong"})


def sign_in(client, login, password=TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_settings_read_the_trusted_proxy_from_the_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ALLAUTH_"))}
    env.update({"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_TRUSTED_PROXY_COUNT": "1"})
    code = "import readinggroup.settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.split() == ["1", "None"], result.stderr
    env.update({"DJANGO_TRUSTED_PROXY_COUNT": "", "DJANGO_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"})
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.split() == ["0", "X-Real-IP"], result.stderr
    assert trusted_proxy_settings({}) == (0, None)
    for bad in ({"DJANGO_TRUSTED_PROXY_COUNT": "one"}, {"DJANGO_TRUSTED_PROXY_COUNT": "-1"}):
        with pytest.raises(ImproperlyConfigured):
            trusted_proxy_settings(bad)
    with pytest.raises(ImproperlyConfigured):
        trusted_proxy_settings({"DJANGO_TRUSTED_PROXY_COUNT": "1", "DJANGO_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"})


@pytest.mark.parametrize(
    ("environ", "header"),
    [
        ({"DJANGO_TRUSTED_PROXY_COUNT": "1"}, "X-Forwarded-For"),
        ({"DJANGO_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, "X-Real-IP"),
    ],
)
def test_behind_the_proxy_two_clients_get_separate_rate_limit_buckets(settings, environ, header):
    apply(settings, environ)
    UserFactory(username="ada")
    attacker, member = behind_proxy("198.51.100.7", header), behind_proxy("203.0.113.9", header)
    fail_logins(attacker, 10)  # the per-address limit: 10 failures a minute
    assert LOCKED in sign_in(attacker, "nobody-else").content.decode()
    assert sign_in(member, "ada").status_code == 302 and "_auth_user_id" in member.session


def test_behind_the_proxy_a_forged_x_forwarded_for_does_not_escape_the_limit(settings):
    apply(settings, {"DJANGO_TRUSTED_PROXY_COUNT": "1"})
    for n in range(10):
        fail_logins(behind_proxy("198.51.100.7", sent_by_client=f"192.0.2.{n}"), 1, login=f"nobody-{n}")
    forged = behind_proxy("198.51.100.7", sent_by_client="192.0.2.200")
    assert LOCKED in sign_in(forged, "nobody-else").content.decode()


def test_without_the_setting_a_spoofed_x_forwarded_for_changes_nothing(settings):
    apply(settings, {})
    UserFactory(username="ada")
    for n in range(10):
        Client(REMOTE_ADDR="198.51.100.7", headers={"X-Forwarded-For": f"192.0.2.{n}"}).post(
            reverse("account_login"), {"login": f"nobody-{n}", "password": "wrong"}
        )
    spoofing = Client(REMOTE_ADDR="198.51.100.7", headers={"X-Forwarded-For": "203.0.113.9"})
    response = sign_in(spoofing, "ada")
    assert LOCKED in response.content.decode() and "_auth_user_id" not in spoofing.session


def test_a_locked_out_organiser_can_still_reset_the_password_and_sign_in(
    settings, organiser, django_capture_on_commit_callbacks
):
    apply(settings, {"DJANGO_TRUSTED_PROXY_COUNT": "1"})
    attacker, owner = behind_proxy("198.51.100.7"), behind_proxy("203.0.113.9")
    fail_logins(attacker, 5, login="organiser")  # five wrong passwords lock a named account
    fail_logins(attacker, 5, login="organiser@example.com")
    assert LOCKED in sign_in(owner, "organiser").content.decode()
    assert LOCKED in sign_in(owner, "organiser@example.com").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        owner.post(reverse("account_reset_password"), {"email": "organiser@example.com"})
    assert [message.to for message in mail.outbox] == [["organiser@example.com"]]
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", mail.outbox[0].body).group(0)
    form_page = owner.get(link.split("testserver", 1)[-1], follow=True)
    assert form_page.status_code == 200
    new_password = "a-new-and-long-passphrase-2031"
    done = owner.post(form_page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    assert get_user_model().objects.get(username="organiser").check_password(new_password)
    # The reset signs the owner in: an attacker who keeps failing sign-ins for the account cannot stop it.
    fail_logins(attacker, 5, login="organiser@example.com")
    assert owner.session["_auth_user_id"] == str(organiser.pk)
