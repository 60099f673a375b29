from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members and invitations"

    def ready(self):
        from members import page_versions

        # Permissions exist only once migrate has run, so the organisers' group is refreshed then.
        post_migrate.connect(_ensure_organisers_group, dispatch_uid="members-organisers-group")
        page_versions.track_accounts(self.get_model("Profile"))


def _ensure_organisers_group(sender, using, **kwargs):
    from members.services import organisers_group_ensure

    organisers_group_ensure(using=using)
