"""What about accounts shows on cached pages (``core.versions``): display names and roles on every page
(``site``), and everything a member's signed-in snapshot holds (``member:<pk>``)."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_delete

from core import versions


def _user_saved(sender, instance, created=False, update_fields=None, **kwargs):
    # A new account shows nowhere yet, and signing in saves last_login, which shows nowhere but in the
    # member's own snapshot. Any other change (active, staff, password, name) can change what pages show
    # about them and what they may see.
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        versions.changed([versions.member(instance.pk)])
    else:
        versions.changed([versions.SITE, versions.member(instance.pk)])


def _user_deleted(sender, instance, **kwargs):
    versions.changed([versions.SITE, versions.member(instance.pk)])


def _groups_changed(sender, instance, action, **kwargs):
    # Roles show on every page (organiser badges, the admin link), and every snapshot is checked
    # against ``site``; the member's own version goes too when the change was made from their side.
    if action.startswith("post_"):
        names = [versions.SITE]
        if isinstance(instance, get_user_model()):
            names.append(versions.member(instance.pk))
        versions.changed(names)


def _site_changed(sender, **kwargs):
    versions.changed([versions.SITE])


def _address_changed(sender, instance, **kwargs):
    versions.changed([versions.member(instance.user_id)])


def track_accounts(profile_model) -> None:
    user_model = get_user_model()
    versions.track(profile_model, lambda profile: [versions.SITE, versions.member(profile.user_id)])
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="versions-user-save")
    pre_delete.connect(_user_deleted, sender=user_model, dispatch_uid="versions-user-delete")
    m2m_changed.connect(_groups_changed, sender=user_model.groups.through, dispatch_uid="versions-user-groups")
    for signal in (post_save, pre_delete):
        signal.connect(_site_changed, sender=Group, dispatch_uid=f"versions-group-{signal is post_save}")
        signal.connect(_address_changed, sender=EmailAddress, dispatch_uid=f"versions-email-{signal is post_save}")
