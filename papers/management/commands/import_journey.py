from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from papers.journey_format import JourneyFormatError
from papers.services import journey_import


class Command(BaseCommand):
    help = "Import weeks, papers, resources and review scopes from a README in the Deep-Learning-Journey style."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Path to the README (Markdown).")
        parser.add_argument("--dry-run", action="store_true", help="Print what would change; write nothing.")
        parser.add_argument("--publish", action="store_true", help="Publish weeks that are new in this import.")

    def handle(self, *args, path, dry_run, publish, **options):
        source = read_source(Path(path))
        try:
            report = journey_import(source=source, dry_run=dry_run, publish=publish)
        except JourneyFormatError as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.") from error
        for change in report.changes:
            self.stdout.write(change)
        summary = f"{len(report.changes)} change(s)" if report.changes else "Nothing to change"
        self.stdout.write(self.style.SUCCESS(f"{summary}{' (dry run: nothing written)' if dry_run else ''}."))


def read_source(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: cannot read the file ({error.strerror}). Nothing was imported.") from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CommandError(f"{path}: line {line}: not UTF-8 text. Nothing was imported.") from error
