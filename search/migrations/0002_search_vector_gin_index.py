"""The GIN index on the stored search vectors, on PostgreSQL only (as reviews' trigram indexes).

Other databases (SQLite in development and tests) have no ``tsvector`` and search the plain text
(``search.selectors``); there the migration does nothing. After migrating a database that already has
rows, ``manage.py search_reindex`` fills the index.
"""

from django.db import migrations

INDEX = "search_entry_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    table = apps.get_model("search", "SearchEntry")._meta.db_table
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(INDEX)} ON {quote(table)} USING gin ({quote('search_vector')})")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_entries"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
