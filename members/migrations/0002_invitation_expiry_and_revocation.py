# Invitations expire and can be revoked. An invitation made before this migration expires
# INVITATION_EXPIRY_DAYS after it was made (so an old unused link stops working, as a new one would).

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models

import members.models


def expire_like_new_invitations(apps, schema_editor):
    invitation_model = apps.get_model("members", "Invitation")
    lifetime = timedelta(days=settings.INVITATION_EXPIRY_DAYS)
    invitations = invitation_model.objects.using(schema_editor.connection.alias).filter(expires_at__isnull=True)
    for invitation in invitations.only("pk", "created"):
        invitation.expires_at = invitation.created + lifetime
        invitation.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="expires_at",
            field=models.DateTimeField(null=True, blank=True, verbose_name="expires"),
        ),
        migrations.RunPython(expire_like_new_invitations, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invitation",
            name="expires_at",
            field=models.DateTimeField(
                blank=True,
                default=members.models.invitation_expiry_default,
                help_text="The link stops working after this moment. Leave it empty for the default.",
                verbose_name="expires",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="revoked_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="revoked"),
        ),
    ]
