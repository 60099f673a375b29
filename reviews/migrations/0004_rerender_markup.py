from django.db import migrations

from core.rerender import markdown_deriver, rerender_rows

REVIEW_PARTS = ["summary", "confusions", "questions"]


def rerender(apps, schema_editor):
    """Stored HTML came from the previous Markdown renderer: render it again with the current one, and
    take review excerpts from the new HTML (decoded once, blocks kept apart)."""
    from reviews.models import summary_excerpt

    render_parts = markdown_deriver(REVIEW_PARTS)

    def derive_review(review):
        render_parts(review)
        review.excerpt = summary_excerpt(review.summary_html)

    Review = apps.get_model("reviews", "Review")
    Comment = apps.get_model("reviews", "Comment")
    rerender_rows(
        Review.objects.all(), derive=derive_review, derived_fields=[*(f"{p}_html" for p in REVIEW_PARTS), "excerpt"]
    )
    rerender_rows(Comment.objects.all(), derive=markdown_deriver(["body"]), derived_fields=["body_html"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_markdown_budget")]

    operations = [migrations.RunPython(rerender, migrations.RunPython.noop)]
