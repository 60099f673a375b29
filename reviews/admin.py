from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef
from django.urls import path, reverse
from django.utils.html import format_html

from core.paginators import CappedCountPaginator
from reviews import services
from reviews.models import (
    Comment,
    CommentReport,
    ModerationEntry,
    ModerationReason,
    ReadingChoice,
    Review,
    ReviewItem,
)

SHOWN_OR_HIDDEN = (Review.Status.PUBLISHED, Review.Status.HIDDEN)


class ReadOnlyAdminMixin:
    """Members' writing is theirs: the admin shows it without Save buttons. Organisers act on it through the
    list's actions (hide, show) and the site's own pages, which log what they do."""

    def has_change_permission(self, request, obj=None):
        return False


def hide_and_show_actions(what: str, set_hidden):
    """The admin's bulk actions on reviews or comments: hide as spam (one is hidden from its page on the
    site, where the reason is chosen), and show again. Each goes through the service, logged."""

    @admin.action(description=f"Hide selected {what}s as spam (their authors are told)")
    def hide_as_spam(model_admin, request, queryset):
        for thing in queryset:
            set_hidden(thing, hidden=True, by=request.user, reason=ModerationReason.SPAM)
        model_admin.message_user(request, f"Hid {queryset.count()} {what}(s).", messages.SUCCESS)

    @admin.action(description=f"Show selected {what}s to members again")
    def show(model_admin, request, queryset):
        for thing in queryset:
            set_hidden(thing, hidden=False, by=request.user)
        model_admin.message_user(request, f"{queryset.count()} {what}(s) visible again.", messages.SUCCESS)

    return hide_as_spam, show


class AuthorFilter(admin.FieldListFilter):
    """The "By author" filter as a type-ahead box, not a link per member (a site can have thousands). The box
    is the admin's own select2 (``admin/js/autocomplete.js``), asking the changelist's ``authors`` view;
    choosing a name reloads the list with ``?author__id__exact=<id>``: a filter on the column, no join."""

    template = "admin/reviews/author_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = f"{field_path}__{field.target_field.name}__exact"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.model_admin = model_admin

    def expected_parameters(self):
        return [self.lookup_kwarg]

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {}  # a count per member is the per-member list this filter exists to avoid

    def choices(self, changelist):
        values = self.used_parameters.get(self.lookup_kwarg) or [""]
        chosen = self.field.related_model._default_manager.filter(pk=values[-1]).first() if values[-1] else None
        opts = self.model_admin.opts
        yield {
            "param": self.lookup_kwarg,
            "chosen": chosen,
            "url": reverse(f"{self.model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}_authors"),
            "query_string": changelist.get_query_string(remove=[self.lookup_kwarg]),
        }


class AuthorSearchView(AutocompleteJsonView):
    """The admin's autocomplete answer (``{"results": [{"id", "text"}], "pagination": {"more"}}``, 20 a
    page) for the author box: members with a username containing the term who wrote something listed on
    ``model_admin``'s changelist. Asked with that changelist's view permission; the admin's own
    ``autocomplete`` view would ask for the User admin's, which organisers do not have (and should not:
    it shows every account's email address)."""

    model_admin = None

    def process_request(self, request):
        return request.GET.get("term", "").strip(), self.model_admin, self.model_admin.opts.get_field("author"), "id"

    def get_queryset(self):
        written = self.model_admin.get_queryset(self.request).filter(author=OuterRef("pk"))
        return get_user_model().objects.filter(Exists(written), username__icontains=self.term).order_by("username")

    def serialize_result(self, obj, to_field_name):
        return {"id": str(obj.pk), "text": obj.get_username()}


class FilterByAuthorMixin:
    """Adds the author box's ``authors`` view and the scripts it needs to a changelist with an ``author``."""

    def get_urls(self):
        view = AuthorSearchView.as_view(admin_site=self.admin_site, model_admin=self)
        name = f"{self.opts.app_label}_{self.opts.model_name}_authors"
        return [path("authors/", self.admin_site.admin_view(view), name=name), *super().get_urls()]

    @property
    def media(self):
        select2 = AutocompleteSelect(self.opts.get_field("author"), self.admin_site).media
        # Naming the scripts it needs first keeps it after them when the lists are merged.
        ours = forms.Media(js=["admin/js/jquery.init.js", "admin/js/autocomplete.js", "admin-filters/author-filter.js"])
        return super().media + select2 + ours


@admin.register(Review)
class ReviewAdmin(FilterByAuthorMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["week_and_scope", "excerpt", "author", "status", "published_at", "edited_at", "on_the_site"]
    list_filter = [("author", AuthorFilter), "status", "scope__week"]
    # Text columns only, each with a trigram index on PostgreSQL (migration 0007): a search used to join
    # every row to auth_user for its username too; the author box filters by member instead.
    search_fields = ["summary", "confusions", "questions"]
    # Counting every review for "N results of M" on each page view costs more than the page itself, and so
    # does counting the matches of a common word: the count stops at a thousand.
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_select_related = ["author", "scope__week"]
    readonly_fields = [
        "scope", "author", "summary", "confusions", "questions", "status", "published_at", "edited_at",
        "hidden_at", "hidden_by", "hidden_reason", "hidden_note",
    ]  # fmt: skip
    fields = readonly_fields
    actions = ["hide_as_spam", "show"]

    def get_queryset(self, request):
        # Drafts are private to their authors, organisers included; hidden reviews are listed.
        return super().get_queryset(request).filter(status__in=SHOWN_OR_HIDDEN)

    @admin.display(description="Week · scope", ordering="scope__week__number")
    def week_and_scope(self, review):
        return f"Week {review.scope.week.number} · scope {review.scope.position}"

    @admin.display(description="")
    def on_the_site(self, review):
        return format_html('<a href="{}">Read on the site</a>', review.get_absolute_url())

    def has_add_permission(self, request):
        return False  # members write reviews on the site

    hide_as_spam, show = hide_and_show_actions(
        "review", lambda review, **change: services.review_set_hidden(review=review, **change)
    )


@admin.register(Comment)
class CommentAdmin(FilterByAuthorMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "author", "created", "hidden", "deleted"]
    list_filter = [("author", AuthorFilter), "hidden_at", "deleted_at"]
    search_fields = ["body"]  # trigram-indexed on PostgreSQL, as the review's texts
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_select_related = ["author", "review"]
    readonly_fields = [
        *("review", "author", "parent", "body", "edited_at", "deleted_at"),
        *("hidden_at", "hidden_by", "hidden_reason", "hidden_note"),
    ]
    fields = readonly_fields
    # One comment is hidden from its page on the site, where the reason is chosen; in bulk, only spam.
    actions = ["hide_as_spam", "show"]

    def get_queryset(self, request):
        # Comments of a review turned back into a draft are private with it; a hidden review's are listed.
        return super().get_queryset(request).filter(review__status__in=SHOWN_OR_HIDDEN)

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True)
    def hidden(self, comment):
        return comment.is_hidden

    @admin.display(boolean=True)
    def deleted(self, comment):
        return comment.is_tombstone

    hide_as_spam, show = hide_and_show_actions(
        "comment", lambda comment, **change: services.comment_set_hidden(comment=comment, **change)
    )


@admin.register(ReadingChoice)
class ReadingChoiceAdmin(admin.ModelAdmin):
    """Who read the others' reviews without a published review of their own: by choosing "show me", or
    by unpublishing their review after reading."""

    list_display = ["member", "scope", "how", "created"]
    list_filter = ["how", "scope__week"]
    list_select_related = ["member", "scope__week"]
    readonly_fields = ["member", "scope", "how", "created"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    """The confusions and discussion questions of published reviews, one row each, as organisers gather
    them for the meeting; derived from the reviews, so nothing here is written by hand."""

    list_display = ["excerpt", "kind", "place_label", "paper", "review_author", "week", "vote_count", "outcome"]
    list_filter = ["kind", "outcome", "review__scope__week"]
    search_fields = ["text"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_select_related = ["review__author", "review__scope__week", "paper"]
    # The meeting's side (pins, merges, outcomes) is run from the week's agenda, where the rules are.
    readonly_fields = [
        *("review", "kind", "position", "text", "paper", "place_label", "retired_at"),
        *("pin_order", "merged_into", "outcome", "answer", "outcome_set_at"),
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        # Drafts are private to their authors, and retired items are no longer in their review.
        items = super().get_queryset(request).filter(review__status=Review.Status.PUBLISHED, retired_at__isnull=True)
        return items.annotate(vote_count=Count("votes"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # an item goes when its review's author removes it

    @admin.display(description="item")
    def excerpt(self, item):
        return item.text if len(item.text) <= 80 else f"{item.text[:79]}…"

    @admin.display(description="author", ordering="review__author__username")
    def review_author(self, item):
        return item.review.author

    @admin.display(ordering="review__scope__week__number")
    def week(self, item):
        return item.review.scope.week

    @admin.display(description="me too / +1", ordering="vote_count")
    def vote_count(self, item):
        return item.vote_count


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    """The report queue: open reports first. Hide a comment from its page on the site, where the reason
    is asked and its author told; or dismiss reports here."""

    list_display = ["comment_excerpt", "reason", "reporter", "created", "resolved_at", "resolved_by", "on_the_site"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "reason"]
    list_select_related = ["comment", "reporter", "resolved_by"]
    readonly_fields = ["comment", "reporter", "reason", "note", "created", "resolved_at", "resolved_by"]
    fields = readonly_fields
    actions = ["dismiss"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who reported what stays

    @admin.display(description="comment")
    def comment_excerpt(self, report):
        text = report.comment.body
        return text if len(text) <= 80 else f"{text[:79]}…"

    @admin.display(description="")
    def on_the_site(self, report):
        return format_html('<a href="{}">Hide or show…</a>', reverse("reviews:comment_hide", args=[report.comment_id]))

    @admin.action(description="Dismiss the selected reports (leave the comments as they are)")
    def dismiss(self, request, queryset):
        dismissed = services.reports_dismiss(reports=list(queryset), by=request.user)
        self.message_user(request, f"{dismissed} report{'s' if dismissed != 1 else ''} dismissed.", messages.SUCCESS)


@admin.register(ModerationEntry)
class ModerationEntryAdmin(admin.ModelAdmin):
    """Who hid or showed what, when and why: read-only."""

    list_display = ["created", "moderator", "action", "reason", "comment", "review"]
    list_filter = ["action", "reason"]
    list_select_related = ["moderator", "comment", "review__author", "review__scope__week"]
    readonly_fields = ["created", "moderator", "action", "comment", "review", "reason", "note"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
