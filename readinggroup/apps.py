from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReadingGroupConfig(AppConfig):
    name = "readinggroup"
    verbose_name = "Members and invitations"

    def ready(self):
        from readinggroup import pagecache

        # Permissions exist only once migrate has run, so the organisers' group is refreshed then.
        post_migrate.connect(_ensure_organisers_group, dispatch_uid="readinggroup-organisers-group")
        pagecache.connect_signals()


def _ensure_organisers_group(sender, using, **kwargs):
    from readinggroup.services import organisers_group_ensure

    organisers_group_ensure(using=using)
