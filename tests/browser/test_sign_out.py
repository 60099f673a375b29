"""Signing out on a shared computer leaves no review draft behind in the browser."""

from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, UserFactory


def site_keys(page) -> list[str]:
    return page.evaluate("() => Object.keys(window.localStorage).filter((key) => key.startsWith('readinggroup:'))")


def test_signing_out_removes_the_autosaved_drafts(page, open_scope):
    open_scope(number=6, title="Convolutional networks", paper_title="Gradient-based learning")
    UserFactory(username="ada")
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill("ada")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto("/weeks/6/reviews/1/write/")
    page.get_by_label("Summary").fill("Private thoughts I have not saved yet.")
    expect(page.locator("#autosave-status")).to_contain_text("Kept in this browser")
    page.evaluate("() => window.localStorage.setItem('another-site-key', 'kept')")
    assert len(site_keys(page)) == 1

    # One click in the header: no page asking "are you sure?" in between.
    page.get_by_role("navigation", name="Site").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert site_keys(page) == []
    assert page.evaluate("() => window.localStorage.getItem('another-site-key')") == "kept"


def test_the_sign_out_page_without_drafts_says_nothing_about_them(page, sign_in):
    sign_in(page, UserFactory(username="grace"))
    page.goto("/accounts/logout/")  # still there, for a link followed from elsewhere
    expect(page.locator("[data-local-drafts-note]")).to_be_hidden()
    page.get_by_role("main").get_by_role("button", name="Sign Out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
