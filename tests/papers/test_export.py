"""The README exporter against the importer: what is written is read back to the same rows.

Compared are the fields the README style states (see ``papers.export``); authors, year, venue, ids,
abstract, dates and publish times are not written and the importer leaves them alone.
"""

import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papers.export import journey_export
from papers.journey_format import infer_kind
from papers.models import Paper, Resource, ReviewScope, Week
from papers.services import journey_import, journey_metadata_apply, review_scopes_sync
from tests.conftest import DEMO_README

pytestmark = pytest.mark.django_db

METADATA = Path(DEMO_README).with_name("journey-metadata.toml")


def canonical() -> dict:
    """The curriculum as the README style can state it, independent of primary keys."""
    return {
        "weeks": list(Week.objects.order_by("number").values_list("number", "title", "intro", "review_plan")),
        "papers": list(
            Paper.objects.order_by("week__number", "position").values_list(
                "week__number", "position", "title", "url", "pdf_url", "focus_note", "note"
            )
        ),
        "resources": sorted(
            Resource.objects.values_list(
                "week__number", "paper__position", "position", "kind", "topic", "title", "url", "note"
            ),
            key=repr,
        ),
        "scopes": [
            (scope.week.number, scope.position, scope.focus, sorted(p.position for p in scope.papers.all()))
            for scope in ReviewScope.objects.select_related("week").prefetch_related("papers")
        ],
    }


def clear():
    # Resources first: deleting a week sets its papers' resources to paper=NULL before deleting them,
    # which the one-URL-per-week constraint refuses when two papers share a link.
    Resource.objects.all().delete()
    Week.objects.all().delete()


# -- (a) the demo journey --------------------------------------------------------------------------


def test_importing_the_export_of_the_demo_journey_changes_nothing(seed_text):
    journey_import(source=seed_text)
    before = canonical()
    report = journey_import(source=journey_export())
    assert report.changes == []
    assert report.not_understood == []
    assert canonical() == before


def test_the_demo_with_curated_metadata_loses_only_what_the_format_cannot_say(seed_text):
    """The metadata adds a preamble link at position 0 whose kind (course notes) its note does not imply:
    the import renumbers positions from 1 and infers the kind again. Nothing else changes, and a second
    round changes nothing at all."""
    journey_import(source=seed_text)
    journey_metadata_apply(metadata=tomllib.loads(METADATA.read_text(encoding="utf-8")))
    before = canonical()
    report = journey_import(source=journey_export())
    preamble = "https://web.stanford.edu/class/ee384m/Handouts/HowtoReadPaper.pdf"
    assert report.changes and all(change.endswith(": position") for change in report.changes[1:])
    assert report.changes[0] == f"updated resource {preamble} (Week 1): kind, position"

    def without_positions_and_kinds(state):
        resources = [(*r[:2], *r[4:]) for r in state["resources"]]
        return {**state, "resources": sorted(resources, key=repr)}

    assert without_positions_and_kinds(canonical()) == without_positions_and_kinds(before)
    assert journey_import(source=journey_export()).changes == []


# -- (c) export(import(md)) re-imports to the same state -------------------------------------------


def test_export_of_an_import_reimports_to_the_same_rows_in_a_fresh_database(seed_text):
    journey_import(source=seed_text)
    imported = canonical()
    exported = journey_export()
    clear()
    journey_import(source=exported)
    assert canonical() == imported
    assert journey_export() == exported  # and the export is stable


HAND_WRITTEN = """\
### Week 5: Attention

Transformers replace recurrence with attention.

Papers 1 and 3 together, Paper 2 on its own.

#### Paper 1: Attention Is All You Need
Link to the paper: https://arxiv.org/abs/1706.03762
PDF: https://arxiv.org/pdf/1706.03762

Only read Section 3 of Paper 1.

Code:
1. [Annotated transformer](https://nlp.seas.harvard.edu/annotated-transformer/)

#### Paper 2: BERT
Skip the appendix.

#### Paper 3: Layer Normalization

Blog posts:

1. [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)
2. https://lilianweng.github.io/posts/2018-06-24-attention/

Videos:

1. https://www.youtube.com/watch?v=iDulhoQ2pro
"""


def test_a_hand_written_week_with_scopes_focus_and_resources_round_trips():
    journey_import(source=HAND_WRITTEN)
    imported = canonical()
    assert imported["scopes"] == [(5, 1, "", [1, 3]), (5, 2, "", [2])]
    exported = journey_export()
    assert journey_import(source=exported).changes == []
    clear()
    journey_import(source=exported)
    assert canonical() == imported


# -- (b) generated curricula -----------------------------------------------------------------------

WORDS = ["neural", "networks", "learn", "layers", "gradient", "descent", "images", "tokens", "attention", "memory"]
URLS = [
    "https://example.org/notes/{n}",
    "https://www.youtube.com/watch?v=v{n}",
    "https://github.com/group/repo{n}",
    "https://arxiv.org/abs/2101.{n:05d}",
    "https://medium.com/@someone/post-{n}",
    "http://cs231n.github.io/page{n}/",
    "https://example.org/wiki/Backprop_(part_{n})",
]
TOPICS = ["", "CNN", "RNN", "Attention"]
WEEK_NOTES = ["", "Videos", "Blog posts", "Helpful links", "Supplementary Paper", "A walk through of the ideas"]
PAPER_NOTES = ["", "Code", "Slides", "A walk down of the original paper"]


def sentence(draw, low=5, high=9):
    words = draw(st.lists(st.sampled_from(WORDS), min_size=low, max_size=high))
    return " ".join(words).capitalize() + "."


@st.composite
def prose(draw, max_paragraphs=2):
    paragraphs = []
    for _ in range(draw(st.integers(0, max_paragraphs))):
        lines = [
            " ".join(sentence(draw) for _ in range(draw(st.integers(1, 2)))) for _ in range(draw(st.integers(1, 2)))
        ]
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


@st.composite
def link_groups(draw, notes):
    """Resources of one week or paper: groups of (topic, note) in the order the format can write them."""
    keys = sorted(draw(st.sets(st.tuples(st.sampled_from(TOPICS), st.sampled_from(notes)), max_size=3)))
    groups = []
    for topic, note in keys:
        links = []
        for _ in range(draw(st.integers(1, 2))):
            url = draw(st.sampled_from(URLS)).format(n=draw(st.integers(1, 10**6)))
            title = draw(st.sampled_from(["", "Intro to [CNNs] & *friends*", "Part 1 – basics", "Notes"]))
            links.append((url, title))
        groups.append((topic, note, links))
    return groups


@st.composite
def curricula(draw):
    weeks = []
    for number in sorted(draw(st.sets(st.integers(1, 40), min_size=1, max_size=3))):
        paper_count = draw(st.integers(0, 3))
        papers = []
        for position in range(1, paper_count + 1):
            papers.append(
                {
                    "position": position,
                    "title": " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))).title(),
                    "url": draw(st.sampled_from(["", f"https://arxiv.org/abs/1706.{number:02d}{position:03d}"])),
                    "pdf_url": draw(st.sampled_from(["", f"https://example.org/p{number}-{position}.pdf"])),
                    "focus_note": draw(
                        st.sampled_from(
                            ["", "Section 4 only", "Skip the appendix", "Sections 1-3 only; Skip the proofs"]
                        )
                    ),
                    "note": draw(prose(max_paragraphs=2)),
                    "links": draw(link_groups(PAPER_NOTES)),
                }
            )
        # Review scopes: the papers in some order, cut into consecutive groups, each with an optional focus.
        order = draw(st.permutations(list(range(1, paper_count + 1))))
        cuts = sorted(draw(st.sets(st.integers(1, max(paper_count - 1, 1)), max_size=2))) if paper_count > 1 else []
        chunks = [list(order[a:b]) for a, b in zip([0, *cuts], [*cuts, paper_count], strict=True) if order[a:b]]
        scopes = [
            (sorted(chunk), draw(st.sampled_from(["", "Section 2", "Experiments and results"]))) for chunk in chunks
        ]
        default = scopes == [([p], "") for p in range(1, paper_count + 1)]
        plans = ["", "Maybe one review for both papers.", "Only read Section 4 of Paper 9."]
        plan = draw(st.sampled_from(plans)) if default else ""
        weeks.append(
            {
                "number": number,
                "title": draw(st.sampled_from([f"Week {number}", "Convolutional networks", "Attention: the basics"])),
                "intro": draw(prose(max_paragraphs=3)),
                "review_plan": plan,
                "papers": papers,
                "links": draw(link_groups(WEEK_NOTES)),
                "scopes": scopes,
            }
        )
    return weeks


def add_links(week, paper, groups, position):
    """Create the resources of ``groups`` after ``position``; the last position used."""
    for topic, note, links in groups:
        for url, title in links:
            if Resource.objects.filter(week=week, paper=paper, url=url).exists():
                continue  # the importer keeps a URL once per week or paper
            position += 1
            kind = infer_kind(url, note or topic)
            Resource.objects.create(
                week=week, paper=paper, url=url, title=title, topic=topic, note=note, kind=kind, position=position
            )
    return position


def build(curriculum):
    """Rows for a generated curriculum, numbered as the importer numbers them."""
    for data in curriculum:
        week = Week.objects.create(
            number=data["number"], title=data["title"], intro=data["intro"], review_plan=data["review_plan"]
        )
        position = add_links(week, None, data["links"], 0)
        papers = {}
        for paper_data in data["papers"]:
            fields = {key: value for key, value in paper_data.items() if key != "links"}
            papers[paper_data["position"]] = paper = Paper.objects.create(week=week, **fields)
            position = add_links(week, paper, paper_data["links"], position)
        for index, (positions, focus) in enumerate(data["scopes"], start=1):
            scope = ReviewScope.objects.create(week=week, position=index, focus=focus)
            scope.papers.set([papers[p] for p in positions])
        review_scopes_sync(week=week)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(curriculum=curricula())
def test_generated_curricula_import_their_own_export_without_changes(curriculum):
    clear()
    build(curriculum)
    before = canonical()
    exported = journey_export()
    report = journey_import(source=exported)
    assert report.changes == [], exported
    assert canonical() == before
    # and from nothing: the export alone rebuilds the same rows
    clear()
    journey_import(source=exported)
    assert canonical() == before


# -- what the format cannot say, and the ways in -----------------------------------------------------


def test_a_kind_the_url_does_not_tell_is_written_as_a_lead_in():
    week = Week.objects.create(number=1, title="Week 1")
    paper = Paper.objects.create(week=week, position=1, title="Paper")
    Resource.objects.create(week=week, url="https://example.org/talk", kind=Resource.Kind.VIDEO, position=1)
    Resource.objects.create(
        week=week, paper=paper, url="https://example.org/post", kind=Resource.Kind.BLOG_POST, position=2
    )
    exported = journey_export()
    assert "Videos:" in exported and "Blog posts about this paper:" in exported
    clear()
    journey_import(source=exported)
    kinds = dict(Resource.objects.values_list("url", "kind"))
    assert kinds == {"https://example.org/talk": "video", "https://example.org/post": "blog"}
    assert Resource.objects.get(url="https://example.org/post").paper.position == 1


def test_fields_the_readme_does_not_state_are_left_alone(seed_text):
    journey_import(source=seed_text)
    paper = Paper.objects.get(week__number=1, position=1)
    Paper.objects.filter(pk=paper.pk).update(authors="K. He", year=2016, venue="CVPR", doi="10.1/x")
    exported = journey_export()
    assert "K. He" not in exported and "CVPR" not in exported
    assert journey_import(source=exported).changes == []
    paper.refresh_from_db()
    assert (paper.authors, paper.year, paper.venue, paper.doi) == ("K. He", 2016, "CVPR", "10.1/x")


def test_command_writes_the_chosen_weeks_to_stdout_or_a_file(seed_text, tmp_path):
    journey_import(source=seed_text)
    out = StringIO()
    call_command("export_journey", "--weeks", "2-3", stdout=out)
    text = out.getvalue()
    assert "### Week 2" in text and "### Week 3" in text
    assert "### Week 1" not in text and "### Week 4" not in text
    assert text == journey_export(Week.objects.filter(number__in=[2, 3]))
    target = tmp_path / "README.md"
    call_command("export_journey", "--output", str(target), stderr=StringIO())
    assert target.read_text(encoding="utf-8") == journey_export()


@pytest.mark.parametrize("weeks", ["9", "x", "3-1"])
def test_command_refuses_unknown_or_unreadable_weeks(seed_text, weeks):
    journey_import(source=seed_text)
    with pytest.raises(CommandError):
        call_command("export_journey", "--weeks", weeks, stdout=StringIO())


def test_admin_action_downloads_the_selected_weeks_as_markdown(organiser_client, seed_text):
    journey_import(source=seed_text)
    selected = list(Week.objects.filter(number__in=[1, 2]).values_list("pk", flat=True))
    response = organiser_client.post(
        reverse("admin:papers_week_changelist"), {"action": "export_markdown", "_selected_action": selected}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert 'filename="reading-list-weeks-1-2.md"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text == journey_export(Week.objects.filter(number__in=[1, 2]))
    assert "### Week 1" in text and "### Week 2" in text and "### Week 3" not in text
