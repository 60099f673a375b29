"""How the importer reads a week: who a link belongs to, reading-focus sentences, review plans, URLs."""

import pytest
from django.urls import reverse

from papers.journey_format import parse_journey
from papers.services import journey_import


def week_of(body: str, papers: int = 3):
    headings = "".join(f"#### Paper {n}: Title {n}\n\n" for n in range(1, papers + 1))
    return parse_journey(f"### Week 1\n\n{body}\n\n{headings}")[0]


def scopes_of(week):
    return [scope.paper_numbers for scope in week.scopes]


# -- links: the paper's or the week's --------------------------------------------------------------


def test_lists_under_a_label_after_the_last_paper_belong_to_the_week():
    week = parse_journey(
        "### Week 2\n\n#### Paper 1: A\n\nhttps://example.com/direct\n\n#### Paper 2: B\n\n"
        "Code:\n- https://github.com/x/y\n\nHelpful YouTube links:\n\n1. https://www.youtube.com/watch?v=a\n\n"
        "Blog posts:\n\n1. https://medium.com/p\n\nSupplementary Paper:\n\n1. https://arxiv.org/abs/1\n"
    )[0]
    paper1, paper2 = week.papers
    assert [link.url for link in paper1.links] == ["https://example.com/direct"]
    assert [link.url for link in paper2.links] == ["https://github.com/x/y"]
    assert [(link.url, link.note) for link in week.links] == [
        ("https://www.youtube.com/watch?v=a", "Helpful YouTube links"),
        ("https://medium.com/p", "Blog posts"),
        ("https://arxiv.org/abs/1", "Supplementary Paper"),
    ]


def test_paper_lead_ins_and_sentence_lead_ins_keep_links_with_the_paper():
    week = parse_journey(
        "### Week 1\n\n#### Paper 1: A\nLink to the paper:\nhttps://arxiv.org/abs/1\n\nPDF:\nhttps://arxiv.org/pdf/1\n\n"
        "Slides:\n- https://example.org/slides\n\nA walk down of the original paper:\n\nhttps://youtu.be/v\n"
    )[0]
    paper = week.papers[0]
    assert (paper.url, paper.pdf_url) == ("https://arxiv.org/abs/1", "https://arxiv.org/pdf/1")
    assert [link.url for link in paper.links] == ["https://example.org/slides", "https://youtu.be/v"]
    assert week.links == []


def test_the_demo_week_2_videos_and_blog_posts_are_the_weeks(seed_text):
    week2 = parse_journey(seed_text)[1]
    assert week2.papers[2].links == []
    assert len(week2.links) == 7


@pytest.mark.parametrize(
    ("line", "url", "title"),
    [
        (
            "1. https://en.wikipedia.org/wiki/Backpropagation_(disambiguation)",
            "https://en.wikipedia.org/wiki/Backpropagation_(disambiguation)",
            "",
        ),
        (
            "- [Backprop (disambiguation)](https://en.wikipedia.org/wiki/Backpropagation_(disambiguation))",
            "https://en.wikipedia.org/wiki/Backpropagation_(disambiguation)",
            "Backprop (disambiguation)",
        ),
        ("See https://en.wikipedia.org/wiki/A_(b)_c.", "https://en.wikipedia.org/wiki/A_(b)_c", "See"),
        ("- <https://example.com/f(x)>", "https://example.com/f(x)", ""),
        ("(https://example.com/plain)", "https://example.com/plain", ""),
    ],
)
def test_urls_with_parentheses_survive(line, url, title):
    week = parse_journey(f"### Week 1\n\n{line}\n")[0]
    assert [(link.url, link.title) for link in week.links] == [(url, title)]


def test_text_beside_a_link_becomes_its_title():
    week = parse_journey("### Week 1\n\n- [Notes](https://example.com/n) – read before Friday\n")[0]
    assert week.links[0].title == "Notes – read before Friday"


def test_a_label_no_link_follows_is_kept_as_text():
    week = parse_journey("### Week 1\n\nEnjoy the week\n\nFurther thoughts:\n\n#### Paper 1: A\n\nSkim it\n")[0]
    assert week.intro == "Enjoy the week\n\nFurther thoughts:"
    assert week.papers[0].note_paragraphs == ["Skim it"]


# -- reading focus -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "paper", "note"),
    [
        ("Only read Section 4 of Paper 1.", 1, "Section 4 only"),
        ("Please focus on Section 2 of Paper 2.", 2, "Section 2 only"),
        ("We only read Sections 1–3 of Paper 1.", 1, "Sections 1–3 only"),
        ("Skip the appendix of Paper 3.", 3, "Skip the appendix"),
        ("For Paper 2 read Section 4 only.", 2, "Section 4 only"),
        ("In Paper 3, focus on the experiments.", 3, "Experiments only"),
        ("For Paper 1, skip the proofs.", 1, "Skip the proofs"),
        ("Read Chapter 2 of Paper 2 only.", 2, "Chapter 2 only"),
    ],
)
def test_a_focus_sentence_becomes_the_papers_reading_focus(sentence, paper, note):
    week = week_of(f"This week is about vision. {sentence} Enjoy.")
    assert week.papers[paper - 1].focus_note == note
    assert week.intro == "This week is about vision. Enjoy."
    assert week.review_plan == ""


def test_a_focus_sentence_may_stand_under_the_paper_and_leave_the_number_out():
    week = parse_journey("### Week 1\n\n#### Paper 1: A\n\nA classic. Only read Section 4.\n\n#### Paper 2: B\n")[0]
    assert week.papers[0].focus_note == "Section 4 only"
    assert week.papers[0].note_paragraphs == ["A classic."]


def test_a_focus_sentence_that_says_more_is_also_kept_as_text():
    week = week_of("Because it is long, only read Section 4 of Paper 1.")
    assert week.papers[0].focus_note == "Section 4 only"
    assert week.intro == "Because it is long, only read Section 4 of Paper 1."


def test_a_focus_on_a_paper_the_week_does_not_have_is_kept_in_the_review_plan():
    week = week_of("Only read Section 4 of Paper 7.")
    assert week.review_plan == "Only read Section 4 of Paper 7."
    assert all(not paper.focus_note for paper in week.papers)


def test_a_focus_sentence_naming_a_scope_becomes_the_scopes_focus():
    week = week_of(
        "We write a single review for Paper 1 and 2. For the joint review of Papers 1 and 2, focus on the results."
    )
    assert scopes_of(week) == [(1, 2)]
    assert week.scopes[0].focus == "Results"


def test_the_focus_of_the_demo_review_plan_still_goes_to_the_scope_and_the_paper(seed_text):
    week2 = parse_journey(seed_text)[1]
    assert [(s.paper_numbers, s.focus) for s in week2.scopes] == [((3,), ""), ((1, 2), "Section 2 of Paper 2")]
    assert week2.papers[1].focus_note == "Section 2 only"


def test_vague_focus_words_in_prose_are_left_alone(seed_text):
    week3 = parse_journey(seed_text)[2]
    assert "mostly be focusing on 2 relatively new papers" in week3.intro
    assert week3.review_plan == ""


# -- review plans --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "papers", "scopes"),
    [
        ("We write a single review for Paper 1 and 2.", 3, [(1, 2)]),
        ("We write one review covering both papers.", 2, [(1, 2)]),
        ("There is one review for all three papers.", 3, [(1, 2, 3)]),
        ("One review for all the papers.", 4, [(1, 2, 3, 4)]),
        ("We write a review per paper.", 3, [(1,), (2,), (3,)]),
        ("Write one review for each paper.", 2, [(1,), (2,)]),
        ("Each paper gets its own review.", 2, [(1,), (2,)]),
        ("Reviews: Papers 1 and 3 together, Paper 2 on its own.", 3, [(1, 3), (2,)]),
        ("Papers 1 and 3 together, Paper 2 on its own.", 3, [(1, 3), (2,)]),
        ("We review Papers 1 and 2 jointly and Paper 3 separately.", 3, [(1, 2), (3,)]),
        ("Two reviews: one for Paper 3 and one for Papers 1 and 2.", 3, [(3,), (1, 2)]),
    ],
)
def test_review_plan_phrasings_become_scopes(sentence, papers, scopes):
    week = week_of(f"Welcome. {sentence}", papers)
    assert scopes_of(week) == scopes
    assert week.review_plan == ""
    assert week.intro == "Welcome."


@pytest.mark.parametrize(
    ("sentence", "papers"),
    [
        ("We write one review covering both papers.", 3),  # three papers: which two?
        ("There is one review for all three papers.", 2),
        ("Papers 1 and 2 are reviewed together in one session, maybe.", 2),
        ("We write three reviews: Papers 1 and 2 together.", 2),  # the count disagrees
        ("A single review for Paper 1 and 4.", 3),  # no Paper 4
    ],
)
def test_plans_it_cannot_read_are_kept_as_text(sentence, papers):
    week = week_of(sentence, papers)
    assert week.scopes == []
    assert week.review_plan == sentence


UNREADABLE_PLAN = """### Week 1: Backpropagation

We write one review for Papers 1 and 7.

#### Paper 1: Learning representations by back-propagating errors
Link to the paper: https://example.org/backprop.pdf

#### Paper 2: Deep learning
Link to the paper: https://example.org/survey.pdf
"""


@pytest.mark.django_db
def test_what_the_importer_did_not_understand_is_listed_with_its_line(client, organiser):
    report = journey_import(source=UNREADABLE_PLAN, dry_run=True)
    assert report.not_understood == [(3, "kept as Week 1's review plan text: We write one review for Papers 1 and 7.")]
    client.force_login(organiser)
    page = client.post(reverse("admin:papers_week_import"), {"text": UNREADABLE_PLAN}).content.decode()
    assert "line 3: kept as Week 1" in page
