import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from papers.export import journey_export
from papers.models import Week

WEEK_RANGE = re.compile(r"^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?$")


def parse_weeks(text: str) -> list[int]:
    """ "1-4" → [1, 2, 3, 4]; "2,5-6" → [2, 5, 6]."""
    numbers: set[int] = set()
    for part in text.split(","):
        match = WEEK_RANGE.match(part)
        if not match:
            raise CommandError(f"--weeks: cannot read {part.strip()!r} (write e.g. 3, 1-4 or 1-2,5).")
        start = int(match.group(1))
        end = int(match.group(2) or start)
        if end < start:
            raise CommandError(f"--weeks: {part.strip()!r} ends before it starts.")
        numbers.update(range(start, end + 1))
    return sorted(numbers)


class Command(BaseCommand):
    help = "Write weeks, papers, resources and review scopes as a README in the Deep-Learning-Journey style."

    def add_arguments(self, parser):
        parser.add_argument("--weeks", help="Week numbers to export, e.g. 3, 1-4 or 1-2,5 (default: all).")
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, weeks=None, output=None, **options):
        queryset = Week.objects.all()
        if weeks:
            numbers = parse_weeks(weeks)
            queryset = queryset.filter(number__in=numbers)
            missing = sorted(set(numbers) - set(queryset.values_list("number", flat=True)))
            if missing:
                raise CommandError(f"No week {', '.join(str(n) for n in missing)}. Nothing was exported.")
        if not queryset.exists():
            raise CommandError("There are no weeks to export.")
        text = journey_export(queryset)
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"{output}: cannot write the file ({error.strerror}).") from error
            self.stderr.write(self.style.SUCCESS(f"Wrote {queryset.count()} week(s) to {output}."))
        else:
            self.stdout.write(text, ending="")
