from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = "Curriculum"

    def ready(self):
        from core import pagecache

        pagecache.invalidate_on_changes_to(self)
