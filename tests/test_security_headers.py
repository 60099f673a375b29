"""Production settings on real responses: the headers a browser gets, and error pages that tell nothing."""

import pytest
from django.test import Client
from django.urls import include, path

import readinggroup.settings as production
from tests.factories import TEST_PASSWORD, ReviewScopeFactory, UserFactory, WeekFactory

pytestmark = pytest.mark.django_db

PRODUCTION_SECURITY = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]


@pytest.fixture
def production_security(settings):
    """The security settings exactly as production computes them (tests relax them for plain HTTP)."""
    for name in PRODUCTION_SECURITY:
        setattr(settings, name, getattr(production, name))
    return settings


def https_get(client, url):
    return client.get(url, headers={"x-forwarded-proto": "https"})


def test_plain_http_is_redirected_to_https(client, production_security):
    response = client.get("/weeks/1/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/weeks/1/"


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/no-such-page/"])
def test_security_headers_on_pages(client, production_security, url):
    response = https_get(client, url)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["img-src"] == "'self' data:"  # no reader's browser fetches a third party's picture
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_session_and_csrf_cookies_are_secure_and_http_only(production_security):
    UserFactory(username="cookie")
    client = Client(enforce_csrf_checks=False)
    https_get(client, "/accounts/login/")
    response = client.post(
        "/accounts/login/", {"login": "cookie", "password": TEST_PASSWORD}, headers={"x-forwarded-proto": "https"}
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["secure"]


def failing_view(request):
    raise RuntimeError("database password is hunter2")


urlpatterns = [path("boom/", failing_view), path("", include("readinggroup.urls"))]


def test_server_error_page_is_our_own_and_reveals_nothing(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    content = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in content
    assert "hunter2" not in content and "Traceback" not in content and "RuntimeError" not in content


def test_permission_denied_page_is_our_own(client, unverified_user):
    scope = ReviewScopeFactory(week=WeekFactory(number=1), position=1)
    client.force_login(unverified_user)
    response = client.get(f"/weeks/{scope.week.number}/reviews/{scope.position}/write/")
    content = response.content.decode()
    assert response.status_code == 403
    assert "Verify your email address" in content and "<title>" in content and "Traceback" not in content


def test_a_form_without_a_valid_csrf_token_is_refused_kindly(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post("/accounts/profile/", {"display_name": "Forged"})
    assert response.status_code == 403 and "That form had expired" in response.content.decode()
    member.refresh_from_db()
    assert not hasattr(member, "profile") or member.profile.display_name != "Forged"
