"""No member can pass for another: invisible characters, look-alike display names and usernames."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import Profile
from members.names import names_look_alike
from members.services import profile_update
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CYRILLIC_A, CYRILLIC_O = "\u0430", "\u041e"
RTL_OVERRIDE, ZERO_WIDTH_SPACE = "\u202e", "\u200b"
SIGNUP = {"email": "newcomer@example.com", "password1": "lovelace-engine-1843", "password2": "lovelace-engine-1843"}


@pytest.fixture
def olivia(organiser):
    profile_update(user=organiser, display_name="Olivia Organiser", bio="")
    return organiser


def post_display_name(client, display_name: str):
    return client.post(reverse("members:profile_edit"), {"display_name": display_name, "bio": ""})


def refused(response, typed: str) -> list[str]:
    """The field's errors, after checking the page came back with the typed text still in the field."""
    form = response.context["form"]
    assert response.status_code == 200 and form["display_name"].value() == typed
    assert typed.strip() in response.content.decode()
    return form.errors["display_name"]


@pytest.mark.parametrize(
    "typed",
    [
        f"Mallory {RTL_OVERRIDE}rotinom",
        "Mall\u2066ory",
        ZERO_WIDTH_SPACE,
        f" {ZERO_WIDTH_SPACE} ",
        "Mal\x07lory",
    ],
    ids=["right-to-left-override", "isolate", "lone-zero-width-space", "spaced-zero-width-space", "bell"],
)
def test_names_with_invisible_or_control_characters_are_refused(member_client, member, typed):
    errors = refused(post_display_name(member_client, typed), typed)
    assert "invisible or control characters" in errors[0]
    assert not Profile.objects.filter(user=member).exclude(display_name="").exists()


def test_name_with_nothing_visible_is_refused_but_an_empty_one_shows_the_username(member_client, member):
    errors = refused(post_display_name(member_client, "\u3164"), "\u3164")  # a Hangul filler letter
    assert "at least one visible" in errors[0]
    post_display_name(member_client, "   ")
    assert Profile.objects.get(user=member).name == "member"


@pytest.mark.parametrize(
    "typed",
    [
        "Olivia Organiser",
        "olivia organiser",
        "OLIVIA ORGANISER",
        f"{CYRILLIC_O}livia Organiser",
        f"Olivia Org{CYRILLIC_A}niser",
        "Olivia  Organiser",
        "\uff2flivia Organiser",  # fullwidth O, folded by NFKC
        "0livia Organiser",
    ],
)
def test_an_organisers_display_name_is_refused_for_a_member(member_client, member, olivia, typed):
    errors = refused(post_display_name(member_client, typed), typed)
    assert errors == ["This name is too close to another member's display name. Please choose another."]
    assert not Profile.objects.filter(user=member, display_name__icontains="organiser").exists()


@pytest.mark.parametrize("typed", ["other", "Other", f"{CYRILLIC_O}ther", "organiser"])
def test_another_members_username_is_refused_as_a_display_name(member_client, other_member, organiser, typed):
    errors = refused(post_display_name(member_client, typed), typed)
    assert errors == ["This name is too close to another member's username. Please choose another."]


@pytest.mark.parametrize("name", ["Zoë Müller", "李雷", "José Núñez", "Ольга", "Ἀριστοτέλης", "Ada L. 🙂"])
def test_names_with_accents_and_other_scripts_are_accepted(member_client, member, olivia, name):
    response = post_display_name(member_client, name)
    assert response.status_code == 302
    assert Profile.objects.get(user=member).display_name == name


def test_display_names_are_nfkc_normalised_with_whitespace_collapsed(member_client, member):
    post_display_name(member_client, "  \uff21da\u3000\u3000Lovelace\u00a0 ")
    assert Profile.objects.get(user=member).display_name == "Ada Lovelace"


def test_members_may_keep_their_own_name_and_use_their_own_username(member_client, member):
    assert post_display_name(member_client, "Member").status_code == 302
    assert post_display_name(member_client, "MEMBER").status_code == 302
    assert Profile.objects.get(user=member).display_name == "MEMBER"


def test_profile_update_refuses_what_the_form_refuses(member, olivia):
    for display_name in (f"{RTL_OVERRIDE}resinagrO", ZERO_WIDTH_SPACE, f"olivia org{CYRILLIC_A}niser", "Organiser"):
        with pytest.raises(ValidationError) as refusal:
            profile_update(user=member, display_name=display_name, bio="")
        assert "display_name" in refusal.value.message_dict
    assert not Profile.objects.filter(user=member).exclude(display_name="").exists()


def test_sign_up_with_a_cyrillic_look_alike_username_is_refused(client):
    UserFactory(username="ada")
    look_alike = f"{CYRILLIC_A}da"
    response = client.post(reverse("account_signup"), {**SIGNUP, "username": look_alike})
    form = response.context["form"]
    assert "Use only the letters A-Z" in form.errors["username"][0]
    assert form["username"].value() == look_alike
    assert not get_user_model().objects.filter(username=look_alike).exists()


@pytest.mark.parametrize("username", ["olivia.organiser", "ada"])
def test_sign_up_with_a_username_that_looks_like_a_members_name_is_refused(client, olivia, username):
    profile_update(user=UserFactory(username="lovelace"), display_name="Ada", bio="")
    profile_update(user=olivia, display_name="Olivia.Organiser", bio="")
    response = client.post(reverse("account_signup"), {**SIGNUP, "username": username})
    assert "too close to another member" in response.context["form"].errors["username"][0]
    assert not get_user_model().objects.filter(username=username).exists()


def test_sign_up_with_an_ascii_look_alike_of_a_username_is_refused(client):
    UserFactory(username="bill")
    response = client.post(reverse("account_signup"), {**SIGNUP, "username": "biII"})
    assert "too close to another member" in response.context["form"].errors["username"][0]


def test_existing_accounts_with_other_usernames_still_sign_in(client):
    UserFactory(username="zoë")
    client.post(reverse("account_login"), {"login": "zoë", "password": TEST_PASSWORD})
    assert get_user_model().objects.get(username="zoë").pk == int(client.session["_auth_user_id"])


def test_look_alike_comparison():
    assert names_look_alike("Ada", f"{CYRILLIC_A.upper()}DA")
    assert names_look_alike("Bob", "B0b") and names_look_alike("Emma", "Ernrna")
    assert not names_look_alike("Zoë", "Zoe") and not names_look_alike("Kai", "Kal")


@pytest.mark.django_db
def test_organisers_cannot_give_a_member_an_impersonating_name_in_the_admin(client, organiser, member):
    from django.urls import reverse

    from members.services import profile_update as update

    update(user=organiser, display_name="Olivia Organiser", bio="")
    profile = profile_update(user=member, display_name="Member", bio="")
    client.force_login(organiser)
    url = reverse("admin:members_profile_change", args=[profile.pk])
    response = client.post(url, {"user": member.pk, "display_name": "Olivia Organiser", "bio": ""})
    assert response.status_code == 200 and "too close" in response.content.decode()
    profile.refresh_from_db()
    assert profile.display_name == "Member"


@pytest.mark.django_db
def test_an_organiser_adding_a_profile_may_give_the_member_their_own_username(client, organiser):
    ada = UserFactory(username="ada")
    client.force_login(organiser)
    response = client.post(reverse("admin:members_profile_add"), {"user": ada.pk, "display_name": "Ada", "bio": ""})
    assert response.status_code == 302
    assert Profile.objects.get(user=ada).display_name == "Ada"
