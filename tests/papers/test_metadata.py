"""Filling a paper from arXiv and Crossref, against recorded answers: no test touches the network.

Every request goes to an ``httpx.MockTransport`` that serves files from tests/data/metadata/ and fails the
test on any address it does not know.
"""

from pathlib import Path

import httpx
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from papers import metadata
from papers.models import Paper
from tests.factories import PaperFactory, ResourceFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "metadata"
ARXIV_URL = "https://export.arxiv.org/api/query"
CROSSREF_URL = "https://api.crossref.org/works/10.1038/nature14539"
ARXIV_ATOM = (DATA / "arxiv-1706.03762.xml").read_bytes()
CROSSREF_JSON = (DATA / "crossref-10.1038-nature14539.json").read_bytes()
ATTENTION_ABSTRACT_START = "The dominant sequence transduction models are based on complex recurrent or convolutional"


class RecordedWeb:
    """Answers by URL (without query); each answer is bytes, an (status, bytes) pair or an exception."""

    def __init__(self):
        self.answers = {}
        self.requests = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = str(request.url.copy_with(query=None))
        if key not in self.answers:
            pytest.fail(f"unexpected request to {request.url}")
        answer = self.answers[key]
        if isinstance(answer, Exception):
            raise answer
        status, body = answer if isinstance(answer, tuple) else (200, answer)
        return httpx.Response(status, content=body)


@pytest.fixture(autouse=True)
def web(monkeypatch, settings):
    settings.METADATA_CONTACT_EMAIL = "organisers@example.org"
    settings.SITE_NAME = "Test Reading Group"
    recorded = RecordedWeb()
    monkeypatch.setattr(metadata, "transport", httpx.MockTransport(recorded))
    return recorded


def _fill(paper, **kwargs):
    [outcome] = metadata.papers_metadata_fill([paper], **kwargs)
    return outcome


def _fields(paper):
    paper.refresh_from_db()
    return {name: getattr(paper, name) for name in metadata.FILLABLE}


def test_arxiv_answer_fills_the_empty_fields(web):
    web.answers[ARXIV_URL] = ARXIV_ATOM
    paper = PaperFactory(title="Transformers", authors="", year=None, arxiv_id="1706.03762")

    outcome = _fill(paper)

    assert outcome.error == ""
    paper.refresh_from_db()
    assert paper.title == "Transformers"  # the organiser's title stays
    assert outcome.kept == ["title"]
    assert paper.authors == "Ashish Vaswani, Noam Shazeer, Niki Parmar"
    assert paper.year == 2017
    assert paper.venue == "arXiv"
    assert paper.abstract.startswith(ATTENTION_ABSTRACT_START)
    assert paper.pdf_url == "https://arxiv.org/pdf/1706.03762v7"
    assert set(outcome.filled) == {"authors", "year", "venue", "abstract", "pdf_url"}
    [request] = web.requests
    assert request.url.params["id_list"] == "1706.03762"
    assert request.headers["User-Agent"] == "Test Reading Group reading-group admin (mailto:organisers@example.org)"


def test_arxiv_id_is_taken_from_the_papers_link_and_stored(web):
    web.answers[ARXIV_URL] = ARXIV_ATOM
    paper = PaperFactory(authors="", year=None, url="https://arxiv.org/pdf/1706.03762v7.pdf")

    outcome = _fill(paper)

    assert outcome.error == ""
    assert _fields(paper)["arxiv_id"] == "1706.03762v7"
    assert web.requests[0].url.params["id_list"] == "1706.03762v7"


def test_crossref_answer_fills_the_empty_fields(web):
    web.answers[CROSSREF_URL] = CROSSREF_JSON
    paper = PaperFactory(authors="", year=None, doi="https://doi.org/10.1038/nature14539")

    outcome = _fill(paper)

    assert outcome.error == ""
    assert _fields(paper) | {"title": "-"} == {
        "title": "-",
        "authors": "Yann LeCun, Yoshua Bengio, Geoffrey Hinton",
        "year": 2015,
        "venue": "Nature",
        "abstract": "Deep learning allows computational models that are composed of multiple processing layers to "
        "learn representations of data with multiple levels of abstraction.",
        "pdf_url": "https://www.nature.com/articles/nature14539.pdf",
        "arxiv_id": "",
        "doi": "10.1038/nature14539",
    }
    assert web.requests[0].headers["User-Agent"].endswith("(mailto:organisers@example.org)")


def test_with_both_the_journal_beats_arxiv_as_venue_and_arxiv_gives_the_abstract(web):
    web.answers[ARXIV_URL] = ARXIV_ATOM
    web.answers[CROSSREF_URL] = CROSSREF_JSON
    paper = PaperFactory(authors="", year=None, venue="", arxiv_id="1706.03762", doi="10.1038/nature14539")

    assert _fill(paper).error == ""

    fields = _fields(paper)
    assert fields["venue"] == "Nature"
    assert fields["abstract"].startswith(ATTENTION_ABSTRACT_START)


def test_edited_fields_are_not_overwritten_unless_asked(web):
    web.answers[ARXIV_URL] = ARXIV_ATOM
    paper = PaperFactory(
        title="Transformers", authors="A. Vaswani et al.", year=2018, venue="NeurIPS", arxiv_id="1706.03762"
    )

    outcome = _fill(paper)

    fields = _fields(paper)
    assert (fields["title"], fields["authors"], fields["year"], fields["venue"]) == (
        "Transformers",
        "A. Vaswani et al.",
        2018,
        "NeurIPS",
    )
    assert set(outcome.kept) == {"title", "authors", "year", "venue"}
    assert set(outcome.filled) == {"abstract", "pdf_url"}

    outcome = _fill(paper, overwrite=True)

    fields = _fields(paper)
    assert (fields["title"], fields["authors"], fields["year"]) == (
        "Attention Is All You Need",
        "Ashish Vaswani, Noam Shazeer, Niki Parmar",
        2017,
    )
    assert outcome.kept == []


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx.ReadTimeout("slow"), "arXiv did not answer within 5 seconds"),
        (httpx.ConnectTimeout("slow"), "arXiv did not answer within 5 seconds"),
        (httpx.ConnectError("refused"), "Could not reach arXiv (ConnectError)"),
        ((503, b"busy"), "arXiv answered with an error (HTTP 503)"),
        ((DATA / "arxiv-malformed.xml").read_bytes(), "arXiv's answer could not be read (not valid XML)"),
        (b'{"not": "atom"}', "arXiv's answer could not be read (not valid XML)"),
        (b"<html><body>Rate limited</body></html>", "arXiv's answer could not be read (not an Atom feed)"),
        ((DATA / "arxiv-error.xml").read_bytes(), "arXiv refused the look-up: incorrect id format for 1706.99999"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "arXiv has no paper 1706.03762"),
    ],
)
def test_a_failed_arxiv_look_up_changes_nothing_and_says_why(web, answer, message):
    web.answers[ARXIV_URL] = answer
    paper = PaperFactory(authors="", year=None, arxiv_id="1706.03762")
    before = _fields(paper)

    outcome = _fill(paper)

    assert message in outcome.error
    assert outcome.filled == []
    assert _fields(paper) == before


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx.ReadTimeout("slow"), "Crossref did not answer within 5 seconds"),
        ((404, b"Resource not found."), "Crossref does not know this paper (HTTP 404)"),
        ((DATA / "crossref-malformed.json").read_bytes(), "Crossref's answer could not be read"),
        (b"<html>oops</html>", "Crossref's answer could not be read"),
        (b'{"message": {"title": ["Deep learning"], "author": [1, 2]}}', "Crossref's answer could not be read"),
    ],
)
def test_a_failed_crossref_look_up_changes_nothing_even_after_arxiv_answered(web, answer, message):
    web.answers[ARXIV_URL] = ARXIV_ATOM
    web.answers[CROSSREF_URL] = answer
    paper = PaperFactory(authors="", year=None, arxiv_id="1706.03762", doi="10.1038/nature14539")
    before = _fields(paper)

    outcome = _fill(paper)

    assert message in outcome.error
    assert _fields(paper) == before


def test_an_oversized_answer_is_not_read_to_the_end(web, monkeypatch):
    monkeypatch.setattr(metadata, "MAX_RESPONSE_BYTES", 100)
    web.answers[ARXIV_URL] = ARXIV_ATOM
    paper = PaperFactory(authors="", arxiv_id="1706.03762")

    assert "unexpectedly large" in _fill(paper).error


def test_a_look_up_stops_when_the_time_for_the_request_is_used_up(web, monkeypatch):
    monkeypatch.setattr(metadata, "TOTAL_SECONDS", 0)
    paper = PaperFactory(authors="", arxiv_id="1706.03762")

    outcome = _fill(paper)

    assert "Not asked arXiv" in outcome.error
    assert web.requests == []


def test_a_paper_without_arxiv_id_or_doi_is_not_looked_up(web):
    outcome = _fill(PaperFactory(url="https://example.org/paper.pdf"))

    assert "no arXiv id or DOI" in outcome.error
    assert web.requests == []


def test_too_many_papers_at_once_are_refused_before_any_request(web):
    papers = PaperFactory.create_batch(metadata.MAX_PAPERS + 1, arxiv_id="1706.03762")

    with pytest.raises(metadata.MetadataError, match="at most"):
        metadata.papers_metadata_fill(papers)
    assert web.requests == []


@pytest.mark.parametrize(
    ("fields", "arxiv_id", "doi"),
    [
        ({"arxiv_id": "arXiv:1706.03762v5"}, "1706.03762v5", ""),
        ({"arxiv_id": "hep-th/9901001"}, "hep-th/9901001", ""),
        ({"url": "https://arxiv.org/abs/1706.03762"}, "1706.03762", ""),
        ({"doi": "doi:10.1038/nature14539"}, "", "10.1038/nature14539"),
        ({"url": "https://doi.org/10.1109/5.726791"}, "", "10.1109/5.726791"),
        ({"arxiv_id": "not an id", "doi": "nonsense"}, "", ""),
    ],
)
def test_ids_are_found_in_fields_and_links(fields, arxiv_id, doi):
    paper = Paper(title="x", **fields)
    assert (metadata.arxiv_id_of(paper), metadata.doi_of(paper)) == (arxiv_id, doi)


# The admin: an action on the paper list, and buttons on the paper form.


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_admin_action_fills_selected_papers(organiser_client, web):
    web.answers[ARXIV_URL] = ARXIV_ATOM
    paper = PaperFactory(authors="", year=None, arxiv_id="1706.03762")

    response = organiser_client.post(
        reverse("admin:papers_paper_changelist"), {"action": "fill_metadata", "_selected_action": [paper.pk]}
    )

    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.year == 2017
    [message] = _messages(response)
    assert message.startswith(f"{paper}: filled authors, year, venue, abstract, PDF link.")
    assert "Kept what you had entered for title." in message


def test_admin_action_reports_a_timeout_and_changes_nothing(organiser_client, web):
    web.answers[ARXIV_URL] = httpx.ReadTimeout("slow")
    paper = PaperFactory(authors="", year=None, arxiv_id="1706.03762")

    response = organiser_client.post(
        reverse("admin:papers_paper_changelist"), {"action": "fill_metadata", "_selected_action": [paper.pk]}
    )

    assert _messages(response) == [
        f"{paper}: nothing was changed. arXiv did not answer within 5 seconds. Try again later."
    ]
    paper.refresh_from_db()
    assert (paper.authors, paper.year) == ("", None)


def _change_form(paper, **overrides):
    data = {
        "week": str(paper.week_id),
        "position": str(paper.position),
        "title": paper.title,
        "focus_note": "",
        "authors": paper.authors,
        "year": "" if paper.year is None else str(paper.year),
        "venue": paper.venue,
        "url": paper.url,
        "pdf_url": paper.pdf_url,
        "arxiv_id": paper.arxiv_id,
        "doi": paper.doi,
        "abstract": paper.abstract,
        "note": "",
        "resources-TOTAL_FORMS": "0",
        "resources-INITIAL_FORMS": "0",
        "resources-MIN_NUM_FORMS": "0",
        "resources-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


def test_change_page_offers_the_fill_buttons(organiser_client):
    paper = PaperFactory()
    page = organiser_client.get(reverse("admin:papers_paper_change", args=[paper.pk])).content.decode()
    assert 'name="_fill_metadata"' in page
    assert 'name="_fill_metadata_overwrite"' in page


def test_save_and_fill_saves_the_typed_arxiv_id_then_fills_empty_fields(organiser_client, web):
    web.answers[ARXIV_URL] = ARXIV_ATOM
    paper = PaperFactory(title="Transformers", authors="", year=None)
    url = reverse("admin:papers_paper_change", args=[paper.pk])

    response = organiser_client.post(url, _change_form(paper, arxiv_id="1706.03762", _fill_metadata="1"))

    assert response.status_code == 302
    assert response.url == url
    paper.refresh_from_db()
    assert (paper.arxiv_id, paper.title, paper.year) == ("1706.03762", "Transformers", 2017)


def test_save_and_fill_replacing_overwrites_filled_fields(organiser_client, web):
    web.answers[ARXIV_URL] = ARXIV_ATOM
    paper = PaperFactory(title="Transformers", arxiv_id="1706.03762")
    url = reverse("admin:papers_paper_change", args=[paper.pk])

    organiser_client.post(url, _change_form(paper, _fill_metadata_overwrite="1"))

    paper.refresh_from_db()
    assert (paper.title, paper.authors) == ("Attention Is All You Need", "Ashish Vaswani, Noam Shazeer, Niki Parmar")


def test_save_and_fill_on_the_add_page_goes_on_to_the_change_page(organiser_client, web):
    web.answers[CROSSREF_URL] = CROSSREF_JSON
    template = PaperFactory.build(week=PaperFactory().week, position=9, title="Deep learning", authors="", year=None)

    response = organiser_client.post(
        reverse("admin:papers_paper_add"), _change_form(template, doi="10.1038/nature14539", _fill_metadata="1")
    )

    paper = Paper.objects.get(week=template.week, position=9)
    assert response.url == reverse("admin:papers_paper_change", args=[paper.pk])
    assert paper.venue == "Nature"


def test_organisers_can_edit_resource_titles_on_the_week_and_paper_pages(organiser_client):
    resource = ResourceFactory(url="https://youtu.be/iDulhoQ2pro", title="")
    assert resource.display_title == "YouTube video"
    week_page = organiser_client.get(reverse("admin:papers_week_change", args=[resource.week_id])).content.decode()
    assert 'name="resources-0-title"' in week_page

    paper = PaperFactory(week=resource.week)
    ResourceFactory(week=resource.week, paper=paper, url="https://github.com/karpathy/char-rnn", title="")
    paper_page = organiser_client.get(reverse("admin:papers_paper_change", args=[paper.pk])).content.decode()
    assert 'name="resources-0-title"' in paper_page
