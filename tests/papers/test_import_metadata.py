"""The import screen's "Fill paper details from arXiv / DOI after importing", against recorded answers.

No test touches the network: every request goes to an ``httpx.MockTransport`` (the ``web`` fixture of
test_metadata.py) that serves tests/data/metadata/ and fails the test on any address it does not know.
"""

import httpx
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from papers import metadata
from papers.admin_import import FILL_LABEL
from papers.models import Paper, Week
from tests.factories import PaperFactory, WeekFactory
from tests.papers.test_metadata import ARXIV_ATOM, ARXIV_URL, web  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:papers_week_import")
READING_LIST = """# Our journey

### Week 3: Attention

#### Paper 1: Attention Is All You Need

Link to the paper: https://arxiv.org/abs/1706.03762

#### Paper 2: A paper without an identifier

Link to the paper: https://example.org/paper.html
"""


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _confirm(client, capture, **data):
    with capture(execute=True):
        return client.post(IMPORT_URL, {"step": "confirm", "source": READING_LIST, **data})


def test_the_checkbox_is_offered_off_and_carried_from_the_dry_run_to_the_confirmation(organiser_client):
    page = organiser_client.get(IMPORT_URL).content.decode()
    assert FILL_LABEL in page
    assert 'name="fill_metadata"' in page and "checked" not in page.split('name="fill_metadata"')[1].split(">")[0]

    response = organiser_client.post(IMPORT_URL, {"step": "preview", "text": READING_LIST, "fill_metadata": "on"})

    assert response.context["confirm_form"].initial["fill_metadata"] is True
    confirm_page = response.content.decode().split('class="import-confirm"')[1]
    assert 'name="fill_metadata"' in confirm_page and "checked" in confirm_page
    assert Week.objects.count() == 0


def test_without_the_checkbox_the_import_asks_nobody(organiser_client, web, django_capture_on_commit_callbacks):  # noqa: F811
    web.answers[ARXIV_URL] = ARXIV_ATOM

    response = _confirm(organiser_client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert web.requests == []
    paper = Paper.objects.get(week__number=3, position=1)
    assert (paper.authors, paper.year) == ("", None)
    assert not any("Filled" in message for message in _messages(response))


def test_with_the_checkbox_an_imported_arxiv_link_fills_only_the_empty_fields(
    organiser_client,
    web,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    web.answers[ARXIV_URL] = ARXIV_ATOM
    week = WeekFactory(number=3, title="Attention")
    PaperFactory(week=week, position=1, title="", authors="", year=2018, url="https://arxiv.org/abs/1706.03762")

    response = _confirm(organiser_client, django_capture_on_commit_callbacks, fill_metadata="on")

    assert response.status_code == 302 and response["Location"] == reverse("admin:papers_week_changelist")
    [request] = web.requests  # one arXiv request; the paper without an identifier is not looked up
    assert request.url.params["id_list"] == "1706.03762"
    paper = Paper.objects.get(week__number=3, position=1)
    assert paper.title == "Attention Is All You Need"  # the reading list's title, as imported
    assert paper.authors == "Ashish Vaswani, Noam Shazeer, Niki Parmar"  # was empty: filled
    assert paper.year == 2018  # the organiser's year is kept
    assert paper.arxiv_id == "1706.03762"
    other = Paper.objects.get(week__number=3, position=2)
    assert (other.authors, other.year) == ("", None)
    messages = _messages(response)
    assert any("Imported the reading list" in message for message in messages)
    assert "Filled details of 1 of 1 paper(s) from arXiv / DOI." in messages


def test_a_new_paper_gets_title_authors_and_year_from_its_arxiv_link(
    organiser_client,
    web,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    web.answers[ARXIV_URL] = ARXIV_ATOM

    response = _confirm(organiser_client, django_capture_on_commit_callbacks, fill_metadata="on")

    paper = Paper.objects.get(week__number=3, position=1)
    assert (paper.authors, paper.year, paper.venue) == ("Ashish Vaswani, Noam Shazeer, Niki Parmar", 2017, "arXiv")
    assert paper.title == "Attention Is All You Need"
    assert "Filled details of 1 of 1 paper(s) from arXiv / DOI." in _messages(response)


def test_a_timeout_keeps_the_import_fills_nothing_and_warns(organiser_client, web, django_capture_on_commit_callbacks):  # noqa: F811
    web.answers[ARXIV_URL] = httpx.ReadTimeout("slow")

    response = _confirm(organiser_client, django_capture_on_commit_callbacks, fill_metadata="on")

    assert response.status_code == 302
    assert len(web.requests) == 1
    week = Week.objects.get(number=3)
    assert week.papers.count() == 2  # the import stays
    paper = week.papers.get(position=1)
    assert (paper.authors, paper.year, paper.abstract) == ("", None, "")
    messages = _messages(response)
    assert any("Imported the reading list" in message for message in messages)
    assert "Filled details of 0 of 1 paper(s) from arXiv / DOI." in messages
    assert any(
        "details not filled (the import stays). arXiv did not answer within 5 seconds" in message
        for message in messages
    )
    levels = {str(m): m.level_tag for m in get_messages(response.wsgi_request)}
    assert levels["Filled details of 0 of 1 paper(s) from arXiv / DOI."] == "warning"


def test_more_papers_than_the_cap_fills_the_first_and_says_so(
    organiser_client,
    web,  # noqa: F811
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    monkeypatch.setattr(metadata, "MAX_PAPERS", 1)
    web.answers[ARXIV_URL] = ARXIV_ATOM
    source = READING_LIST.replace("https://example.org/paper.html", "https://arxiv.org/abs/1409.0473")

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(IMPORT_URL, {"step": "confirm", "source": source, "fill_metadata": "on"})

    [request] = web.requests
    assert request.url.params["id_list"] == "1706.03762"
    assert Paper.objects.get(week__number=3, position=1).year == 2017
    assert Paper.objects.get(week__number=3, position=2).year is None
    [summary] = [message for message in _messages(response) if message.startswith("Filled")]
    assert "Filled details of 1 of 1 paper(s)" in summary
    assert "Only the first 1 of 2 papers were looked up" in summary
