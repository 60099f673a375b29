"""Items for the reviews written before items existed, as ``reviews.items.review_items_sync`` makes them
on save (historical models have no ``save()`` that renders, so the HTML is rendered here)."""

from django.db import migrations

from core.markup import render_markdown, top_level_items


def create_items(apps, schema_editor):
    from reviews.items import paper_in, place_in

    Review = apps.get_model("reviews", "Review")
    ReviewItem = apps.get_model("reviews", "ReviewItem")
    parts = {"confusion": "confusions", "question": "questions"}
    for review in Review.objects.filter(items__isnull=True).prefetch_related("scope__papers").iterator(chunk_size=500):
        papers = sorted(review.scope.papers.all(), key=lambda paper: paper.position)
        rows = []
        for kind, part in parts.items():
            for position, text in enumerate(top_level_items(getattr(review, part))):
                place = place_in(text)
                rows.append(
                    ReviewItem(
                        review=review, kind=kind, position=position, text=text, text_html=render_markdown(text),
                        place_key=place.key if place else "", place_label=place.label if place else "",
                        paper=paper_in(text, papers),
                    )
                )  # fmt: skip
        ReviewItem.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0009_review_items")]

    operations = [migrations.RunPython(create_items, migrations.RunPython.noop, elidable=True)]
