"""Writes to the curriculum. Every function is one use case and runs in one transaction."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from papers.journey_format import JourneyFormatError, ParsedLink, ParsedWeek, parse_journey
from papers.models import Paper, Resource, ReviewScope, Week


@dataclass
class ImportReport:
    """What an import did, or with ``dry_run`` would do, one line per change."""

    dry_run: bool = False
    changes: list[str] = field(default_factory=list)
    # (line, what): sentences read as plain text because the importer did not understand them.
    not_understood: list[tuple[int, str]] = field(default_factory=list)

    def record(self, action: str, subject: str, detail: str = "") -> None:
        verb = f"would {action}" if self.dry_run else f"{action}d" if action.endswith("e") else f"{action}ed"
        self.changes.append(f"{verb} {subject}{f': {detail}' if detail else ''}")


def _full_clean(instance, subject: str, line: int | None) -> None:
    """``full_clean``, with a refusal of an imported value reported as ``line N: …`` like a format error."""
    if line is None:
        instance.full_clean()
        return
    try:
        instance.full_clean()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            problems = [f"{name}: {message}" for name, messages in error.message_dict.items() for message in messages]
        else:
            problems = error.messages
        raise JourneyFormatError(line, f"{subject}: {'; '.join(problems)}") from error


def _save_changes(instance, values: dict, report: ImportReport, subject: str, line: int | None = None) -> None:
    """Create ``instance`` or update the fields in ``values`` that differ; record what happened.

    ``line`` is where the values come from in an imported file: a value the model refuses then
    raises ``JourneyFormatError`` naming that line instead of a bare ``ValidationError``.
    """
    if instance.pk is None:
        for name, value in values.items():
            setattr(instance, name, value)
        _full_clean(instance, subject, line)
        instance.save()
        report.record("create", subject)
        return
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return
    for name in changed:
        setattr(instance, name, values[name])
    _full_clean(instance, subject, line)
    instance.save()
    report.record("update", subject, ", ".join(changed))


def _import_links(week: Week, paper: Paper | None, links: list[ParsedLink], report, positions) -> None:
    seen: set[str] = set()
    for link in links:
        if link.url in seen:
            continue  # the same URL twice under one week or paper is one resource
        seen.add(link.url)
        resource = Resource.objects.filter(week=week, paper=paper, url=link.url).first() or Resource(
            week=week, paper=paper, url=link.url
        )
        values = {"kind": link.kind, "topic": link.topic, "note": link.note, "position": next(positions)}
        if link.title:
            values["title"] = link.title
        where = f"Week {week.number}" + (f", Paper {paper.position}" if paper else "")
        _save_changes(resource, values, report, f"resource {link.url} ({where})", link.line)


def _import_week(parsed: ParsedWeek, report: ImportReport, publish: bool) -> Week:
    week = Week.objects.filter(number=parsed.number).first()
    title = parsed.title or (week.title if week else f"Week {parsed.number}")
    values = {"title": title, "intro": parsed.intro, "review_plan": parsed.review_plan}
    if week is None:
        week = Week(number=parsed.number)
        if publish:
            values["published_at"] = timezone.now()
    _save_changes(week, values, report, f"Week {parsed.number}", parsed.line)

    positions = iter(range(1, 10_000))
    _import_links(week, None, parsed.links, report, positions)
    for parsed_paper in parsed.papers:
        paper = Paper.objects.filter(week=week, position=parsed_paper.number).first() or Paper(
            week=week, position=parsed_paper.number
        )
        paper_values = {"title": parsed_paper.title}
        # Only what the README states: details an organiser added in the admin are kept.
        for name in ("url", "pdf_url", "focus_note"):
            if getattr(parsed_paper, name):
                paper_values[name] = getattr(parsed_paper, name)
        if parsed_paper.note_paragraphs:
            paper_values["note"] = "\n\n".join(parsed_paper.note_paragraphs)
        _save_changes(
            paper, paper_values, report, f"Week {week.number}, Paper {parsed_paper.number}", parsed_paper.line
        )
        _import_links(week, paper, parsed_paper.links, report, positions)

    for index, parsed_scope in enumerate(parsed.scopes, start=1):
        scope = ReviewScope.objects.filter(week=week, position=index).first() or ReviewScope(week=week, position=index)
        subject = f"Week {week.number}, review scope {index}"
        _save_changes(scope, {"focus": parsed_scope.focus}, report, subject, parsed.line)
        wanted = set(Paper.objects.filter(week=week, position__in=parsed_scope.paper_numbers))
        if set(scope.papers.all()) != wanted:
            scope.papers.set(wanted)
            report.record("update", f"Week {week.number}, review scope {index}", "papers")
        # A paper now reviewed in this scope leaves any later scope it was in.
        for later in week.review_scopes.filter(position__gt=len(parsed.scopes), papers__in=wanted).distinct():
            later.papers.remove(*wanted)
    _sync_default_scopes(week, report)
    return week


def _sync_default_scopes(week: Week, report: ImportReport | None = None) -> None:
    for scope in week.review_scopes.filter(papers__isnull=True, reviews__isnull=True):
        scope.delete()
        if report:
            report.record("delete", f"Week {week.number}, empty review scope {scope.position}")
    uncovered = week.papers.filter(review_scopes__isnull=True).order_by("position")
    next_position = max(week.review_scopes.values_list("position", flat=True), default=0) + 1
    for paper in uncovered:
        scope = ReviewScope.objects.create(week=week, position=next_position)
        scope.papers.add(paper)
        next_position += 1
        if report:
            report.record("create", f"Week {week.number}, review scope {scope.position}", f"Paper {paper.position}")


@transaction.atomic
def review_scopes_sync(*, week: Week) -> None:
    """Every paper of the week is in at least one review scope; empty scopes are removed.

    A paper no scope mentions gets a scope of its own, which is the default the group works with.
    """
    _sync_default_scopes(week)


@transaction.atomic
def journey_import(*, source: str, dry_run: bool = False, publish: bool = False) -> ImportReport:
    """Create or update weeks, papers, resources and review scopes from a README in the journey style.

    Guarantees: all or nothing (a format error, or a value the models refuse, names its line as a
    ``JourneyFormatError`` and writes nothing); re-running with
    the same text changes nothing; a URL is stored once per week or paper; fields the README does
    not state (authors, dates, publish time of existing weeks) are left as they are. With
    ``dry_run`` nothing is written and the report says what would change. New weeks are drafts
    unless ``publish`` is set.
    """
    report = ImportReport(dry_run=dry_run)
    for parsed in parse_journey(source):
        _import_week(parsed, report, publish)
        report.not_understood.extend(
            (line, f"kept as Week {parsed.number}'s review plan text: {sentence}")
            for line, sentence in parsed.not_understood
        )
    if dry_run:
        transaction.set_rollback(True)
    return report


PAPER_METADATA_FIELDS = ("title", "authors", "year", "venue", "url", "pdf_url", "arxiv_id", "doi", "abstract",
                         "focus_note", "note")  # fmt: skip
RESOURCE_METADATA_FIELDS = ("title", "kind", "topic", "note")


@transaction.atomic
def journey_metadata_apply(*, metadata: dict) -> ImportReport:
    """Complete imported weeks from curated data: week titles, papers' bibliographic details and
    papers a README names only in prose, resource titles, and resources the README lists outside any
    week (``add = true``). Weeks must exist already; re-applying changes nothing."""
    report = ImportReport()
    for week_data in metadata.get("weeks", []):
        week = Week.objects.get(number=week_data["number"])
        week_values = {key: week_data[key] for key in ("title",) if key in week_data}
        _save_changes(week, week_values, report, f"Week {week.number}")
        for paper_data in week_data.get("papers", []):
            paper = Paper.objects.filter(week=week, position=paper_data["position"]).first() or Paper(
                week=week, position=paper_data["position"]
            )
            values = {key: paper_data[key] for key in PAPER_METADATA_FIELDS if key in paper_data}
            _save_changes(paper, values, report, f"Week {week.number}, Paper {paper.position}")
        for resource_data in week_data.get("resources", []):
            matching = list(Resource.objects.filter(week=week, url=resource_data["url"]))
            if not matching and resource_data.get("add"):
                matching = [Resource(week=week, url=resource_data["url"], position=0)]
            values = {key: resource_data[key] for key in RESOURCE_METADATA_FIELDS if key in resource_data}
            for resource in matching:
                _save_changes(resource, values, report, f"Week {week.number}, resource {resource.url}")
        _sync_default_scopes(week, report)
    return report


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def demo_schedule_fill(*, today: date, current_week_number: int) -> list[Week]:
    """Give weeks without dates a weekly rhythm around ``today`` so the demo has past, current and
    upcoming weeks: reading starts on Monday, reviews are due Friday 18:00, the meeting is Saturday
    15:00, and each week is published a week before its reading starts. Weeks with dates keep them."""
    changed = []
    tz = timezone.get_current_timezone()
    for week in Week.objects.filter(reading_starts__isnull=True):
        starts = _monday(today) + timedelta(weeks=week.number - current_week_number)
        week.reading_starts = starts
        week.reviews_due = datetime.combine(starts + timedelta(days=4), time(18, 0), tzinfo=tz)
        week.meeting_at = datetime.combine(starts + timedelta(days=5), time(15, 0), tzinfo=tz)
        week.published_at = datetime.combine(starts - timedelta(weeks=1), time(9, 0), tzinfo=tz)
        week.full_clean()
        week.save()
        changed.append(week)
    return changed


@transaction.atomic
def week_publish(*, week: Week, at: datetime | None = None) -> Week:
    """Publish the week now (or at ``at``); a week already published keeps its original time."""
    if week.published_at is None or (at is not None and week.published_at != at):
        week.published_at = at or timezone.now()
        week.save(update_fields=["published_at", "updated"])
    return week


@transaction.atomic
def week_unpublish(*, week: Week) -> Week:
    """Turn the week back into a draft: only organisers see it."""
    if week.published_at is not None:
        week.published_at = None
        week.save(update_fields=["published_at", "updated"])
    return week


@transaction.atomic
def paper_positions_free(*, week: Week, papers: list[Paper]) -> None:
    """Move the given papers out of the way so they can be renumbered among themselves.

    Saving a swap (Paper 1 ↔ Paper 2) row by row would briefly put two papers at one position,
    which the database forbids; parking the rows at unused positions first avoids that.
    """
    top = max(week.papers.values_list("position", flat=True), default=0)
    for offset, paper in enumerate(papers, start=1):
        Paper.objects.filter(pk=paper.pk).update(position=top + offset)
