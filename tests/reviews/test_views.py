import pytest
from django.urls import reverse
from django.utils import timezone

from members import avatars
from reviews import services
from reviews.models import Comment, ReadingChoice, Review
from tests.factories import CommentFactory, PaperFactory, ReviewFactory, ReviewScopeFactory, UserFactory
from tests.helpers import queries_for
from tests.reviews.conftest import HIDDEN_SUMMARY
from tests.reviews.helpers import textarea_text

pytestmark = pytest.mark.django_db

PARTS = {"summary": "My **summary**", "confusions": "Section 2.3", "questions": "Why tanh?"}


def write_url(scope):
    return reverse("reviews:review_write", args=[scope.week.number, scope.position])


def test_member_saves_a_draft_that_stays_private(client, member, other_member, scope):
    client.force_login(member)
    response = client.post(write_url(scope), {**PARTS, "version": "", "action": "draft"}, follow=True)
    review = Review.objects.get(author=member)
    assert review.status == Review.Status.DRAFT and review.summary == "My **summary**"
    assert "Draft saved at" in response.content.decode()
    client.force_login(other_member)
    assert client.get(review.get_absolute_url()).status_code == 404


def test_preview_renders_without_saving(client, member, scope):
    client.force_login(member)
    response = client.post(write_url(scope), {**PARTS, "version": "", "action": "preview"})
    content = response.content.decode()
    assert "<strong>summary</strong>" in content and "Nothing is saved yet" in content
    assert "My **summary**" in content  # the text is still in the form
    assert not Review.objects.exists()


def test_publishing_shows_the_review_with_its_three_parts(client, member, scope):
    client.force_login(member)
    response = client.post(write_url(scope), {**PARTS, "version": "", "action": "publish"}, follow=True)
    content = response.content.decode()
    assert response.redirect_chain[-1][0] == Review.objects.get().get_absolute_url()
    assert "Your review is published" in content
    for heading in ("Summary", "Confusions", "Discussion questions"):
        assert f">{heading}</h2>" in content
    assert "<strong>summary</strong>" in content and "Gradient-Based Learning" in content


def test_publishing_with_a_missing_part_keeps_all_the_text(client, member, scope):
    client.force_login(member)
    response = client.post(write_url(scope), {**PARTS, "questions": "", "version": "", "action": "publish"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "To publish, fill in every part" in content
    assert "My **summary**" in content and "Section 2.3" in content
    assert not Review.objects.exists()


def test_editing_a_published_review_marks_it_edited(client, member, scope):
    review = ReviewFactory(scope=scope, author=member)
    client.force_login(member)
    client.post(write_url(scope), {**PARTS, "version": review.version, "action": "save"})
    review.refresh_from_db()
    assert review.is_published and review.is_edited
    assert '· <span class="edited">edited' in client.get(review.get_absolute_url()).content.decode()


def test_stale_edit_is_refused_and_both_texts_stay_on_the_page(client, member, scope):
    review = ReviewFactory(scope=scope, author=member, summary="Saved in the other tab")
    stale_version = review.version
    review.summary = "Saved in the other tab, again"
    review.version += 1
    review.save()
    client.force_login(member)
    response = client.post(
        write_url(scope), {**PARTS, "summary": "Typed in this tab", "version": stale_version, "action": "save"}
    )
    content = response.content.decode()
    assert response.status_code == 409
    assert "changed in another tab or window" in content
    assert "Typed in this tab" in content and "Saved in the other tab, again" in content
    review.refresh_from_db()
    assert review.summary == "Saved in the other tab, again"


def test_unpublish_makes_the_review_a_draft_again(client, member, scope):
    review = ReviewFactory(scope=scope, author=member)
    client.force_login(member)
    client.post(reverse("reviews:review_unpublish", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFT


def test_nobody_can_unpublish_someone_elses_review(client, other_member, published_review):
    client.force_login(other_member)
    assert client.post(reverse("reviews:review_unpublish", args=[published_review.pk])).status_code == 404
    published_review.refresh_from_db()
    assert published_review.is_published


def test_write_page_sends_visitors_to_sign_in_and_refuses_unverified_accounts(client, unverified_user, scope):
    response = client.get(write_url(scope))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(unverified_user)
    response = client.post(write_url(scope), {**PARTS, "version": "", "action": "publish"})
    assert response.status_code == 403 and "Verify your email" in response.content.decode()
    assert not Review.objects.exists()


def test_write_page_of_an_unpublished_week_is_not_found(client, member, scope):
    scope.week.published_at = None
    scope.week.save()
    client.force_login(member)
    assert client.get(write_url(scope)).status_code == 404


def test_comment_and_reply_on_a_readable_review(client, member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    url = reverse("reviews:comment_create", args=[published_review.pk])
    client.post(url, {"body": "Nice *summary*"})
    parent = Comment.objects.get()
    response = client.post(url, {"body": "Replying to myself", "parent": parent.pk}, follow=True)
    content = response.content.decode()
    reply = Comment.objects.get(parent=parent)
    assert reply.body == "Replying to myself"
    assert "<em>summary</em>" in content and "Replying to myself" in content
    assert f'class="comment comment-indent-1 comment-reply" id="comment-{reply.pk}"' in content


def test_comment_preview_without_script_shows_it_rendered_and_saves_nothing(client, member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)

    response = client.post(
        reverse("reviews:comment_create", args=[published_review.pk]), {"body": "A **bold** claim", "action": "preview"}
    )

    content = response.content.decode()
    assert response.status_code == 200 and "Preview your comment" in content
    assert '<div class="prose"><p>A <strong>bold</strong> claim</p>' in content
    assert textarea_text(content, "body") == "A **bold** claim"
    assert not Comment.objects.exists()


def test_reply_preview_stays_a_reply_when_posted_from_the_preview(client, member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    parent = CommentFactory(review=published_review, body="The question")
    client.force_login(member)
    url = reverse("reviews:comment_create", args=[published_review.pk])

    preview = client.post(url, {"body": "An *answer*", "parent": parent.pk, "action": "preview"})
    assert "Preview your reply" in preview.content.decode() and "<em>answer</em>" in preview.content.decode()
    assert f'name="parent" value="{parent.pk}"' in preview.content.decode()
    client.post(url, {"body": "An *answer*", "parent": parent.pk})

    assert Comment.objects.get(parent=parent).body == "An *answer*"


def test_comment_edit_preview_shows_the_new_text_and_changes_nothing(client, member, published_review):
    comment = CommentFactory(review=published_review, author=member, body="First words")
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)

    response = client.post(
        reverse("reviews:comment_edit", args=[comment.pk]),
        {"body": "Better *words*", "version": comment.version, "action": "preview"},
    )

    content = response.content.decode()
    assert response.status_code == 200 and "<em>words</em>" in content
    assert textarea_text(content, "body") == "Better *words*"
    comment.refresh_from_db()
    assert comment.body == "First words" and not comment.edited_at


def test_an_empty_comment_is_refused_with_a_message(client, member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    response = client.post(reverse("reviews:comment_create", args=[published_review.pk]), {"body": "  "})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not Comment.objects.exists()


def test_edit_own_comment_and_stale_edit_keeps_the_text(client, member, published_review):
    comment = CommentFactory(review=published_review, author=member, body="First words")
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    url = reverse("reviews:comment_edit", args=[comment.pk])
    client.post(url, {"body": "Second words", "version": comment.version})
    comment.refresh_from_db()
    assert comment.body == "Second words" and comment.edited_at
    response = client.post(url, {"body": "Stale words", "version": 1})
    assert response.status_code == 409 and "Stale words" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Second words"


def test_a_member_cannot_edit_delete_or_hide_someone_elses_comment(client, member, published_review):
    comment = CommentFactory(review=published_review, body="Not yours")
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    assert client.get(reverse("reviews:comment_edit", args=[comment.pk])).status_code == 404
    assert (
        client.post(reverse("reviews:comment_edit", args=[comment.pk]), {"body": "x", "version": 1}).status_code == 404
    )
    assert client.post(reverse("reviews:comment_delete", args=[comment.pk])).status_code == 404
    assert client.post(reverse("reviews:comment_hide", args=[comment.pk]), {"hidden": "1"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Not yours" and not comment.is_hidden and not comment.is_tombstone


def test_deleting_a_comment_with_replies_shows_a_tombstone_and_keeps_replies(client, member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    parent = CommentFactory(review=published_review, author=member, body="Regrettable words")
    CommentFactory(review=published_review, parent=parent, body="A reply that stays")
    client.force_login(member)
    assert "It has replies" in client.get(reverse("reviews:comment_delete", args=[parent.pk])).content.decode()
    response = client.post(reverse("reviews:comment_delete", args=[parent.pk]), follow=True)
    content = response.content.decode()
    assert "Comment deleted by its author." in content and "A reply that stays" in content
    assert "Regrettable words" not in content


def test_organiser_hides_a_comment_from_members(client, organiser, member, published_review):
    comment = CommentFactory(review=published_review, body="Off-topic rant")
    client.force_login(organiser)
    url = reverse("reviews:comment_hide", args=[comment.pk])
    assert client.post(url, {"hidden": "1"}).status_code == 400  # hiding asks why
    client.post(url, {"hidden": "1", "reason": "off_topic"})
    assert "Hidden from members" in client.get(published_review.get_absolute_url()).content.decode()
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    content = client.get(published_review.get_absolute_url()).content.decode()
    assert "Comment hidden by an organiser." in content and "Off-topic rant" not in content


def test_member_profile_lists_reviews_and_edits_are_the_members_own(client, member, scope):
    ReviewFactory(scope=scope, author=member, summary="Profile-listed review")
    client.force_login(member)
    content = client.get(reverse("member_detail", args=[member.username])).content.decode()
    assert "Profile-listed review" in content and "Edit your profile" in content
    assert client.get(reverse("member_detail", args=["nobody"])).status_code == 404


def test_member_pages_are_for_members(client, member):
    url = reverse("member_detail", args=[member.username])
    assert client.get(url).status_code == 302


def test_member_profile_paginates_reviews(client, member, week):
    for position in range(1, 13):
        ReviewFactory(scope=ReviewScopeFactory(week=week, position=position), author=member)
    client.force_login(member)
    url = reverse("member_detail", args=[member.username])
    first = client.get(url)
    assert len(first.context["page_obj"]) == 10 and "Page 1 of 2" in first.content.decode()
    assert len(client.get(url, {"page": 2}).context["page_obj"]) == 2


def make_reviews(week, count, viewer):
    scope = ReviewScopeFactory(week=week, position=week.review_scopes.count() + 1)
    ReviewFactory(scope=scope, author=viewer)
    reviews = [ReviewFactory(scope=scope, author=UserFactory()) for _ in range(count)]
    for review in reviews:
        CommentFactory(review=review)
    return scope, reviews


def test_week_page_queries_do_not_grow_with_reviews(client, member, week):
    make_reviews(week, 2, member)
    client.force_login(member)
    small = queries_for(client, week.get_absolute_url())
    make_reviews(week, 20, member)
    assert queries_for(client, week.get_absolute_url()) == small


def test_review_page_queries_do_not_grow_with_comments(client, member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    for _ in range(2):
        parent = CommentFactory(review=published_review)
        CommentFactory(review=published_review, parent=parent)
    small = queries_for(client, published_review.get_absolute_url())
    for _ in range(20):
        parent = CommentFactory(review=published_review)
        CommentFactory(review=published_review, parent=parent)
    assert queries_for(client, published_review.get_absolute_url()) == small


def test_review_page_queries_do_not_grow_with_the_papers_it_covers(client, member, published_review):
    """A review of several papers links each one; the links need no query per paper."""
    scope = published_review.scope
    client.force_login(member)
    ReviewFactory(scope=scope, author=member)
    small = queries_for(client, published_review.get_absolute_url())
    scope.papers.add(*(PaperFactory(week=scope.week, position=n) for n in range(2, 6)))
    assert queries_for(client, published_review.get_absolute_url()) == small


def test_member_page_queries_do_not_grow_with_reviews(client, member, week):
    url = reverse("member_detail", args=[member.username])
    client.force_login(member)
    for position in range(1, 3):
        ReviewFactory(scope=ReviewScopeFactory(week=week, position=position), author=member)
    small = queries_for(client, url)
    for position in range(3, 11):
        ReviewFactory(scope=ReviewScopeFactory(week=week, position=position), author=member)
    assert queries_for(client, url) == small


def test_meeting_time_passing_is_reflected_on_the_week_page(client, member, published_review):
    week = published_review.scope.week
    client.force_login(member)
    assert "You read it once you publish yours" in client.get(week.get_absolute_url()).content.decode()
    week.meeting_at = timezone.now() - timezone.timedelta(hours=1)
    week.save()
    assert "Review by author" in client.get(week.get_absolute_url()).content.decode()


def test_week_page_lists_the_newest_reviews_and_links_to_all_of_them(client, member, scope):
    ReviewFactory(scope=scope, author=member)
    for n in range(7):
        ReviewFactory(scope=scope, author=UserFactory(), summary=f"Review number {n}")
    client.force_login(member)
    content = client.get(scope.week.get_absolute_url()).content.decode()
    assert "Review number 6" in content and "Review number 2" in content and "Review number 1" not in content
    assert "All 7 reviews of Paper 1" in content
    page = client.get(reverse("reviews:scope_reviews", args=[scope.week.number, scope.position]))
    assert all(f"Review number {n}" in page.content.decode() for n in range(7))


def test_week_page_lists_five_reviews_per_scope_when_several_share_a_publication_time(client, member, week):
    scopes = [ReviewScopeFactory(week=week, position=position) for position in (1, 2)]
    for scope in scopes:
        ReviewFactory(scope=scope, author=member)
    same_moment = timezone.now() - timezone.timedelta(hours=1)
    for n in range(8):  # the fourth to eighth newest were published at the same moment: the newest ids win
        published_at = same_moment + timezone.timedelta(minutes=max(n - 4, 0))
        ReviewFactory(scope=scopes[0], author=UserFactory(), summary=f"First scope {n}.", published_at=published_at)
    ReviewFactory(scope=scopes[1], author=UserFactory(), summary="Second scope only.")
    client.force_login(member)
    panels = client.get(week.get_absolute_url()).context["panels"]
    assert [review.summary for review in panels[0].reviews] == [f"First scope {n}." for n in (7, 6, 5, 4, 3)]
    assert [review.summary for review in panels[1].reviews] == ["Second scope only."]
    assert (panels[0].more_count, panels[1].more_count) == (3, 0)


def test_scope_page_follows_the_write_first_rule(client, member, published_review):
    url = reverse("reviews:scope_reviews", args=[published_review.scope.week.number, published_review.scope.position])
    assert client.get(url).status_code == 302
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 403 and "Write your own review first" in response.content.decode()
    ReviewFactory(scope=published_review.scope, author=member)
    assert "Secret thoughts about convolutions" in client.get(url).content.decode()


def test_editing_a_comment_deleted_meanwhile_keeps_the_typed_text(client, member, published_review):
    comment = CommentFactory(review=published_review, author=member)
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    url = reverse("reviews:comment_edit", args=[comment.pk])
    comment.delete()
    response = client.post(url, {"body": "My careful rewrite", "version": 1})
    assert response.status_code == 404 and "My careful rewrite" in response.content.decode()


def test_editing_a_comment_hidden_meanwhile_keeps_the_typed_text(client, member, organiser, published_review):
    from reviews.services import comment_set_hidden

    comment = CommentFactory(review=published_review, author=member)
    ReviewFactory(scope=published_review.scope, author=member)
    comment_set_hidden(comment=comment, hidden=True, by=organiser)
    client.force_login(member)
    response = client.post(reverse("reviews:comment_edit", args=[comment.pk]), {"body": "Rewrite", "version": 1})
    assert response.status_code == 404 and "Rewrite" in response.content.decode()


def test_organisers_do_not_see_drafts_in_the_admin(client, organiser, draft_review, published_review):
    client.force_login(organiser)
    assert client.get(reverse("admin:reviews_review_change", args=[draft_review.pk])).status_code == 302
    draft_link = reverse("admin:reviews_review_change", args=[draft_review.pk])
    published_link = reverse("admin:reviews_review_change", args=[published_review.pk])
    listed = client.get(reverse("admin:reviews_review_changelist")).content.decode()
    assert published_link in listed and draft_link not in listed
    # The draft's own words do not find it either (the admin searches the review text).
    found = client.get(reverse("admin:reviews_review_changelist"), {"q": "Half-formed"}).content.decode()
    assert draft_link not in found and "0 reviews" in found
    assert client.get(reverse("admin:reviews_review_change", args=[published_review.pk])).status_code == 200


def test_show_me_asks_first_then_can_be_undone(client, published_review, member):
    scope = published_review.scope
    args = [scope.week.number, scope.position]
    client.force_login(member)
    week_page = client.get(scope.week.get_absolute_url()).content.decode()
    assert f'href="{reverse("reviews:reading_choice", args=args)}"' in week_page  # a link to a page, not a POST
    page = client.get(reverse("reviews:reading_choice", args=args)).content.decode()
    assert "The organisers can see that you chose to read without writing first." in page
    assert not ReadingChoice.objects.exists()  # looking at the page chose nothing
    client.post(reverse("reviews:reading_choice", args=args))
    week_page = client.get(scope.week.get_absolute_url()).content.decode()
    assert HIDDEN_SUMMARY in week_page and "Undo “show me”" in week_page
    response = client.post(reverse("reviews:reading_choice_undo", args=args), follow=True)
    assert "Undone: the others&#x27; reviews of" in response.content.decode()
    assert not ReadingChoice.objects.exists()
    assert HIDDEN_SUMMARY not in client.get(scope.week.get_absolute_url()).content.decode()
    again = client.post(reverse("reviews:reading_choice_undo", args=args), follow=True)
    assert "There was no choice to undo." in again.content.decode()


def test_undo_leaves_a_review_withdrawn_after_reading_on_record(published_review, member):
    scope = published_review.scope
    ReadingChoice.objects.create(scope=scope, member=member, how=ReadingChoice.How.UNPUBLISHED_AFTER_READING)
    assert services.reading_choice_undo(scope=scope, member=member) is False
    assert ReadingChoice.objects.filter(member=member).exists()


def test_comments_show_the_authors_avatar_and_a_link_to_themselves(client, published_review, author):
    comment = CommentFactory(review=published_review, author=author)
    client.force_login(author)
    page = client.get(published_review.get_absolute_url()).content.decode()
    hue = avatars.hue(author.username)
    assert (
        f'<span class="avatar avatar-hue-{hue}" aria-hidden="true">{avatars.initials(author.username)}</span>' in page
    )
    assert f'<a class="comment-permalink" href="#comment-{comment.pk}"' in page
    assert reverse("member_detail", args=[author.username]) in page
