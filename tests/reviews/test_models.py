import pytest
from django.db import IntegrityError, transaction

from tests.factories import CommentFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_a_member_has_one_review_per_scope(published_review):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(scope=published_review.scope, author=published_review.author)


def test_a_published_review_needs_a_publish_time(scope, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(scope=scope, author=member, status="published", published_at=None)


def test_review_parts_and_comments_are_rendered_and_sanitised_on_save(scope, member):
    review = ReviewFactory(
        scope=scope, author=member, summary="**bold** <script>alert(1)</script>", questions="[x](javascript:alert(1))"
    )
    assert "<strong>bold</strong>" in review.summary_html and "<script>" not in review.summary_html
    assert review.questions_html == "<p>[x](javascript:alert(1))</p>"  # text, never a link
    comment = CommentFactory(review=review, body="*why*?")
    assert comment.body_html == "<p><em>why</em>?</p>"


def test_excerpt_is_the_start_of_the_summary_as_plain_text(scope, member):
    review = ReviewFactory(scope=scope, author=member, summary="**Bold** start " + "word " * 40)
    assert review.excerpt.startswith("Bold start word") and review.excerpt.endswith("…")
    assert len(review.excerpt.split()) == 30
    review.summary = "Changed *summary*"
    review.save(update_fields=["summary"])
    review.refresh_from_db()
    assert review.excerpt == "Changed summary"


def test_excerpt_keeps_table_cells_and_code_apart_and_decodes_entities_once(scope, member):
    review = ReviewFactory(
        scope=scope, author=member, summary="Q&A about <b>\n\n| depth | error |\n|---|---|\n| 152 | 3.57% |\n\n`x=1`"
    )
    assert review.excerpt == "Q&A about <b> depth error 152 3.57% x=1"


def test_lists_show_the_excerpt_escaped_exactly_once(client, scope, member, other_member):
    ReviewFactory(scope=scope, author=other_member, summary="Q&A about <b> and **bold**")
    ReviewFactory(scope=scope, author=member, summary="Mine")
    client.force_login(member)
    pages = [scope.week.get_absolute_url(), f"/members/{other_member.username}/"]
    for url in pages:
        content = client.get(url).content.decode()
        assert "Q&amp;A about &lt;b&gt; and bold" in content, url
        assert "&amp;amp;" not in content and "&amp;lt;" not in content, url
