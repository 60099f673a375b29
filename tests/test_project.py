import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.helpers import site_url_names

ROOT = Path(__file__).resolve().parents[1]

# Every named URL of the site and the test module that owns it: a new view needs a line here.
URL_OWNERS = {
    "home": "tests/papers/test_views.py",
    "search:search": "tests/search/test_search.py",
    "week_detail": "tests/papers/test_views.py",
    "papers:paper_detail": "tests/papers/test_views.py",
    "favicon": "tests/test_project.py",
    "health": "tests/test_project.py",
    "health_session": "tests/core/test_session_check.py",
    "admin_view_on_site": "tests/test_authorisation_matrix.py",
    "admin_login_redirect": "tests/members/test_accounts.py",
    "members:profile_edit": "tests/members/test_accounts.py",
    "members:invitation_accept": "tests/members/test_accounts.py",
    "reviews:review_write": "tests/reviews/test_views.py",
    "reviews:scope_reviews": "tests/reviews/test_views.py",
    "reviews:week_agenda": "tests/reviews/test_agenda.py",
    "reviews:week_agenda_markdown": "tests/reviews/test_agenda.py",
    "reviews:item_vote": "tests/reviews/test_agenda.py",
    "api:api-root": "tests/api/test_api.py",
    "api:openapi-json": "tests/api/test_api.py",
    "api:week_list": "tests/api/test_api.py",
    "api:week_detail": "tests/api/test_api.py",
    "api:week_resources": "tests/api/test_api.py",
    "api:paper_list": "tests/api/test_api.py",
    "api:paper_detail": "tests/api/test_api.py",
    "desk:weeks": "tests/desk/test_board.py",
    "desk:board": "tests/desk/test_board.py",
    "desk:remind": "tests/desk/test_board.py",
    "desk:my_history": "tests/desk/test_history.py",
    "desk:member_history": "tests/desk/test_history.py",
    "notifications:list": "tests/notifications/test_notifications.py",
    "notifications:read": "tests/notifications/test_notifications.py",
    "notifications:open": "tests/notifications/test_notifications.py",
    "notifications:preferences": "tests/notifications/test_preferences.py",
    "notifications:unsubscribe": "tests/notifications/test_preferences.py",
    "reviews:item_pin": "tests/reviews/test_meeting.py",
    "reviews:item_move": "tests/reviews/test_meeting.py",
    "reviews:item_merge": "tests/reviews/test_meeting.py",
    "reviews:item_outcome": "tests/reviews/test_meeting.py",
    "reviews:item_place": "tests/reviews/test_meeting.py",
    "reviews:meeting_notes": "tests/reviews/test_meeting.py",
    "reviews:reading_choice": "tests/reviews/test_views.py",
    "reviews:reading_choice_undo": "tests/reviews/test_views.py",
    "reviews:review_detail": "tests/reviews/test_views.py",
    "reviews:review_unpublish": "tests/reviews/test_views.py",
    "reviews:comment_create": "tests/reviews/test_views.py",
    "reviews:comment_edit": "tests/reviews/test_views.py",
    "reviews:comment_delete": "tests/reviews/test_views.py",
    "reviews:comment_hide": "tests/reviews/test_views.py",
    "reviews:review_hide": "tests/reviews/test_moderation.py",
    "reviews:comment_report": "tests/reviews/test_moderation.py",
    "member_detail": "tests/reviews/test_views.py",
    "reviews:markdown_help": "tests/reviews/test_markdown_views.py",
    "reviews:markdown_preview": "tests/reviews/test_markdown_views.py",
    "papers:weeks_feed": "tests/papers/test_feeds.py",
    "papers:calendar": "tests/papers/test_feeds.py",
    "member_feed": "tests/reviews/test_private_feeds.py",
    "member_calendar": "tests/reviews/test_private_feeds.py",
    "feed_key_renew": "tests/members/test_private_addresses.py",
}
# Third-party URL sets, tested through the flows that use them (sign-in, sign-up, the admin).
THIRD_PARTY_URLCONFS = ("django.contrib.admin", "allauth")


def _third_party(resolver) -> bool:
    module = getattr(resolver.urlconf_module, "__name__", "") or ""
    return resolver.namespace == "admin" or module.startswith(THIRD_PARTY_URLCONFS)


def test_every_url_has_a_test_owner():
    assert sorted(site_url_names(skip=_third_party)) == sorted(URL_OWNERS)
    for owner in URL_OWNERS.values():
        assert (ROOT / owner).exists()


@pytest.mark.django_db
def test_no_model_changes_are_missing_a_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def run_check(env_overrides, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "readinggroup.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_check({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = run_check(
        {
            "DJANGO_SECRET_KEY": "k3J9#qLw!v8Zp2@Rt6^Yx1&Nm4*Bc7(Df0)Gh5-Js9_Ku3+Lo8=Pq2",
            "DJANGO_ALLOWED_HOSTS": "reading.example.org",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_favicon_requests_are_sent_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    icon = client.get(response["Location"])
    icon.close()
    assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"


@pytest.mark.django_db
def test_health_check_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/")
    assert response.status_code == 200 and response.content == b"ok"
