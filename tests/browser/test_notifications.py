"""Notifications in the browser: the HTML email as a mail client shows it, its unsubscribe link opened
without signing in, the preferences page and the unread count in the header."""

import re
from urllib.parse import urlsplit

from django.core import mail
from playwright.sync_api import expect

from notifications.services import deliveries_of
from reviews.services import comment_create, review_save
from tests.factories import UserFactory

PARTS = {"summary": "A summary.", "confusions": "- Why?", "questions": "- What next?"}


def test_an_email_unsubscribes_in_one_click_without_signing_in(new_page, sign_in, open_scope, screenshot):
    scope = open_scope(number=2, title="Convolutional networks", paper_title="LeNet")
    ada, alan = UserFactory(username="ada"), UserFactory(username="alan")
    review = review_save(scope=scope, author=ada, parts=PARTS, version=None, publish=True)
    review_save(scope=scope, author=alan, parts=PARTS, version=None, publish=True)
    comment_create(review=review, author=alan, body="Have you read **Section 2**, @ada?")
    [message] = mail.outbox  # the live server's transactions commit: the task ran at once

    inbox = new_page()
    html = dict((mimetype, content) for content, mimetype in message.alternatives)["text/html"]
    inbox.set_content(html)
    expect(inbox.get_by_role("heading")).to_contain_text("alan commented on your review")
    screenshot("html-email", inbox)

    link = re.search(r"http://testserver(/notifications/unsubscribe/\S+/)", message.body).group(1)
    visitor = new_page()  # a browser that is not signed in
    visitor.goto(link)
    expect(visitor.get_by_text("Stop emails for a comment on your review?")).to_be_visible()
    visitor.get_by_role("button", name="Unsubscribe").click()
    expect(visitor.get_by_text("no more emails for a comment on your review")).to_be_visible()
    assert deliveries_of(ada)["comment"] == "off"
    assert urlsplit(visitor.url).path == link

    member = sign_in(new_page(), ada)
    member.goto("/")
    member.get_by_role("link", name=re.compile(r"Notifications 1 unread")).click()
    expect(member.get_by_text("Section 2")).to_be_visible()
    member.get_by_role("link", name="Which of them are emailed").click()
    expect(member.get_by_role("group", name="A comment on your review").get_by_label("Off")).to_be_checked()
    member.get_by_role("group", name="The digest before the meeting").get_by_label("Once a day, in one email").check()
    member.get_by_role("button", name="Save preferences").click()
    expect(member.get_by_text("Your email preferences are saved.")).to_be_visible()
    assert deliveries_of(ada)["digest"] == "daily"
    screenshot("preferences", member)
