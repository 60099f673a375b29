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
