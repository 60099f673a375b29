import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from papers import admin_import, metadata, services
from papers.duplication import week_duplicate
from papers.export import journey_export_response
from papers.models import Paper, Resource, ReviewScope, Week


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("published", "Published"), ("scheduled", "Scheduled"), ("draft", "Draft")]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "published":
                return queryset.filter(published_at__lte=now)
            case "scheduled":
                return queryset.filter(published_at__gt=now)
            case "draft":
                return queryset.filter(published_at__isnull=True)
        return queryset


class PaperInlineForm(forms.ModelForm):
    def validate_constraints(self):
        # The inline holds every paper of the week, and the formset already refuses two rows at one
        # position. Checking each row against the database as well would refuse a swap (1 ↔ 2).
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions() | {"position"})
        except ValidationError as error:
            self._update_errors(error)


class PaperInline(admin.StackedInline):
    """The week's papers, a few fields to a line (nine in a row did not fit a 1280 px screen); the full
    bibliographic form is one click away ("Change")."""

    model = Paper
    form = PaperInlineForm
    extra = 0
    ordering = ["position"]
    fields = [("position", "year"), "title", "authors", ("url", "pdf_url"), ("arxiv_id", "doi"), "focus_note"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("week")


class ResourceInline(admin.TabularInline):
    """A week has many resources, so they stay one row each, in boxes narrow enough for a 1280 px screen
    (static/css/admin-week.css)."""

    model = Resource
    extra = 0
    ordering = ["position", "pk"]
    # A plain address box: the admin's own shows the saved address again as a long link above it.
    formfield_overrides = {models.URLField: {"widget": forms.URLInput}}
    # The note is on each resource's own page ("Change"): seven columns did not fit.
    fields = ["position", "kind", "topic", "title", "url", "paper"]
    show_change_link = True
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("week", "paper")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "paper":
            kwargs["queryset"] = Paper.objects.filter(week_id=_week_id(request)).order_by("position")
            return _with_shared_choices(super().formfield_for_foreignkey(db_field, request, **kwargs), request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


POSITION_LIST = re.compile(r"^\s*\d+(\s*(,|and|&)?\s*\d+)*\s*$")


class ReviewScopeInlineForm(forms.ModelForm):
    """A scope names its papers from the list of saved papers, or by position ("1, 2").

    Papers added in the same save have no row in the database yet, so the list cannot offer them; their
    positions can be typed instead and are resolved after the papers are saved (``WeekAdmin.save_formset``).
    A new paper that no scope names gets a scope of its own anyway (``review_scopes_sync``).
    """

    paper_positions = forms.CharField(
        required=False,
        label="papers by position",
        help_text='e.g. "1, 2": also papers added in this same save.',
        widget=forms.TextInput(attrs={"size": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["papers"].required = False

    def clean_paper_positions(self):
        text = self.cleaned_data["paper_positions"]
        if text and not POSITION_LIST.match(text):
            raise ValidationError('Write paper positions as numbers, e.g. "1, 2".')
        return sorted({int(number) for number in re.findall(r"\d+", text)})

    def clean(self):
        cleaned = super().clean()
        named = cleaned.get("papers") or cleaned.get("paper_positions")
        if not named and not self.errors and (self.has_changed() or self.instance.pk is None):
            raise ValidationError("Choose the scope's papers, or write their positions.")
        return cleaned


class ReviewScopeFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        offered = _submitted_paper_positions(self.data)
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            unknown = [n for n in form.cleaned_data.get("paper_positions", []) if n not in offered]
            if unknown:
                listed = ", ".join(str(n) for n in unknown)
                form.add_error("paper_positions", f"This week has no paper at position {listed}.")


def _submitted_paper_positions(data) -> set[int]:
    """The positions of the papers the week form keeps, as submitted (saved and new rows, less deleted ones)."""
    try:
        total = int(data.get("papers-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        return set()
    positions = set()
    for index in range(min(total, 1000)):
        value = str(data.get(f"papers-{index}-position", "")).strip()
        if value.isdigit() and not data.get(f"papers-{index}-DELETE"):
            positions.add(int(value))
    return positions


class ReviewScopeInline(admin.StackedInline):
    model = ReviewScope
    form = ReviewScopeInlineForm
    formset = ReviewScopeFormSet
    extra = 0
    ordering = ["position"]
    fields = [("position", "paper_positions"), "papers", "focus"]
    verbose_name = "review scope"
    verbose_name_plural = "review scopes (what one review covers; papers left out get a scope of their own)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("week").prefetch_related("papers")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "papers":
            kwargs["queryset"] = Paper.objects.filter(week_id=_week_id(request)).order_by("position")
            return _with_shared_choices(super().formfield_for_manytomany(db_field, request, **kwargs), request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _with_shared_choices(formfield, request):
    """Every row of an inline offers the week's papers: list them once per request, not once per row."""
    cache_name = f"_week_paper_choices_{type(formfield).__name__}"
    if not hasattr(request, cache_name):
        setattr(request, cache_name, list(formfield.choices))
    formfield.choices = getattr(request, cache_name)
    widget = formfield.widget
    while hasattr(widget, "widget"):  # the admin wraps the select in its add/change links
        widget = widget.widget
        widget.choices = formfield.choices
    return formfield


def _week_id(request) -> int | None:
    match = request.resolver_match
    object_id = match.kwargs.get("object_id") if match else None
    return int(object_id) if object_id and str(object_id).isdigit() else None


@admin.register(Week)
class WeekAdmin(admin.ModelAdmin):
    save_on_top = True

    class Media:
        css = {"all": ["css/admin-week.css"]}

    list_display = ["number", "title", "reading_starts", "reviews_due", "meeting_at", "published", "paper_count"]
    list_display_links = ["number", "title"]
    list_filter = [PublicationFilter, "reading_starts"]
    search_fields = ["title", "intro", "papers__title", "papers__authors"]
    readonly_fields = ["intro_preview"]
    date_hierarchy = "reading_starts"
    actions = ["publish_now", "unpublish", "duplicate", "export_markdown"]

    @admin.action(description="Export as Markdown (README style)", permissions=["view"])
    def export_markdown(self, request, queryset):
        return journey_export_response(list(queryset.order_by("number")))

    inlines = [PaperInline, ReviewScopeInline, ResourceInline]
    fieldsets = [
        (None, {"fields": [("number", "title")]}),
        ("Schedule", {"fields": [("reading_starts", "reviews_due", "meeting_at"), "reminder_hours", "published_at"]}),
        ("Intro", {"fields": ["intro", "intro_preview", "review_plan"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paper_count=Count("papers", distinct=True))

    @admin.display(boolean=True, description="published", ordering="published_at")
    def published(self, week):
        return week.is_published

    @admin.display(description="papers", ordering="paper_count")
    def paper_count(self, week):
        return week.paper_count

    @admin.display(description="intro as members see it")
    def intro_preview(self, week):
        if not week.intro_html:
            return "Save to see the rendered intro."
        return format_html('<div class="rendered-preview">{}</div>', mark_safe(week.intro_html))

    @admin.action(description="Publish selected weeks now")
    def publish_now(self, request, queryset):
        for week in queryset:
            services.week_publish(week=week)
        self.message_user(request, f"Published {queryset.count()} week(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected weeks (back to draft)")
    def unpublish(self, request, queryset):
        for week in queryset:
            services.week_unpublish(week=week)
        self.message_user(request, f"{queryset.count()} week(s) are drafts again.", messages.SUCCESS)

    @admin.action(description="Duplicate this week (as a draft with the next number)", permissions=["add"])
    def duplicate(self, request, queryset):
        copies = [week_duplicate(week=week) for week in queryset.order_by("number")]
        listed = ", ".join(f"Week {copy.number}" for copy in copies)
        self.message_user(request, f"Created {listed} as draft copies (no reviews copied).", messages.SUCCESS)

    def get_urls(self):
        import_url = path("import/", self.admin_site.admin_view(self.import_view), name="papers_week_import")
        return [import_url, *super().get_urls()]

    def import_view(self, request):
        return admin_import.import_view(request, self)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"may_import": admin_import.may_import(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def save_formset(self, request, form, formset, change):
        if formset.model is Paper:
            moved = [f.instance for f in formset.forms if f.instance.pk and "position" in f.changed_data]
            if moved:
                services.paper_positions_free(week=form.instance, papers=moved)
        super().save_formset(request, form, formset, change)
        if formset.model is ReviewScope:
            # Positions typed on a scope row name papers saved just before (the paper inline comes first).
            for scope_form in formset.forms:
                positions = getattr(scope_form, "cleaned_data", {}).get("paper_positions")
                if positions and scope_form.instance.pk and scope_form not in formset.deleted_forms:
                    scope_form.instance.papers.add(*form.instance.papers.filter(position__in=positions))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.review_scopes_sync(week=form.instance)


class PaperResourceInline(admin.TabularInline):
    model = Resource
    fk_name = "paper"
    extra = 0
    ordering = ["position", "pk"]
    fields = ["position", "kind", "topic", "title", "url", "note"]
    verbose_name_plural = "resources for this paper"


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["__str__", "week", "authors", "year", "venue"]
    list_filter = ["week"]
    search_fields = ["title", "authors", "venue", "arxiv_id", "doi"]
    list_select_related = ["week"]
    autocomplete_fields = ["week"]
    inlines = [PaperResourceInline]
    fieldsets = [
        (None, {"fields": ["week", ("position", "title"), "focus_note"]}),
        ("Bibliography", {"fields": ["authors", ("year", "venue"), ("url", "pdf_url"), ("arxiv_id", "doi")]}),
        ("Text", {"fields": ["abstract", "note"]}),
    ]

    def save_formset(self, request, form, formset, change):
        if formset.model is Resource:
            for resource_form in formset.forms:
                resource_form.instance.week = form.instance.week
        super().save_formset(request, form, formset, change)

    # "Fill from arXiv id / DOI": an action on the list and two buttons on the form (templates/admin/papers/paper/).
    actions = ["fill_metadata", "fill_metadata_overwrite"]

    @admin.action(description="Fill empty fields from arXiv id / DOI", permissions=["change"])
    def fill_metadata(self, request, queryset):
        self._fill_metadata(request, queryset, overwrite=False)

    @admin.action(description="Fill from arXiv id / DOI, replacing filled fields", permissions=["change"])
    def fill_metadata_overwrite(self, request, queryset):
        self._fill_metadata(request, queryset, overwrite=True)

    def response_add(self, request, obj, post_url_continue=None):
        if "_fill_metadata" in request.POST or "_fill_metadata_overwrite" in request.POST:
            self.message_user(request, f"Saved {obj}.", messages.SUCCESS)
            self._fill_metadata(request, [obj], overwrite="_fill_metadata_overwrite" in request.POST)
            return HttpResponseRedirect(reverse("admin:papers_paper_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_fill_metadata" in request.POST or "_fill_metadata_overwrite" in request.POST:
            self.message_user(request, f"Saved {obj}.", messages.SUCCESS)
            self._fill_metadata(request, [obj], overwrite="_fill_metadata_overwrite" in request.POST)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _fill_metadata(self, request, papers, *, overwrite):
        try:
            outcomes = metadata.papers_metadata_fill(papers, overwrite=overwrite)
        except metadata.MetadataError as error:
            self.message_user(request, f"Nothing was changed. {error}", messages.ERROR)
            return

        def names(fields):
            return ", ".join(str(Paper._meta.get_field(name).verbose_name) for name in fields)

        for outcome in outcomes:
            kept = f" Kept what you had entered for {names(outcome.kept)}." if outcome.kept else ""
            if outcome.error:
                self.message_user(request, f"{outcome.paper}: nothing was changed. {outcome.error}", messages.ERROR)
            elif outcome.filled:
                self.message_user(request, f"{outcome.paper}: filled {names(outcome.filled)}.{kept}", messages.SUCCESS)
            else:
                self.message_user(request, f"{outcome.paper}: nothing new to fill.{kept}", messages.INFO)


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["display_title", "kind", "topic", "week", "paper"]
    list_filter = ["kind", "week"]
    search_fields = ["title", "url", "topic", "note"]
    list_select_related = ["week", "paper"]
