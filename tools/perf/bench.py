"""``make bench``: the main pages against two baselines in one gunicorn, on the small data set, and the
memory of one worker after 1,000 requests.

The baselines are ``/health/`` (a view that touches nothing: the cost of gunicorn, Django's request
handling and the middleware) and ``/health/session/`` for signed-in members (the same plus loading the
session and the user). Every page's rate is printed as a share of both. The pages are measured the way
the site serves them, caches included; their queries and size come from ``tools.perf.measure`` (a
rendered page, not a cache hit).
"""

import shutil
import urllib.request

from tools.perf.infra import (
    Cluster,
    Redis,
    ensure_wrk,
    gunicorn,
    last_json_line,
    machine,
    pg_bindir,
    production_env,
    rss_mib,
    run,
    worker_pids,
    wrk,
)

HELLO, SIGNED_IN_HELLO = "hello (/health/)", "signed-in hello (/health/session/)"
RSS_REQUESTS = 1_000


def wrk_pages(targets: dict) -> dict:
    """Each page: (path, the sessions to send: none for visitors)."""
    week, review = f"/weeks/{targets['week']}/", f"/reviews/{targets['review']}/"
    members = targets["sessions"]  # each wrote a review of the week
    return {
        HELLO: ("/health/", []),
        SIGNED_IN_HELLO: ("/health/session/", members),
        "week page, visitor": (week, []),
        "week page, member with a review": (week, members),
        "week page, member without a review": (week, targets["sessions_without_review"]),
        "week page, organiser": (week, targets["organiser_sessions"]),
        "home page, visitor": ("/", []),
        "home page, member": ("/", members),
        "review page, member": (review, members),
        "scope list, member": (f"{week}reviews/{targets['scope']}/", members),
        "member page, member": (f"/members/{targets['member']}/", members),
    }


def get(base: str, path: str, session: str | None) -> int:
    headers = {"Cookie": f"sessionid={session}; csrftoken={session[:32]}"} if session else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=30) as answer:
            answer.read()
            return answer.status
    except OSError:
        return 0


def worker_rss(env, targets: dict) -> dict:
    """Starts gunicorn with one worker, sends ``RSS_REQUESTS`` requests over a mix of pages (half of them
    signed in, by every seeded session in turn) and reads the worker's resident memory."""
    week = f"/weeks/{targets['week']}/"
    paths = (
        ["/", week, f"{week}reviews/{targets['scope']}/", f"/members/{targets['member']}/", "/health/session/"]
        + [f"/weeks/{number}/" for number in targets["weeks"]]
        + [f"/reviews/{pk}/" for pk in targets["reviews"][:100]]
    )
    sessions = targets["sessions"] + targets["sessions_without_review"] + targets["organiser_sessions"]
    with gunicorn(env, 1) as server:
        [worker] = worker_pids(server.pid)
        first = rss_mib(worker)
        failed = 0
        for n in range(RSS_REQUESTS):
            session = sessions[n // 2 % len(sessions)] if n % 2 else None
            failed += get(server.base, paths[n % len(paths)], session) != 200
        return {"first_mib": first, "after_mib": rss_mib(worker), "failed": failed, "paths": len(paths)}


def rss_line(rss: dict) -> str:
    after = rss["after_mib"]
    return (
        f"Worker memory (one gunicorn worker, {RSS_REQUESTS:,} requests over {rss['paths']} pages, half signed in): "
        f"RSS {rss['first_mib']:.1f} MiB after the first request, {after:.1f} MiB ({after * 1.048576:.1f} MB) after "
        f"{RSS_REQUESTS:,}; non-200 answers {rss['failed']}. Goal < 150 MB: {verdict(after * 1.048576 < 150)}."
    )


def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def bench(prepare, seconds=10, workers=4) -> int:
    ensure_wrk()
    results = {}
    cluster, redis = Cluster().start(), Redis().start()
    try:
        env = production_env(cluster, redis)
        print("Seeding the data set at 1× (20 weeks, 200 members, 2,000 reviews, 20,000 comments)…", flush=True)
        targets = prepare(env)
        measured = last_json_line(run(env, "-m", "tools.perf.measure", "--repeat", "5", "--no-explain"))
        with gunicorn(env, workers) as server:
            for name, (path, sessions) in wrk_pages(targets).items():
                results[name] = wrk(server.base, seconds, [path], sessions, signed_in_share=1.0 if sessions else 0.0)
        rss = worker_rss(env, targets)
    finally:
        cluster.stop()
        redis.stop()
    print("\n".join(report(results, measured, rss, seconds, workers)))
    errors = sum(s["non_2xx_3xx"] + s["socket_errors"] for s in results.values())
    return 0 if errors == 0 and rss["failed"] == 0 else 1


def report(results: dict, measured: dict, rss: dict, seconds: int, workers: int) -> list[str]:
    hello, signed_in = (results[name]["requests_per_sec"] for name in (HELLO, SIGNED_IN_HELLO))
    cache = "Redis" if shutil.which("redis-server") else "the database cache table"
    lines = [
        f"Machine: {machine()}",
        f"gunicorn {workers} sync workers, wrk 2 threads × 16 connections on the same machine, {seconds}s per page;",
        f"PostgreSQL {pg_bindir().parent.name} and the shared cache ({cache}) on loopback.",
        "Pages are served as the site serves them (page caches included); signed-in requests send the session",
        "and CSRF cookies of one of the seeded members; queries and size are those of a rendered page (a miss).",
        "",
        "| page | req/s | ÷ hello | ÷ signed-in hello | p50 ms | p99 ms | queries (miss) | KB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, summary in results.items():
        rate = summary["requests_per_sec"]
        page = measured.get(name)
        queries, size = (page["queries"], f"{page['bytes'] / 1024:.1f}") if page else ("–", "–")
        lines.append(
            f"| {name} | {rate:.0f} | {rate / hello:.2f} | {rate / signed_in:.2f} | {summary['p50_ms']:.1f} | "
            f"{summary['p99_ms']:.1f} | {queries} | {size} |"
        )
    errors = sum(s["non_2xx_3xx"] + s["socket_errors"] for s in results.values())
    not_ok = [f"{name} ({page['status']})" for name, page in measured.items() if page["status"] != 200]
    lines += [
        "",
        f"non-2xx/3xx or socket errors across all runs: {errors}",
        f"pages not answering 200 in-process: {', '.join(not_ok) or 'none'}",
        "",
        rss_line(rss),
        "",
        "Goals (cache hits; ratios to hello):",
    ]
    goals = {
        "week page, member with a review": 0.4,
        "week page, member without a review": 0.4,
        "home page, member": 0.3,
        "review page, member": 0.3,
    }
    for name, goal in goals.items():
        ratio = results[name]["requests_per_sec"] / hello
        lines.append(f"- {name}: {ratio:.2f} × hello, goal ≥ {goal}: {verdict(ratio >= goal)}")
    return lines
