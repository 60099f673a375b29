"""Server time, queries, bytes and query plans of the main pages, measured in this process.

    python -m tools.perf.measure [--repeat 30] [--no-explain]

Runs against the current data (the harness seeds it first) with the settings in the environment (the
harness's production settings), through Django's test client: no network, no gunicorn, so the times are
the server's own. For each page it prints, as the last line, JSON such as ``{"week page, visitor":
{"status": 200, "queries": 5, "bytes": 20480, "p50_ms": 9.1, "p95_ms": 11.0, "hit_p50_ms": 0.6, ...}}``.

A *miss* is the page's own URL after the content version it depends on was renewed (untimed), as when
someone comments in that week or on that review (``week:<n>``, ``review:<pk>``; ``site`` for the home
page, as when an organiser edits the curriculum, which also makes the signed-in user be read again): the
page cache is asked, finds the page out of date, and the page is rendered and kept. A *hit* is the same
page at its own URL after it has been served once. Queries are counted on one more miss. The admin
pages, the member page and the search page are never cached: every request renders them.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time

import django

# Words for the admin's searches: one in some of the data set's texts (tools.perf.dataset and
# tools.perf.bulk), one in none of them, so every row must be looked at.
SEARCH_REVIEWS, SEARCH_COMMENTS, SEARCH_NOWHERE = "ablation", "section", "zyzzyva"
# The search page's queries: a word in about half the reviews, one in about half the comments, two words
# together, a rare word (the curriculum's), and one found nowhere; a later page of the common one.
SEARCHES = {
    "common word in reviews": "q=ablation",
    "common word in comments": "q=section",
    "two words": "q=forget+gate",
    "two words, reviews only in the data": "q=residual+network",
    "rare words": "q=topic+7",
    "no match": f"q={SEARCH_NOWHERE}",
    "common word, page 5": "q=ablation&page=5",
    "comments only": "q=section&kind=comment",
}
SLOW_PAGE_MS = 1000  # a page slower than this is timed fewer times


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def author_filter(model, author) -> str | None:
    """The admin's author filter for ``model`` as a query string, if its list has one."""
    from django.contrib import admin

    for entry in admin.site.get_model_admin(model).list_filter:
        field = entry[0] if isinstance(entry, tuple | list) else entry
        if isinstance(field, str) and field.split("__")[0] == "author":
            return f"author__id__exact={author.pk}"
        parameter = getattr(field, "parameter_name", None) or ""
        if "author" in parameter:
            return f"{parameter}={author.pk}"
    return None


def pages() -> tuple[dict, int]:
    """Each page: (client, URL, cached?); and how many comments the busiest review has."""
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.utils.crypto import get_random_string

    from reviews.models import Comment, Review
    from tools.perf.dataset import subjects

    rows = subjects(sessions=1)
    review = rows["review"]
    week_url = review.scope.week.get_absolute_url()
    most = Comment.objects.values("review").annotate(n=Count("pk")).order_by("-n", "review").first()
    busiest = Review.objects.get(pk=most["review"])

    def client(user=None):
        browser = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)  # a 500 is a result
        if user is not None:
            browser.force_login(user, backend="members.auth_backends.MemberModelBackend")
            # A browser has had the CSRF cookie since its first page (the sign-in form).
            browser.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
        return browser

    visitor, writer = client(), client(rows["writers"][0])
    reader, organiser = client(rows["readers"][0]), client(rows["organiser"])
    busiest_reader = client(busiest.author)  # its author may always read it
    scope_url = f"{week_url}reviews/{review.scope.position}/"
    found = {
        "week page, visitor": (visitor, week_url, True),
        "week page, member with a review": (writer, week_url, True),
        "week page, member without a review": (reader, week_url, True),
        "week page, organiser": (organiser, week_url, True),
        "home page, visitor": (visitor, "/", True),
        "home page, member": (writer, "/", True),
        "review page, member": (writer, review.get_absolute_url(), True),
        "review page, most comments": (busiest_reader, busiest.get_absolute_url(), True),
        "scope list, member": (writer, scope_url, True),
        "member page, member": (writer, f"/members/{review.author.get_username()}/", True),
        "admin: reviews": (organiser, "/admin/reviews/review/", False),
        f"admin: reviews ?q={SEARCH_REVIEWS}": (organiser, f"/admin/reviews/review/?q={SEARCH_REVIEWS}", False),
        f"admin: reviews ?q={SEARCH_NOWHERE}": (organiser, f"/admin/reviews/review/?q={SEARCH_NOWHERE}", False),
        "admin: comments": (organiser, "/admin/reviews/comment/", False),
        f"admin: comments ?q={SEARCH_COMMENTS}": (organiser, f"/admin/reviews/comment/?q={SEARCH_COMMENTS}", False),
        f"admin: comments ?q={SEARCH_NOWHERE}": (organiser, f"/admin/reviews/comment/?q={SEARCH_NOWHERE}", False),
    }
    for name, query in SEARCHES.items():
        found[f"search, member: {name}"] = (writer, f"/search/?{query}", False)
    common = SEARCHES["common word in reviews"]
    found["search, visitor: common word in reviews"] = (visitor, f"/search/?{common}", False)
    for model, name in ((Review, "reviews"), (Comment, "comments")):
        if query := author_filter(model, review.author):
            found[f"admin: {name} by author"] = (organiser, f"/admin/reviews/{model._meta.model_name}/?{query}", False)
    return found, most["n"]


def plan_nodes(node, found: list) -> None:
    """Every scan of an EXPLAIN ANALYZE plan: its kind, index, table and the rows it gave."""
    kind = node["Node Type"]
    if "Scan" in kind:
        text = kind + (f" using {node['Index Name']}" if "Index Name" in node else "")
        text += f" on {node['Relation Name']}" if "Relation Name" in node else ""
        found.append(f"{text} ({node.get('Actual Rows', '?')} rows)")
    for child in node.get("Plans", []):
        plan_nodes(child, found)


def explain(queries: list[dict]) -> dict:
    """The page's slowest query, with its plan (EXPLAIN ANALYZE) summed up as its scans; and every
    sequential scan of a table over 10,000 rows in any of the page's queries (EXPLAIN)."""
    from django.db import connection

    selects = [q for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    if not selects or connection.vendor != "postgresql":
        return {}
    big_seq_scans = set()
    with connection.cursor() as cursor:
        for query in selects:
            cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
            stack = [cursor.fetchone()[0][0]["Plan"]]
            while stack:
                node = stack.pop()
                if node["Node Type"] == "Seq Scan" and node.get("Plan Rows", 0) > 10_000:
                    big_seq_scans.add(f"{node['Relation Name']} (~{node['Plan Rows']} rows)")
                stack.extend(node.get("Plans", []))
        slowest = max(selects, key=lambda q: float(q["time"]))
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + slowest["sql"])
        plan = cursor.fetchone()[0][0]
    scans: list[str] = []
    plan_nodes(plan["Plan"], scans)
    return {
        "slowest_ms": round(plan["Execution Time"], 2),
        "slowest_sql": slowest["sql"][max(0, slowest["sql"].find(" FROM ")) :][:240].strip(),
        "slowest_scans": list(dict.fromkeys(scans)),
        "big_seq_scans": sorted(big_seq_scans),
    }


def measure(repeat: int, with_explain: bool) -> dict:
    found, comments = pages()
    results = {
        name: measure_page(client, url, cached, repeat, with_explain) for name, (client, url, cached) in found.items()
    }
    results["review page, most comments"]["comments"] = comments
    return results


def measure_page(client, url: str, cached: bool, repeat: int, with_explain: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import versions

    outdated = page_versions(url)

    def miss(n):
        if cached:
            versions.bump(outdated)
        return client.get(url, secure=True)

    def hit(n):
        return client.get(url, secure=True)

    began = time.perf_counter()
    for n in range(2):  # warm-up: per-process caches, the member's snapshot, the CSRF cookie
        miss(n)
        hit(n)
    per_request_ms = (time.perf_counter() - began) * 1000 / 4
    times = repeat if per_request_ms < SLOW_PAGE_MS else max(5, repeat // 3)
    with CaptureQueriesContext(connection) as queries:
        response = miss(-1)
    captured = list(queries.captured_queries)  # the next request empties the connection's log
    row = {"status": response.status_code, "queries": len(captured), "bytes": len(response.content)}
    row.update(timed(miss, times))
    if cached:
        row["hit_p50_ms"] = timed(hit, times)["p50_ms"]
    if with_explain:
        row.update(explain(captured))
    return row


def page_versions(url: str) -> list[str]:
    """The content version a change to what ``url`` shows renews (see ``core.versions``)."""
    from core import versions

    if match := re.match(r"/weeks/(\d+)/", url):
        return [versions.week(match[1]), versions.CONTENT]
    if match := re.match(r"/reviews/(\d+)/", url):
        return [versions.review(match[1]), versions.CONTENT]
    return [versions.SITE, versions.CONTENT]


def timed(get, times: int) -> dict:
    spent = []
    for n in range(times):
        began = time.perf_counter()
        get(n)
        spent.append((time.perf_counter() - began) * 1000)
    return {
        "p50_ms": round(statistics.median(spent), 2),
        "p95_ms": round(percentile(spent, 0.95), 2),
        "requests": times,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.perf.measure", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page and case (default 30)")
    parser.add_argument("--no-explain", action="store_true", help="skip the query plans")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readinggroup.settings")
    django.setup()
    print(json.dumps(measure(args.repeat, not args.no_explain)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
