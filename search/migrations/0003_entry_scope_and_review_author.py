"""Entries carry their week, review scope and review author, so a search asks who may read them without
joining every match to its review or comment (search.selectors). Existing entries are filled from their
reviews and comments; comment entries under a review that is not published are removed, as the index
now leaves them out."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_links(apps, schema_editor):
    from django.db.models import OuterRef, Subquery

    entries = apps.get_model("search", "SearchEntry").objects
    reviews = apps.get_model("reviews", "Review").objects
    entries.filter(kind="comment").exclude(
        comment__review__status="published"
    ).delete()
    for kind, review in (
        ("review", reviews.filter(pk=OuterRef("review_id"))),
        ("comment", reviews.filter(comments=OuterRef("comment_id"))),
    ):
        entries.filter(kind=kind).update(
            scope_id=Subquery(review.values("scope_id")[:1]),
            week_id=Subquery(review.values("scope__week_id")[:1]),
            review_author_id=Subquery(review.values("author_id")[:1]),
        )


class Migration(migrations.Migration):

    # The first migrations that have the models pointed at (as 0001): migrating reviews back keeps this.
    dependencies = [
        ('papers', '0001_initial'),
        ('reviews', '0001_initial'),
        ('search', '0002_search_vector_gin_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='searchentry',
            name='search_entry_points_at_its_kind',
        ),
        migrations.AddField(
            model_name='searchentry',
            name='review_author',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='searchentry',
            name='scope',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='papers.reviewscope'),
        ),
        migrations.RunPython(fill_links, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name='searchentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'week'), ('week__isnull', False)), models.Q(('kind', 'paper'), ('paper__isnull', False), ('week__isnull', False)), models.Q(('kind', 'resource'), ('resource__isnull', False), ('week__isnull', False)), models.Q(('kind', 'review'), ('review__isnull', False), ('scope__isnull', False), ('week__isnull', False)), models.Q(('comment__isnull', False), ('kind', 'comment'), ('scope__isnull', False), ('week__isnull', False)), _connector='OR'), name='search_entry_points_at_its_kind'),
        ),
    ]
