"""``make bench-scale``: the main pages and the admin on 100,000 reviews and 1,000,000 comments.

Two throwaway clusters, one after the other: the small data set (1×), for the query counts to compare,
then the large one (``tools.perf.seed --big``, see ``tools.perf.bulk``). On each, ``tools.perf.measure``
times every page in-process (server time, no network), counts its queries and bytes and, at scale, sums
up the plan of each page's slowest query. Then one gunicorn worker serves 1,000 requests on the large
data set and its memory is read.
"""

import time

from tools.perf.bench import rss_line, verdict, worker_rss
from tools.perf.infra import Cluster, Redis, last_json_line, machine, pg_bindir, production_env, run

REPEAT = 30
PAGE_P95_MS, BUSY_REVIEW_P95_MS, BUSY_REVIEW_KB = 30, 40, 300
ADMIN_LIST_P95_MS, ADMIN_SEARCH_P95_MS = 200, 300
SEARCH_P95_MS = 50
SCALE_RATIO = 1.5  # a member's week page at scale against the same page on the small data set


def measured_on(prepare, *seed_args, repeat: int, explain: bool, rss: bool) -> tuple[dict, dict, dict | None]:
    """Seeds a fresh cluster, measures the pages (and a worker's memory); returns (targets, pages, rss)."""
    cluster, redis = Cluster().start(), Redis().start()
    try:
        env = production_env(cluster, redis)
        targets = prepare(env, 1, *seed_args)
        args = ["--repeat", str(repeat)] + ([] if explain else ["--no-explain"])
        pages = last_json_line(run(env, "-m", "tools.perf.measure", *args))
        return targets, pages, worker_rss(env, targets) if rss else None
    finally:
        cluster.stop()
        redis.stop()


def scale_bench(prepare) -> int:
    began = time.monotonic()
    print("1×: seeding the small data set and counting queries…", flush=True)
    _, small, _ = measured_on(prepare, repeat=15, explain=False, rss=False)
    print("Scale: seeding 60 weeks, 2,000 members, 100,000 reviews, 1,000,000 comments…", flush=True)
    seeded = time.monotonic()
    targets, large, rss = measured_on(prepare, "--big", repeat=REPEAT, explain=True, rss=True)
    print(f"(whole scale run {time.monotonic() - seeded:.0f}s, everything {time.monotonic() - began:.0f}s)")
    print("\n".join(report(targets, small, large, rss)))
    return 0 if all(page["status"] == 200 for page in large.values()) and rss["failed"] == 0 else 1


def report(targets: dict, small: dict, large: dict, rss: dict) -> list[str]:
    lines = [
        f"Machine: {machine()}",
        f"PostgreSQL {pg_bindir().parent.name}, Redis for sessions and caches, production settings; each page "
        f"in-process (Django's test client, no network), {REPEAT} timed requests per case after warm-up "
        "(slow pages fewer: see 'n').",
        "Miss: the page after the content version it depends on was renewed (as by a comment in that week or "
        "on that review; the curriculum for the home page), rendered and kept. Hit: the same page served again "
        "from the page cache. Queries and bytes: one miss.",
        "",
        "Seeding (COPY):",
        *(f"- {lap}" for lap in targets.get("seeding", [])),
        "",
        "| page | status | queries 1× | queries at scale | KB | miss p50 ms at 1× | miss p50 ms | miss p95 ms "
        "| hit p50 ms | n |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, page in large.items():
        at_one = small.get(name, {}).get("queries", "–")
        p50_at_one = f"{small[name]['p50_ms']:.1f}" if name in small else "–"
        hit = page.get("hit_p50_ms", "–")
        lines.append(
            f"| {name}{note(page)} | {page['status']} | {at_one} | {page['queries']} | {page['bytes'] / 1024:.1f} | "
            f"{p50_at_one} | {page['p50_ms']:.1f} | {page['p95_ms']:.1f} | {hit} | {page['requests']} |"
        )
    lines += ["", "Slowest query of each page at scale (EXPLAIN ANALYZE), and big sequential scans (EXPLAIN):"]
    for name, page in large.items():
        if "slowest_ms" in page:
            scans = "; ".join(page["slowest_scans"]) or "no scan"
            seq = ", ".join(page["big_seq_scans"]) or "none"
            lines.append(f"- {name}: {page['slowest_ms']:.2f} ms — {scans}. Seq scans over 10,000 rows: {seq}.")
            lines.append(f"    {page['slowest_sql']}")
    lines += ["", rss_line(rss), "", "Goals at scale:", *goals(small, large)]
    return lines


def note(page: dict) -> str:
    return f" ({page['comments']} comments)" if "comments" in page else ""


def goals(small: dict, large: dict) -> list[str]:
    lines = []
    for name, page in large.items():
        p95 = page["p95_ms"]
        if name.startswith("search,"):
            lines.append(f"- {name}: p95 {p95:.1f} ms, goal < {SEARCH_P95_MS}: {verdict(p95 < SEARCH_P95_MS)}")
        elif name.startswith("admin:"):
            goal = ADMIN_SEARCH_P95_MS if "?q=" in name else ADMIN_LIST_P95_MS
            lines.append(f"- {name}: p95 {p95:.1f} ms, goal < {goal}: {verdict(p95 < goal)}")
        elif "comments" in page:
            kb = page["bytes"] / 1024
            met = p95 < BUSY_REVIEW_P95_MS and kb < BUSY_REVIEW_KB
            lines.append(
                f"- {name} ({page['comments']} comments): p95 {p95:.1f} ms, {kb:.0f} KB, goal < "
                f"{BUSY_REVIEW_P95_MS} ms and < {BUSY_REVIEW_KB} KB: {verdict(met)}"
            )
        else:
            lines.append(f"- {name}, miss: p95 {p95:.1f} ms, goal < {PAGE_P95_MS}: {verdict(p95 < PAGE_P95_MS)}")
        if name.startswith("week page, member") and name in small:
            ratio = page["p50_ms"] / small[name]["p50_ms"]
            met = verdict(ratio <= SCALE_RATIO)
            lines.append(f"- {name}, miss p50 at scale ÷ at 1×: {ratio:.2f}, goal ≤ {SCALE_RATIO}: {met}")
    changed = [
        f"{name} ({small[name]['queries']} → {page['queries']})"
        for name, page in large.items()
        if name in small and small[name]["queries"] != page["queries"]
    ]
    lines.append(f"- queries per page equal at 1× and at scale: {verdict(not changed)} {', '.join(changed)}".rstrip())
    return lines
