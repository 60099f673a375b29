"""Real-browser tests: Playwright driving the machine's own Chromium against ``live_server``.

No browser is ever downloaded. Without Chromium the browser tests are skipped loudly, and fail when
CI=true, so a CI machine without a browser cannot pass quietly.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import sync_playwright

from members.services import profile_update
from reviews.items import review_items_sync
from tests.factories import (
    CommentFactory,
    PaperFactory,
    ResourceFactory,
    ReviewFactory,
    ReviewScopeFactory,
    UserFactory,
    WeekFactory,
)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it
# are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_executable():
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM}: install it with 'apt-get install -y chromium'."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} CI=true requires the browser tests to run.", pytrace=False)
    pytest.skip(f"BROWSER TESTS SKIPPED. {message}")


@pytest.fixture(scope="session")
def browser(chromium_executable):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(transactional_db, browser, live_server):
    """Opens pages in fresh browser contexts (separate cookies: separate people or tabs).

    The database comes first: the live server shares the in-memory test database only when it
    starts after that database exists.
    """
    contexts = []
    errors: list[str] = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        # Console errors include Content-Security-Policy violations. A page answered with 4xx on
        # purpose (409 for a conflict) is logged there too, so failed loads are judged below instead.
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and not message.text.startswith("Failed to load resource")
                and errors.append(message.text)
            ),
        )
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and response.request.resource_type != "document"
                and errors.append(f"{response.status} for {response.url}")
            ),
        )
        page.on("dialog", lambda dialog: errors.append(f"dialog opened: {dialog.message}") or dialog.dismiss())
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"script errors or dialogs in the browser: {errors}"


@pytest.fixture
def page(new_page):
    """A page that fails the test on any script error or dialog; URLs are relative to the live server."""
    return new_page()


@pytest.fixture
def screenshot(request):
    """Saves a full-page screenshot to test-artifacts/ for a person to look at."""

    def take(name: str, of_page=None) -> Path:
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        path = SCREENSHOT_DIR / f"{request.node.name}-{name}.png"
        (of_page or request.getfixturevalue("page")).screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in(live_server):
    """Signs a user in inside a browser context by handing it a real session cookie."""

    def sign_in_context(page, user):
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        return page

    return sign_in_context


@pytest.fixture
def open_scope(transactional_db):
    """Makes a published week with one review scope of one paper; its meeting is three days ahead."""

    def make(*, number: int, title: str, paper_title: str):
        week = WeekFactory(number=number, title=title, meeting_at=timezone.now() + timezone.timedelta(days=3))
        scope = ReviewScopeFactory(week=week, position=1)
        scope.papers.add(PaperFactory(week=week, position=1, title=paper_title))
        return scope

    return make


@pytest.fixture
def journey(transactional_db):
    """A small journey: two weeks, a paper with resources, a review with agenda items and a reply."""
    today = timezone.localdate()
    week = WeekFactory(number=1, title="Back-propagation", reading_starts=today, intro="Read **both** papers.")
    WeekFactory(number=2, title="Convolutions", reading_starts=today + timezone.timedelta(days=7))
    scope = ReviewScopeFactory(week=week, position=1)
    paper = PaperFactory(week=week, position=1, title="Learning representations", focus_note="Section 2 only")
    scope.papers.add(paper)
    ResourceFactory(week=week, paper=paper, topic="CNN")
    ResourceFactory(week=week, kind="blog")
    author = UserFactory(username="ada")
    profile_update(user=author, display_name="Ada Lovelace", bio="Reads about engines.")
    review = ReviewFactory(scope=scope, author=author, confusions="- What does Eq. (2) mean?\n- And Fig. 1?")
    review_items_sync(review=review)  # as saving it on the site would
    parent = CommentFactory(review=review, author=author)
    CommentFactory(review=review, parent=parent)
    return {"week": week, "scope": scope, "review": review, "author": author}
