"""The admin's "Import a reading list" screen: the ``import_journey`` command for organisers in a browser.

Two steps. The organiser uploads a Markdown file or pastes its text and sees the dry run: what would be
created or updated, what the text names that is already as it says (unchanged), and the format error
with its line if the text cannot be read. Confirming sends the same text back (in a hidden field of the
dry-run page) and the server runs ``journey_import`` on it again, for real and in one transaction:
nothing the browser sends besides the text and the publish choice is trusted, and a text changed on
the way is simply validated again.
"""

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from papers.journey_format import MAX_SOURCE_CHARS, JourneyFormatError, parse_journey
from papers.services import journey_import

# The same limit as the management command: one megabyte of UTF-8.
MAX_SOURCE_BYTES = MAX_SOURCE_CHARS
TOO_BIG = f"The reading list is larger than {MAX_SOURCE_BYTES:,} bytes (1 MB). Nothing was imported."


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
                return HttpResponseRedirect(changelist_url)
        else:
            messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    elif request.method == "POST":
        upload_form = ImportUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            source, publish = upload_form.cleaned_data["source"], upload_form.cleaned_data["publish"]
            preview = dry_run(source, publish=publish)
            if preview.error is None:
                confirm_form = ImportConfirmForm(initial={"source": source, "publish": publish})
            else:
                upload_form = ImportUploadForm(initial={"text": source, "publish": publish})

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
