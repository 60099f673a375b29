"""Bibliographic details from arXiv and Crossref, for the paper admin's "Fill from arXiv id / DOI".

The arXiv id comes from the paper's arXiv id field or an arxiv.org link, the DOI from its DOI field or a
doi.org link. One arXiv request serves every selected paper (arXiv asks for few, spaced requests); Crossref
is asked once per DOI. Every request is a plain HTTPS GET with httpx: at most ``REQUEST_TIMEOUT`` seconds
each, ``TOTAL_SECONDS`` for one admin request altogether, at most ``MAX_RESPONSE_BYTES`` read, no
redirects, and a User-Agent naming the site and ``settings.METADATA_CONTACT_EMAIL`` (Crossref's "polite"
pool). Any failure, a timeout or an answer that cannot be read becomes a ``MetadataError`` with a sentence
for the organiser, and nothing of that paper is changed. Fields an organiser has filled are kept unless
``overwrite`` is asked for; only what differs is written, with ``update_fields``.
"""

import html
import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from papers.models import Paper

ARXIV_API = "https://export.arxiv.org/api/query"
CROSSREF_API = "https://api.crossref.org/works/"
REQUEST_TIMEOUT = 5.0
TOTAL_SECONDS = 8.0
MAX_RESPONSE_BYTES = 2_000_000
MAX_PAPERS = 10
# What a look-up may fill, in the order the admin names them.
FILLABLE = ("title", "authors", "year", "venue", "abstract", "pdf_url", "arxiv_id", "doi")
YEAR_RANGE = (1600, 2200)  # the model's paper_year_plausible constraint

# Tests replace this with an httpx.MockTransport; None means httpx's own HTTPS transport.
transport: httpx.BaseTransport | None = None

ARXIV_ID = re.compile(r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.\-]*(?:\.[A-Z]{2})?/\d{7})(?P<version>v\d+)?", re.I)
ARXIV_LINK = re.compile(r"arxiv\.org/(?:abs|pdf|html)/(?P<rest>[^?#]+)", re.I)
DOI = re.compile(r"10\.\d{4,9}/\S+")
DOI_LINK = re.compile(r"doi\.org/(?P<doi>10\.\d{4,9}/[^?#\s]+)", re.I)
ATOM = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


class MetadataError(Exception):
    """A look-up failed; the message is meant for the organiser."""


@dataclass
class Outcome:
    paper: Paper
    filled: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # filled by an organiser and left alone
    error: str = ""


class Deadline:
    def __init__(self, seconds: float | None = None):
        self.seconds = TOTAL_SECONDS if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds

    def timeout(self, service: str) -> float:
        left = self.ends - time.monotonic()
        if left < 0.5:
            raise MetadataError(f"Not asked {service}: the admin waits at most {self.seconds:g} seconds per request.")
        return min(REQUEST_TIMEOUT, left)

    def passed(self) -> bool:
        return time.monotonic() > self.ends


def arxiv_id_of(paper: Paper) -> str:
    """ "1706.03762" from the arXiv id field ("arXiv:1706.03762v5" is fine too) or an arxiv.org link."""
    candidates = [paper.arxiv_id]
    for link in (paper.url, paper.pdf_url):
        if match := ARXIV_LINK.search(link or ""):
            candidates.append(match["rest"])
    for candidate in candidates:
        text = (candidate or "").strip().removeprefix("arXiv:").removeprefix("arxiv:").removesuffix(".pdf")
        if match := ARXIV_ID.fullmatch(text):
            return match["id"] + (match["version"] or "")
    return ""


def doi_of(paper: Paper) -> str:
    """ "10.1038/nature14539" from the DOI field ("doi:…" or a doi.org link are fine too) or a doi.org link."""
    value = (paper.doi or "").strip()
    if match := DOI_LINK.search(value):
        return unquote(match["doi"])
    value = value.removeprefix("doi:").removeprefix("DOI:").strip()
    if DOI.fullmatch(value):
        return value
    for link in (paper.url, paper.pdf_url):
        if match := DOI_LINK.search(link or ""):
            return unquote(match["doi"])
    return ""


def user_agent() -> str:
    return f"{settings.SITE_NAME} reading-group admin (mailto:{settings.METADATA_CONTACT_EMAIL})"


def _get(service: str, url: str, params: dict | None, accept: str, deadline: Deadline) -> bytes:
    timeout = deadline.timeout(service)
    try:
        with (
            httpx.Client(
                transport=transport,
                timeout=timeout,
                headers={"User-Agent": user_agent(), "Accept": accept},
                follow_redirects=False,
            ) as client,
            client.stream("GET", url, params=params) as response,
        ):
            if response.status_code == 404:
                raise MetadataError(f"{service} does not know this paper (HTTP 404).")
            if response.status_code != 200:
                raise MetadataError(f"{service} answered with an error (HTTP {response.status_code}).")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise MetadataError(f"{service}'s answer was unexpectedly large; it was not used.")
                if deadline.passed():
                    raise httpx.ReadTimeout("total time used up")
            return bytes(body)
    except httpx.TimeoutException:
        raise MetadataError(f"{service} did not answer within {timeout:.0f} seconds. Try again later.") from None
    except httpx.HTTPError as error:
        raise MetadataError(f"Could not reach {service} ({type(error).__name__}). Try again later.") from None


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _fit(values: dict) -> dict:
    """Only what the Paper's fields can hold: lengths cut, implausible years and non-HTTPS links dropped."""
    fitted = {}
    for name, value in values.items():
        if name == "authors":
            value = _authors(value, Paper._meta.get_field("authors").max_length)
        if name == "year":
            value = value if isinstance(value, int) and YEAR_RANGE[0] <= value <= YEAR_RANGE[1] else None
        elif name == "pdf_url":
            max_length = Paper._meta.get_field("pdf_url").max_length
            value = value if value.startswith("https://") and len(value) <= max_length else ""
        elif isinstance(value, str):
            value = value.strip()
            max_length = Paper._meta.get_field(name).max_length
            if max_length and len(value) > max_length:
                value = value[: max_length - 1].rstrip() + "…"
        if value not in ("", None):
            fitted[name] = value
    return fitted


def _authors(names: list[str], max_length: int) -> str:
    names = [name for name in names if name]
    for count in range(len(names), 0, -1):
        text = ", ".join(names[:count]) + ("" if count == len(names) else " et al.")
        if len(text) <= max_length:
            return text
    return ""


def parse_arxiv(body: bytes) -> dict[str, dict]:
    """Entries of an arXiv API (Atom) answer, by id without version."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise MetadataError("arXiv's answer could not be read (not valid XML).") from None
    if root.tag != f"{{{ATOM['atom']}}}feed":
        raise MetadataError("arXiv's answer could not be read (not an Atom feed).")
    found = {}
    for entry in root.findall("atom:entry", ATOM):
        entry_id = _squash(entry.findtext("atom:id", "", ATOM))
        if "/api/errors" in entry_id:
            reason = _squash(entry.findtext("atom:summary", "", ATOM)) or "no reason given"
            raise MetadataError(f"arXiv refused the look-up: {reason}.")
        match = re.search(r"arxiv\.org/abs/(?P<id>.+?)(?:v\d+)?$", entry_id)
        title = _squash(entry.findtext("atom:title", "", ATOM))
        if not match or not title:
            raise MetadataError("arXiv's answer could not be read (an entry without id or title).")
        published = _squash(entry.findtext("atom:published", "", ATOM))
        pdf_links = [
            link.get("href", "")
            for link in entry.findall("atom:link", ATOM)
            if link.get("title") == "pdf" or link.get("type") == "application/pdf"
        ]
        found[match["id"]] = {
            "title": title,
            "authors": [_squash(a.findtext("atom:name", "", ATOM)) for a in entry.findall("atom:author", ATOM)],
            "year": int(published[:4]) if re.match(r"\d{4}-", published) else None,
            "venue": _squash(entry.findtext("arxiv:journal_ref", "", ATOM)) or "arXiv",
            "abstract": _squash(entry.findtext("atom:summary", "", ATOM)),
            "pdf_url": re.sub(r"^http://", "https://", pdf_links[0]) if pdf_links else "",
            "doi": _squash(entry.findtext("arxiv:doi", "", ATOM)),
        }
    return found


def parse_crossref(body: bytes) -> dict:
    """The details of one Crossref ``works/<doi>`` answer."""
    try:
        message = json.loads(body)["message"]
        title = _squash(_first(message.get("title")))
        if not title:
            raise ValueError("no title")
        authors = []
        for author in message.get("author") or []:
            name = author.get("name") or " ".join(filter(None, [author.get("given"), author.get("family")]))
            authors.append(_squash(name))
        year = None
        for key in ("published-print", "published-online", "issued", "published"):
            parts = (message.get(key) or {}).get("date-parts") or [[None]]
            if parts[0] and isinstance(parts[0][0], int):
                year = parts[0][0]
                break
        abstract = html.unescape(re.sub(r"<[^>]+>", " ", message.get("abstract") or ""))
        abstract = re.sub(r"^Abstract\s+", "", _squash(abstract))
        pdf_links = [
            link.get("URL", "") for link in message.get("link") or [] if link.get("content-type") == "application/pdf"
        ]
        return {
            "title": title,
            "authors": authors,
            "year": year,
            "venue": _squash(_first(message.get("container-title"))) or _squash(message.get("publisher")),
            "abstract": abstract,
            "pdf_url": pdf_links[0] if pdf_links else "",
        }
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        raise MetadataError("Crossref's answer could not be read (not the expected JSON).") from None


def _first(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def fetch_arxiv(ids: list[str], deadline: Deadline) -> dict[str, dict]:
    params = {"id_list": ",".join(ids), "max_results": str(len(ids))}
    return parse_arxiv(_get("arXiv", ARXIV_API, params, "application/atom+xml", deadline))


def fetch_crossref(doi: str, deadline: Deadline) -> dict:
    return parse_crossref(_get("Crossref", CROSSREF_API + quote(doi, safe="/"), None, "application/json", deadline))


def papers_metadata_fill(papers: Iterable[Paper], *, overwrite: bool = False) -> list[Outcome]:
    """Look the papers up and fill their empty fields (all fields with ``overwrite``), each on its own."""
    papers = list(papers)
    if len(papers) > MAX_PAPERS:
        raise MetadataError(f"Select at most {MAX_PAPERS} papers at a time, so that the page answers quickly.")
    deadline = Deadline()
    wanted = {paper.pk: (arxiv_id_of(paper), doi_of(paper)) for paper in papers}
    arxiv_found, arxiv_error = {}, ""
    arxiv_ids = sorted({arxiv_id for arxiv_id, _ in wanted.values() if arxiv_id})
    if arxiv_ids:
        try:
            arxiv_found = fetch_arxiv(arxiv_ids, deadline)
        except MetadataError as error:
            arxiv_error = str(error)
    outcomes = []
    for paper in papers:
        outcome = Outcome(paper=paper)
        try:
            values = _look_up(*wanted[paper.pk], arxiv_found, arxiv_error, deadline)
            _apply(outcome, values, overwrite)
        except MetadataError as error:
            outcome.error = str(error)
        outcomes.append(outcome)
    return outcomes


def _look_up(arxiv_id: str, doi: str, arxiv_found: dict, arxiv_error: str, deadline: Deadline) -> dict:
    if not arxiv_id and not doi:
        raise MetadataError("It has no arXiv id or DOI (in its fields or links) to look up.")
    values = {}
    if arxiv_id:
        if arxiv_error:
            raise MetadataError(arxiv_error)
        found = arxiv_found.get(ARXIV_ID.fullmatch(arxiv_id)["id"])
        if found is None:
            raise MetadataError(f"arXiv has no paper {arxiv_id}.")
        values = {**found, "arxiv_id": arxiv_id}
    if doi:
        crossref = fetch_crossref(doi, deadline)
        if values.get("venue", "arXiv") == "arXiv":  # a journal or proceedings name beats "arXiv"
            values.pop("venue", None)
        values = {**crossref, **{k: v for k, v in values.items() if v not in ("", None, [])}, "doi": doi}
    return _fit(values)


def _same_id(paper: Paper, name: str, value: str) -> bool:
    """ "arXiv:1706.03762" or a doi.org link in the id fields are the ids looked up, written the usual way."""
    if name == "arxiv_id":
        return arxiv_id_of(Paper(arxiv_id=paper.arxiv_id)) == value
    if name == "doi":
        return doi_of(Paper(doi=paper.doi)).lower() == value.lower()
    return False


def _apply(outcome: Outcome, values: dict, overwrite: bool) -> None:
    with transaction.atomic():
        paper = Paper.objects.select_for_update().get(pk=outcome.paper.pk)
        for name in FILLABLE:
            if name not in values or getattr(paper, name) == values[name]:
                continue
            if getattr(paper, name) not in ("", None) and not overwrite and not _same_id(paper, name, values[name]):
                outcome.kept.append(name)
                continue
            setattr(paper, name, values[name])
            outcome.filled.append(name)
        if not outcome.filled:
            return
        others = [f.name for f in Paper._meta.concrete_fields if f.name not in outcome.filled]
        try:
            paper.clean_fields(exclude=others)
        except ValidationError as error:
            outcome.filled = []
            raise MetadataError(f"The details found do not fit this paper: {'; '.join(error.messages)}") from None
        touched = [f.name for f in Paper._meta.concrete_fields if getattr(f, "auto_now", False)]
        paper.save(update_fields=[*outcome.filled, *touched])
    outcome.paper = paper
