import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from papers.services import demo_schedule_fill, journey_import, journey_metadata_apply

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
CURRENT_DEMO_WEEK = 3


class Command(BaseCommand):
    help = (
        "Load the demo Deep-Learning-Journey (Weeks 1–4) and give undated weeks an invented schedule "
        "(development only). Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--i-know",
            action="store_true",
            help="Run without DEBUG: this database may get demo weeks, published now, with invented dates.",
        )

    def handle(self, *args, i_know=False, **options):
        # It publishes Weeks 1–4, overwrites their papers' details and dates every undated week: on a real
        # site's database that is the organisers' curriculum changed behind their backs.
        if not (settings.DEBUG or i_know):
            raise CommandError(
                "The demo journey is only loaded when DEBUG is on (DJANGO_DEBUG=1); pass --i-know to load "
                "it into this database anyway."
            )
        source = (DEMO_DIR / "deep-learning-journey.md").read_text(encoding="utf-8")
        imported = journey_import(source=source, publish=True)
        metadata = tomllib.loads((DEMO_DIR / "journey-metadata.toml").read_text(encoding="utf-8"))
        completed = journey_metadata_apply(metadata=metadata)
        scheduled = demo_schedule_fill(today=timezone.localdate(), current_week_number=CURRENT_DEMO_WEEK)
        changes = len(imported.changes) + len(completed.changes) + len(scheduled)
        self.stdout.write(f"Demo journey loaded ({changes} change(s)).")
