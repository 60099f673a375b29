from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What was sent to whom: read-only, for organisers answering "did I get the reminder?"."""

    list_display = ["title", "recipient", "kind", "created", "emailed_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "title"]
    list_select_related = ["recipient"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
