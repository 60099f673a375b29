import logging
import time

from django.core.management.base import BaseCommand

from notifications.scheduled import run_all

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Sends the notifications that are due now (reminders before reviews are due, the digest before the "
        "meeting, the organisers' summary, the daily email) and resends emails a worker lost. Safe to run "
        "often and from several places at once: run it every few minutes (cron, or --every)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS", help="Keep running, once every SECONDS.")

    def handle(self, *args, every: int = 0, **options):
        while True:
            try:
                counts = run_all()
            except Exception:
                if not every:
                    raise
                # A locked database or a mail queue that is down: the next round catches up.
                logger.exception("Sending due notifications failed; trying again in %s s", every)
            else:
                if options["verbosity"] > 1 or any(counts.values()):
                    self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
            if not every:
                return
            time.sleep(every)
