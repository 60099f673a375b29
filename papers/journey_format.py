"""Reads a reading list written in the Deep-Learning-Journey README style.

The style, as the group has written it so far:

- ``### Week N`` (optionally ``### Week N: Title``) opens a week; a level-1 to 3 heading of any other
  kind closes it. Anything before the first week is the README's own preamble and is skipped.
- Prose paragraphs of a week are its intro. Sentences that say how reviews are grouped ("One for the
  Paper 3 and a single review for Paper 1 and 2 …", "one review covering both papers", "a review per
  paper", "Papers 1 and 3 together, Paper 2 on its own") become review scopes when they can be read, and
  are kept as the week's review plan text when they cannot.
- Sentences anywhere in the week that say what to read of a paper ("Only read Section 4 of Paper 1.",
  "skip the appendix of Paper 3", "For Paper 2 read Section 4 only"; under a paper heading also "Focus on
  Section 2.") become that paper's reading focus; "For the joint review of Papers 1 and 2, focus on …"
  becomes that review scope's focus. One that names no paper of the week is kept in the review plan text.
- ``#### Paper N: Title`` opens a paper; its prose is the paper's note. Links directly in its section,
  or under a paper lead-in (``Link to the paper:``, ``PDF:``, ``Code:``, ``Slides:``, or a sentence ending
  in ``:`` such as "A walk down of the original paper:"), belong to the paper. A label lead-in of a few
  words ("Blog posts:", "Helpful YouTube links:", "Supplementary Paper:") or another level-4 heading ends
  the paper's section: what follows belongs to the week.
- A line ending in ``:`` is a lead-in: the links after it are grouped under it and their kind is inferred
  from it and from the URL. A short line on its own ("CNN", "ResNet") is a topic label for the links that
  follow. A label or lead-in that no link follows is kept as text, so no sentence of a week is lost.
- Links are read with markdown-it-py (``[text](url)``, ``<url>`` and bare URLs, with balanced
  parentheses as in ``…/Backpropagation_(disambiguation)``); text on a link's line becomes its title.

The file is not trusted: it is at most ``MAX_SOURCE_CHARS`` long, week and paper numbers are bounded
before anything is expanded (``Papers 1 to 2000000000`` is an error, not a two-billion-item list), and a
text longer than the field it goes to is an error naming its line. Every error is a
``JourneyFormatError`` with the line number where there is one.

This module only parses; ``papers.services.journey_import`` writes.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

from core.markup_linkify import bounded_linkify
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
    # Sentences about reviews or reading focus the parser could not turn into scopes or focus notes,
    # with their lines: kept as the review plan's text, and listed so organisers can check them.
    not_understood: list[tuple[int, str]] = field(default_factory=list)

    @property
    def intro(self) -> str:
        return "\n\n".join(self.intro_paragraphs)


HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
WEEK_HEADING = re.compile(r"^week\b\s*(?P<rest>.*)$", re.IGNORECASE)
WEEK_NUMBER = re.compile(r"^(?P<number>\d+)\s*(?:[:.\-–—]\s*(?P<title>.*))?$")
PAPER_HEADING = re.compile(r"^paper\b\s*(?P<rest>.*)$", re.IGNORECASE)
PAPER_NUMBER = re.compile(r"^(?P<number>\d+)\s*(?:[:.\-–—]\s*(?P<title>.*))?$")
LIST_MARKER = re.compile(r"^(?:\d+[.)]|[-*+])\s+")
HAS_URL = re.compile(r"https?://", re.IGNORECASE)
PAPER_LINK_LEAD = re.compile(r"^(?:link to (?:the )?paper|paper link|link)\s*:?\s*$", re.IGNORECASE)
PDF_LINK_LEAD = re.compile(r"^(?:pdf|link to (?:the )?pdf)\s*:?\s*$", re.IGNORECASE)
# Lead-ins that keep the links after them with the paper whose section they are in.
PAPER_RESOURCE_LEAD = re.compile(r"^(?:code|slides|implementation|notebook|official code)\s*:?\s*$", re.IGNORECASE)
LABEL_MAX_WORDS = 4  # "Helpful YouTube links:" is a label; "A walk down of the original paper:" is a sentence

# A grouping sentence says how many reviews there are or which papers a review covers.
MENTIONS_REVIEW = re.compile(r"\breview(?:s|ed|ing)?\b", re.IGNORECASE)
GROUPING_HINT = re.compile(
    r"\bpapers?\s+\d|\b(?:one|two|three|four|five|six|\d+|a single|a separate|a combined|a joint)\s+reviews?\b"
    r"|\b(?:per|each|both)\s+papers?\b|\ball\s+(?:\w+\s+)?(?:the\s+)?papers\b",
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
NUMBER_LIST = r"\d+(?:\s*(?:,|and|&|to|-|–)\s*\d+)*"
PAPER_NUMBERS = re.compile(rf"\bpapers?\s+(?P<list>{NUMBER_LIST})", re.IGNORECASE)
# "a review per paper", "one review for each paper", "each paper gets its own review", "separate reviews"
PER_PAPER = re.compile(
    r"\breviews?\s+(?:per|for\s+each|for\s+every|of\s+each|on\s+each)\s+paper\b"
    r"|\beach\s+paper\s+(?:gets|has|needs|is\s+given)\s+(?:its\s+own|a|one)\s+(?:separate\s+)?review\b"
    r"|\bseparate\s+reviews?\b|\breview\s+each\s+paper\s+(?:separately|on\s+its\s+own)\b",
    re.IGNORECASE,
)
# "Papers 1 and 3 together, Paper 2 on its own"
TOGETHER = re.compile(
    rf"\bpapers?\s+(?P<list>{NUMBER_LIST})\s+(?:are\s+|is\s+)?(?:reviewed\s+)?"
    r"(?P<mode>together|jointly|in\s+(?:one|a\s+single|a\s+joint|the\s+same)\s+review"
    r"|on\s+(?:its|their)\s+own|separately|individually|alone)\b",
    re.IGNORECASE,
)
HEDGE = re.compile(r"\b(?:maybe|perhaps|probably|possibly|might|unless|or\s+not)\b", re.IGNORECASE)
TOGETHER_MODES = ("together", "jointly", "in ")
# "both papers", "all three papers", "all the papers", "all of the papers"
ALL_PAPERS = re.compile(
    r"\b(?:(?P<both>both)(?:\s+(?:of\s+)?the)?|all(?:\s+of)?(?:\s+the)?(?:\s+(?P<count>one|two|three|four|five|six|\d+))?)"
    r"\s+papers\b",
    re.IGNORECASE,
)
FOCUS_ON_PAPER = re.compile(r"^(?P<part>.+?)\s+of\s+(?:the\s+)?paper\s+(?P<number>\d+)$", re.IGNORECASE)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")

# Sentences that say what to read of a paper. ``part`` is what to read (or skip); ``number`` the paper.
_PART = r"(?:the\s+)?(?P<part>[^.!?;]+?)"
_SKIP_PART = r"(?P<part>[^.!?;]+?)"
_PAPER = r"(?:the\s+)?paper\s+(?P<number>\d+)"
_READ = r"(?:read|focus(?:ing)?\s+(?:only\s+)?on|concentrate\s+(?:only\s+)?on|look\s+(?:only\s+)?at|study)"
_END = r"\s*[.!]?$"
_WHO = r"(?:(?:we|you)\s+(?:will\s+|should\s+|can\s+|only\s+)*)?"
_SKIP = r"(?:skip|leave\s+out|ignore)"
_FOR_PAPER = rf"^(?P<lead>.*?)\b(?:for|in|of|from)\s+{_PAPER}\s*,?\s+{_WHO}"
FOCUS_SENTENCES = [
    # "Only read Section 4 of Paper 1.", "focus on Section 2 of Paper 2", "read Sections 1–3 of Paper 1 only"
    (
        re.compile(
            rf"^(?P<lead>.*?)\b(?:only\s+)?{_READ}\s+(?:only\s+)?{_PART}\s+(?:of|in|from)\s+{_PAPER}(?:\s+only)?{_END}",
            re.IGNORECASE,
        ),
        "only",
    ),
    # "skip the appendix of Paper 3"
    (re.compile(rf"^(?P<lead>.*?)\b{_SKIP}\s+{_SKIP_PART}\s+(?:of|in|from)\s+{_PAPER}{_END}", re.IGNORECASE), "skip"),
    # "For Paper 2 read Section 4 only", "In Paper 1, focus on the proofs"
    (re.compile(rf"{_FOR_PAPER}(?:only\s+)?{_READ}\s+(?:only\s+)?{_PART}(?:\s+only)?{_END}", re.IGNORECASE), "only"),
    # "For Paper 3, skip the appendix"
    (re.compile(rf"{_FOR_PAPER}{_SKIP}\s+{_SKIP_PART}{_END}", re.IGNORECASE), "skip"),
]
# Under a paper heading the paper may go unnamed: "Only read Section 4.", "Focus on Section 2.", "Skip the appendix."
_PLEASE = r"^(?P<lead>(?:please\s+)?)"
_ONLY_READ = rf"(?:only\s+{_READ}|read\s+only|focus\s+(?:only\s+)?on|concentrate\s+(?:only\s+)?on)"
CURRENT_PAPER_FOCUS = [
    (re.compile(rf"{_PLEASE}{_ONLY_READ}\s+{_PART}(?:\s+only)?{_END}", re.IGNORECASE), "only"),
    (re.compile(rf"{_PLEASE}read\s+{_PART}\s+only{_END}", re.IGNORECASE), "only"),
    (re.compile(rf"{_PLEASE}{_SKIP}\s+{_SKIP_PART}{_END}", re.IGNORECASE), "skip"),
]
# "For the joint review of Papers 1 and 2, focus on the experiments."
SCOPE_FOCUS_SENTENCE = re.compile(
    rf"^(?P<lead>(?:please\s+)?)(?:for|in)\s+(?:the|our|your)\s+(?:\w+\s+)?review\s+(?:of|for|on|covering)\s+"
    rf"papers?\s+(?P<list>{NUMBER_LIST})\s*,?\s+(?:(?:we|you)\s+(?:will\s+|should\s+)?)?(?:only\s+)?{_READ}\s+"
    rf"(?:only\s+)?{_PART}(?:\s+only)?{_END}",
    re.IGNORECASE,
)
# Words before a focus phrase that say nothing more: the whole sentence is then the focus note.
FOCUS_LEAD_ONLY = re.compile(
    r"^(?:(?:please|we|you|will|should|can|only|just|need|needs|to|this|week|also|then|and|but|,)\s*)*$",
    re.IGNORECASE,
)

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


def _scopes_with_count(text: str, scopes: list[ParsedScope]) -> list[ParsedScope] | None:
    """``scopes``, or None when the sentence also says how many reviews there are and that disagrees."""
    count = REVIEW_COUNT.search(text)
    if count:
        word = count.group(1).lower()
        expected = int(word) if word.isdigit() else COUNT_WORDS[word]
        if expected != len(scopes):
            return None
    return scopes


def _all_papers(segment: str, papers: list[int]) -> list[int] | None:
    """ "both papers" / "all three papers" / "all the papers" → every paper of the week, if the count fits."""
    match = ALL_PAPERS.search(segment)
    if not match or not papers:
        return None
    if match.group("both"):
        expected = 2
    elif match.group("count"):
        word = match.group("count").lower()
        expected = int(word) if word.isdigit() else COUNT_WORDS[word]
    else:
        expected = len(papers)
    return list(papers) if expected == len(papers) else None


def parse_scopes(text: str, papers: Iterable[int] = ()) -> list[ParsedScope] | None:
    """Read "one review for Paper 3 and one for Papers 1 and 2, focusing on …"; None when unreadable.

    ``papers`` are the week's paper numbers, needed for "both papers", "all three papers" and "a review
    per paper".
    """
    known = sorted(set(papers))
    if HEDGE.search(text):
        return None  # "… together in one session, maybe": a plan the organisers have not settled
    if PER_PAPER.search(text):
        if not known or PAPER_NUMBERS.search(text):
            return None
        return _scopes_with_count(text, [ParsedScope(paper_numbers=(number,)) for number in known])
    together = list(TOGETHER.finditer(text))
    if together:
        scopes = []
        for match in together:
            numbers = sorted(set(_numbers(match.group("list"))))
            if match.group("mode").lower().startswith(TOGETHER_MODES):
                scopes.append(ParsedScope(paper_numbers=tuple(numbers)))
            else:
                scopes.extend(ParsedScope(paper_numbers=(number,)) for number in numbers)
        named = [n for m in PAPER_NUMBERS.finditer(text) for n in _numbers(m.group("list"))]
        if sorted(named) != sorted(n for scope in scopes for n in scope.paper_numbers):
            return None  # a paper named outside a "together" / "on its own" phrase: not understood
        return _scopes_with_count(text, scopes)
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
            numbers = _all_papers(segment, known) or []
        if not numbers:
            return None
        scopes.append(ParsedScope(paper_numbers=tuple(sorted(set(numbers))), focus=focus))
    return _scopes_with_count(text, scopes)


@dataclass
class FocusSentence:
    """A sentence saying what to read: of one paper (``paper``) or for one review scope (``scope``)."""

    line: int
    sentence: str
    note: str
    paper: int | None = None
    scope: tuple[int, ...] = ()
    whole: bool = True  # False: the sentence says more than the focus and is kept as text as well


def _focus_note(part: str, mode: str) -> str:
    part = part.strip().rstrip(",")
    if mode == "skip":
        return f"Skip {part}"
    part = re.sub(r"\s+only$", "", part, flags=re.IGNORECASE)
    return f"{part[:1].upper()}{part[1:]} only"


def parse_focus_sentence(sentence: str, line: int, current_paper: int | None = None) -> FocusSentence | None:
    """Read "Only read Section 4 of Paper 1." and its kin; None when the sentence is not one."""
    text = sentence.strip()
    match = SCOPE_FOCUS_SENTENCE.match(text)
    if match and not re.search(r"\bpapers?\s+\d", match.group("part"), re.IGNORECASE):
        numbers = tuple(sorted(set(_numbers(match.group("list"), line))))
        if len(numbers) > 1:
            focus = match.group("part").strip()
            return FocusSentence(line, text, focus[:1].upper() + focus[1:], scope=numbers)
        return FocusSentence(line, text, _focus_note(match.group("part"), "only"), paper=numbers[0])
    candidates = [(pattern, mode, None) for pattern, mode in FOCUS_SENTENCES]
    if current_paper is not None:
        candidates += [(pattern, mode, current_paper) for pattern, mode in CURRENT_PAPER_FOCUS]
    for pattern, mode, implied in candidates:
        match = pattern.match(text)
        if not match or re.search(r"\bpapers?\b", match.group("part"), re.IGNORECASE):
            continue
        number = implied if implied is not None else _bounded_number(match["number"], "Paper", MAX_PAPER_NUMBER, line)
        whole = bool(FOCUS_LEAD_ONLY.match(match.group("lead") or ""))
        return FocusSentence(line, text, _focus_note(match.group("part"), mode), paper=number, whole=whole)
    return None


@cache
def _link_reader() -> MarkdownIt:
    """markdown-it-py as the site renders (CommonMark plus bare links), keeping URLs exactly as written."""
    reader = MarkdownIt("commonmark", {"html": False, "linkify": True})
    reader.enable("linkify")
    reader.inline.ruler.at("linkify", bounded_linkify)
    reader.normalizeLink = lambda url: url
    reader.normalizeLinkText = lambda text: text
    return reader


def read_links(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The http(s) links of one line, in order, as (url, link text), and the texts around them.

    ``texts[0]`` is what comes before the first link, ``texts[i]`` what follows link ``i``; a link
    whose text is its URL (a bare or ``<…>`` link) has an empty link text.
    """
    # A '[' after the last '](' cannot open a link: escape it so that a line of brackets stays linear.
    last = text.rfind("](")
    source = text[: last + 1] + text[last + 1 :].replace("[", "\\[")
    tokens = _link_reader().parseInline(source)[0].children or []
    texts, links, current, in_link = [""], [], None, False
    for token in tokens:
        if token.type == "link_open":
            current, in_link = [str(token.attrs.get("href", "")), ""], True
        elif token.type == "link_close":
            url, title = current
            if re.match(r"https?://", url, re.IGNORECASE):
                links.append((url, "" if title.strip() == url else title.strip()))
                texts.append("")
            else:
                texts[-1] += title
            in_link = False
        elif token.type in ("text", "code_inline", "softbreak", "hardbreak"):
            content = " " if token.type.endswith("break") else token.content
            if in_link:
                current[1] += content
            else:
                texts[-1] += content
    return texts, links


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


def _is_label(text: str) -> bool:
    """A lead-in of a few words ("Blog posts", "Helpful YouTube links"), not a sentence ending in ':'."""
    return len(text.split()) <= LABEL_MAX_WORDS and not re.search(r"[.!?,;]", text)


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in SENTENCE_BREAK.split(text) if sentence.strip()]


class _Parser:
    def __init__(self):
        self.weeks: list[ParsedWeek] = []
        self.week: ParsedWeek | None = None
        self.paper: ParsedPaper | None = None  # the paper whose section we are in, if any
        self.topic = ""
        self.lead_in = ""
        # Topic lines and lead-ins no link has used yet: (line, text as written); kept as text if none follows.
        self.labels: list[tuple[int, str]] = []
        self.paragraph: list[str] = []
        self.paragraph_line = 0
        self.grouping: list[tuple[int, str]] = []
        self.focus: list[FocusSentence] = []

    # -- structure -------------------------------------------------------------------------------
    def close_week(self):
        self.flush_paragraph()
        self.keep_unused_label()
        if self.week is not None:
            self.finish_review_plan()
        self.week = None
        self.paper = None
        self.reset_grouping_labels()

    def reset_grouping_labels(self):
        self.keep_unused_label()
        self.topic = ""
        self.lead_in = ""

    def set_label(self, line: int, text: str, *, topic: str = "", lead_in: str = "", keep_topic: bool = False):
        if not keep_topic:
            self.keep_unused_label()
        self.topic, self.lead_in = topic, lead_in
        self.labels.append((line, text))

    def keep_unused_label(self):
        """A topic line or lead-in that no link followed is text after all: keep it where it was."""
        labels, self.labels = self.labels, []
        if self.week is None:
            return
        saved = self.paragraph_line
        for line, text in labels:
            self.paragraph_line = line
            if self.paper is not None:
                self.add_paper_note(text)
            else:
                self.add_intro(text)
        self.paragraph_line = saved

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
        self.reset_grouping_labels()
        self.paper = ParsedPaper(number=number, title=title, line=line_number)
        self.week.papers.append(self.paper)

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
            self.keep_unused_label()
            self.paper = None
            self.set_label(line_number, text, lead_in=text.rstrip(":").strip())

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
            self.set_label(self.paragraph_line, paragraph[0].strip(), topic=paragraph[0].strip())
            return
        text = " ".join(line.strip() for line in paragraph)
        if text.endswith(":"):
            self.lead_in_line(text)
            return
        self.keep_unused_label()
        self.lead_in = ""
        kept = self.take_plan_sentences(text, paragraph)
        block = "\n".join(paragraph) if kept is None else " ".join(kept)
        if not block:
            return
        if self.paper is not None:
            self.add_paper_note(block)
        else:
            self.add_intro(block)

    def lead_in_line(self, text: str):
        lead_in = text.rstrip(":").strip()
        paper_lead = PAPER_LINK_LEAD.match(lead_in) or PDF_LINK_LEAD.match(lead_in)
        if self.paper is not None and not paper_lead and not PAPER_RESOURCE_LEAD.match(lead_in) and _is_label(lead_in):
            # "Blog posts:" under a paper ends the paper's section: these resources are the week's.
            self.keep_unused_label()
            self.paper = None
        self.set_label(self.paragraph_line, text, topic=self.topic, lead_in=lead_in, keep_topic=True)

    def add_paper_note(self, block: str):
        self.paper.note_paragraphs.append(block)
        note = "\n\n".join(self.paper.note_paragraphs)
        _check_length(self.paragraph_line, f"the note on Paper {self.paper.number}", note, PAPER_NOTE_MAX)

    def add_intro(self, block: str):
        self.week.intro_paragraphs.append(block)
        _check_length(self.paragraph_line, f"the intro of Week {self.week.number}", self.week.intro, INTRO_MAX)

    @staticmethod
    def is_grouping_sentence(sentence: str) -> bool:
        if TOGETHER.search(sentence) and PAPER_NUMBERS.search(sentence):
            return True
        return bool(MENTIONS_REVIEW.search(sentence) and GROUPING_HINT.search(sentence))

    def take_plan_sentences(self, text: str, paragraph: list[str]) -> list[str] | None:
        """Take the paragraph's review-plan and reading-focus sentences; the sentences left, or None if none taken."""
        # ``text`` is the paragraph's stripped lines joined by spaces: find the line each sentence starts on.
        line_starts, offset = [], 0
        for raw in paragraph:
            line_starts.append(offset)
            offset += len(raw.strip()) + 1
        kept, taken, at = [], False, 0
        for sentence in _sentences(text):
            at = text.find(sentence, at)
            line = self.paragraph_line + sum(1 for start in line_starts[1:] if start <= at)
            # A review plan may name a focus ("… focusing on Section 2 of Paper 2"): it is read with the plan.
            grouping = self.is_grouping_sentence(sentence) and not SCOPE_FOCUS_SENTENCE.match(sentence.strip())
            focus = (
                None if grouping else parse_focus_sentence(sentence, line, self.paper.number if self.paper else None)
            )
            if focus is not None:
                check_paper_numbers(sentence, line)
                self.focus.append(focus)
                taken = True
                if not focus.whole:
                    kept.append(sentence)
            elif grouping:
                check_paper_numbers(sentence, line)
                self.grouping.append((line, sentence))
                taken = True
            else:
                kept.append(sentence)
        return kept if taken else None

    def finish_review_plan(self):
        grouping, self.grouping = self.grouping, []
        focus, self.focus = self.focus, []
        plan: list[tuple[int, str]] = []
        known = {paper.number for paper in self.week.papers}
        if grouping:
            text = " ".join(sentence for _, sentence in grouping)
            first_line = grouping[0][0]
            _check_length(first_line, f"the review plan of Week {self.week.number}", text, REVIEW_PLAN_MAX)
            scopes = parse_scopes(text, known)
            readable = scopes is not None and all(set(s.paper_numbers) <= known for s in scopes)
            covered = [n for s in scopes or [] for n in s.paper_numbers]
            if readable and len(covered) == len(set(covered)):
                lines = [
                    next((n for n, s in grouping if scope.focus.lower() in s.lower()), first_line) for scope in scopes
                ]
                for scope, line in zip(scopes, lines, strict=True):
                    _check_length(line, "a review's focus", scope.focus, SCOPE_FOCUS_MAX)
                self.week.scopes = scopes
                self.apply_focus_notes(scopes, lines)
            else:
                plan.extend(grouping)
        plan.extend((sentence.line, sentence.sentence) for sentence in self.apply_focus_sentences(focus))
        if plan:
            plan.sort(key=lambda item: item[0])
            text = " ".join(sentence for _, sentence in plan)
            _check_length(plan[0][0], f"the review plan of Week {self.week.number}", text, REVIEW_PLAN_MAX)
            self.week.review_plan = text
            self.week.not_understood.extend(plan)

    def set_focus_note(self, paper: ParsedPaper, note: str, line: int):
        if note.lower() in paper.focus_note.lower():
            return
        paper.focus_note = f"{paper.focus_note}; {note}" if paper.focus_note else note
        _check_length(line, f"the reading focus of Paper {paper.number}", paper.focus_note, FOCUS_NOTE_MAX)

    def apply_focus_notes(self, scopes: list[ParsedScope], lines: list[int]):
        papers = {paper.number: paper for paper in self.week.papers}
        for scope, line in zip(scopes, lines, strict=True):
            match = FOCUS_ON_PAPER.match(scope.focus)
            if match and int(match.group("number")) in scope.paper_numbers:
                self.set_focus_note(papers[int(match.group("number"))], f"{match.group('part')} only", line)

    def apply_focus_sentences(self, sentences: list[FocusSentence]) -> list[FocusSentence]:
        """Give each focus to its paper or scope; those naming neither are returned (for the review plan)."""
        papers = {paper.number: paper for paper in self.week.papers}
        unplaced = []
        for sentence in sentences:
            if sentence.paper in papers:
                self.set_focus_note(papers[sentence.paper], sentence.note, sentence.line)
                continue
            scope = next((s for s in self.week.scopes if s.paper_numbers == sentence.scope), None)
            if sentence.scope and scope is not None:
                scope.focus = f"{scope.focus}; {sentence.note}" if scope.focus else sentence.note
                _check_length(sentence.line, "a review's focus", scope.focus, SCOPE_FOCUS_MAX)
                continue
            if sentence.whole:  # a sentence also kept as text is visible already
                unplaced.append(sentence)
        return unplaced

    # -- links -----------------------------------------------------------------------------------
    def links(self, line_number: int, text: str) -> bool:
        """Read a line with links; False (and nothing read) when it has none after all."""
        body = LIST_MARKER.sub("", text.strip(), count=1)
        texts, found = read_links(body)
        if not found:
            return False
        self.flush_paragraph()
        if self.week is None:
            return True
        prefix = texts[0].strip()
        if not re.search(r"\w", prefix):
            prefix = ""  # list markers, brackets and dashes around a link say nothing
        lead = prefix or (self.lead_in if self.labels else "")
        if PAPER_LINK_LEAD.match(lead) or PDF_LINK_LEAD.match(lead):
            if self.paper is None:
                raise JourneyFormatError(line_number, f"'{lead.rstrip(':')}' is not under a '#### Paper N' heading")
            url = found[0][0]
            _check_length(line_number, "the link", url, URL_MAX)
            if PDF_LINK_LEAD.match(lead):
                self.paper.pdf_url = url
            else:
                self.paper.url = url
            if not prefix:
                self.labels = []  # the lead-in line is used
            found, texts = found[1:], ["", *texts[2:]]
            prefix = ""
            if not found:
                return True
        self.labels = []  # any topic or lead-in above is now shown with these links
        inline_label = prefix.rstrip(":").strip()
        target = self.paper.links if self.paper is not None else self.week.links
        for index, (url, title) in enumerate(found):
            after = texts[index + 1].strip(" \t,;–—-").strip()
            if not re.search(r"\w", after):
                after = ""
            if not title:
                title = inline_label if len(found) == 1 and inline_label else ""
                inline_used = bool(title)
            else:
                inline_used = False
            if after:
                title = f"{title} – {after}" if title else after
            if index == 0 and inline_label and not inline_used:
                title = f"{inline_label}: {title}" if title else inline_label
            link = ParsedLink(
                url=url,
                line=line_number,
                title=title,
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
        return True

    # -- driver ----------------------------------------------------------------------------------
    def feed(self, line_number: int, raw: str):
        text = raw.strip()
        heading = HEADING.match(text)
        if heading:
            self.flush_paragraph()
            self.heading(line_number, len(heading.group(1)), heading.group(2).strip())
        elif not text:
            self.flush_paragraph()
        elif HAS_URL.search(text) and self.links(line_number, text):
            return
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
