import os
import stat
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from papers.journey_format import MAX_SOURCE_CHARS, JourneyFormatError
from papers.services import journey_import

# One megabyte: decoded as UTF-8 it is at most ``MAX_SOURCE_CHARS`` characters, which the parser accepts.
MAX_SOURCE_BYTES = MAX_SOURCE_CHARS


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
        for line, what in report.not_understood:
            self.stdout.write(self.style.WARNING(f"line {line}: {what}"))
        summary = f"{len(report.changes)} change(s)" if report.changes else "Nothing to change"
        self.stdout.write(self.style.SUCCESS(f"{summary}{' (dry run: nothing written)' if dry_run else ''}."))


def read_source(path: Path) -> str:
    """The file's text: a regular file of at most ``MAX_SOURCE_BYTES``, read without trusting what it says.

    The file is opened without blocking (a FIFO with no writer would otherwise wait forever) and
    checked on the open descriptor, so what is checked is what is read; devices (``/dev/zero``),
    FIFOs and directories are refused before anything is read, and at most one byte more than the
    limit is ever read.
    """
    too_big = f"{path}: the file is larger than {MAX_SOURCE_BYTES:,} bytes. Nothing was imported."
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise CommandError(f"{path}: cannot read the file ({error.strerror}). Nothing was imported.") from error
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = "a directory" if stat.S_ISDIR(status.st_mode) else "a device, pipe or socket"
            raise CommandError(
                f"{path}: cannot read the file (it is {kind}, not a regular file). Nothing was imported."
            )
        if status.st_size > MAX_SOURCE_BYTES:
            raise CommandError(too_big)
        with os.fdopen(descriptor, "rb", closefd=False) as file:
            raw = file.read(MAX_SOURCE_BYTES + 1)  # the file may have grown since fstat
    except OSError as error:
        raise CommandError(f"{path}: cannot read the file ({error.strerror}). Nothing was imported.") from error
    finally:
        os.close(descriptor)
    if len(raw) > MAX_SOURCE_BYTES:
        raise CommandError(too_big)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CommandError(f"{path}: line {line}: not UTF-8 text. Nothing was imported.") from error
