"""The admin's "Import a reading list" screen: the ``import_journey`` command for organisers in a browser.

Two steps. The organiser uploads a Markdown file or pastes its text and sees the dry run: what would be
created or updated, what the text names that is already as it says (unchanged), and the format error
with its line if the text cannot be read. Confirming sends the same text back (in a hidden field of the
dry-run page) and the server runs ``journey_import`` on it again, for real and in one transaction:
nothing the browser sends besides the text and the publish choice is trusted, and a text changed on
the way is simply validated again.

Optionally (a checkbox, off by default, carried from the dry run to the confirmation) the papers of the
imported weeks that have an arXiv id, an arXiv link or a DOI and lack details are then filled from arXiv
and Crossref with ``papers.metadata``: only after the import has committed, only empty fields, at most
``metadata.MAX_PAPERS`` papers within its time limits. A failed look-up never undoes the import; it is
reported as a warning.
"""

import logging
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from papers import metadata
from papers.journey_format import MAX_SOURCE_CHARS, JourneyFormatError, parse_journey
from papers.models import Paper
from papers.services import journey_import

logger = logging.getLogger(__name__)

# The same limit as the management command: one megabyte of UTF-8.
MAX_SOURCE_BYTES = MAX_SOURCE_CHARS
TOO_BIG = f"The reading list is larger than {MAX_SOURCE_BYTES:,} bytes (1 MB). Nothing was imported."
FILL_LABEL = "Fill paper details from arXiv / DOI after importing"
FILL_HELP = (
    f"After the import, papers of these weeks with an arXiv id or link or a DOI get their empty details "
    f"(title, authors, year, venue, abstract, PDF link) looked up; at most {metadata.MAX_PAPERS} papers at a time. "
    f"Details you have entered are kept."
)
# A paper lacking any of these is looked up; the look-up fills only what is empty.
DETAILS = ("title", "authors", "year", "venue", "abstract")


def may_import(user) -> bool:
    """Organisers: whoever may both add and change weeks."""
    return user.has_perm("papers.add_week") and user.has_perm("papers.change_week")


def _normalise(text: str) -> str:
    # Browsers send text fields with CRLF line breaks; the file's own line numbers count LF lines.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_size(text: str) -> str:
    if len(text.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise forms.ValidationError(TOO_BIG)
    return text


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        required=False, label="Markdown file", help_text="A .md file in the reading-list style, at most 1 MB."
    )
    text = forms.CharField(
        required=False,
        strip=False,
        label="…or paste the text",
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100, "spellcheck": "false"}),
    )
    publish = forms.BooleanField(required=False, label="Publish weeks that are new in this import")
    fill_metadata = forms.BooleanField(required=False, label=FILL_LABEL, help_text=FILL_HELP)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_SOURCE_BYTES:
            raise forms.ValidationError(TOO_BIG)
        raw = upload.read(MAX_SOURCE_BYTES + 1)
        if len(raw) > MAX_SOURCE_BYTES:
            raise forms.ValidationError(TOO_BIG)
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise forms.ValidationError(f"Line {line}: not UTF-8 text. Nothing was imported.") from error

    def clean_text(self):
        return _check_size(self.cleaned_data.get("text", ""))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        source = cleaned.get("file") or cleaned.get("text") or ""
        if cleaned.get("file") and cleaned.get("text", "").strip():
            raise forms.ValidationError("Upload a file or paste the text, not both.")
        if not source.strip():
            raise forms.ValidationError("Upload a Markdown file or paste the reading list's text.")
        cleaned["source"] = _normalise(source)
        return cleaned


class ImportConfirmForm(forms.Form):
    """The dry-run page's confirmation: the text itself, validated again as if it were new."""

    source = forms.CharField(widget=forms.HiddenInput, strip=False)
    publish = forms.BooleanField(required=False, widget=forms.HiddenInput)
    fill_metadata = forms.BooleanField(required=False, label=FILL_LABEL, help_text=FILL_HELP)

    def clean_source(self):
        return _normalise(_check_size(self.cleaned_data["source"]))


@dataclass
class DryRun:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    error: JourneyFormatError | None = None

    @property
    def change_count(self) -> int:
        return len(self.created) + len(self.updated) + len(self.deleted)


def _subjects(source: str) -> list[str]:
    """Every week and paper the text names, as the importer's report names them."""
    subjects = []
    for week in parse_journey(source):
        subjects.append(f"Week {week.number}")
        subjects.extend(f"Week {week.number}, Paper {paper.number}" for paper in week.papers)
    return subjects


def _not_understood(report) -> list[str]:
    """Lines the parser skipped, when it reports them (``not_understood``: line numbers or (line, text))."""
    lines = []
    for item in getattr(report, "not_understood", None) or []:
        if isinstance(item, tuple | list):
            number, text = item[0], " ".join(str(part) for part in item[1:])
            lines.append(f"line {number}: {text}" if text else f"line {number}")
        else:
            lines.append(f"line {item}" if isinstance(item, int) else str(item))
    return lines


def dry_run(source: str, *, publish: bool) -> DryRun:
    """What importing ``source`` would do, grouped for the page; writes nothing."""
    result = DryRun()
    try:
        report = journey_import(source=source, dry_run=True, publish=publish)
    except JourneyFormatError as error:
        result.error = error
        return result
    touched = set()
    for change in report.changes:
        verb, _, rest = change.removeprefix("would ").partition(" ")
        subject = rest.split(": ", 1)[0]
        touched.add(subject)
        groups = {"create": result.created, "update": result.updated, "delete": result.deleted}
        groups.get(verb, result.updated).append(rest)
    result.unchanged = [subject for subject in _subjects(source) if subject not in touched]
    result.not_understood = _not_understood(report)
    return result


def _papers_to_fill(source: str) -> list[Paper]:
    """Papers of the weeks ``source`` names that have something to look up and lack some detail."""
    numbers = [week.number for week in parse_journey(source)]
    papers = Paper.objects.filter(week__number__in=numbers).select_related("week").order_by("week__number", "position")
    return [
        paper
        for paper in papers
        if (metadata.arxiv_id_of(paper) or metadata.doi_of(paper))
        and any(getattr(paper, name) in ("", None) for name in DETAILS)
    ]


def fill_imported_papers(request, source: str) -> None:
    """Fill the imported papers' empty details and say what happened; never raises, never undoes the import."""
    try:
        papers = _papers_to_fill(source)
        if not papers:
            messages.info(request, "No imported paper with an arXiv id or DOI was missing details: nothing to fill.")
            return
        capped = papers[: metadata.MAX_PAPERS]
        outcomes = metadata.papers_metadata_fill(capped)
    except metadata.MetadataError as error:
        messages.warning(request, f"The import is done, but no paper details were filled: {error}")
        return
    except Exception:  # the import has committed; a look-up problem must not turn it into an error page
        logger.exception("Filling paper details after an import failed")
        messages.warning(request, "The import is done, but the paper details could not be looked up. Try again later.")
        return
    filled = [outcome for outcome in outcomes if outcome.filled]
    failed = [outcome for outcome in outcomes if outcome.error]
    summary = f"Filled details of {len(filled)} of {len(capped)} paper(s) from arXiv / DOI."
    if len(papers) > len(capped):
        summary += (
            f" Only the first {len(capped)} of {len(papers)} papers were looked up, so that the page answers quickly;"
            f" fill the others from the paper list."
        )
    (messages.success if filled or not failed else messages.warning)(request, summary)
    for outcome in failed:
        messages.warning(request, f"{outcome.paper}: details not filled (the import stays). {outcome.error}")


def import_view(request, model_admin):
    """GET: the upload form. POST: the dry run (``step=preview``) or the import itself (``step=confirm``)."""
    if not may_import(request.user):
        raise PermissionDenied
    changelist_url = reverse("admin:papers_week_changelist")
    upload_form = ImportUploadForm()
    confirm_form = None
    preview = None
    if request.method == "POST" and request.POST.get("step") == "confirm":
        form = ImportConfirmForm(request.POST)
        if form.is_valid():
            source, publish = form.cleaned_data["source"], form.cleaned_data["publish"]
            fill = form.cleaned_data["fill_metadata"]
            try:
                report = journey_import(source=source, publish=publish)
            except JourneyFormatError as error:
                messages.error(request, f"The reading list could not be imported: {error}. Nothing was imported.")
                preview = DryRun(error=error)
            else:
                if report.changes:
                    messages.success(request, f"Imported the reading list: {len(report.changes)} change(s).")
                else:
                    messages.info(request, "The reading list matches the curriculum already: nothing changed.")
                if fill:  # only once the import is committed: a look-up can never undo it
                    transaction.on_commit(lambda: fill_imported_papers(request, source), robust=True)
                return HttpResponseRedirect(changelist_url)
        else:
            messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    elif request.method == "POST":
        upload_form = ImportUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            source, publish = upload_form.cleaned_data["source"], upload_form.cleaned_data["publish"]
            fill = upload_form.cleaned_data["fill_metadata"]
            preview = dry_run(source, publish=publish)
            if preview.error is None:
                confirm_form = ImportConfirmForm(initial={"source": source, "publish": publish, "fill_metadata": fill})
            else:
                upload_form = ImportUploadForm(initial={"text": source, "publish": publish, "fill_metadata": fill})

    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import a reading list",
        "subtitle": None,
        "opts": opts,
        "app_label": opts.app_label,
        "has_view_permission": model_admin.has_view_permission(request),
        "upload_form": upload_form,
        "confirm_form": confirm_form,
        "preview": preview,
        "changelist_url": changelist_url,
        "max_bytes": MAX_SOURCE_BYTES,
    }
    return TemplateResponse(request, "admin/papers/week/import.html", context)
