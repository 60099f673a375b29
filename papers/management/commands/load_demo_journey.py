import tomllib
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from papers.services import demo_schedule_fill, journey_import, journey_metadata_apply

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
CURRENT_DEMO_WEEK = 3


class Command(BaseCommand):
    help = "Load the demo Deep-Learning-Journey (Weeks 1–4). Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        source = (DEMO_DIR / "deep-learning-journey.md").read_text(encoding="utf-8")
        imported = journey_import(source=source, publish=True)
        metadata = tomllib.loads((DEMO_DIR / "journey-metadata.toml").read_text(encoding="utf-8"))
        completed = journey_metadata_apply(metadata=metadata)
        scheduled = demo_schedule_fill(today=timezone.localdate(), current_week_number=CURRENT_DEMO_WEEK)
        changes = len(imported.changes) + len(completed.changes) + len(scheduled)
        self.stdout.write(f"Demo journey loaded ({changes} change(s)).")
