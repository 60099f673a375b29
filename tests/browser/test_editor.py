"""The Markdown editor's Write / Preview tabs: by mouse and by keyboard, on reviews and comments."""

import pytest
from playwright.sync_api import expect

from reviews.models import Comment, Review
from tests.factories import ReviewFactory, UserFactory

SUMMARY = "LeNet learns **features** from `pixels`.\n\n- shared weights\n- pooling"


@pytest.fixture
def scope(open_scope):
    return open_scope(number=2, title="Convolutional networks", paper_title="Gradient-Based Learning")


def editor_of(page, textarea):
    return page.locator(".markdown-editor", has=textarea)


def test_member_previews_review_parts_by_mouse_and_by_keyboard(page, sign_in, scope, screenshot):
    member = UserFactory(username="ada")
    sign_in(page, member)
    page.goto("/weeks/2/reviews/1/write/")
    summary = page.get_by_label("Summary", exact=True)
    summary.fill(SUMMARY)
    editor = editor_of(page, summary)

    editor.get_by_role("tab", name="Preview").click()
    preview = editor.get_by_role("tabpanel", name="Preview")
    expect(preview.locator("strong")).to_have_text("features")
    expect(preview.locator("li")).to_have_count(2)
    expect(editor.get_by_role("tab", name="Preview")).to_have_attribute("aria-selected", "true")
    expect(summary).to_be_hidden()
    screenshot("review-summary-preview")
    editor.get_by_role("tab", name="Write").click()
    expect(summary).to_be_visible()
    expect(summary).to_have_value(SUMMARY)

    confusions = page.get_by_label("Confusions")
    confusions.fill("Why is the loss *convex* here?")
    confusions.focus()
    page.keyboard.press("Shift+Tab")  # the Write tab sits just before its textarea
    write_tab = editor_of(page, confusions).get_by_role("tab", name="Write")
    expect(write_tab).to_be_focused()
    page.keyboard.press("ArrowRight")
    preview_tab = editor_of(page, confusions).get_by_role("tab", name="Preview")
    expect(preview_tab).to_be_focused()
    expect(editor_of(page, confusions).get_by_role("tabpanel", name="Preview").locator("em")).to_have_text("convex")
    page.keyboard.press("ArrowLeft")
    expect(write_tab).to_be_focused()
    expect(confusions).to_be_visible()
    expect(confusions).to_have_value("Why is the loss *convex* here?")

    # The preview left every part in the form: saving stores exactly what was typed.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved at")).to_be_visible()
    review = Review.objects.get(author=member)
    assert review.summary.replace("\r\n", "\n") == SUMMARY  # browsers send line breaks as CRLF
    assert review.confusions == "Why is the loss *convex* here?"


def test_member_previews_a_comment_and_a_reply_before_posting(page, sign_in, scope, screenshot):
    member = UserFactory(username="ada")
    ReviewFactory(scope=scope, author=member)  # written first, so the others' reviews are open
    review = ReviewFactory(scope=scope, author=UserFactory(username="alan"), summary="Alan's careful summary")
    sign_in(page, member)
    page.goto(review.get_absolute_url())

    box = page.get_by_label("Comment")
    box.fill("I agree about *weight sharing*.")
    editor = editor_of(page, box)
    editor.get_by_role("tab", name="Preview").click()
    expect(editor.get_by_role("tabpanel", name="Preview").locator("em")).to_have_text("weight sharing")
    screenshot("comment-preview")
    editor.get_by_role("tab", name="Write").click()
    expect(box).to_have_value("I agree about *weight sharing*.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment-body em")).to_have_text("weight sharing")

    page.get_by_role("link", name="Reply", exact=True).click()
    expect(page.locator("#reply-context")).to_contain_text("Replying to ada")
    reply = page.get_by_label("Your reply")
    reply.fill("A **reply**")
    editor_of(page, reply).get_by_role("tab", name="Preview").click()
    expect(editor_of(page, reply).get_by_role("tabpanel", name="Preview").locator("strong")).to_have_text("reply")
    assert Comment.objects.count() == 1  # previewing posted nothing


def test_a_preview_that_cannot_reach_the_site_says_so_and_keeps_the_text(page, sign_in, scope):
    sign_in(page, UserFactory(username="ada"))
    page.goto("/weeks/2/reviews/1/write/")
    page.route("**/markdown/preview/", lambda route: route.abort())
    summary = page.get_by_label("Summary", exact=True)
    summary.fill(SUMMARY)

    editor_of(page, summary).get_by_role("tab", name="Preview").click()

    expect(editor_of(page, summary).get_by_role("alert")).to_contain_text("Could not reach the site")
    editor_of(page, summary).get_by_role("tab", name="Write").click()
    expect(summary).to_have_value(SUMMARY)


def test_help_page_shows_rendered_examples(page, transactional_db, screenshot):
    page.goto("/markdown/")
    expect(page.get_by_role("heading", name="Writing with Markdown")).to_be_visible()
    expect(page.locator(".markdown-example-output math").first).to_be_visible()
    expect(page.locator(".markdown-example-output table th").nth(1)).to_have_text("Layers")
    screenshot("help")
