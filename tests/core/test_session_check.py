"""The benchmark's signed-in baseline: loads the session and the user, tells nothing about either."""

import pytest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from core.views import session_check

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_session_check_answers_a_signed_in_member_without_anything_personal(member_client, member):
    response = member_client.get(reverse("health_session"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert member.username.encode() not in response.content


def test_session_check_tells_proxies_and_browsers_not_to_keep_a_members_answer(member_client):
    response = member_client.get(reverse("health_session"))
    assert {"private", "no-store"} <= directives(response)


def test_session_check_answers_a_visitor_the_same(client):
    response = client.get(reverse("health_session"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "private" not in directives(response)


def test_session_check_loads_the_user(rf, member):
    # Whatever the cache in front of the database does, the view asks for the user: that is its cost.
    loaded = []
    request = rf.get(reverse("health_session"))
    request.user = SimpleLazyObject(lambda: loaded.append(member) or member)
    assert session_check(request).content == b"ok"
    assert loaded == [member]


def test_session_check_refuses_writes(member_client):
    assert member_client.post(reverse("health_session")).status_code == 405
