# Profile and Invitation moved here from the former "readinggroup" app. A database created before the
# move keeps its rows: its tables are renamed (ids, sequences and foreign keys unchanged) and the
# content types follow, so organiser permissions and admin history still point at the same models.
# A new database gets new tables.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FORMER_TABLES = {"profile": "readinggroup_profile", "invitation": "readinggroup_invitation"}


def adopt_or_create_tables(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    for model_name, former_table in FORMER_TABLES.items():
        model = apps.get_model("members", model_name)
        if former_table in existing:
            schema_editor.alter_db_table(model, former_table, model._meta.db_table)
        else:
            schema_editor.create_model(model)
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    if not content_types.filter(app_label="members").exists():
        content_types.filter(app_label="readinggroup", model__in=FORMER_TABLES).update(app_label="members")


def drop_tables(apps, schema_editor):
    for model_name in FORMER_TABLES:
        schema_editor.delete_model(apps.get_model("members", model_name))


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Invitation",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created", models.DateTimeField(auto_now_add=True)),
                        ("updated", models.DateTimeField(auto_now=True)),
                        ("email", models.EmailField(max_length=254)),
                        ("token", models.CharField(editable=False, max_length=64, unique=True)),
                        ("accepted_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        (
                            "accepted_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="invitation_accepted",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "invited_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="invitations_sent",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"ordering": ["-created"]},
                ),
                migrations.CreateModel(
                    name="Profile",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created", models.DateTimeField(auto_now_add=True)),
                        ("updated", models.DateTimeField(auto_now=True)),
                        (
                            "display_name",
                            models.CharField(blank=True, help_text="How the group sees your name.", max_length=80),
                        ),
                        (
                            "bio",
                            models.TextField(
                                blank=True, help_text="A few words about you (plain text).", max_length=1000
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="profile",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"ordering": ["user__username"]},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(adopt_or_create_tables, drop_tables),
    ]
