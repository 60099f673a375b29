"""The organisers' desk in the browser: from the admin to the progress board, and reminding those who
have not written."""

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Notification
from reviews.models import Review
from reviews.services import reading_choice_record, review_save
from tests.factories import ReviewFactory, UserFactory

PARTS = {"summary": "A summary.", "confusions": "- Why?", "questions": "- What next?"}


def test_the_organiser_reminds_non_writers_from_the_board(page, sign_in, open_scope, organiser, screenshot):
    scope = open_scope(number=2, title="Convolutional networks", paper_title="LeNet")
    week = scope.week
    week.reviews_due = timezone.now() + timezone.timedelta(days=1)
    week.save()
    ada, alan, grace, linus = (UserFactory(username=name) for name in ("ada", "alan", "grace", "linus"))
    review_save(scope=scope, author=ada, parts=PARTS, version=None, publish=True)
    ReviewFactory(scope=scope, author=alan, status=Review.Status.DRAFT, published_at=None, summary="Secret draft")
    reading_choice_record(scope=scope, member=grace)
    mail.outbox.clear()

    sign_in(page, organiser)
    page.goto("/admin/")
    page.get_by_role("link", name="Progress board").click()
    page.get_by_role("link", name="Week 2: Convolutional networks").click()
    board = page.get_by_role("table")
    expect(board.get_by_role("row", name="ada").get_by_text("Published")).to_be_visible()
    expect(board.get_by_role("row", name="alan").get_by_text("Draft")).to_be_visible()
    expect(board.get_by_role("row", name="grace").get_by_text("Opted out")).to_be_visible()
    expect(page.get_by_text("Secret draft")).to_have_count(0)
    screenshot("board")

    # The organiser leaves themselves out and reminds the others who have not written.
    page.get_by_label("Remind organiser").uncheck()
    page.get_by_role("button", name="Remind those who have not written").click()

    expect(page.get_by_text("Reminded 2 members.")).to_be_visible()
    reminded = set(Notification.objects.filter(kind="reminder").values_list("recipient__username", flat=True))
    assert reminded == {"alan", "linus"}
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "alan@example.com",
        "linus@example.com",
    ]
    assert all("Still to write" in message.body and "Paper 1" in message.body for message in mail.outbox)
    screenshot("reminded")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    # On a phone only the table scrolls sideways: its frame fits the screen, the grid scrolls inside it.
    frame = page.locator(".table-scroll")
    assert frame.evaluate("e => e.getBoundingClientRect().right") <= 390
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")
    document_width = page.evaluate("document.documentElement.scrollWidth")
    header_width = page.evaluate("document.querySelector('.site-header .nav').getBoundingClientRect().right")
    assert document_width <= max(390, header_width)  # the site header's own width is base.html's
    screenshot("board-phone")
