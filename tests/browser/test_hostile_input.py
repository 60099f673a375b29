"""Every payload of the security sample, saved through the real services, opened in Chromium."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from members.services import profile_update
from papers.models import Paper
from reviews.services import comment_create, review_save
from tests.factories import PaperFactory, ReviewScopeFactory, UserFactory, WeekFactory

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "xss-sample.txt"
# Our own additions: handlers that would set a marker instead of opening a dialog.
EXTRA = [
    '<img src=x onerror="window.__xss=1">',
    '![x](https://example.invalid/x.png" onerror="window.__xss=1)',
    "[click](javascript:window.__xss=1)",
    "<details open ontoggle=window.__xss=1>",
    "### Heading\n\n<iframe src=javascript:window.__xss=1></iframe>",
    "$\\text{<img/src=x/onerror=window.__xss=1>}$ and \\(\\text{<svg/onload=window.__xss=1>}\\)",
]
PAYLOADS = [
    line.replace("\\n", "\n") for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()
] + EXTRA


def assert_no_script_ran(page):
    assert page.evaluate("window.__xss") is None
    # Fire the events that attribute-injection payloads hang on, on every element of the page.
    page.evaluate(
        """() => document.querySelectorAll("main *").forEach((element) => {
            for (const type of ["mouseover", "focus", "click", "toggle"]) {
                if (type === "click" && element.closest("a[href], button, summary, form")) continue;
                element.dispatchEvent(new Event(type, { bubbles: true }));
            }
        })"""
    )
    assert page.evaluate("window.__xss") is None


@pytest.fixture
def author_and_scope(transactional_db):
    week = WeekFactory(number=1)
    scope = ReviewScopeFactory(week=week, position=1)
    scope.papers.add(PaperFactory(week=week, position=1))
    return UserFactory(username="mallory"), scope


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_payload_in_a_review_and_a_comment_never_runs(page, sign_in, author_and_scope, index):
    payload = PAYLOADS[index]
    author, scope = author_and_scope
    profile_update(user=author, display_name=payload[:80], bio=payload)
    review = review_save(
        scope=scope, author=author, parts={"summary": payload, "confusions": payload, "questions": payload},
        version=None, publish=True,
    )  # fmt: skip
    comment_create(review=review, author=author, body=payload)
    sign_in(page, author)
    page.goto(review.get_absolute_url())
    expect(page.locator(".review-part")).to_have_count(3)
    expect(page.locator(".comment")).to_have_count(1)
    assert_no_script_ran(page)
    page.goto(f"/members/{author.username}/")
    assert_no_script_ran(page)
    if "alert(1)" in payload and "<" in payload and "](" not in payload:
        # Typed HTML is not markup here: it stays readable as text.
        expect(page.locator("main")).to_contain_text("alert(1)")


def test_payloads_in_organiser_fields_never_run(page, transactional_db):
    week = WeekFactory(number=3, intro="\n\n".join(PAYLOADS[:10]), title="<script>alert(1)</script>")
    PaperFactory(week=week, position=1, title=PAYLOADS[11], focus_note=PAYLOADS[13], note="\n\n".join(PAYLOADS[10:]))
    page.goto("/weeks/3/")
    assert_no_script_ran(page)
    expect(page.locator("h1")).to_contain_text("<script>alert(1)</script>")
    page.goto(Paper.objects.get().get_absolute_url())
    assert_no_script_ran(page)
