from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from core import versions
        from notifications import receivers  # noqa: F401 (connects to the reviews app's signals)

        # A new notification changes the unread count in the header of every page its recipient sees.
        versions.track(self.get_model("Notification"), lambda row: [versions.member(row.recipient_id)], public=False)
