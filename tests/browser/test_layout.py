"""Layout facts on every main page, signed out, as a member and as an organiser, at 1280 px and on a
390 px phone: full-page screenshots into test-artifacts/, no sideways scrolling, space between the
header and the first heading, and the safe button before the risky one."""

import pytest

from members.services import organiser_grant, profile_update
from tests.factories import UserFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SIGNED_OUT = [
    "/",
    "/weeks/1/",
    "/weeks/1/papers/1/",
    "/search/?q=learning",
    "/markdown/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/no-such-page/",
]
MEMBER = [
    "/",
    "/weeks/1/",
    "REVIEW",
    "/weeks/1/reviews/1/",
    "/weeks/1/reviews/1/write/",
    "/weeks/1/reviews/1/read-first/",
    "/weeks/1/agenda/",
    "/members/ada/",
    "/notifications/",
    "/notifications/preferences/",
    "/accounts/profile/",
    "/accounts/password/change/",
    "/accounts/email/",
]
ORGANISER = [
    "/weeks/1/",
    "/desk/weeks/",
    "/desk/weeks/1/",
    "/desk/members/ada/history/",
    "/weeks/1/agenda/",
    "/weeks/1/meeting-notes/",
    "/admin/papers/week/import/",
    "/admin/",
    "/admin/papers/week/",
    "WEEK_FORM",
    "/admin/reviews/review/",
    "/admin/reviews/comment/",
]


def layout_problems(page) -> list[str]:
    facts = page.evaluate(
        """() => {
          const root = document.scrollingElement;
          const header = document.querySelector(".site-header, #header");
          // The first thing on the page under the header: a message, a breadcrumb or the title.
          const heading = document.querySelector("main.wrap > *, #content > *");
          return {
            sideways: root.scrollWidth - root.clientWidth,
            // The admin's forms are clipped by their boxes rather than scrolling the page: fields and
            // columns that end past the screen's right edge.
            clipped: Array.from(document.querySelectorAll(
              "#content input, #content select, #content textarea, #content th"
            )).filter((field) => (
              field.getClientRects().length && field.getBoundingClientRect().right > root.clientWidth + 1
            )).length,
            gap: header && heading ? heading.getBoundingClientRect().top - header.getBoundingClientRect().bottom : null,
            headerHeight: header ? header.getBoundingClientRect().height : 0,
          };
        }"""
    )
    problems = []
    if facts["sideways"] > 1:
        problems.append(f"scrolls sideways by {facts['sideways']} px")
    # The admin is for organisers at a desk: on a phone its tables scroll inside their boxes, as Django's do.
    if facts["clipped"] and page.viewport_size["width"] >= 1280:
        problems.append(f"{facts['clipped']} field(s) or column(s) past the right edge")
    # At a desk the site's header is one row, whatever the member's name (the admin has its own header).
    if page.viewport_size["width"] >= 1280 and page.locator(".site-header").count() and facts["headerHeight"] > 72:
        problems.append(f"the header wraps ({facts['headerHeight']:.0f} px high)")
    if facts["gap"] is not None and facts["gap"] < 12:
        problems.append(f"the page starts {facts['gap']:.0f} px below the header")
    return problems


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pages_fit_the_screen_and_headings_breathe(new_page, sign_in, journey, viewport, screenshot):
    organiser = UserFactory(username="olivia")
    organiser_grant(user=organiser)
    profile_update(user=organiser, display_name="Olivia Wilhelmina Fernández-Castellanos", bio="")
    week_form = f"/admin/papers/week/{journey['week'].pk}/change/"
    problems = {}
    for who, urls in ((None, SIGNED_OUT), (journey["author"], MEMBER), (organiser, ORGANISER)):
        page = new_page()
        page.set_viewport_size(VIEWPORTS[viewport])
        if who is not None:
            sign_in(page, who)
        for url in urls:
            url = {"REVIEW": journey["review"].get_absolute_url(), "WEEK_FORM": week_form}.get(url, url)
            page.goto(url)
            role = "visitor" if who is None else ("organiser" if who == organiser else "member")
            name = url.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
            screenshot(f"{viewport}-{role}-{name}", page)
            if found := layout_problems(page):
                problems[f"{url} as {role}"] = found
    assert not problems, problems


def test_the_safe_action_comes_before_publishing(page, sign_in, journey):
    sign_in(page, UserFactory(username="grace"))
    page.goto("/weeks/1/reviews/1/write/")
    labels = page.locator("form.review-form .form-actions button").all_inner_texts()
    assert labels.index("Save draft") < labels.index("Publish"), labels


def test_dark_scheme_pages(page, sign_in, journey, screenshot):
    """The same pages for a system set to dark: screenshots, and the page's colours come from the dark set."""
    page.emulate_media(color_scheme="dark")
    sign_in(page, journey["author"])
    for url in ("/", "/weeks/1/", journey["review"].get_absolute_url()):
        page.goto(url)
        screenshot(f"dark-{url.strip('/').replace('/', '-') or 'home'}")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(20, 23, 29)", (url, background)
