"""axe-core (shipped inside the axe-playwright-python wheel) on the site's pages, signed out and in,
and writing a review with the keyboard alone."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from members.services import organiser_grant
from notifications.emails import unsubscribe_token
from reviews.items import review_items_sync
from reviews.models import Review
from reviews.services import item_outcome_set, item_pin_toggle, items_merge
from tests.factories import (
    ReviewFactory,
    UserFactory,
)

BLOCKING_IMPACTS = {"serious", "critical"}
AXE = Axe()


def serious_violations(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


SIGNED_OUT_PAGES = [
    "/",
    "/weeks/1/",
    "/weeks/1/papers/1/",
    "/markdown/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/search/?q=learning",
    "/no-such-page/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_signed_out_pages_have_no_serious_violations(page, journey, scheme):
    page.emulate_media(color_scheme=scheme)
    problems = {}
    for url in SIGNED_OUT_PAGES:
        page.goto(url)
        problems[url] = serious_violations(page)
    assert not any(problems.values()), problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_signed_in_pages_have_no_serious_violations(page, sign_in, journey, scheme):
    page.emulate_media(color_scheme=scheme)
    sign_in(page, journey["author"])
    pages = [
        "/",
        "/weeks/1/",
        "/weeks/1/papers/1/",
        journey["review"].get_absolute_url(),
        "/weeks/1/reviews/1/write/",
        "/weeks/1/reviews/1/read-first/",
        "/weeks/1/agenda/",
        "/members/ada/",
        "/accounts/profile/",
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/logout/",
        "/weeks/1/reviews/1/",
        "/notifications/",
        "/notifications/preferences/",
        f"/notifications/unsubscribe/{unsubscribe_token(journey['author'], 'comment')}/",
    ]
    problems = {}
    for url in pages:
        page.goto(url)
        problems[url] = serious_violations(page)
    assert not any(problems.values()), problems


def all_violations(page) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in AXE.run(page).response["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_agenda_has_no_violations_at_all_for_members_organisers_and_visitors(new_page, sign_in, journey, scheme):
    """The agenda, with an item answered, pinned and merged, as its author, another member and an organiser
    see it (the organisers' buttons, forms and the answer form too); signed out, it asks to sign in."""
    scope, author = journey["scope"], journey["author"]
    reader = UserFactory(username="grace")
    ReviewFactory(scope=scope, author=reader, confusions="- Eq. (2) puzzles me too")
    review_items_sync(review=reader.reviews.get())
    organiser = UserFactory(username="organiser")
    organiser_grant(user=organiser)
    first, second = journey["review"].items.filter(kind="confusion").order_by("position")
    items_merge(duplicate=reader.reviews.get().items.get(kind="confusion"), into=first, by=organiser)
    item_pin_toggle(item=second, by=organiser)
    item_outcome_set(item=first, by=organiser, outcome="answered", answer="See **Section 2**.")
    problems = {}
    for user, urls in [
        (author, ["/weeks/1/agenda/", f"/items/{first.pk}/place/"]),
        (reader, ["/weeks/1/agenda/"]),
        (organiser, ["/weeks/1/agenda/", f"/items/{second.pk}/outcome/", "/weeks/1/meeting-notes/"]),
        (None, ["/weeks/1/agenda/"]),
    ]:
        page = new_page()
        page.emulate_media(color_scheme=scheme)
        if user is not None:
            sign_in(page, user)
        for url in urls:
            page.goto(url)
            problems[f"{url} as {user or 'visitor'}"] = all_violations(page)
        if user is None:
            expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    assert not any(problems.values()), problems


def press_until_focused(page, locator, key="Tab", limit=60):
    """Tab through the page like a keyboard user until ``locator`` has focus."""
    for _ in range(limit):
        page.keyboard.press(key)
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"could not reach {locator} with {key}")


def test_member_writes_and_publishes_a_review_with_the_keyboard_only(page, sign_in, journey):
    member = UserFactory(username="grace")
    sign_in(page, member)
    page.goto("/weeks/1/")
    write = page.get_by_role("link", name="Write your review").first  # the "Your week" box, first in tab order
    press_until_focused(page, write)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/weeks/1/reviews/1/write/$"))

    press_until_focused(page, page.get_by_label("Summary"))
    page.keyboard.type("Back-propagation, explained by keyboard.")
    # Between two parts the keyboard passes the next part's help link and its Write/Preview tabs.
    press_until_focused(page, page.get_by_label("Confusions"), limit=4)
    page.keyboard.type("The chain rule in section 3.")
    press_until_focused(page, page.get_by_label("Discussion questions"), limit=4)
    page.keyboard.type("Why sigmoid units?")
    press_until_focused(page, page.get_by_role("button", name="Publish"))
    page.keyboard.press("Enter")

    expect(page.get_by_text("Your review is published")).to_be_visible()
    review = Review.objects.get(author=member)
    assert review.is_published and review.questions == "Why sigmoid units?"


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, journey):
    page.goto("/weeks/1/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
