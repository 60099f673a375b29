import re
import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from papers.journey_format import JourneyFormatError
from papers.models import Paper, Resource, ReviewScope, Week
from papers.rules import visible_weeks
from papers.services import journey_import, journey_metadata_apply
from tests.conftest import DEMO_README

pytestmark = pytest.mark.django_db

METADATA = Path(DEMO_README).with_name("journey-metadata.toml")
URL = re.compile(r"https?://[^\s,)]+")


def import_seed_with_metadata(seed_text):
    journey_import(source=seed_text)
    journey_metadata_apply(metadata=tomllib.loads(METADATA.read_text(encoding="utf-8")))


def expected_links_per_scope(text: str) -> dict[tuple[int, int | None], set[str]]:
    """Seed URLs by (week, paper) worked out independently of the importer: split on headings."""
    expected: dict[tuple[int, int | None], set[str]] = {}
    for week_block in re.split(r"^### ", text, flags=re.M)[1:]:
        week = int(re.match(r"Week (\d+)", week_block).group(1))
        head, *papers = re.split(r"^#### ", week_block, flags=re.M)
        expected[(week, None)] = set(URL.findall(head))
        for paper_block in papers:
            number = int(re.match(r"Paper (\d+)", paper_block).group(1))
            # A label lead-in of a few words ("Helpful YouTube links:") ends the paper's section.
            label = re.search(r"^(?!Link to|PDF|Code|Slides)(?:\w+ ){0,3}\w+:\s*$", paper_block, flags=re.M)
            own, week_level = (
                (paper_block[: label.start()], paper_block[label.start() :]) if label else (paper_block, "")
            )
            lines = [line for line in own.splitlines() if not line.startswith("Link to the paper")]
            expected[(week, number)] = set(URL.findall("\n".join(lines)))
            expected[(week, None)] |= set(URL.findall(week_level))
    return expected


def stored_links_per_scope() -> dict[tuple[int, int | None], list[str]]:
    stored: dict[tuple[int, int | None], list[str]] = {}
    for resource in Resource.objects.select_related("week", "paper"):
        key = (resource.week.number, resource.paper.position if resource.paper else None)
        stored.setdefault(key, []).append(resource.url)
    return stored


def snapshot():
    return {
        model.__name__: sorted(map(repr, model.objects.values_list())) for model in (Week, Paper, Resource, ReviewScope)
    }


def test_seed_gives_four_weeks_and_with_curated_metadata_2_3_2_2_papers(seed_text):
    import_seed_with_metadata(seed_text)
    assert list(Week.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
    counts = [week.papers.count() for week in Week.objects.order_by("number")]
    assert counts == [2, 3, 2, 2]
    assert Paper.objects.get(week__number=3, position=1).title == "Deep Residual Learning for Image Recognition"
    greff = Paper.objects.get(week__number=4, position=1)
    assert "Greff" in greff.authors and greff.year == 2017
    assert all(paper.authors and paper.year and paper.venue and paper.url for paper in Paper.objects.all())


def test_every_seed_url_is_kept_exactly_once_per_scope(seed_text):
    journey_import(source=seed_text)
    stored = stored_links_per_scope()
    for scope, urls in expected_links_per_scope(seed_text).items():
        assert sorted(stored.get(scope, [])) == sorted(urls), scope
    # The CNN notes are listed twice under Week 1, Paper 2 and once under Week 2's blog posts.
    cs231n = "http://cs231n.github.io/convolutional-networks/"
    assert Resource.objects.filter(url=cs231n, week__number=1).count() == 1
    assert Resource.objects.filter(url=cs231n, week__number=2).count() == 1


def test_paper_link_lines_become_the_paper_link_not_a_resource(seed_text):
    journey_import(source=seed_text)
    deep_learning = Paper.objects.get(week__number=1, position=2)
    assert deep_learning.url == "https://www.ncbi.nlm.nih.gov/pubmed/26017442"
    assert not Resource.objects.filter(url=deep_learning.url).exists()


def test_week_2_review_scopes_are_read_from_its_sentence(seed_text):
    journey_import(source=seed_text)
    scopes = ReviewScope.objects.filter(week__number=2).order_by("position")
    assert [sorted(s.papers.values_list("position", flat=True)) for s in scopes] == [[3], [1, 2]]
    assert scopes[1].focus == "Section 2 of Paper 2"
    assert Paper.objects.get(week__number=2, position=2).focus_note == "Section 2 only"
    week = Week.objects.get(number=2)
    assert "two reviews" not in week.intro and week.review_plan == ""
    assert week.intro.startswith("This week we read 3 papers")


def test_papers_without_a_stated_scope_get_one_each(seed_text):
    import_seed_with_metadata(seed_text)
    scopes = ReviewScope.objects.filter(week__number=3).order_by("position")
    assert [list(s.papers.values_list("position", flat=True)) for s in scopes] == [[1], [2]]


def test_week_4_lists_its_supplementary_paper_and_topic(seed_text):
    journey_import(source=seed_text)
    supplementary = Resource.objects.get(week__number=4, kind=Resource.Kind.SUPPLEMENTARY_PAPER)
    assert supplementary.url == "http://ai.dinfo.unifi.it/paolo//ps/tnn-94-gradient.pdf"
    assert supplementary.paper is None and supplementary.topic == "LSTM"
    assert not Paper.objects.filter(url=supplementary.url).exists()


def test_resource_kinds_and_topics_are_inferred(seed_text):
    journey_import(source=seed_text)
    week_1 = Resource.objects.filter(week__number=1)
    assert {r.kind for r in week_1 if "youtube.com" in r.url} == {Resource.Kind.VIDEO}
    rnn = week_1.get(url__contains="medium.com")
    assert (rnn.kind, rnn.topic) == (Resource.Kind.BLOG_POST, "RNN")
    walk_down = week_1.get(url__contains="oq6Z76Gl0ho")
    assert walk_down.note == "A walk down of the original paper"
    assert Resource.objects.get(week__number=3, url__contains="towardsdatascience").kind == Resource.Kind.BLOG_POST


def test_reimport_changes_nothing_and_duplicates_nothing(seed_text):
    import_seed_with_metadata(seed_text)
    before = snapshot()
    report = journey_import(source=seed_text)
    journey_metadata_apply(metadata=tomllib.loads(METADATA.read_text(encoding="utf-8")))
    assert report.changes == []
    assert snapshot() == before


def test_reimport_updates_what_changed_and_keeps_curated_details(seed_text):
    import_seed_with_metadata(seed_text)
    changed = seed_text.replace(
        "#### Paper 3: ImageNet Classification", "#### Paper 3: AlexNet: ImageNet Classification"
    )
    report = journey_import(source=changed)
    paper = Paper.objects.get(week__number=2, position=3)
    assert paper.title.startswith("AlexNet: ")
    assert paper.authors.startswith("Alex Krizhevsky")
    assert report.changes == ["updated Week 2, Paper 3: title"]


def test_dry_run_writes_nothing_and_says_what_would_change(seed_text):
    out = StringIO()
    path = str(DEMO_README)
    call_command("import_journey", path, "--dry-run", stdout=out)
    assert Week.objects.count() == 0 and Resource.objects.count() == 0
    assert "would create Week 2" in out.getvalue()
    assert "dry run: nothing written" in out.getvalue()


def test_import_command_publishes_new_weeks_only_when_asked(seed_text):
    call_command("import_journey", str(DEMO_README), stdout=StringIO())
    assert not visible_weeks(AnonymousUser()).exists()
    Week.objects.all().delete()
    call_command("import_journey", str(DEMO_README), "--publish", stdout=StringIO())
    assert visible_weeks(AnonymousUser()).count() == 4


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("### Week 1\n\nIntro.\n\n### Week\n\nMore.\n", 5, "without a week number"),
        ("### Week two\n", 1, "without a week number"),
        ("# Journey\n\n#### Paper 1: Orphan\n\n### Week 1\n", 3, "paper heading outside a week"),
        ("### Week 1\n\n#### Paper: No number\n", 3, "without a paper number"),
        ("### Week 1\n\n#### Paper 1:\n", 3, "has no title"),
        ("### Week 1\n\n### Week 1\n", 3, "appears twice"),
        ("### Week 1\n\nLink to the paper: https://example.com/x\n", 3, "not under a '#### Paper N' heading"),
        ("Just a README without weeks.\n", None, "no '### Week N' heading"),
    ],
)
def test_malformed_readme_names_the_line(text, line, message):
    with pytest.raises(JourneyFormatError) as error:
        journey_import(source=text)
    assert error.value.line == line
    assert message in str(error.value)


def test_malformed_file_changes_nothing_already_imported(seed_text, tmp_path):
    import_seed_with_metadata(seed_text)
    before = snapshot()
    bad = tmp_path / "bad.md"
    bad.write_text(seed_text.replace("### Week 3", "### Week 3: Renamed") + "\n#### Paper 1: x\n### Week\n")
    with pytest.raises(CommandError, match=r"line \d+: week heading without a week number"):
        call_command("import_journey", str(bad), stdout=StringIO())
    assert snapshot() == before


def test_unreadable_files_give_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_journey", str(tmp_path / "missing.md"), stdout=StringIO())
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_journey", str(tmp_path), stdout=StringIO())
    binary = tmp_path / "latin1.md"
    binary.write_bytes(b"### Week 1\n\nCaf\xe9 intro\n")
    with pytest.raises(CommandError, match="line 3: not UTF-8"):
        call_command("import_journey", str(binary), stdout=StringIO())
    assert Week.objects.count() == 0


UNSEEN_WEEKS = """\
# Another group's journey

Some preamble with a link https://example.com/preamble that belongs to no week.

### Week 5: Attention

We read about attention this week.
One review for Papers 1-2 and one for Paper 3, focusing on Section 3 of Paper 3.

#### Paper 1: Attention Is All You Need
Link to the paper: https://arxiv.org/abs/1706.03762
PDF: https://arxiv.org/pdf/1706.03762

Read it twice.

Slides: https://example.org/slides-attention

#### Paper 2: Effective Approaches to Attention-based NMT

#### Paper 3: Show, Attend and Tell

Code:

- [Reference implementation](https://github.com/kelvinxu/arctic-captions)
- https://github.com/kelvinxu/arctic-captions

#### Further reading

1. https://arxiv.org/abs/1409.0473

Transformers

Videos:
* https://youtu.be/iDulhoQ2pro

### Week 6

Papers 1 and 2 are reviewed together in one session, maybe.

#### Paper 1: BERT

#### Paper 2: GPT

## Contributors

https://example.com/contributors
"""


def test_a_readme_it_has_never_seen_is_read_by_its_style():
    journey_import(source=UNSEEN_WEEKS)
    week5, week6 = Week.objects.order_by("number")
    assert (week5.number, week5.title) == (5, "Attention")
    assert week5.intro == "We read about attention this week."
    paper1 = week5.papers.get(position=1)
    assert paper1.url == "https://arxiv.org/abs/1706.03762"
    assert paper1.pdf_url == "https://arxiv.org/pdf/1706.03762"
    assert paper1.note == "Read it twice."
    slides = paper1.resources.get()
    assert (slides.title, slides.kind) == ("Slides", Resource.Kind.COURSE_NOTES)
    code = week5.papers.get(position=3).resources.get()
    assert (code.kind, code.title) == (Resource.Kind.CODE, "Reference implementation")
    week_level = {r.url: r for r in week5.resources.filter(paper=None)}
    assert week_level["https://arxiv.org/abs/1409.0473"].kind == Resource.Kind.SUPPLEMENTARY_PAPER
    video = week_level["https://youtu.be/iDulhoQ2pro"]
    assert (video.kind, video.topic) == (Resource.Kind.VIDEO, "Transformers")
    scopes = list(week5.review_scopes.order_by("position"))
    assert [sorted(s.papers.values_list("position", flat=True)) for s in scopes] == [[1, 2], [3]]
    assert scopes[1].focus == "Section 3 of Paper 3"
    # An unreadable grouping sentence is kept as text, and every paper still gets a scope.
    assert week6.review_plan == "Papers 1 and 2 are reviewed together in one session, maybe."
    assert week6.review_scopes.count() == 2
    assert not Resource.objects.filter(url__contains="example.com/").exists()


def test_a_failure_while_writing_leaves_nothing_behind(seed_text, monkeypatch):
    original_save = Resource.save
    saved = []

    def save_then_fail(self, *args, **kwargs):
        saved.append(self)
        if len(saved) == 5:
            raise RuntimeError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Resource, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        journey_import(source=seed_text)
    assert len(saved) == 5  # the failure came in the middle of the import
    assert not Week.objects.exists() and not Paper.objects.exists() and not Resource.objects.exists()


def test_metadata_failing_halfway_changes_nothing(seed_text, monkeypatch):
    journey_import(source=seed_text)
    before = sorted(Paper.objects.values_list("pk", "title", "authors", "year"))
    original_save = Paper.save
    saved = []

    def save_then_fail(self, *args, **kwargs):
        saved.append(self)
        if len(saved) == 3:
            raise RuntimeError("connection lost")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Paper, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        journey_metadata_apply(metadata=tomllib.loads(METADATA.read_text(encoding="utf-8")))
    assert sorted(Paper.objects.values_list("pk", "title", "authors", "year")) == before
