from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from members.demo import DEMO_ACCOUNTS, demo_accounts_ensure


class Command(BaseCommand):
    help = "Create the demo organiser and members (development only). Safe to run again."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are only created when DEBUG is on (DJANGO_DEBUG=1).")
        demo_accounts_ensure()
        self.stdout.write(self.style.SUCCESS("Demo logins (development only):"))
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role:<10} {account.username} / {account.password}")
