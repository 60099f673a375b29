from django.core.management.base import BaseCommand

from search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Index every week, paper, resource, published review and shown comment for search again."

    def handle(self, *args, **options):
        count = search_index_rebuild()
        self.stdout.write(f"Indexed {count} entries.")
