"""Nothing a signed-in member is shown may be kept by a shared proxy or the browser's cache."""

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age
from django.utils.functional import SimpleLazyObject

from tests.factories import PaperFactory, ReviewFactory, ReviewScopeFactory, UserFactory, WeekFactory

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def scope():
    week = WeekFactory(number=2, title="Backpropagation")
    scope = ReviewScopeFactory(week=week, position=1)
    scope.papers.add(PaperFactory(week=week, position=1, title="Learning representations"))
    return scope


def signed_in_pages(scope, member):
    own = ReviewFactory(scope=scope, author=member)
    return {
        "the week page": reverse("week_detail", args=[2]),
        "the home page": reverse("home"),
        "the editor": reverse("reviews:review_write", args=[2, 1]),
        "their own review": reverse("reviews:review_detail", args=[own.pk]),
        "a member page": reverse("member_detail", args=[member.username]),
        "the profile form": reverse("members:profile_edit"),
        "the email addresses page": reverse("account_email"),
        "the password change page": reverse("account_change_password"),
        "the sign-out page": reverse("account_logout"),
        "a page that is not there": "/no-such-page/",
    }


def test_every_answer_to_a_signed_in_member_is_private_and_not_stored(client, scope, member):
    client.force_login(member)
    for name, url in signed_in_pages(scope, member).items():
        response = client.get(url)
        assert {"private", "no-store"} <= directives(response), f"{name} ({url}): {response.get('Cache-Control')}"
        assert "public" not in directives(response)


def test_redirects_and_form_answers_to_members_are_private_too(client, scope, member):
    client.force_login(member)
    redirect = client.get("/weeks/02/")
    assert redirect.status_code == 301 and {"private", "no-store"} <= directives(redirect)
    refused = client.post(reverse("members:profile_edit"), {"display_name": "x" * 1000})
    assert {"private", "no-store"} <= directives(refused)


def test_the_answer_to_a_sign_in_is_private(client, member):
    from tests.factories import TEST_PASSWORD

    response = client.post(reverse("account_login"), {"login": member.username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and {"private", "no-store"} <= directives(response)


def test_visitors_pages_stay_cacheable(client, scope):
    for url in (reverse("week_detail", args=[2]), reverse("home")):
        response = client.get(url)
        assert "no-store" not in directives(response) and "private" not in directives(response)


def test_a_view_that_asked_for_caching_is_overruled_for_members(rf, member):
    from django.http import HttpResponse
    from django.utils.cache import patch_cache_control

    from core.middleware import PrivateCacheControlMiddleware

    def view(request):
        response = HttpResponse("hello")
        patch_cache_control(response, public=True, max_age=600)
        return response

    request = rf.get("/")
    request.user = SimpleLazyObject(lambda: UserFactory(username="lazy"))
    response = PrivateCacheControlMiddleware(view)(request)
    assert {"private", "no-store"} <= directives(response) and "public" not in directives(response)
    assert get_max_age(response) == 600  # harmless: no-store wins
