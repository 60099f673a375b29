import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from members.services import profile_update
from reviews.models import Comment, Review
from tests.factories import CommentFactory, PaperFactory, ReviewFactory, ReviewScopeFactory, UserFactory, WeekFactory


@pytest.fixture
def week_with_a_review(transactional_db):
    week = WeekFactory(number=2, title="Convolutional networks", meeting_at=timezone.now() + timezone.timedelta(days=3))
    scope = ReviewScopeFactory(week=week, position=1)
    scope.papers.add(
        PaperFactory(week=week, position=1, title="Gradient-Based Learning Applied to Document Recognition")
    )
    alan = UserFactory(username="alan")
    profile_update(user=alan, display_name="Alan Turing", bio="")
    ReviewFactory(scope=scope, author=alan, summary="Alan's careful summary of LeNet")
    return week


def test_new_member_signs_up_writes_publishes_and_discusses(page, week_with_a_review, screenshot):
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Username").fill("grace")
    page.locator("#id_password1").fill("lovelace-engine-1843")
    page.locator("#id_password2").fill("lovelace-engine-1843")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(urlsplit(link).path)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("link", name="grace")).to_be_visible()  # signed in

    page.goto("/weeks/2/")
    expect(page.get_by_text("1 other member has published a review of this.")).to_be_visible()
    expect(page.get_by_text("Alan's careful summary")).to_have_count(0)
    page.get_by_role("link", name="Write your review").first.click()
    page.wait_for_url("**/write/")  # the form's scripts have run: typing before them would go unseen

    page.get_by_label("Summary").fill("LeNet learns **features** from pixels.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"Draft saved at"))).to_be_visible()

    page.get_by_label("Confusions").fill("How is the RBF layer trained?")
    expect(page.locator("#autosave-status")).to_contain_text("Kept in this browser")
    page.reload()  # as if the tab had been closed: the unsaved text comes back from this browser
    expect(page.locator("#autosave-status")).to_contain_text("Restored text you had not saved yet")
    expect(page.get_by_label("Confusions")).to_have_value("How is the RBF layer trained?")

    page.get_by_label("Discussion questions").fill("Would ReLU have helped?")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview strong")).to_have_text("features")
    screenshot("preview")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Your review is published")).to_be_visible()
    expect(page.locator(".review-part")).to_have_count(3)

    page.goto("/weeks/2/")
    page.get_by_role("link", name="Review by Alan Turing").click()
    expect(page.get_by_text("Alan's careful summary of LeNet")).to_be_visible()
    page.get_by_label("Comment").fill("Great point about *weight sharing*.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment-body em")).to_have_text("weight sharing")
    page.get_by_role("link", name="Reply", exact=True).click()
    page.get_by_label("Your reply").fill("Answering my own question: yes.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".comment-reply .comment-body")).to_have_text("Answering my own question: yes.")
    screenshot("discussion")
    assert Review.objects.get(author__username="grace").is_published


def test_second_tab_gets_the_conflict_message_and_keeps_its_text(new_page, sign_in, week_with_a_review, screenshot):
    member = UserFactory(username="ada")
    scope = week_with_a_review.review_scopes.get()
    ReviewFactory(scope=scope, author=member, summary="Starting point", status="draft", published_at=None)
    first, second = sign_in(new_page(), member), sign_in(new_page(), member)
    for tab in (first, second):
        tab.goto("/weeks/2/reviews/1/write/")
        expect(tab.get_by_label("Summary")).to_have_value("Starting point")

    first.get_by_label("Summary").fill("Written in the first tab")
    first.get_by_role("button", name="Save draft").click()
    expect(first.get_by_text(re.compile("Draft saved at"))).to_be_visible()

    second.get_by_label("Summary").fill("Written in the second tab")
    second.get_by_role("button", name="Save draft").click()
    expect(second.get_by_text("changed in another tab or window")).to_be_visible()
    expect(second.get_by_label("Summary", exact=True)).to_have_value("Written in the second tab")
    expect(second.locator(".conflict")).to_contain_text("Written in the first tab")
    screenshot("conflict", second)
    assert Review.objects.get(author=member).summary == "Written in the first tab"


def test_member_who_will_not_write_chooses_to_read_the_others(page, sign_in, week_with_a_review):
    sign_in(page, UserFactory(username="reader"))
    page.goto("/weeks/2/")
    expect(page.get_by_text("Alan's careful summary")).to_have_count(0)
    page.get_by_role("link", name="I will not write one — show me").click()
    page.wait_for_url("**/read-first/")
    expect(page.get_by_role("heading", name="Read the others' reviews without writing yours first?")).to_be_visible()
    page.get_by_role("button", name="Show me the reviews").click()
    expect(page.get_by_text("The organisers can see that you chose")).to_be_visible()
    expect(page.get_by_text("Alan's careful summary of LeNet")).to_be_visible()
    page.get_by_role("button", name="Undo “show me”: hide the others' reviews again").click()
    expect(page.get_by_text("Undone: the others' reviews of")).to_be_visible()
    expect(page.get_by_text("Alan's careful summary of LeNet")).to_have_count(0)


def test_text_survives_a_save_that_never_reached_the_site(page, sign_in, week_with_a_review):
    member = UserFactory(username="ada")
    sign_in(page, member)
    page.goto("/weeks/2/reviews/1/write/")
    page.get_by_label("Summary").fill("Typed before my session ran out")
    page.context.clear_cookies()  # the session expires while the member is writing
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="That form had expired")).to_be_visible()
    sign_in(page, member)
    page.goto("/weeks/2/reviews/1/write/")
    expect(page.get_by_label("Summary")).to_have_value("Typed before my session ran out")
    expect(page.locator("#autosave-status")).to_contain_text("Restored text you had not saved yet")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile("Draft saved at"))).to_be_visible()
    assert page.evaluate("Object.keys(localStorage).length") == 0  # saved on the site: the copy is gone


def two_threads_for_a_reader(page, sign_in):
    """Alan's review with kurt's "First thread" and a second one, and a reader signed in who may reply;
    returns the review and kurt's comment."""
    member = UserFactory(username="ada")
    alan_review = Review.objects.get(author__username="alan")
    ReviewFactory(scope=alan_review.scope, author=member)
    first = CommentFactory(review=alan_review, author__username="kurt", body="First thread")
    CommentFactory(review=alan_review, body="Second thread")
    sign_in(page, member)
    return alan_review, first


def test_reply_link_points_the_one_form_at_the_comment_and_the_reply_lands_under_it(
    page, sign_in, week_with_a_review, screenshot
):
    alan_review, first = two_threads_for_a_reader(page, sign_in)
    page.goto(alan_review.get_absolute_url())
    expect(page.locator("form#reply-form")).to_have_count(1)
    expect(page.locator("#reply-context")).to_be_hidden()

    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Reply", exact=True).click()
    expect(page.locator("#reply-context")).to_contain_text("Replying to kurt")
    expect(page.get_by_label("Your reply")).to_be_focused()
    # The box opens inside the card of the comment it answers, above the next thread.
    expect(page.locator(f"#comment-{first.pk} form#reply-form")).to_be_visible()
    second_top = page.get_by_text("Second thread").bounding_box()["y"]
    assert page.get_by_label("Your reply").bounding_box()["y"] < second_top
    assert "reply=" not in page.url  # the script pointed the form in place, without a reload
    page.get_by_label("Your reply").fill("An answer to the *first* thread.")
    screenshot("replying")
    page.get_by_role("button", name="Post reply").click()

    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    reply = Comment.objects.get(parent=first)
    items = page.locator(".comment-thread > li.comment")
    expect(items).to_have_count(3)
    expect(items.nth(1)).to_have_attribute("id", f"comment-{reply.pk}")  # right under the comment it answers
    expect(items.nth(1)).to_have_class(re.compile(r"comment-indent-1"))
    expect(items.nth(1).locator(".comment-body em")).to_have_text("first")
    expect(items.nth(2)).to_contain_text("Second thread")


def test_cancelling_a_reply_posts_a_new_comment_instead(page, sign_in, week_with_a_review):
    member = UserFactory(username="ada")
    alan_review = Review.objects.get(author__username="alan")
    ReviewFactory(scope=alan_review.scope, author=member)
    first = CommentFactory(review=alan_review, body="First thread")
    sign_in(page, member)
    page.goto(alan_review.get_absolute_url())
    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Reply", exact=True).click()
    page.get_by_label("Your reply").fill("Started as a reply")
    page.get_by_role("link", name="Cancel reply").click()
    expect(page.locator("#reply-context")).to_be_hidden()
    # The form is back under the discussion, its text kept.
    expect(page.locator(f"#comment-{first.pk} form#reply-form")).to_have_count(0)
    expect(page.get_by_label("Comment")).to_have_value("Started as a reply")
    page.get_by_label("Comment").fill("A thread of its own.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment is posted.")).to_be_visible()
    assert Comment.objects.get(body="A thread of its own.").parent is None


@pytest.mark.parametrize("typed", ["Ends with a newline\n", "  Spaces around it  \n\n", "Two\r\nlines"])
def test_the_autosave_prompt_stays_away_when_only_whitespace_differs(page, sign_in, week_with_a_review, typed):
    member = UserFactory(username="ada")
    sign_in(page, member)
    page.goto("/weeks/2/reviews/1/write/")
    page.get_by_label("Summary").fill(typed)
    expect(page.locator("#autosave-status")).to_contain_text("Save draft to store it on the site")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile("Draft saved at"))).to_be_visible()
    status = page.locator("#autosave-status")
    expect(status).not_to_contain_text("older version")
    expect(status).not_to_contain_text("Restored")
    assert page.evaluate("Object.keys(localStorage).length") == 0
    page.reload()
    expect(status).to_have_text("")


def test_the_autosave_prompt_offers_text_that_really_differs_and_says_what_restoring_did(
    page, sign_in, week_with_a_review
):
    member = UserFactory(username="ada")
    sign_in(page, member)
    page.goto("/weeks/2/reviews/1/write/")
    page.get_by_label("Summary").fill("First words")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile("Draft saved at"))).to_be_visible()
    page.get_by_label("Summary").fill("Second words, never saved")
    expect(page.locator("#autosave-status")).to_contain_text(re.compile(r"Kept in this browser at \d\d:\d\d\."))
    Review.objects.filter(author=member).update(summary="Changed elsewhere", version=5)  # another tab saved
    page.reload()
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("older version of this review")
    status.get_by_role("button", name="Restore that text").click()
    expect(page.get_by_label("Summary")).to_have_value("Second words, never saved")
    expect(status).to_have_text("Restored the text kept in this browser. Save draft to store it on the site.")


def test_without_a_click_a_reply_link_from_elsewhere_opens_the_box_under_its_comment(page, sign_in, week_with_a_review):
    alan_review, first = two_threads_for_a_reader(page, sign_in)
    page.goto(f"{alan_review.get_absolute_url()}?reply={first.pk}#reply-form")
    expect(page.locator(f"#comment-{first.pk} form#reply-form")).to_be_visible()
    expect(page.locator("#reply-context")).to_contain_text("Replying to kurt")


def open_a_long_thread(page, sign_in, replies: int):
    """Alan's review with a question answered ``replies`` times and a thread after it, open for a reader;
    returns the review and the answers, oldest first."""
    review = Review.objects.get(author__username="alan")
    reader = UserFactory(username="ada")
    ReviewFactory(scope=review.scope, author=reader)
    root = CommentFactory(review=review, author__username="kurt", body="Where does the gradient go?")
    answers = [CommentFactory(review=review, parent=root, body=f"Answer number {n}") for n in range(1, replies + 1)]
    CommentFactory(review=review, body="A thread of its own")
    sign_in(page, reader)
    page.goto(review.get_absolute_url())
    return review, answers


def test_a_long_thread_folds_its_middle_replies_behind_a_button(page, sign_in, week_with_a_review, screenshot):
    _, answers = open_a_long_thread(page, sign_in, replies=8)

    # The question, its first answer and the last two show; the five between are folded.
    for shown in (answers[0], answers[-2], answers[-1]):
        expect(page.locator(f"#comment-{shown.pk}")).to_be_visible()
    for folded in answers[1:-2]:
        expect(page.locator(f"#comment-{folded.pk}")).to_be_hidden()
    expect(page.get_by_text("A thread of its own")).to_be_visible()
    more = page.get_by_role("button", name="Show 5 more replies")
    screenshot("long-thread-folded")
    more.focus()
    page.keyboard.press("Enter")
    for reply in answers:
        expect(page.locator(f"#comment-{reply.pk}")).to_be_visible()
    expect(more).to_have_count(0)
    expect(page.locator(f"#comment-{answers[1].pk} .comment-permalink")).to_be_focused()


def test_a_link_to_a_folded_reply_opens_its_thread(page, sign_in, week_with_a_review):
    alan_review, answers = open_a_long_thread(page, sign_in, replies=8)
    folded = page.locator(f"#comment-{answers[3].pk}")
    expect(folded).to_be_hidden()
    page.evaluate(f"window.location.hash = 'comment-{answers[3].pk}'")  # a link within the page
    expect(folded).to_be_visible()

    page.goto("/")
    page.goto(f"{alan_review.get_absolute_url()}#comment-{answers[3].pk}")  # a link from elsewhere
    expect(folded).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("more replies"))).to_have_count(0)


def test_a_thread_of_five_replies_is_shown_whole(page, sign_in, week_with_a_review):
    _, answers = open_a_long_thread(page, sign_in, replies=5)
    for reply in answers:
        expect(page.locator(f"#comment-{reply.pk}")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("more repl"))).to_have_count(0)


def test_a_reply_link_to_a_reply_in_the_middle_of_a_long_thread_opens_the_box_there(page, sign_in, week_with_a_review):
    alan_review, answers = open_a_long_thread(page, sign_in, replies=8)
    page.goto(f"{alan_review.get_absolute_url()}?reply={answers[3].pk}#reply-form")
    expect(page.locator(f"#comment-{answers[3].pk} form#reply-form")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("more replies"))).to_have_count(0)
