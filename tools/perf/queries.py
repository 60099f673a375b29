"""Count the database queries of the home, week, review and member pages for a signed-in member.

    python -m tools.perf.queries

Runs on the current data (the harness seeds it first) and prints, as the last line, JSON such as
``{"home": {"status": 200, "queries": 4}, ...}``.
"""

import json
import os
import sys

import django


def count_queries() -> dict:
    # Imported here: models and the test client can be imported only once Django is set up.
    from django.db import connection
    from django.test import Client

    # pytest-django's django_assert_num_queries / django_assert_max_num_queries are fixtures that
    # assert a count known in advance inside a pytest run, and are thin wrappers around this same
    # context manager. Here nothing is asserted: the counts are measured in a plain process against the
    # harness's PostgreSQL and reported, so Django's own CaptureQueriesContext is used directly.
    from django.test.utils import CaptureQueriesContext

    from reviews.models import Review

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
    return counts


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readinggroup.settings")
    django.setup()
    print(json.dumps(count_queries()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
