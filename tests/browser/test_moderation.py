"""Moderation in the browser: a member reports a comment, an organiser hides it with a reason, and its
author sees the reason."""

from playwright.sync_api import expect

from members.services import organiser_grant
from reviews.services import comment_create, review_save
from tests.factories import UserFactory

PARTS = {"summary": "A summary.", "confusions": "- Why?", "questions": "- What next?"}


def test_a_report_leads_to_a_comment_hidden_with_a_reason_its_author_sees(new_page, sign_in, open_scope, screenshot):
    scope = open_scope(number=2, title="Convolutional networks", paper_title="LeNet")
    ada, alan, troll = (UserFactory(username=name) for name in ("ada", "alan", "troll"))
    organiser = UserFactory(username="olivia")
    organiser_grant(user=organiser)
    review = review_save(scope=scope, author=ada, parts=PARTS, version=None, publish=True)
    for member in (alan, troll):
        review_save(scope=scope, author=member, parts=PARTS, version=None, publish=True)
    comment = comment_create(review=review, author=troll, body="Only fools read LeNet.")

    reader = sign_in(new_page(), alan)
    reader.goto(review.get_absolute_url())
    reader.locator(f"#comment-{comment.pk}").get_by_role("link", name="Report").click()
    reader.wait_for_url("**/report/")
    reader.get_by_label("Disrespectful or personal").check()
    reader.get_by_label("Anything the organisers should know (optional)").fill("Mocks other members.")
    reader.get_by_role("button", name="Send the report").click()
    expect(reader.get_by_text("Thank you: the organisers will look at it.")).to_be_visible()

    desk = sign_in(new_page(), organiser)
    desk.goto(review.get_absolute_url())
    desk.locator(f"#comment-{comment.pk}").get_by_role("link", name="Hide from members…").click()
    desk.wait_for_url("**/hide/")
    expect(desk.get_by_text("Reported by 1 member")).to_be_visible()
    expect(desk.get_by_text("Mocks other members.")).to_be_visible()
    desk.get_by_label("Disrespectful or personal").check()
    desk.get_by_label("A word to its author (optional)").fill("Please argue with the paper, not the people.")
    desk.get_by_role("button", name="Hide the comment").click()
    expect(desk.get_by_text("its author is told why")).to_be_visible()
    screenshot("hidden-organiser", desk)

    author = sign_in(new_page(), troll)
    author.goto(review.get_absolute_url())
    row = author.locator(f"#comment-{comment.pk}")
    expect(row).to_contain_text("Hidden: Disrespectful or personal.")
    expect(row).to_contain_text("Please argue with the paper, not the people.")
    author.goto("/notifications/")
    expect(author.get_by_text("An organiser hid your comment: Disrespectful or personal")).to_be_visible()
    screenshot("hidden-author", author)

    reader.goto(review.get_absolute_url())
    expect(reader.locator(f"#comment-{comment.pk}")).to_contain_text("Comment hidden by an organiser.")
    expect(reader.locator(f"#comment-{comment.pk}")).not_to_contain_text("Please argue")


def test_an_organiser_hides_a_whole_review_with_a_reason_its_author_reads(new_page, sign_in, open_scope, screenshot):
    scope = open_scope(number=3, title="Recurrent networks", paper_title="LSTM")
    ada, alan = UserFactory(username="ada"), UserFactory(username="alan")
    organiser = UserFactory(username="olivia")
    organiser_grant(user=organiser)
    off_topic = {**PARTS, "summary": "Buy cheap course credits at my shop."}
    review = review_save(scope=scope, author=ada, parts=off_topic, version=None, publish=True)
    review_save(scope=scope, author=alan, parts=PARTS, version=None, publish=True)

    desk = sign_in(new_page(), organiser)
    desk.goto(review.get_absolute_url())
    desk.get_by_role("link", name="Hide this review…").click()
    desk.wait_for_url("**/hide/")
    desk.get_by_label("Spam or advertising").check()
    desk.get_by_label("A word to its author (optional)").fill("Reviews are for the week's papers.")
    desk.get_by_role("button", name="Hide the review").click()
    expect(desk.get_by_text("its author is told why")).to_be_visible()
    expect(desk.get_by_role("button", name="Show it to members again")).to_be_visible()
    screenshot("review-hidden-organiser", desk)

    reader = sign_in(new_page(), alan)
    reader.goto(scope.week.get_absolute_url())
    expect(reader.locator("main")).not_to_contain_text("Buy cheap course credits")
    reader.goto(review.get_absolute_url())
    expect(reader.get_by_role("heading", name="Page not found")).to_be_visible()

    author = sign_in(new_page(), ada)
    author.goto("/notifications/")
    told = author.locator(".notification").filter(has_text="An organiser hid your review")
    expect(told).to_contain_text("Spam or advertising")
    told.get_by_role("button", name="Open").click()
    author.wait_for_url(f"**{review.get_absolute_url()}")
    note = author.get_by_role("note")
    expect(note).to_contain_text("Hidden from members by an organiser: Spam or advertising.")
    expect(note).to_contain_text("Reviews are for the week's papers.")
    expect(author.get_by_role("link", name="Edit your review")).to_have_count(0)
    screenshot("review-hidden-author", author)
