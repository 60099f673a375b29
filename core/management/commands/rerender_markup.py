from django.apps import apps
from django.core.management.base import BaseCommand

from core import versions
from core.models import RenderedMarkdownModel
from core.rerender import BATCH_SIZE, rerender_rows


class Command(BaseCommand):
    help = "Render every stored Markdown field again with the current renderer (only changed rows are written)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Rows loaded and written at a time.")

    def handle(self, *args, batch_size, **options):
        changed_any = False
        for model in apps.get_models():
            if not issubclass(model, RenderedMarkdownModel):
                continue
            derived_fields = sorted(model().derive_fields())
            changed = rerender_rows(
                model._base_manager.all(),
                derive=lambda row: row.derive_fields(),
                derived_fields=derived_fields,
                batch_size=batch_size,
            )
            total = model._base_manager.count()
            self.stdout.write(f"{model._meta.label}: {changed} of {total} re-rendered")
            changed_any = changed_any or bool(changed)
        if changed_any:
            # Rows are written in bulk, which sends no signals: every cached page may show old HTML.
            versions.bump([versions.SITE, versions.CONTENT])
