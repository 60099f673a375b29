"""Trigram indexes for the admin's text search, on PostgreSQL only.

The admin searches with ``icontains``, which Django writes on PostgreSQL as ``UPPER(col::text) LIKE
UPPER('%term%')``: a btree cannot answer a pattern with a leading ``%``, a GIN trigram index can. Its
expression must be the one in the query, ``UPPER(col)``: a plain index on ``col`` would not be used.

Built in the migration's transaction, all or nothing: new comments wait while it runs (about 20 s
at 100,000 reviews and 200,000 comments), where a concurrent build that failed would leave an invalid
index behind for ``IF NOT EXISTS`` to keep. Other databases (SQLite in development and tests) have no
trigram index; there the migration does nothing.
"""

from django.db import migrations

# (index name, model, column); names stay within 30 characters.
TRIGRAM_INDEXES = [
    ("review_summary_trgm", "review", "summary"),
    ("review_confusions_trgm", "review", "confusions"),
    ("review_questions_trgm", "review", "questions"),
    ("comment_body_trgm", "comment", "body"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, model_name, column in TRIGRAM_INDEXES:
        table = apps.get_model("reviews", model_name)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
            f"USING gin (UPPER({quote(column)}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    # The extension stays: other database objects may have come to use it since.
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0006_list_order_indexes"),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
