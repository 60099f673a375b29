"""A new member's first run in the browser: from a week page to Join, the confirmation link read off
the mail as the development console prints it, and back to that week, signed in."""

import io
import re
from urllib.parse import urlsplit

from playwright.sync_api import expect


def test_joining_from_a_week_through_the_printed_link_lands_on_that_week(page, open_scope, settings, screenshot):
    console = io.StringIO()
    settings.MAILERS = {
        "default": {"BACKEND": "core.mail_console.ReadableConsoleBackend", "OPTIONS": {"stream": console}}
    }
    scope = open_scope(number=3, title="Recurrent networks", paper_title="LSTM")
    week_url = scope.week.get_absolute_url()
    page.goto(week_url)
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Join").click()
    page.wait_for_url("**/accounts/signup/**")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Username").fill("grace")
    page.locator("#id_password1").fill("lovelace-engine-1843")
    page.locator("#id_password2").fill("lovelace-engine-1843")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Verify your email", re.IGNORECASE))).to_be_visible()

    printed = console.getvalue()
    # As a person reads the terminal: the link is whole on one line, nothing to reassemble.
    [line] = [line for line in printed.splitlines() if "/accounts/confirm-email/" in line]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", line).group(0)
    assert "=" not in link and "=\n" not in printed, printed  # not quoted-printable
    page.goto(urlsplit(link).path)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"**{week_url}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Recurrent networks")
    expect(page.get_by_role("navigation", name="Site").get_by_role("link", name="grace")).to_be_visible()
    screenshot("back-on-the-week")
