"""Prints, as JSON, the number of database queries each main page takes on the current data."""

import json

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviews.models import Review


class Command(BaseCommand):
    help = "Count the queries of the home, week, review and member pages for a signed-in member."

    def handle(self, *args, **options):
        review = Review.objects.select_related("scope__week", "author").order_by("pk").first()
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(review.author, backend="django.contrib.auth.backends.ModelBackend")
        pages = {
            "home": "/",
            "week": review.scope.week.get_absolute_url(),
            "review": review.get_absolute_url(),
            "member": f"/members/{review.author.username}/",
        }
        counts = {}
        for name, url in pages.items():
            client.get(url)  # warm caches that are per process, not per request
            with CaptureQueriesContext(connection) as queries:
                status = client.get(url, secure=True).status_code
            counts[name] = {"status": status, "queries": len(queries)}
        self.stdout.write(json.dumps(counts))
