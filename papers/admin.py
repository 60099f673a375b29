from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from papers import services
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


class PaperInline(admin.TabularInline):
    """The week's papers at a glance; the full bibliographic form is one click away ("Change")."""

    model = Paper
    form = PaperInlineForm
    extra = 0
    ordering = ["position"]
    fields = ["position", "title", "authors", "year", "focus_note"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("week")


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    ordering = ["position", "pk"]
    fields = ["position", "kind", "topic", "title", "url", "paper", "note"]
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("week", "paper")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "paper":
            kwargs["queryset"] = Paper.objects.filter(week_id=_week_id(request)).order_by("position")
            return _with_shared_choices(super().formfield_for_foreignkey(db_field, request, **kwargs), request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReviewScopeInline(admin.TabularInline):
    model = ReviewScope
    extra = 0
    ordering = ["position"]
    fields = ["position", "papers", "focus"]
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
    list_display = ["number", "title", "reading_starts", "reviews_due", "meeting_at", "published", "paper_count"]
    list_display_links = ["number", "title"]
    list_filter = [PublicationFilter, "reading_starts"]
    search_fields = ["title", "intro", "papers__title", "papers__authors"]
    readonly_fields = ["intro_preview"]
    date_hierarchy = "reading_starts"
    actions = ["publish_now", "unpublish"]
    inlines = [PaperInline, ReviewScopeInline, ResourceInline]
    fieldsets = [
        (None, {"fields": [("number", "title")]}),
        ("Schedule", {"fields": [("reading_starts", "reviews_due", "meeting_at"), "published_at"]}),
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

    def save_formset(self, request, form, formset, change):
        if formset.model is Paper:
            moved = [f.instance for f in formset.forms if f.instance.pk and "position" in f.changed_data]
            if moved:
                services.paper_positions_free(week=form.instance, papers=moved)
        super().save_formset(request, form, formset, change)

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


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["display_title", "kind", "topic", "week", "paper"]
    list_filter = ["kind", "week"]
    search_fields = ["title", "url", "topic", "note"]
    list_select_related = ["week", "paper"]
