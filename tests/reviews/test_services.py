import pytest
from django.core.exceptions import ValidationError

from reviews.models import Comment, ReadingChoice, Review
from reviews.services import (
    StaleEdit,
    comment_create,
    comment_delete,
    comment_set_hidden,
    comment_update,
    reading_choice_record,
    review_save,
    review_unpublish,
)
from tests.factories import CommentFactory, ReviewFactory

pytestmark = pytest.mark.django_db

PARTS = {"summary": "A summary.", "confusions": "A confusion.", "questions": "A question?"}


def test_saving_a_draft_then_publishing(scope, member):
    draft = review_save(scope=scope, author=member, parts={"summary": "Started"}, version=None)
    assert draft.status == Review.Status.DRAFT and draft.published_at is None and draft.version == 1
    published = review_save(scope=scope, author=member, parts=PARTS, version=draft.version, publish=True)
    assert published.pk == draft.pk and published.is_published and published.published_at
    assert not published.is_edited
    assert Review.objects.count() == 1


def test_publishing_needs_every_part_and_keeps_the_text_as_draft(scope, member):
    with pytest.raises(ValidationError, match="discussion questions is empty"):
        review_save(scope=scope, author=member, parts={**PARTS, "questions": " "}, version=None, publish=True)
    assert not Review.objects.exists()


def test_editing_a_published_review_marks_it_edited_and_keeps_it_published(scope, member):
    review = review_save(scope=scope, author=member, parts=PARTS, version=None, publish=True)
    first_published = review.published_at
    edited = review_save(scope=scope, author=member, parts={**PARTS, "summary": "Better."}, version=review.version)
    assert edited.is_published and edited.is_edited and edited.published_at == first_published
    assert edited.summary_html == "<p>Better.</p>"


def test_a_stale_save_is_refused_and_changes_nothing(scope, member):
    review = review_save(scope=scope, author=member, parts=PARTS, version=None)
    review_save(scope=scope, author=member, parts={**PARTS, "summary": "From tab one"}, version=review.version)
    with pytest.raises(StaleEdit) as stale:
        review_save(scope=scope, author=member, parts={**PARTS, "summary": "From tab two"}, version=review.version)
    assert stale.value.current.summary == "From tab one"
    assert Review.objects.get().summary == "From tab one"


def test_two_tabs_starting_the_same_new_review_do_not_overwrite_each_other(scope, member):
    review_save(scope=scope, author=member, parts={"summary": "Tab one"}, version=None)
    with pytest.raises(StaleEdit):
        review_save(scope=scope, author=member, parts={"summary": "Tab two"}, version=None)
    assert Review.objects.get().summary == "Tab one"


def test_unpublish_returns_the_review_to_draft(published_review):
    review = review_unpublish(review=published_review)
    assert review.status == Review.Status.DRAFT
    assert review.published_at is not None  # the first publication stays on record


def test_reading_choice_is_recorded_once(scope, member):
    reading_choice_record(scope=scope, member=member)
    reading_choice_record(scope=scope, member=member)
    assert ReadingChoice.objects.filter(scope=scope, member=member).count() == 1


def test_reply_must_be_on_the_same_review_and_to_a_visible_comment(published_review, member, scope, other_member):
    parent = comment_create(review=published_review, author=member, body="Top")
    reply = comment_create(review=published_review, author=other_member, body="Reply", parent=parent)
    assert reply.parent == parent
    other_review = Review.objects.create(scope=scope, author=other_member, status="draft")
    with pytest.raises(ValidationError):
        comment_create(review=other_review, author=member, body="Cross", parent=parent)
    comment_set_hidden(comment=parent, hidden=True, by=member)
    with pytest.raises(ValidationError):
        comment_create(review=published_review, author=member, body="To hidden", parent=parent)


def test_empty_comment_is_refused(published_review, member):
    with pytest.raises(ValidationError):
        comment_create(review=published_review, author=member, body="")


def test_deleting_a_comment_with_replies_leaves_a_tombstone_and_the_replies(published_review, member, other_member):
    parent = CommentFactory(review=published_review, author=member, body="Original thought")
    reply = CommentFactory(review=published_review, author=other_member, body="A reply", parent=parent)
    tombstone = comment_delete(comment=parent)
    assert tombstone.is_tombstone and tombstone.body == "" and tombstone.body_html == ""
    reply.refresh_from_db()
    assert reply.parent_id == parent.pk and reply.body == "A reply"


def test_deleting_the_last_reply_of_a_tombstone_removes_both(published_review, member, other_member):
    parent = CommentFactory(review=published_review, author=member)
    reply = CommentFactory(review=published_review, author=other_member, parent=parent)
    comment_delete(comment=parent)
    assert comment_delete(comment=reply) is None
    assert not Comment.objects.exists()


def test_comment_edit_marks_edited_and_refuses_stale_versions(published_review, member):
    comment = CommentFactory(review=published_review, author=member, body="First")
    updated = comment_update(comment=comment, body="Second", version=comment.version)
    assert updated.edited_at and updated.body_html == "<p>Second</p>"
    with pytest.raises(StaleEdit):
        comment_update(comment=comment, body="Third", version=comment.version)
    assert Comment.objects.get().body == "Second"


def test_two_first_saves_at_once_end_as_a_stale_edit_not_an_error(scope, member, monkeypatch):
    from reviews import services

    review_save(scope=scope, author=member, parts={"summary": "First click"}, version=None)
    # The second request looked for the review before the first one's row existed.
    monkeypatch.setattr(services, "_locked_review", lambda **kwargs: None)
    with pytest.raises(StaleEdit) as stale:
        review_save(scope=scope, author=member, parts={"summary": "Second click"}, version=None)
    assert stale.value.current.summary == "First click"
    assert Review.objects.get().summary == "First click"


def test_a_reply_to_a_comment_deleted_meanwhile_is_refused_with_a_message(published_review, member):
    parent = CommentFactory(review=published_review)
    stale_parent = Comment.objects.get(pk=parent.pk)
    comment_delete(comment=parent)
    with pytest.raises(ValidationError, match="visible comment"):
        comment_create(review=published_review, author=member, body="Too late", parent=stale_parent)


def test_hiding_a_comment_never_brings_back_older_text(published_review, member, organiser):
    comment = CommentFactory(review=published_review, author=member, body="Old words")
    stale_copy = Comment.objects.get(pk=comment.pk)
    comment_update(comment=comment, body="New words", version=comment.version)
    comment_set_hidden(comment=stale_copy, hidden=True, by=organiser)
    comment.refresh_from_db()
    assert comment.is_hidden and comment.body == "New words" and comment.body_html == "<p>New words</p>"


def test_a_review_rewritten_while_unpublished_comes_back_marked_edited(client, member, published_review):
    """Unpublish, rewrite, republish: the review says it was edited, and older comments say they answered
    an earlier text."""
    author = published_review.author
    first_published = published_review.published_at
    comment_create(review=published_review, author=member, body="I agree with the first version.")
    review = review_unpublish(review=published_review)
    review = review_save(
        scope=review.scope,
        author=author,
        parts={"summary": "Something else entirely", "confusions": "None", "questions": "Why?"},
        version=review.version,
        publish=True,
    )
    assert review.is_published and review.published_at == first_published and review.edited_at is not None
    ReviewFactory(scope=review.scope, author=member)
    client.force_login(member)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "edited" in page and "the review changed after this comment" in page


def test_unpublishing_after_reading_is_recorded_like_show_me(member, published_review):
    own = ReviewFactory(scope=published_review.scope, author=member)
    review_unpublish(review=own)
    choice = ReadingChoice.objects.get(scope=published_review.scope, member=member)
    assert choice.how == ReadingChoice.How.UNPUBLISHED_AFTER_READING


def test_unpublishing_with_nothing_to_read_records_nothing(member, scope):
    own = ReviewFactory(scope=scope, author=member)
    review_unpublish(review=own)
    assert not ReadingChoice.objects.exists()


def test_an_author_deleting_a_hidden_comment_leaves_the_moderation_record(member, organiser, published_review):
    comment = comment_create(review=published_review, author=member, body="Rude words")
    comment_set_hidden(comment=comment, hidden=True, by=organiser)
    comment_delete(comment=comment)
    comment.refresh_from_db()
    assert comment.is_tombstone and comment.is_hidden and comment.body == "Rude words"
