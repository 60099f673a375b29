"""The editor's preview endpoint and the Markdown help page."""

import pytest
from django.test import Client
from django.urls import reverse

from core.markup import MARKDOWN_MAX_LENGTH, render_markdown
from reviews.views.markdown import MARKDOWN_HELP_SOURCES
from tests.factories import CommentFactory, ReviewFactory

pytestmark = pytest.mark.django_db

PREVIEW_URL = "/markdown/preview/"
HELP_URL = "/markdown/"


def test_urls_are_where_the_editor_and_the_links_expect_them():
    assert reverse("reviews:markdown_preview") == PREVIEW_URL
    assert reverse("reviews:markdown_help") == HELP_URL


def test_member_gets_the_sanitised_html_fragment(member_client):
    response = member_client.post(PREVIEW_URL, {"text": "**bold** <script>alert(1)</script>"})

    content = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "<strong>bold</strong>" in content
    assert "<script>" not in content and "&lt;script&gt;" in content  # typed HTML stays text
    assert "<html" not in content  # a fragment, not a page


def test_organiser_may_preview_too(organiser_client):
    response = organiser_client.post(PREVIEW_URL, {"text": "$x^2$"})
    assert response.status_code == 200 and "<math" in response.content.decode()


def test_empty_text_shows_that_there_is_nothing_to_preview(member_client):
    response = member_client.post(PREVIEW_URL, {"text": "   \n"})
    assert response.status_code == 200 and "Nothing to preview." in response.content.decode()


def test_visitors_and_unverified_accounts_are_refused(client, unverified_user):
    response = client.post(PREVIEW_URL, {"text": "**bold**"})
    assert response.status_code == 403 and "<strong>bold</strong>" not in response.content.decode()
    client.force_login(unverified_user)
    assert client.post(PREVIEW_URL, {"text": "**bold**"}).status_code == 403


def test_preview_takes_only_post(member_client):
    assert member_client.get(PREVIEW_URL, {"text": "**bold**"}).status_code == 405


def test_preview_needs_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(PREVIEW_URL, {"text": "**bold**"}).status_code == 403


def test_text_longer_than_a_review_part_is_refused_with_a_message(member_client):
    response = member_client.post(PREVIEW_URL, {"text": "x" * (MARKDOWN_MAX_LENGTH + 1)})

    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")
    assert f"at most {MARKDOWN_MAX_LENGTH} characters" in response.content.decode()
    assert member_client.post(PREVIEW_URL, {"text": "x" * MARKDOWN_MAX_LENGTH}).status_code == 200


def test_help_page_shows_each_example_as_source_and_rendered(client):
    response = client.get(HELP_URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<math" in content and '<th class="align-center">Layers</th>' in content
    for name in ("maths_inline", "maths_display", "tables", "tasks", "dollars"):
        assert render_markdown(MARKDOWN_HELP_SOURCES[name]) in content, name
    assert "$x^2$" in content and "|:------|:------:|------:|" in content  # the source, as typed
    assert "<p>The GPU cost $5 and the paper $10.</p>" in content  # prices are not maths
    assert "&lt;b&gt;Typed HTML&lt;/b&gt;" in content


def test_every_editor_links_to_the_help_page(client, member, scope, published_review):
    ReviewFactory(scope=published_review.scope, author=member)
    comment = CommentFactory(review=published_review, author=member)
    client.force_login(member)
    link = f'href="{HELP_URL}"'

    write_page = client.get(reverse("reviews:review_write", args=[scope.week.number, scope.position]))
    review_page = client.get(published_review.get_absolute_url())
    edit_page = client.get(reverse("reviews:comment_edit", args=[comment.pk]))

    assert write_page.content.decode().count(link) == 4  # the intro line and each of the three parts
    assert review_page.content.decode().count(link) == 1  # the one comment form, which replies share
    assert f'maxlength="{MARKDOWN_MAX_LENGTH}"' in review_page.content.decode()  # the reply form's limit
    assert edit_page.content.decode().count(link) == 1
    for page in (write_page, review_page, edit_page):
        content = page.content.decode()
        assert "data-markdown-editor" in content and f'data-preview-url="{PREVIEW_URL}"' in content
        assert "js/markdown-editor.js" in content
