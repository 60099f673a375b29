"""The review page's discussion: rendered flat (no recursion, so any depth), one comment form for comments and
replies, and top-level threads paginated."""

import re

from django.db.models import Max
from django.urls import reverse

from reviews.models import Comment
from reviews.views.pages import COMMENTS_PER_PAGE
from tests.factories import CommentFactory, ReviewFactory
from tests.helpers import queries_for

CSRF_FIELD = 'name="csrfmiddlewaretoken"'


def reply_chain(review, author, depth):
    """``depth`` comments, each replying to the one before, written in one query."""
    first = (Comment.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    Comment.objects.bulk_create(
        Comment(
            pk=first + n,
            review=review,
            author=author,
            parent_id=first + n - 1 if n else None,
            body=f"Level {n}",
            body_html=f"<p>Level {n}</p>",
        )
        for n in range(depth)
    )
    return Comment.objects.get(pk=first), Comment.objects.get(pk=first + depth - 1)


def comment_forms(content, review):
    return content.count(f'action="{reverse("reviews:comment_create", args=[review.pk])}"')


def test_a_reply_chain_a_thousand_deep_renders(client, member, other_member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    _, deepest = reply_chain(published_review, other_member, 1000)
    response = client.get(published_review.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "<p>Level 999</p>" in content and f'id="comment-{deepest.pk}"' in content
    assert max(int(n) for n in re.findall(r"comment-indent-(\d+)", content)) == 6  # the indent stops at 6
    assert content.count("in reply to") == 1000 - 7  # levels 7 and deeper say whom they answer
    assert f'in reply to <a href="#comment-{deepest.parent_id}">other</a>' in content
    assert comment_forms(content, published_review) == 1


def test_the_page_has_one_comment_form_and_csrf_field_whatever_the_comments(client, member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    url = published_review.get_absolute_url()
    without = client.get(url).content.decode()
    for _ in range(COMMENTS_PER_PAGE // 2):
        CommentFactory(review=published_review, parent=CommentFactory(review=published_review))
    content = client.get(url).content.decode()
    assert comment_forms(without, published_review) == comment_forms(content, published_review) == 1
    assert content.count(CSRF_FIELD) == without.count(CSRF_FIELD)
    assert content.count('name="parent"') == 1
    assert content.count('class="reply-link"') == 2 * (COMMENTS_PER_PAGE // 2)
    assert f'href="?reply={Comment.objects.first().pk}#reply-form"' in content


def test_review_page_queries_do_not_grow_with_reply_depth(client, member, other_member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    reply_chain(published_review, other_member, 3)
    small = queries_for(client, published_review.get_absolute_url())
    reply_chain(published_review, other_member, 200)
    reply_chain(published_review, member, 20)
    assert queries_for(client, published_review.get_absolute_url()) == small


def test_reply_link_without_script_points_the_one_form_at_the_comment(client, member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    comment = CommentFactory(review=published_review, author__username="ada", body="A question")
    response = client.get(published_review.get_absolute_url(), {"reply": comment.pk})
    content = response.content.decode()
    assert response.context["comment_form"]["parent"].value() == comment.pk
    assert f'value="{comment.pk}"' in content and "Post reply" in content
    assert re.search(r'Replying to <a id="reply-context-link" href="#comment-\d+">ada</a>', content)
    assert "Cancel reply" in content and comment_forms(content, published_review) == 1
    plain = client.get(published_review.get_absolute_url())
    assert plain.context["comment_form"]["parent"].value() is None
    assert 'id="reply-context" hidden' in plain.content.decode()


def test_reply_link_to_a_deleted_or_hidden_comment_is_ignored(client, member, organiser, published_review):
    from reviews.services import comment_set_hidden

    ReviewFactory(scope=published_review.scope, author=member)
    tombstone = CommentFactory(review=published_review, deleted_at="2024-01-01T00:00Z")
    CommentFactory(review=published_review, parent=tombstone)
    hidden = CommentFactory(review=published_review)
    comment_set_hidden(comment=hidden, hidden=True, by=organiser)
    client.force_login(member)
    for pk in (tombstone.pk, hidden.pk, 999999, "nonsense"):
        response = client.get(published_review.get_absolute_url(), {"reply": pk})
        assert response.status_code == 200
        assert response.context["reply_to"] is None
        assert response.context["comment_form"]["parent"].value() is None


def test_a_deep_reply_to_a_deleted_comment_does_not_name_its_author(client, member, other_member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    _, deepest = reply_chain(published_review, other_member, 9)
    Comment.objects.filter(pk=deepest.parent_id).update(deleted_at="2024-01-01T00:00Z")
    content = client.get(published_review.get_absolute_url()).content.decode()
    assert f'in reply to <a href="#comment-{deepest.parent_id}">a deleted comment</a>' in content
    assert "Comment deleted by its author." in content


def test_top_level_threads_are_paginated_and_links_find_their_page(client, member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    threads = [CommentFactory(review=published_review) for _ in range(COMMENTS_PER_PAGE // 2 + 2)]
    for thread in threads:
        CommentFactory(review=published_review, parent=thread)
    url = published_review.get_absolute_url()
    first = client.get(url)
    assert len(first.context["comments"]) == 2 * (COMMENTS_PER_PAGE // 2)
    assert "Threads page 1 of 2" in first.content.decode()
    assert f'id="comment-{threads[-1].pk}"' not in first.content.decode()
    second = client.get(url, {"page": 2})
    assert [c.pk for c in second.context["comments"] if c.depth == 0] == [t.pk for t in threads[-2:]]
    # A link to a comment, or a Reply link, opens the page that holds it.
    assert client.get(url, {"comment": threads[-1].pk}).context["page_obj"].number == 2
    assert client.get(url, {"reply": threads[-1].pk}).context["page_obj"].number == 2
    # A reply posted in a later thread lands on that thread's page.
    response = client.post(
        reverse("reviews:comment_create", args=[published_review.pk]),
        {"body": "Late reply", "parent": threads[-1].pk},
        follow=True,
    )
    reply = Comment.objects.get(body="Late reply")
    assert response.redirect_chain[-1][0].endswith(f"?comment={reply.pk}#comment-{reply.pk}")
    assert response.context["page_obj"].number == 2 and "Late reply" in response.content.decode()


def test_a_page_holds_whole_threads_up_to_about_fifty_comments(client, member, other_member, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    client.force_login(member)
    short = CommentFactory(review=published_review, author=other_member)
    parent = None
    for _ in range(COMMENTS_PER_PAGE + 10):  # one thread longer than a page
        parent = CommentFactory(review=published_review, author=other_member, parent=parent)
    last = CommentFactory(review=published_review, author=other_member)
    url = published_review.get_absolute_url()
    pages = [client.get(url, {"page": number}).context["comments"] for number in (1, 2, 3)]
    assert [len(page) for page in pages] == [1, COMMENTS_PER_PAGE + 10, 1]
    assert pages[0][0].pk == short.pk and pages[2][0].pk == last.pk
