from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = "Curriculum"

    def ready(self):
        # Permissions exist only once migrate has run, so the organisers' group is refreshed then.
        post_migrate.connect(_ensure_organisers_group, sender=self, dispatch_uid="papers-organisers-group")


def _ensure_organisers_group(sender, using, **kwargs):
    from papers.services import organisers_group_ensure

    organisers_group_ensure(using=using)
