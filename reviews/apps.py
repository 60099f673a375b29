from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and discussion"

    def ready(self):
        from core import pagecache

        pagecache.invalidate_on_changes_to(self)
