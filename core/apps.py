from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Markup, base models, roles and the page cache: code every app uses and that knows no app."""

    name = "core"
    verbose_name = "Core"
