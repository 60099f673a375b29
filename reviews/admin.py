from django.contrib import admin, messages

from reviews import services
from reviews.models import Comment, ReadingChoice, Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "status", "published_at", "edited_at"]
    list_filter = ["status", "scope__week"]
    search_fields = ["author__username", "summary", "confusions", "questions"]
    # Counting every review for "N results of M" on each page view costs more than the page itself.
    show_full_result_count = False
    list_select_related = ["author", "scope__week"]
    readonly_fields = ["scope", "author", "summary", "confusions", "questions", "status", "published_at", "edited_at"]
    fields = readonly_fields

    def get_queryset(self, request):
        # Drafts are private to their authors, organisers included.
        return super().get_queryset(request).filter(status=Review.Status.PUBLISHED)

    def has_add_permission(self, request):
        return False  # members write reviews on the site


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "created", "hidden", "deleted"]
    list_filter = ["hidden_at", "deleted_at"]
    search_fields = ["author__username", "body"]
    show_full_result_count = False
    list_select_related = ["author", "review"]
    readonly_fields = ["review", "author", "parent", "body", "edited_at", "deleted_at", "hidden_at", "hidden_by"]
    fields = readonly_fields
    actions = ["hide", "show"]

    def get_queryset(self, request):
        # Comments of a review turned back into a draft are hidden with it.
        return super().get_queryset(request).filter(review__status=Review.Status.PUBLISHED)

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True)
    def hidden(self, comment):
        return comment.is_hidden

    @admin.display(boolean=True)
    def deleted(self, comment):
        return comment.is_tombstone

    @admin.action(description="Hide selected comments from members")
    def hide(self, request, queryset):
        for comment in queryset:
            services.comment_set_hidden(comment=comment, hidden=True, by=request.user)
        self.message_user(request, f"Hid {queryset.count()} comment(s).", messages.SUCCESS)

    @admin.action(description="Show selected comments to members again")
    def show(self, request, queryset):
        for comment in queryset:
            services.comment_set_hidden(comment=comment, hidden=False, by=request.user)
        self.message_user(request, f"{queryset.count()} comment(s) visible again.", messages.SUCCESS)


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
