"""Stored HTML follows the renderer: every path into the database leaves sanitised, current HTML."""

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.markup import MARKDOWN_MAX_LENGTH, render_markdown
from papers.models import Week
from reviews.models import Comment, Review
from tests.factories import CommentFactory, ReviewFactory, ReviewScopeFactory, UserFactory, WeekFactory

STALE = '<p>old renderer <img src="https://tracker.example/pixel.gif"></p>'


@pytest.mark.django_db
def test_rerender_markup_replaces_stale_html_and_excerpts_and_keeps_timestamps():
    review = ReviewFactory(summary="Q&A about <b> with $x^2$")
    comment = CommentFactory(review=review, body="See ![plot](https://example.org/p.png)")
    Review.objects.filter(pk=review.pk).update(summary_html=STALE, excerpt="old excerpt")
    Comment.objects.filter(pk=comment.pk).update(body_html=STALE)
    updated_before = Review.objects.get(pk=review.pk).updated

    call_command("rerender_markup", stdout=(out := StringIO()))

    review.refresh_from_db()
    comment.refresh_from_db()
    assert review.summary_html == render_markdown("Q&A about <b> with $x^2$") and "<math" in review.summary_html
    assert review.excerpt == "Q&A about <b> with x2"
    assert comment.body_html == render_markdown(comment.body) and "<img" not in comment.body_html
    assert review.updated == updated_before
    assert "reviews.Review: 1 of 1 re-rendered" in out.getvalue()


@pytest.mark.django_db
def test_rerender_markup_twice_changes_nothing_the_second_time():
    ReviewFactory.create_batch(3)
    WeekFactory.create_batch(2)
    call_command("rerender_markup", batch_size=2, stdout=StringIO())
    call_command("rerender_markup", batch_size=2, stdout=(second := StringIO()))
    assert "reviews.Review: 0 of 3 re-rendered" in second.getvalue()
    assert f"papers.Week: 0 of {Week.objects.count()} re-rendered" in second.getvalue()


@pytest.mark.django_db
def test_loaddata_never_keeps_the_html_written_in_a_fixture(tmp_path):
    fixture = tmp_path / "weeks.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "papers.week",
                    "pk": 900,
                    "fields": {
                        "number": 90,
                        "title": "Loaded",
                        "intro": "Plain **intro**",
                        "intro_html": "<script>alert(1)</script><p onclick='x()'>forged</p>",
                        "created": "2026-01-01T00:00:00Z",
                        "updated": "2026-01-01T00:00:00Z",
                    },
                }
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    assert Week.objects.get(pk=900).intro_html == "<p>Plain <strong>intro</strong></p>"


@pytest.mark.django_db
def test_models_refuse_markdown_over_the_budget():
    review = ReviewFactory.build(summary="x" * (MARKDOWN_MAX_LENGTH + 1))
    with pytest.raises(ValidationError) as refused:
        review.full_clean(exclude=["scope", "author"])
    assert "summary" in refused.value.message_dict
    week = WeekFactory.build(intro="y" * (MARKDOWN_MAX_LENGTH + 1))
    with pytest.raises(ValidationError):
        week.full_clean(validate_unique=False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("app", "before", "after"),
    [
        ("reviews", "0003_markdown_budget", "0004_rerender_markup"),
        ("papers", "0002_markdown_budget", "0003_rerender_markup"),
    ],
)
def test_the_data_migration_renders_rows_left_by_the_previous_renderer(app, before, after):
    executor = MigrationExecutor(connection)
    executor.migrate([(app, before)])
    old_apps = executor.loader.project_state([(app, before)]).apps
    if app == "papers":
        row = old_apps.get_model("papers", "Week").objects.create(
            number=77, title="Old", slug="old", intro="Cost $x$", intro_html=STALE
        )
    else:
        # Written as the old schema has it: today's model has columns added since.
        row = old_apps.get_model("reviews", "Review").objects.create(
            scope_id=ReviewScopeFactory().pk,
            author_id=UserFactory().pk,
            summary="Cost $x$",
            summary_html=STALE,
            excerpt="stale",
            status="published",
            published_at=timezone.now(),
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    html_field = "intro_html" if app == "papers" else "summary_html"
    model = Week if app == "papers" else Review
    stored = model.objects.get(pk=row.pk)
    assert getattr(stored, html_field) == render_markdown("Cost $x$")
    if app == "reviews":
        assert stored.excerpt == "Cost x"
