"""The importer does not trust its file: bounded size, bounded numbers, every refusal a "line N: …"."""

import os
import stat
import threading
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from papers.journey_format import MAX_PAPER_NUMBER, JourneyFormatError, parse_journey, parse_scopes
from papers.management.commands.import_journey import MAX_SOURCE_BYTES
from papers.models import Paper, Resource, ReviewScope, Week
from papers.services import journey_import

pytestmark = pytest.mark.django_db

WEEK = "### Week 1\n\nIntro.\n{sentence}\n\n#### Paper 1: A\n\n#### Paper 2: B\n"


def snapshot():
    return {
        model.__name__: sorted(map(repr, model.objects.values_list())) for model in (Week, Paper, Resource, ReviewScope)
    }


def import_file(tmp_path, text: str, name="readme.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    call_command("import_journey", str(path), stdout=StringIO())


# -- ranges and numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # Well above any week's papers, small enough that the old importer expanded it and said nothing.
        "One review for Papers 1 to 100000.",
        # The finding: expanded before it was checked, this one exhausted memory.
        "One review for Papers 1 to 2000000000.",
        "One review for Papers 1-2000000000 and one for Paper 2.",
        # Too many digits for int() at all: was a bare ValueError.
        f"One review for Papers 1 to {'9' * 5000}.",
    ],
)
def test_a_huge_paper_range_is_a_format_error_naming_its_line(sentence):
    with pytest.raises(JourneyFormatError) as error:
        journey_import(source=WEEK.format(sentence=sentence))
    assert error.value.line == 4
    assert "out of range" in str(error.value) and f"up to {MAX_PAPER_NUMBER}" in str(error.value)
    assert not Week.objects.exists()


def test_the_range_error_names_the_line_the_sentence_is_on_within_its_paragraph():
    text = "### Week 1\n\nWe read two papers.\nThey are long.\nOne review for Papers 1 to 500.\n\n#### Paper 1: A\n"
    with pytest.raises(JourneyFormatError) as error:
        parse_journey(text)
    assert error.value.line == 5


def test_a_range_within_bounds_still_reads_as_scopes():
    journey_import(source=WEEK.format(sentence="One review for Papers 1 to 2."))
    scope = ReviewScope.objects.get()
    assert sorted(scope.papers.values_list("position", flat=True)) == [1, 2]


def test_parse_scopes_alone_bounds_ranges_before_expanding():
    with pytest.raises(JourneyFormatError, match="out of range"):
        parse_scopes("One review for Papers 1 to 2000000000.")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("### Week 1000\n", 1),
        (f"### Week {'9' * 5000}\n", 1),
        ("### Week 1\n\n#### Paper 100: Too far\n", 3),
        (f"### Week 1\n\n#### Paper {'9' * 5000}: Too far\n", 3),
    ],
)
def test_week_and_paper_numbers_are_bounded(text, line):
    with pytest.raises(JourneyFormatError) as error:
        journey_import(source=text)
    assert error.value.line == line
    assert "out of range" in str(error.value)


def test_the_command_reports_a_huge_range_by_line_and_writes_nothing(tmp_path, seed_text):
    journey_import(source=seed_text)
    before = snapshot()
    bad = (
        seed_text.replace("### Week 3", "### Week 3: Renamed")
        + "\n"
        + WEEK.format(sentence="x").replace("Week 1", "Week 9").replace("x", "One review for Papers 1 to 2000000000.")
    )
    line = len(seed_text.splitlines()) + 1 + 4
    with pytest.raises(CommandError, match=rf"line {line}: Paper 2000000000 is out of range.*Nothing was imported"):
        import_file(tmp_path, bad)
    assert snapshot() == before


# -- what the file is ---------------------------------------------------------------------------------


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "readme.md"
    os.mkfifo(fifo)

    def late_writer():
        # Only an importer that blocks in open() is still there to read this; then it imports it.
        try:
            descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return  # nobody is reading: the importer refused the FIFO, as it should
        with os.fdopen(descriptor, "wb") as pipe:
            pipe.write(b"### Week 1\n\n#### Paper 1: From a pipe\n")

    writer = threading.Timer(2.0, late_writer)
    writer.daemon = True
    writer.start()
    try:
        with pytest.raises(CommandError, match="not a regular file.*Nothing was imported"):
            call_command("import_journey", str(fifo), stdout=StringIO())
    finally:
        writer.cancel()
    assert not Week.objects.exists()


def test_a_device_is_refused_before_it_is_read():
    # /dev/zero is the finding (read until memory ran out); /dev/null is a device that is safe to test
    # against the old importer too, which read it and complained only that it had no weeks.
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    with pytest.raises(CommandError, match="a device, pipe or socket, not a regular file"):
        call_command("import_journey", os.devnull, stdout=StringIO())
    assert not Week.objects.exists()


def test_a_directory_is_refused_as_not_a_regular_file(tmp_path):
    with pytest.raises(CommandError, match="it is a directory, not a regular file"):
        call_command("import_journey", str(tmp_path), stdout=StringIO())


def test_a_file_over_one_megabyte_is_refused(tmp_path):
    text = "### Week 1\n\n#### Paper 1: Padded\n"
    path = tmp_path / "big.md"
    path.write_bytes(text.encode() + b"\n" * (MAX_SOURCE_BYTES + 1 - len(text)))
    assert path.stat().st_size == MAX_SOURCE_BYTES + 1
    with pytest.raises(CommandError, match=r"larger than 1,000,000 bytes.*Nothing was imported"):
        call_command("import_journey", str(path), stdout=StringIO())
    assert not Week.objects.exists()


def test_a_file_of_exactly_one_megabyte_is_imported(tmp_path):
    text = "### Week 1\n\n#### Paper 1: Padded\n"
    path = tmp_path / "big.md"
    path.write_bytes(text.encode() + b"\n" * (MAX_SOURCE_BYTES - len(text)))
    call_command("import_journey", str(path), stdout=StringIO())
    assert Paper.objects.get().title == "Padded"


def test_a_text_over_the_limit_is_refused_by_the_parser_too():
    with pytest.raises(JourneyFormatError, match="longer than 1,000,000 characters"):
        parse_journey("### Week 1\n" + "\n" * MAX_SOURCE_BYTES)


# -- values longer than their fields ------------------------------------------------------------------

LONG_URL = "https://example.com/" + "a" * 990  # 1,010 characters


@pytest.mark.parametrize(
    ("week", "line", "message"),
    [
        (f"### Week 9: {'T' * 201}\n", 1, "the title of Week 9 is longer than 200 characters"),
        (f"### Week 9\n\n#### Paper 1: {'T' * 301}\n", 3, "the title of Paper 1 is longer than 300 characters"),
        (f"### Week 9\n\nFirst.\n\n{'word ' * 1700}\n", 5, "the intro of Week 9 is longer than 8,000 characters"),
        (f"### Week 9\n\n#### Paper 1: A\n\n{'word ' * 1700}\n", 5, "the note on Paper 1 is longer than 8,000"),
        (f"### Week 9\n\n#### Paper 1: A\nLink to the paper: {LONG_URL}\n", 4, "the link is longer than 1,000"),
        (f"### Week 9\n\nVideos:\n- {LONG_URL}\n", 4, "the link is longer than 1,000 characters"),
        (f"### Week 9\n\n- [{'T' * 301}](https://example.com/x)\n", 3, "the link's title is longer than 300"),
        (f"### Week 9\n\n{'Lead ' * 101}:\n- https://example.com/x\n", 4, "the lead-in above this link is longer"),
        (
            f"### Week 9\n\nOne review for Paper 1, focusing on {'x' * 301}.\n\n#### Paper 1: A\n",
            3,
            "a review's focus is longer than 300",
        ),
        # Not a length: a value only the model refuses, caught while writing (Week 3 is already renamed).
        ("### Week 9\n\n#### Paper 1: A\n\nSlides: https://intranet/slides\n", 5, "Enter a valid URL"),
    ],
)
def test_a_value_the_fields_refuse_is_reported_by_line_and_nothing_is_written(tmp_path, seed_text, week, line, message):
    journey_import(source=seed_text)
    before = snapshot()
    bad = seed_text.replace("### Week 3", "### Week 3: Renamed") + "\n" + week
    line += len(seed_text.splitlines()) + 1
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, bad)
    assert f": line {line}: " in str(error.value)
    assert message in str(error.value)
    assert str(error.value).endswith("Nothing was imported.")
    assert snapshot() == before


def test_a_line_of_brackets_is_read_in_linear_time():
    # The link patterns once rescanned the rest of the line from every '[': hours for a 1 MB line.
    line = "[a](https://example.com/a) " + "[" * 200_000 + " https://example.com/x"
    started = time.monotonic()
    weeks = parse_journey(f"### Week 1\n\n{line}\n")
    assert time.monotonic() - started < 2
    assert [link.url for link in weeks[0].links] == ["https://example.com/a", "https://example.com/x"]
