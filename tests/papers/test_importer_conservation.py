"""No sentence of a week is lost: each ends up in the intro, review plan, a focus, a paper or a resource."""

import random
import re

import pytest

from papers.journey_format import parse_journey
from papers.models import Paper, Resource, ReviewScope, Week
from papers.services import journey_import

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
URL = re.compile(r"https?://\S+")
FOCUS_PART = re.compile(r"(Sections? [\d–-]+|the appendix|the proofs|Chapter \d)", re.IGNORECASE)


def source_sentences(text: str):
    """(week number, sentence) for every sentence of every week's prose, headings and link lines excluded."""
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        number = int(re.match(r"Week (\d+)", block).group(1))
        for paragraph in re.split(r"\n\s*\n", block.split("\n", 1)[1] if "\n" in block else ""):
            lines = [line.strip() for line in paragraph.splitlines() if line.strip() and not line.startswith("#")]
            prose = " ".join(line for line in lines if not URL.search(line))
            for sentence in SENTENCE.split(prose):
                if sentence.strip():
                    yield number, sentence.strip()


def is_visible(sentence: str, texts: str, focuses: str, grouped: bool) -> bool:
    squeeze = lambda s: re.sub(r"\s+", " ", s).lower()  # noqa: E731
    if squeeze(sentence.removesuffix(":")) in squeeze(texts):  # a lead-in is shown without its colon
        return True
    part = FOCUS_PART.search(sentence)
    if part and squeeze(part.group(1).removeprefix("the ")) in squeeze(focuses):
        return True
    return grouped and bool(re.search(r"review|together|on its own", sentence, re.I))


def test_every_demo_sentence_is_visible_after_import(db, seed_text):
    journey_import(source=seed_text)
    for number, sentence in source_sentences(seed_text):
        week = Week.objects.get(number=number)
        papers = Paper.objects.filter(week=week)
        texts = "\n".join(
            [week.title, week.intro, week.review_plan]
            + [f"{p.title}\n{p.note}\n{p.focus_note}" for p in papers]
            + [f"{r.title}\n{r.note}\n{r.topic}" for r in Resource.objects.filter(week=week)]
        )
        focuses = "\n".join([p.focus_note for p in papers] + [s.focus for s in ReviewScope.objects.filter(week=week)])
        grouped = ReviewScope.objects.filter(week=week, papers__isnull=False).count() > papers.count() - 1 and any(
            s.papers.count() > 1 for s in ReviewScope.objects.filter(week=week)
        )
        assert is_visible(sentence, texts, focuses, grouped), (number, sentence)


INTROS = [
    "This week we read about attention.",
    "The first paper is a classic and the second one builds on it.",
    "Bring questions to the meeting.",
    "It can be a little complicated to follow on the first try.",
]
PLANS = [  # (sentence, number of papers it needs, scopes)
    ("We write a single review for Paper 1 and 2.", 2, [(1, 2)]),
    ("We write one review covering both papers.", 2, [(1, 2)]),
    ("There is one review for all three papers.", 3, [(1, 2, 3)]),
    ("We write a review per paper.", 3, [(1,), (2,), (3,)]),
    ("Papers 1 and 3 together, Paper 2 on its own.", 3, [(1, 3), (2,)]),
    ("One for Paper 3 and a single review for Paper 1 and 2.", 3, [(3,), (1, 2)]),
    ("Papers 1 and 2 are reviewed together in one session, maybe.", 2, None),  # kept as text
]
FOCUSES = [  # (template, paper, focus note)
    ("Only read Section 4 of Paper {n}.", "Section 4 only"),
    ("Please focus on Section 2 of Paper {n}.", "Section 2 only"),
    ("We only read Sections 1–3 of Paper {n}.", "Sections 1–3 only"),
    ("Skip the appendix of Paper {n}.", "Skip the appendix"),
    ("For Paper {n} read Section 4 only.", "Section 4 only"),
]
LEAD_INS = ["Blog posts:", "Helpful YouTube links:", "Supplementary Paper:", "Youtube Videos:"]


def generated_week(rng: random.Random, number: int):
    plan, paper_count, scopes = rng.choice(PLANS)
    template, note = rng.choice(FOCUSES)
    focused = rng.randint(1, paper_count)
    prose = [*rng.sample(INTROS, 2), plan, template.format(n=focused)]
    rng.shuffle(prose)
    split = rng.randint(1, len(prose))
    paragraphs = [" ".join(prose[:split]), " ".join(prose[split:])]
    lines = [f"### Week {number}", "", *[p for p in paragraphs if p for p in (p, "")]]
    for paper in range(1, paper_count + 1):
        lines += [
            f"#### Paper {paper}: Title {paper}",
            f"Link to the paper: https://arxiv.org/abs/{number}.{paper}",
            "",
        ]
        if rng.random() < 0.5:
            lines += [f"https://example.com/{number}/{paper}/direct_(note)", ""]
    lead = rng.choice(LEAD_INS)
    lines += [lead, "", f"1. https://example.com/{number}/week", ""]
    return "\n".join(lines), (plan, scopes, focused, note)


@pytest.mark.parametrize("seed", range(40))
def test_every_generated_sentence_is_visible_and_read_as_meant(seed):
    rng = random.Random(seed)
    blocks, expected = [], []
    for number in range(1, 4):
        text, facts = generated_week(rng, number)
        blocks.append(text)
        expected.append(facts)
    source = "\n".join(blocks)
    weeks = parse_journey(source)
    for week, (plan, scopes, focused, note) in zip(weeks, expected, strict=True):
        paper_numbers = [p.number for p in week.papers]
        if scopes is None:
            assert week.scopes == [] and plan in week.review_plan
        else:
            assert [s.paper_numbers for s in week.scopes] == scopes
        assert note in week.papers[focused - 1].focus_note
        assert [link.url for link in week.links] == [f"https://example.com/{week.number}/week"]
        for paper in week.papers:
            assert all("direct_(note)" in link.url for link in paper.links), paper_numbers
        texts = "\n".join(
            [week.intro, week.review_plan]
            + ["\n".join(p.note_paragraphs) for p in week.papers]
            + [f"{link.title}\n{link.note}" for link in week.links]
        )
        focuses = "\n".join([p.focus_note for p in week.papers] + [s.focus for s in week.scopes])
        for number, sentence in source_sentences(source):
            if number == week.number:
                assert is_visible(sentence, texts, focuses, bool(week.scopes)), sentence
