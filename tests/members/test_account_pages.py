"""Every account page (allauth's) speaks the site's language: sentence-case titles and buttons, labels
without colons, and no inline style for the Content-Security-Policy to block."""

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory
from tests.members.test_email_addresses import reauthenticate

pytestmark = pytest.mark.django_db


def page_text(response) -> dict:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    squash = lambda text: " ".join(re.sub(r"<[^>]+>", "", text).split())  # noqa: E731
    return {
        "h1": squash(re.search(r"<h1[^>]*>(.*?)</h1>", main, re.S).group(1)),
        "buttons": [squash(b) for b in re.findall(r"<button[^>]*>(.*?)</button>", main, re.S)],
        "labels": [squash(label) for label in re.findall(r"<label[^>]*>(.*?)</label>", main, re.S)],
        "styled": ' style="' in html,
    }


def sentence_case(text: str) -> bool:
    """No capital after the first word, but for "I" and the site's name."""
    words = text.replace("Deep-Learning-Journey", "").split()[1:]
    return not any(word[:1].isupper() and word != "I" for word in words)


VISITOR_PAGES = {
    "account_login": ("Sign in", "Sign in"),
    "account_signup": ("Join the reading group", "Join"),
    "account_reset_password": ("Reset your password", "Send me the link"),
    "account_reset_password_done": ("Check your email", None),
    "account_inactive": ("This account is closed", None),
    "account_email_verification_sent": ("Verify your email address", None),
}
MEMBER_PAGES = {
    "account_change_password": ("Change your password", "Change password"),
    "account_email": ("Your email address", "Change address"),
    "account_logout": ("Sign out", "Sign out"),
    "account_reauthenticate": ("Confirm it is you", "Confirm"),
}


def check(response, title, button):
    assert response.status_code == 200
    text = page_text(response)
    assert text["h1"] == title
    if button:
        assert button in text["buttons"]
    for words in [text["h1"], *text["buttons"], *text["labels"]]:
        assert sentence_case(words), words
        assert not words.endswith(":"), words
    assert not text["styled"]


@pytest.mark.parametrize("name", VISITOR_PAGES)
def test_visitor_account_pages_are_in_the_sites_words(client, name):
    check(client.get(reverse(name)), *VISITOR_PAGES[name])


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_account_pages_are_in_the_sites_words(client, member, name):
    client.force_login(member)
    reauthenticate(client)
    check(client.get(reverse(name)), *MEMBER_PAGES[name])


def test_a_pending_address_is_offered_again_or_dropped_without_an_inline_style(client, member):
    client.force_login(member)
    reauthenticate(client)
    client.post(reverse("account_email"), {"email": "new-home@example.com", "action_add": ""})
    response = client.get(reverse("account_email"))
    check(response, "Your email address", "Change address")
    text = page_text(response)
    assert {"Send the link again", "Keep the current address"} <= set(text["buttons"])
    assert "Changing to" in text["labels"]
    assert '<form hidden id="pending-email"' in response.content.decode()


def test_a_reset_link_leads_to_choosing_a_new_password_which_then_works(client):
    grace = UserFactory(username="grace")
    key_url = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(grace), "key": default_token_generator.make_token(grace)},
    )
    form_page = client.get(key_url, follow=True)
    check(form_page, "Choose a new password", "Change password")
    assert page_text(form_page)["labels"] == ["New password", "New password (again)"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a-fresh-password-31", "password2": "a-fresh-password-31"},
        follow=True,
    )
    grace.refresh_from_db()
    assert grace.check_password("a-fresh-password-31")
    assert page_text(done)["h1"] == "Welcome back, grace"  # signed in with it, on their home page


def test_a_used_or_wrong_reset_link_says_so_and_offers_a_new_one(client):
    grace = UserFactory(username="grace")
    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(grace), "key": "wrong"})
    )
    check(response, "This link no longer works", None)
    assert reverse("account_reset_password") in response.content.decode()


def test_changing_the_password_with_the_sentence_case_form_works(client, member):
    client.force_login(member)
    assert 'placeholder="New password (again)"' in client.get(reverse("account_change_password")).content.decode()
    client.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": "a-new-password-77", "password2": "a-new-password-77"},
    )
    member.refresh_from_db()
    assert member.check_password("a-new-password-77")


def test_a_member_without_a_password_sets_one_on_a_page_in_the_sites_words(client):
    invited = UserFactory(username="invited")
    invited.set_unusable_password()
    invited.save()
    client.force_login(invited)
    page = client.get(reverse("account_set_password"))
    check(page, "Set a password", "Set password")
    assert page_text(page)["labels"] == ["Password", "Password (again)"]
    client.post(
        reverse("account_set_password"), {"password1": "a-first-password-52", "password2": "a-first-password-52"}
    )
    invited.refresh_from_db()
    assert invited.check_password("a-first-password-52")
