"""Moderation with reasons: members report comments, organisers hide them for a reason their author is
told and sees, and every action is in the moderation log."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from desk.selectors import State, week_board
from notifications.models import Notification
from reviews.models import CommentReport, ModerationEntry, Review, ReviewItem
from reviews.rules import scope_is_unlocked
from reviews.services import comment_report, comment_set_hidden, items_merge, reports_dismiss, review_set_hidden
from tests.factories import CommentFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

HIDDEN_SUMMARY_WORD = "convolutions"  # in the published review's summary (tests/reviews/conftest.py)


@pytest.fixture
def discussion(published_review, member, author):
    ReviewFactory(scope=published_review.scope, author=member)  # the member reads the others' reviews
    return CommentFactory(review=published_review, author=author, body="Rude-marker remark")


def test_a_member_reports_a_comment_once_and_organisers_see_the_reports(client, discussion, member, organiser):
    client.force_login(member)
    page = client.get(discussion.review.get_absolute_url()).content.decode()
    assert f'href="{reverse("reviews:comment_report", args=[discussion.pk])}">Report</a>' in page
    url = reverse("reviews:comment_report", args=[discussion.pk])
    assert client.post(url, {"note": "no reason"}).status_code == 400
    response = client.post(url, {"reason": "disrespectful", "note": "Personal attack"}, follow=True)
    assert "Thank you: the organisers will look at it." in response.content.decode()
    again = client.post(url, {"reason": "spam"}, follow=True)
    assert "You reported this comment already." in again.content.decode()
    assert CommentReport.objects.get().reason == "disrespectful"
    client.force_login(organiser)
    hide_page = client.get(reverse("reviews:comment_hide", args=[discussion.pk])).content.decode()
    assert "Reported by 1 member" in hide_page and "Personal attack" in hide_page


def test_authors_cannot_report_their_own_and_no_one_reports_what_they_cannot_read(client, discussion, author):
    client.force_login(author)
    assert client.get(reverse("reviews:comment_report", args=[discussion.pk])).status_code == 403
    stranger = UserFactory(username="stranger")  # has not written: the write-first rule hides the review
    client.force_login(stranger)
    assert client.get(reverse("reviews:comment_report", args=[discussion.pk])).status_code in (403, 404)
    assert not CommentReport.objects.exists()


def test_hiding_tells_the_author_why_settles_reports_and_is_logged(
    client, discussion, member, author, organiser, django_capture_on_commit_callbacks
):
    comment_report(comment=discussion, reporter=member, reason="disrespectful")
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:comment_hide", args=[discussion.pk]),
            {"hidden": "1", "reason": "disrespectful", "note": "Please keep it about the paper."},
            follow=True,
        )
    assert "its author is told why" in response.content.decode()
    assert CommentReport.objects.get().resolved_by == organiser
    entry = ModerationEntry.objects.get()
    assert (entry.moderator, entry.action, entry.reason, entry.note) == (
        organiser,
        "hide",
        "disrespectful",
        "Please keep it about the paper.",
    )
    [message] = mail.outbox
    assert message.to == [author.email] and "Disrespectful or personal" in message.body
    assert "Please keep it about the paper." in message.body and "Rude-marker" not in message.body
    client.force_login(author)
    page = client.get(discussion.review.get_absolute_url()).content.decode()
    assert "Hidden: Disrespectful or personal." in page and "Please keep it about the paper." in page
    assert "Rude-marker" not in page  # hidden from its author too: the reason is what they are told
    client.force_login(member)
    page = client.get(discussion.review.get_absolute_url()).content.decode()
    assert "Comment hidden by an organiser." in page and "Please keep it about the paper." not in page
    assert "Rude-marker" not in page


def test_showing_again_and_dismissing_reports_are_logged(discussion, member, organiser):
    report, _ = comment_report(comment=discussion, reporter=member, reason="spam")
    assert reports_dismiss(reports=[report], by=organiser) == 1
    comment_set_hidden(comment=discussion, hidden=True, by=organiser, reason="spam")
    comment_set_hidden(comment=discussion, hidden=False, by=organiser)
    discussion.refresh_from_db()
    assert (discussion.hidden_reason, discussion.hidden_note) == ("", "")
    assert [entry.action for entry in ModerationEntry.objects.order_by("pk")] == ["dismiss", "hide", "show"]
    assert Notification.objects.filter(recipient=discussion.author, kind="moderation").count() == 1


# Hiding a whole review


@pytest.fixture
def readers_review(published_review, member):
    """The member's own review of the scope: it unlocks the others' reviews for them."""
    return ReviewFactory(scope=published_review.scope, author=member, summary="The reader's own review")


def hide_url(review):
    return reverse("reviews:review_hide", args=[review.pk])


def test_an_organiser_hides_a_review_for_a_reason_its_author_is_told_and_reads(
    client, published_review, readers_review, member, author, organiser, django_capture_on_commit_callbacks
):
    CommentFactory(review=published_review, author=member, body="Comment-under-hidden-marker")
    scope = published_review.scope
    scope_url = reverse("reviews:scope_reviews", args=[scope.week.number, scope.position])
    client.force_login(member)
    assert HIDDEN_SUMMARY_WORD in client.get(scope.week.get_absolute_url()).content.decode()
    assert HIDDEN_SUMMARY_WORD in client.get(scope_url).content.decode()
    client.force_login(organiser)
    page = client.get(published_review.get_absolute_url()).content.decode()
    assert f'href="{hide_url(published_review)}">Hide this review…</a>' in page
    refused = client.post(hide_url(published_review), {"hidden": "1", "note": "Typed note kept"})
    assert refused.status_code == 400 and "Typed note kept" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            hide_url(published_review),
            {"hidden": "1", "reason": "off_topic", "note": "Please review the papers of the week."},
            follow=True,
        )
    page = response.content.decode()
    assert "The review is hidden from members, with its comments; its author is told why." in page
    assert "Hidden from members by an organiser: Off topic for the reading group." in page
    assert "Show it to members again" in page
    entry = ModerationEntry.objects.get()
    assert (entry.action, entry.review, entry.reason, entry.note) == (
        "hide_review",
        published_review,
        "off_topic",
        "Please review the papers of the week.",
    )
    [message] = mail.outbox
    assert message.to == [author.email] and "Off topic for the reading group" in message.body
    assert "Please review the papers of the week." in message.body and HIDDEN_SUMMARY_WORD not in message.body

    client.force_login(author)
    page = client.get(published_review.get_absolute_url()).content.decode()
    assert HIDDEN_SUMMARY_WORD in page and "Please review the papers of the week." in page
    assert "Only you and the organisers read it now" in page and "Edit your review" not in page
    assert Notification.objects.get(recipient=author, kind="moderation").url == published_review.get_absolute_url()

    client.force_login(member)
    assert client.get(published_review.get_absolute_url()).status_code == 404
    week_page = client.get(published_review.scope.week.get_absolute_url()).content.decode()
    assert HIDDEN_SUMMARY_WORD not in week_page
    scope_list = client.get(scope_url).content.decode()
    assert HIDDEN_SUMMARY_WORD not in scope_list and "Comment-under-hidden-marker" not in scope_list
    member_page = client.get(reverse("member_detail", args=[author.username])).content.decode()
    assert HIDDEN_SUMMARY_WORD not in member_page


def test_showing_a_hidden_review_again_puts_it_back_and_is_logged(
    client, published_review, readers_review, member, organiser
):
    review_set_hidden(review=published_review, hidden=True, by=organiser, reason="spam")
    client.force_login(organiser)
    response = client.post(hide_url(published_review), {"hidden": "0"}, follow=True)
    assert "The review is visible to members again." in response.content.decode()
    published_review.refresh_from_db()
    assert (published_review.status, published_review.hidden_at, published_review.hidden_reason) == (
        "published",
        None,
        "",
    )
    assert [entry.action for entry in ModerationEntry.objects.order_by("pk")] == ["hide_review", "show_review"]
    client.force_login(member)
    assert HIDDEN_SUMMARY_WORD in client.get(published_review.get_absolute_url()).content.decode()


def test_its_author_cannot_change_withdraw_or_republish_a_hidden_review(client, published_review, author, organiser):
    review_set_hidden(review=published_review, hidden=True, by=organiser, reason="disrespectful")
    published_review.refresh_from_db()
    client.force_login(author)
    scope = published_review.scope
    write_url = reverse("reviews:review_write", args=[scope.week.number, scope.position])
    form_page = client.get(write_url).content.decode()
    assert "Hidden from members by an organiser: Disrespectful or personal." in form_page
    assert 'value="publish"' not in form_page and 'value="save"' not in form_page
    typed = {"summary": "My typed rewrite", "confusions": "c", "questions": "q", "version": published_review.version}
    response = client.post(write_url, {**typed, "action": "publish"})
    assert response.status_code == 409
    assert (
        "an organiser hid this review" in response.content.decode() and "My typed rewrite" in response.content.decode()
    )
    response = client.post(reverse("reviews:review_unpublish", args=[published_review.pk]), follow=True)
    assert "an organiser hid this review" in response.content.decode()
    published_review.refresh_from_db()
    assert published_review.status == "hidden" and HIDDEN_SUMMARY_WORD in published_review.summary


def test_a_hidden_review_no_longer_unlocks_its_scope_for_its_author(published_review, author, organiser):
    assert scope_is_unlocked(author, published_review.scope)
    review_set_hidden(review=published_review, hidden=True, by=organiser, reason="spam")
    assert not scope_is_unlocked(author, published_review.scope)


def test_drafts_cannot_be_hidden_and_a_reason_is_required(draft_review, published_review, organiser):
    with pytest.raises(ValidationError):
        review_set_hidden(review=draft_review, hidden=True, by=organiser, reason="spam")
    with pytest.raises(ValidationError):
        review_set_hidden(review=published_review, hidden=True, by=organiser, reason="because")
    assert not Review.objects.filter(status="hidden").exists() and not ModerationEntry.objects.exists()


def test_a_hidden_reviews_items_leave_the_agenda_and_duplicates_stand_alone(
    client, published_review, readers_review, member, organiser
):
    [target] = ReviewItem.objects.filter(review=published_review, kind="confusion")[:1] or [
        ReviewItem.objects.create(review=published_review, kind="confusion", position=0, text="Target-item-marker")
    ]
    duplicate = ReviewItem.objects.create(review=readers_review, kind="confusion", position=5, text="Duplicate item")
    items_merge(duplicate=duplicate, into=target, by=organiser)
    review_set_hidden(review=published_review, hidden=True, by=organiser, reason="spam")
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    client.force_login(member)
    agenda = client.get(reverse("reviews:week_agenda", args=[published_review.scope.week.number])).content.decode()
    assert target.text not in agenda and "Duplicate item" in agenda


def test_the_board_shows_a_hidden_review_as_written_and_hidden(published_review, author, organiser):
    review_set_hidden(review=published_review, hidden=True, by=organiser, reason="spam")
    board = week_board(week=published_review.scope.week)
    [row] = [row for row in board.rows if row.member == author]
    assert [cell.state for cell in row.cells] == [State.HIDDEN] and row.missing == []


@pytest.mark.parametrize("model", ["review", "comment"])
def test_the_admin_lists_members_writing_read_only_and_hides_spam_in_bulk(
    client, discussion, organiser, django_capture_on_commit_callbacks, model
):
    review = discussion.review
    thing = review if model == "review" else discussion
    client.force_login(organiser)
    change_page = client.get(reverse(f"admin:reviews_{model}_change", args=[thing.pk])).content.decode()
    assert 'name="_save"' not in change_page  # read-only: no Save buttons
    changelist = reverse(f"admin:reviews_{model}_changelist")
    listed = client.get(changelist).content.decode()
    if model == "review":
        assert f'href="{review.get_absolute_url()}">Read on the site</a>' in listed
        assert f"Week {review.scope.week.number} · scope {review.scope.position}" in listed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "hide_as_spam", "_selected_action": [thing.pk]})
    thing.refresh_from_db()
    assert thing.is_hidden and thing.hidden_reason == "spam"
    assert ModerationEntry.objects.get().action == ("hide_review" if model == "review" else "hide")
    client.post(changelist, {"action": "show", "_selected_action": [thing.pk]})
    thing.refresh_from_db()
    assert not thing.is_hidden
