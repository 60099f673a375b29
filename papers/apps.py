from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = "Curriculum"

    def ready(self):
        from core import versions

        # The curriculum shows on every page.
        for model in self.get_models():
            versions.track(model, lambda row: [versions.SITE])
