"""When each entry's thing was written: a search takes its candidates newest first along it.

The index that walks the entries newest first is, on PostgreSQL, a covering one: it carries everything a
search filters and ranks the candidates by (kind, week, scope, review author, vector), so a common word
is checked in the index alone, without a visit to each row (an index-only scan). Other databases get the
plain index. PostgreSQL also gets a GIN index of the curriculum's entries alone, which visitors search."""

from django.db import migrations, models


def fill_written_at(apps, schema_editor):
    from django.db.models import OuterRef, Subquery

    entries = apps.get_model("search", "SearchEntry").objects
    dates = {
        "week": ("papers", "Week", "week_id", "created"),
        "paper": ("papers", "Paper", "paper_id", "created"),
        "resource": ("papers", "Resource", "resource_id", "created"),
        "review": ("reviews", "Review", "review_id", "published_at"),
        "comment": ("reviews", "Comment", "comment_id", "created"),
    }
    for kind, (app, model, link, field) in dates.items():
        rows = apps.get_model(app, model).objects.filter(pk=OuterRef(link)).values(field)[:1]
        entries.filter(kind=kind).update(written_at=Subquery(rows))


INDEX = "search_entry_newest_first"
# Visitors find the curriculum only: a few hundred entries among a million, in a GIN index of their own.
CURRICULUM_INDEX = "search_entry_curriculum_vector_gin"


def create_index(apps, schema_editor):
    quote = schema_editor.quote_name
    table = quote(apps.get_model("search", "SearchEntry")._meta.db_table)
    covering = ""
    if schema_editor.connection.vendor == "postgresql":
        columns = ("kind", "week_id", "scope_id", "review_author_id", "search_vector")
        covering = f" INCLUDE ({', '.join(map(quote, columns))})"
    schema_editor.execute(f"CREATE INDEX {quote(INDEX)} ON {table} ({quote('written_at')} DESC, {quote('id')} DESC){covering}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {quote(CURRICULUM_INDEX)} ON {table} USING gin ({quote('search_vector')}) "
            f"WHERE {quote('kind')} IN ('week', 'paper', 'resource')"
        )


def drop_index(apps, schema_editor):
    for name in (INDEX, CURRICULUM_INDEX):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):

    dependencies = [
        ('papers', '0001_initial'),
        ('reviews', '0001_initial'),
        ('search', '0003_entry_scope_and_review_author'),
    ]

    operations = [
        migrations.AddField(
            model_name='searchentry',
            name='written_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill_written_at, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
