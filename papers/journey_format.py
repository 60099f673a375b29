"""Reads a reading list written in the Deep-Learning-Journey README style.

The style, as the group has written it so far:

- ``### Week N`` (optionally ``### Week N: Title``) opens a week; a level-1 to 3 heading of any other
  kind closes it. Anything before the first week is the README's own preamble and is skipped.
- Prose paragraphs of a week are its intro. Sentences that say how reviews are grouped ("One for the
  Paper 3 and a single review for Paper 1 and 2 …") become review scopes when they can be read, and are
  kept as the week's review plan text when they cannot.
- ``#### Paper N: Title`` opens a paper; links and notes under it belong to it; ``Link to the paper:``
  gives its link. Another level-4 heading returns to week level and acts as a lead-in.
- A line ending in ``:`` is a lead-in ("Youtube Videos:", "Blog posts:", "Supplementary Paper:"): the
  links after it are grouped under it and their kind is inferred from it and from the URL. A short line
  on its own ("CNN", "ResNet") is a topic label for the links that follow.

The file is not trusted: it is at most ``MAX_SOURCE_CHARS`` long, week and paper numbers are bounded
before anything is expanded (``Papers 1 to 2000000000`` is an error, not a two-billion-item list), and a
text longer than the field it goes to is an error naming its line. Every error is a
``JourneyFormatError`` with the line number where there is one.

This module only parses; ``papers.services.journey_import`` writes.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from papers.models import Paper, Resource, ReviewScope, Week

Kind = Resource.Kind

# Bounds on what a file can ask for. A real reading list is a few kilobytes with a handful of papers a week.
MAX_SOURCE_CHARS = 1_000_000
MAX_WEEK_NUMBER = 999
MAX_PAPER_NUMBER = 99
MAX_LINKS_PER_WEEK = 1_000


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


WEEK_TITLE_MAX = _max_length(Week, "title")
INTRO_MAX = _max_length(Week, "intro")
REVIEW_PLAN_MAX = INTRO_MAX  # a plain text field in the model; the importer holds it to the intro's budget
PAPER_TITLE_MAX = _max_length(Paper, "title")
PAPER_NOTE_MAX = _max_length(Paper, "note")
FOCUS_NOTE_MAX = _max_length(Paper, "focus_note")
URL_MAX = _max_length(Resource, "url")
LINK_TITLE_MAX = _max_length(Resource, "title")
LINK_NOTE_MAX = _max_length(Resource, "note")
SCOPE_FOCUS_MAX = _max_length(ReviewScope, "focus")


class JourneyFormatError(ValueError):
    def __init__(self, line: int | None, message: str):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


def _bounded_number(digits: str, what: str, maximum: int, line: int | None = None) -> int:
    """``int(digits)``, refused (before converting a 5,000-digit string) when above ``maximum``."""
    if len(digits.lstrip("0")) > len(str(maximum)) or int(digits) > maximum:
        shown = digits if len(digits) <= 12 else f"{digits[:12]}…"
        raise JourneyFormatError(line, f"{what} {shown} is out of range ({what.lower()} numbers go up to {maximum})")
    return int(digits)


def _check_length(line: int | None, what: str, text: str, maximum: int) -> None:
    if len(text) > maximum:
        raise JourneyFormatError(line, f"{what} is longer than {maximum:,} characters ({len(text):,})")


@dataclass
class ParsedLink:
    url: str
    line: int
    title: str = ""
    kind: str = Kind.OTHER
    topic: str = ""
    note: str = ""


@dataclass
class ParsedPaper:
    number: int
    title: str
    line: int
    url: str = ""
    pdf_url: str = ""
    focus_note: str = ""
    note_paragraphs: list[str] = field(default_factory=list)
    links: list[ParsedLink] = field(default_factory=list)


@dataclass
class ParsedScope:
    paper_numbers: tuple[int, ...]
    focus: str = ""


@dataclass
class ParsedWeek:
    number: int
    title: str
    line: int
    intro_paragraphs: list[str] = field(default_factory=list)
    review_plan: str = ""
    scopes: list[ParsedScope] = field(default_factory=list)
    papers: list[ParsedPaper] = field(default_factory=list)
    links: list[ParsedLink] = field(default_factory=list)

    @property
    def intro(self) -> str:
        return "\n\n".join(self.intro_paragraphs)


HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
WEEK_HEADING = re.compile(r"^week\b\s*(?P<rest>.*)$", re.IGNORECASE)
WEEK_NUMBER = re.compile(r"^(?P<number>\d+)\s*(?:[:.\-–—]\s*(?P<title>.*))?$")
PAPER_HEADING = re.compile(r"^paper\b\s*(?P<rest>.*)$", re.IGNORECASE)
PAPER_NUMBER = re.compile(r"^(?P<number>\d+)\s*(?:[:.\-–—]\s*(?P<title>.*))?$")
LIST_MARKER = re.compile(r"^(?:\d+[.)]|[-*+])\s+")
MARKDOWN_LINK = re.compile(r"\[(?P<text>[^\[\]]*)\]\((?P<url>https?://[^\s)]+)(?:\s+\"[^\"]*\")?\)")
BARE_URL = re.compile(r"https?://[^\s<>()\[\],]+")
PAPER_LINK_LEAD = re.compile(r"^(?:link to (?:the )?paper|paper link|link)\s*:?\s*$", re.IGNORECASE)
PDF_LINK_LEAD = re.compile(r"^(?:pdf|link to (?:the )?pdf)\s*:?\s*$", re.IGNORECASE)

# A grouping sentence says how many reviews there are or which papers a review covers.
MENTIONS_REVIEW = re.compile(r"\breview(?:s|ed|ing)?\b", re.IGNORECASE)
GROUPING_HINT = re.compile(
    r"\bpapers?\s+\d|\b(?:one|two|three|four|five|six|\d+|a single|a separate|a combined|a joint)\s+reviews?\b",
    re.IGNORECASE,
)
REVIEW_COUNT = re.compile(r"\b(one|two|three|four|five|six|\d+)\s+reviews\b", re.IGNORECASE)
COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
SCOPE_START = re.compile(
    r"\b(?:one|another|a|a single|a separate|a combined|a joint)\s+(?:review\s+)?(?:for|of|covering)\b",
    re.IGNORECASE,
)
SCOPE_FOCUS = re.compile(
    r"[,;]?\s*(?:but\s+)?(?:by\s+)?(?:only\s+)?focus(?:ing|ed|es)?\s+(?:only\s+)?on\s+(?:the\s+)?(?P<focus>.+?)\s*[.;]?\s*$",
    re.IGNORECASE,
)
PAPER_NUMBERS = re.compile(r"\bpapers?\s+(?P<list>\d+(?:\s*(?:,|and|&|to|-|–)\s*\d+)*)", re.IGNORECASE)
FOCUS_ON_PAPER = re.compile(r"^(?P<part>.+?)\s+of\s+(?:the\s+)?paper\s+(?P<number>\d+)$", re.IGNORECASE)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")

TOPIC_MAX_WORDS = 4
TOPIC_MAX_CHARS = 40

LEAD_IN_KINDS = [
    (re.compile(r"supplementa\w*\s+(?:paper|reading)|further reading|related paper", re.I), Kind.SUPPLEMENTARY_PAPER),
    (re.compile(r"youtube|video|lecture recording|talk", re.I), Kind.VIDEO),
    (re.compile(r"blog", re.I), Kind.BLOG_POST),
    (re.compile(r"course|lecture notes|notes|slides|tutorial", re.I), Kind.COURSE_NOTES),
    (re.compile(r"\bcode\b|implementation|github|notebook", re.I), Kind.CODE),
]
VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com")
CODE_HOSTS = ("github.com", "gitlab.com", "colab.research.google.com", "paperswithcode.com")
BLOG_HOSTS = ("medium.com", "towardsdatascience.com", "substack.com", "distill.pub", "colah.github.io",
              "ujjwalkarn.me", "karpathy.github.io", "lilianweng.github.io")  # fmt: skip
NOTES_HOSTS = ("cs231n.github.io", "cs224d.stanford.edu", "d2l.ai")
PAPER_HOSTS = ("arxiv.org", "doi.org", "openreview.net", "aclanthology.org", "proceedings.neurips.cc",
               "papers.nips.cc", "ncbi.nlm.nih.gov")  # fmt: skip


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower().removeprefix("www.").removeprefix("m.")


def _host_in(host: str, hosts: tuple[str, ...]) -> bool:
    return any(host == h or host.endswith(f".{h}") for h in hosts)


def infer_kind(url: str, lead_in: str = "") -> str:
    """Strong URL signals first (a YouTube link is a video wherever it is listed), then the lead-in."""
    host = _host(url)
    if _host_in(host, VIDEO_HOSTS):
        return Kind.VIDEO
    if _host_in(host, ("github.com", "gitlab.com")) and not host.endswith(".github.io"):
        return Kind.CODE
    for pattern, kind in LEAD_IN_KINDS:
        if lead_in and pattern.search(lead_in):
            return kind
    path = urlsplit(url).path.lower()
    if _host_in(host, PAPER_HOSTS) or path.endswith(".pdf"):
        return Kind.SUPPLEMENTARY_PAPER
    if _host_in(host, BLOG_HOSTS) or "blog" in host:
        return Kind.BLOG_POST
    if _host_in(host, NOTES_HOSTS):
        return Kind.COURSE_NOTES
    if _host_in(host, CODE_HOSTS):
        return Kind.CODE
    return Kind.OTHER


def _numbers(listing: str, line: int | None = None) -> list[int]:
    """ "1, 2 and 4 to 6" → [1, 2, 4, 5, 6]. Every number is bounded before a range is expanded."""
    numbers: list[int] = []
    for match in re.finditer(r"(\d+)(?:\s*(?:to|-|–)\s*(\d+))?", listing):
        start = _bounded_number(match.group(1), "Paper", MAX_PAPER_NUMBER, line)
        end = _bounded_number(match.group(2), "Paper", MAX_PAPER_NUMBER, line) if match.group(2) else None
        numbers.extend(range(start, end + 1) if end is not None and end >= start else [start])
    return numbers


def check_paper_numbers(text: str, line: int | None = None) -> None:
    """Raise ``JourneyFormatError`` if ``text`` names a paper (or a range ending at one) that cannot exist."""
    for match in PAPER_NUMBERS.finditer(text):
        _numbers(match.group("list"), line)


def parse_scopes(text: str) -> list[ParsedScope] | None:
    """Read "one review for Paper 3 and one for Papers 1 and 2, focusing on …"; None when unreadable."""
    starts = list(SCOPE_START.finditer(text))
    if not starts:
        return None
    scopes = []
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        segment = text[start.end() : end]
        focus = ""
        focus_match = SCOPE_FOCUS.search(segment)
        if focus_match:
            focus = focus_match.group("focus").strip()
            focus = focus[:1].upper() + focus[1:]
            segment = segment[: focus_match.start()]
        numbers = [n for m in PAPER_NUMBERS.finditer(segment) for n in _numbers(m.group("list"))]
        if not numbers:
            return None
        scopes.append(ParsedScope(paper_numbers=tuple(sorted(set(numbers))), focus=focus))
    count = REVIEW_COUNT.search(text)
    if count:
        word = count.group(1).lower()
        expected = int(word) if word.isdigit() else COUNT_WORDS[word]
        if expected != len(scopes):
            return None
    return scopes


def _is_topic_line(paragraph: list[str]) -> bool:
    if len(paragraph) != 1:
        return False
    text = paragraph[0]
    return (
        len(text) <= TOPIC_MAX_CHARS
        and len(text.split()) <= TOPIC_MAX_WORDS
        and not re.search(r"[.!?:,;]$", text)
        and not MENTIONS_REVIEW.search(text)
    )


class _Parser:
    def __init__(self):
        self.weeks: list[ParsedWeek] = []
        self.week: ParsedWeek | None = None
        self.paper: ParsedPaper | None = None
        self.topic = ""
        self.lead_in = ""
        self.paragraph: list[str] = []
        self.paragraph_line = 0
        self.grouping: list[tuple[int, str]] = []

    # -- structure -------------------------------------------------------------------------------
    def close_week(self):
        self.flush_paragraph()
        if self.week is not None:
            self.finish_review_plan()
        self.week = None
        self.paper = None
        self.reset_grouping_labels()

    def reset_grouping_labels(self):
        self.topic = ""
        self.lead_in = ""

    def open_week(self, line_number: int, rest: str):
        match = WEEK_NUMBER.match(rest.strip())
        if not match:
            raise JourneyFormatError(line_number, "week heading without a week number (expected '### Week N')")
        number = _bounded_number(match.group("number"), "Week", MAX_WEEK_NUMBER, line_number)
        if number < 1:
            raise JourneyFormatError(line_number, "week numbers start at 1")
        if any(week.number == number for week in self.weeks):
            raise JourneyFormatError(line_number, f"Week {number} appears twice")
        title = (match.group("title") or "").strip()
        _check_length(line_number, f"the title of Week {number}", title, WEEK_TITLE_MAX)
        self.close_week()
        self.week = ParsedWeek(number=number, title=title, line=line_number)
        self.weeks.append(self.week)

    def open_paper(self, line_number: int, rest: str):
        if self.week is None:
            raise JourneyFormatError(line_number, "paper heading outside a week (add a '### Week N' heading above it)")
        match = PAPER_NUMBER.match(rest.strip())
        if not match:
            raise JourneyFormatError(
                line_number, "paper heading without a paper number (expected '#### Paper N: Title')"
            )
        number = _bounded_number(match.group("number"), "Paper", MAX_PAPER_NUMBER, line_number)
        title = (match.group("title") or "").strip()
        if not title:
            raise JourneyFormatError(line_number, f"Paper {number} has no title")
        _check_length(line_number, f"the title of Paper {number}", title, PAPER_TITLE_MAX)
        if number < 1:
            raise JourneyFormatError(line_number, "paper numbers start at 1")
        if any(paper.number == number for paper in self.week.papers):
            raise JourneyFormatError(line_number, f"Paper {number} appears twice in Week {self.week.number}")
        self.flush_paragraph()
        self.paper = ParsedPaper(number=number, title=title, line=line_number)
        self.week.papers.append(self.paper)
        self.reset_grouping_labels()

    def heading(self, line_number: int, level: int, text: str):
        week_match = WEEK_HEADING.match(text)
        paper_match = PAPER_HEADING.match(text)
        if level == 3 and week_match:
            self.open_week(line_number, week_match.group("rest"))
        elif level == 4 and paper_match:
            self.open_paper(line_number, paper_match.group("rest"))
        elif level <= 3:
            self.close_week()
        else:
            self.flush_paragraph()
            self.paper = None
            self.topic = ""
            self.lead_in = text.rstrip(":").strip()

    # -- paragraphs ------------------------------------------------------------------------------
    def add_text(self, line_number: int, text: str):
        if not self.paragraph:
            self.paragraph_line = line_number
        self.paragraph.append(text)

    def flush_paragraph(self):
        paragraph, self.paragraph = self.paragraph, []
        if not paragraph or self.week is None:
            return
        if _is_topic_line(paragraph):
            self.topic = paragraph[0].strip()
            self.lead_in = ""
            return
        text = " ".join(line.strip() for line in paragraph)
        if text.endswith(":"):
            self.lead_in = text.rstrip(":").strip()
            return
        self.lead_in = ""
        if self.paper is None and self.take_grouping_sentences(text, paragraph):
            kept = [s for s in SENTENCE_BREAK.split(text) if not self.is_grouping_sentence(s)]
            if kept:
                self.add_intro(" ".join(kept))
            return
        block = "\n".join(paragraph)
        if self.paper is not None:
            self.paper.note_paragraphs.append(block)
            note = "\n\n".join(self.paper.note_paragraphs)
            _check_length(self.paragraph_line, f"the note on Paper {self.paper.number}", note, PAPER_NOTE_MAX)
        else:
            self.add_intro(block)

    def add_intro(self, block: str):
        self.week.intro_paragraphs.append(block)
        _check_length(self.paragraph_line, f"the intro of Week {self.week.number}", self.week.intro, INTRO_MAX)

    @staticmethod
    def is_grouping_sentence(sentence: str) -> bool:
        return bool(MENTIONS_REVIEW.search(sentence) and GROUPING_HINT.search(sentence))

    def take_grouping_sentences(self, text: str, paragraph: list[str]) -> bool:
        sentences = [s for s in SENTENCE_BREAK.split(text) if self.is_grouping_sentence(s)]
        # ``text`` is the paragraph's stripped lines joined by spaces: find the line each sentence starts on.
        line_starts, offset = [], 0
        for raw in paragraph:
            line_starts.append(offset)
            offset += len(raw.strip()) + 1
        for sentence in sentences:
            at = text.find(sentence)
            line = self.paragraph_line + sum(1 for start in line_starts[1:] if start <= at)
            check_paper_numbers(sentence, line)
            self.grouping.append((line, sentence))
        return bool(sentences)

    def finish_review_plan(self):
        grouping, self.grouping = self.grouping, []
        if not grouping:
            return
        text = " ".join(sentence for _, sentence in grouping)
        first_line = grouping[0][0]
        _check_length(first_line, f"the review plan of Week {self.week.number}", text, REVIEW_PLAN_MAX)
        scopes = parse_scopes(text)
        known = {paper.number for paper in self.week.papers}
        readable = scopes is not None and all(set(s.paper_numbers) <= known for s in scopes)
        covered = [n for s in scopes or [] for n in s.paper_numbers]
        if readable and len(covered) == len(set(covered)):
            lines = [next((n for n, s in grouping if scope.focus.lower() in s.lower()), first_line) for scope in scopes]
            for scope, line in zip(scopes, lines, strict=True):
                _check_length(line, "a review's focus", scope.focus, SCOPE_FOCUS_MAX)
            self.week.scopes = scopes
            self.apply_focus_notes(scopes, lines)
        else:
            self.week.review_plan = text

    def apply_focus_notes(self, scopes: list[ParsedScope], lines: list[int]):
        papers = {paper.number: paper for paper in self.week.papers}
        for scope, line in zip(scopes, lines, strict=True):
            match = FOCUS_ON_PAPER.match(scope.focus)
            if match and int(match.group("number")) in scope.paper_numbers:
                paper = papers[int(match.group("number"))]
                paper.focus_note = f"{match.group('part')} only"
                _check_length(line, f"the reading focus of Paper {paper.number}", paper.focus_note, FOCUS_NOTE_MAX)

    # -- links -----------------------------------------------------------------------------------
    def links(self, line_number: int, text: str):
        self.flush_paragraph()
        if self.week is None:
            return
        body = LIST_MARKER.sub("", text.strip(), count=1)
        found: list[tuple[str, str]] = []
        for match in MARKDOWN_LINK.finditer(body):
            found.append((match.group("url"), match.group("text").strip()))
        without_markdown = MARKDOWN_LINK.sub(" ", body)
        for match in BARE_URL.finditer(without_markdown):
            found.append((match.group(0).rstrip(".;:!?'\""), ""))
        first_url = min((body.find(url) for url, _ in found), default=0)
        prefix = body[:first_url] if not MARKDOWN_LINK.match(body) else ""
        prefix = re.sub(r"\[[^\[\]]*$", "", prefix).strip()
        if PAPER_LINK_LEAD.match(prefix) or PDF_LINK_LEAD.match(prefix):
            if self.paper is None:
                raise JourneyFormatError(line_number, f"'{prefix.rstrip(':')}' is not under a '#### Paper N' heading")
            url = found[0][0]
            _check_length(line_number, "the link", url, URL_MAX)
            if PDF_LINK_LEAD.match(prefix):
                self.paper.pdf_url = url
            else:
                self.paper.url = url
            return
        inline_label = prefix.rstrip(":").strip()
        target = self.paper.links if self.paper is not None else self.week.links
        for url, title in found:
            link = ParsedLink(
                url=url,
                line=line_number,
                title=title or (inline_label if len(found) == 1 else ""),
                kind=infer_kind(url, inline_label or self.lead_in or self.topic),
                topic=self.topic,
                note=self.lead_in,
            )
            _check_length(line_number, "the link", link.url, URL_MAX)
            _check_length(line_number, "the link's title", link.title, LINK_TITLE_MAX)
            _check_length(line_number, "the lead-in above this link", link.note, LINK_NOTE_MAX)
            target.append(link)
        count = len(self.week.links) + sum(len(paper.links) for paper in self.week.papers)
        if count > MAX_LINKS_PER_WEEK:
            raise JourneyFormatError(line_number, f"Week {self.week.number} has more than {MAX_LINKS_PER_WEEK:,} links")

    # -- driver ----------------------------------------------------------------------------------
    def feed(self, line_number: int, raw: str):
        text = raw.strip()
        heading = HEADING.match(text)
        if heading:
            self.flush_paragraph()
            self.heading(line_number, len(heading.group(1)), heading.group(2).strip())
        elif not text:
            self.flush_paragraph()
        elif BARE_URL.search(text):
            self.links(line_number, text)
        else:
            self.add_text(line_number, text)


def parse_journey(text: str) -> list[ParsedWeek]:
    """Parse a README into weeks; raises ``JourneyFormatError`` naming the first bad line."""
    if len(text) > MAX_SOURCE_CHARS:
        raise JourneyFormatError(None, f"the reading list is longer than {MAX_SOURCE_CHARS:,} characters")
    parser = _Parser()
    for line_number, raw in enumerate(text.splitlines(), start=1):
        parser.feed(line_number, raw)
    parser.close_week()
    if not parser.weeks:
        raise JourneyFormatError(None, "no '### Week N' heading found; nothing to import")
    return parser.weeks
