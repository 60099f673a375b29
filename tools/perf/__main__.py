"""Load, fault and benchmark runs against a throwaway PostgreSQL cluster and gunicorn.

    python -m tools.perf loadtest         # `make loadtest`
    python -m tools.perf bench            # `make bench`: wrk against one gunicorn, small data
    python -m tools.perf bench --scale    # `make bench-scale`: 100,000 reviews, 1,000,000 comments

The clusters, Redis and gunicorn come from ``tools.perf.infra``; ``bench`` is in ``tools.perf.bench``,
``bench --scale`` in ``tools.perf.scale``; the load and restart run is here.
"""

import argparse
import json
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from tools.perf.bench import bench
from tools.perf.infra import (
    PYTHON,
    ROOT,
    Cluster,
    Redis,
    ensure_wrk,
    gunicorn,
    last_json_line,
    machine,
    manage,
    production_env,
    run,
    wrk,
)
from tools.perf.scale import scale_bench


def prepare(env, scale=1, *seed_args) -> dict:
    """Migrates, collects static files and seeds (``seed_args`` go to ``tools.perf.seed``); returns the
    seed's targets."""
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput")
    # --i-know: production settings (no DEBUG) on the throwaway database this harness created.
    return last_json_line(run(env, "-m", "tools.perf.seed", "--scale", str(scale), *seed_args, "--i-know"))


@dataclass
class Timeline:
    """Outcomes of requests made by Python threads, with their times, for before/during/after counts."""

    events: list = field(default_factory=list)  # (time, kind, ok, detail)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind, ok, detail=None):
        with self.lock:
            self.events.append((time.monotonic(), kind, ok, detail))


def request(base, path, session=None, data=None):
    headers = {}
    body = None
    if session:
        headers["Cookie"] = f"sessionid={session}; csrftoken={'c' * 32}"
    if data is not None:
        data = {**data, "csrfmiddlewaretoken": "c" * 32}
        body = urllib.parse.urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(base + path, data=body, headers=headers), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def writer(base, targets, timeline: Timeline, stop: threading.Event, acknowledged: list, pause=0.05):
    """Posts comments with a unique token each; a 302 (redirect to the comment) is an acknowledged write."""
    n = 0
    while not stop.is_set():
        n += 1
        token = f"perf-{threading.get_ident()}-{n}-{secrets.token_hex(4)}"
        review = targets["reviews"][n % len(targets["reviews"])]
        session = targets["sessions"][n % len(targets["sessions"])]
        status = request(base, f"/reviews/{review}/comments/", session, {"body": f"Load test comment {token}"})
        ok = status == 302
        if ok:
            acknowledged.append(token)
        timeline.add("write", ok, status)
        time.sleep(pause)


def prober(base, timeline: Timeline, stop: threading.Event, path: str):
    while not stop.is_set():
        status = request(base, path)
        timeline.add("probe", status == 200, status)
        time.sleep(0.05)


def missing_writes(env, tokens: list[str]) -> int:
    code = (
        "import sys, json; from reviews.models import Comment; tokens = json.load(sys.stdin); "
        "found = set(); "
        "[found.update(t for t in tokens[i:i+500] if Comment.objects.filter(body__endswith=t).exists()) "
        "for i in range(0, len(tokens), 500)]; print(len(tokens) - len(found))"
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, input=json.dumps(tokens),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(result.stdout.strip().splitlines()[-1])


def read_paths(targets) -> list[str]:
    weeks = targets["weeks"]
    return (
        ["/"] * 3
        + [f"/weeks/{n}/" for n in weeks]
        + [f"/weeks/{n}/papers/1/" for n in weeks[:5]]
        + [f"/reviews/{pk}/" for pk in targets["reviews"][:50]]
    )


def phase(base, env, cluster, targets, seconds, restart_at=None):
    timeline, stop, acknowledged = Timeline(), threading.Event(), []
    threads = [
        threading.Thread(target=writer, args=(base, targets, timeline, stop, acknowledged)),
        threading.Thread(target=prober, args=(base, timeline, stop, f"/weeks/{targets['week']}/")),
    ]
    for thread in threads:
        thread.start()
    window = None
    restarter = None
    if restart_at is not None:

        def restart():
            time.sleep(restart_at)
            began = time.monotonic()
            cluster.restart()
            window_holder.append((began, time.monotonic()))

        window_holder = []
        restarter = threading.Thread(target=restart)
        restarter.start()
    summary = wrk(base, seconds, read_paths(targets), targets["sessions"], signed_in_share=0.5)
    stop.set()
    for thread in threads:
        thread.join()
    if restarter:
        restarter.join()
        window = window_holder[0]
    lost = missing_writes(env, acknowledged)
    return summary, timeline, window, acknowledged, lost


def split_errors(timeline: Timeline, window):
    before = after = during = 0
    recovered_at = None
    for moment, _kind, ok, _detail in timeline.events:
        if window and moment < window[0]:
            before += not ok
        elif window and moment <= window[1]:
            during += not ok
        elif window:
            after += not ok
        else:
            before += not ok
    if window:
        failures_after = [m for m, _k, ok, _d in timeline.events if not ok and m > window[0]]
        last_failure = max(failures_after, default=window[0])
        recovered_at = max(last_failure, window[0]) - window[0]
    return before, during, after, recovered_at


def report_row(name, summary):
    return (
        f"| {name} | {summary['requests_per_sec']:.0f} | {summary['p50_ms']:.1f} | {summary['p99_ms']:.1f} | "
        f"{summary['requests']} | {summary['non_2xx_3xx']} | {summary['socket_errors']} |"
    )


def loadtest(seconds=20, workers=4):
    ensure_wrk()
    cluster, redis = Cluster().start(), Redis().start()
    try:
        env = production_env(cluster, redis)
        print("Seeding the data set (20 weeks, 60 papers, 200 members, 2,000 reviews, 20,000 comments)…", flush=True)
        targets = prepare(env)
        with gunicorn(env, workers) as server:
            base = server.base
            print(f"gunicorn: {workers} workers on {base}; PostgreSQL cluster on port {cluster.port}", flush=True)
            steady = phase(base, env, cluster, targets, seconds)
            faulty = phase(base, env, cluster, targets, seconds, restart_at=seconds / 2)
    finally:
        cluster.stop()
        redis.stop()
    lines = [
        f"Machine: {machine()}",
        f"Mix: 50% signed-in / 50% anonymous reads over home, week, paper and review pages (wrk, 2 threads, "
        f"16 connections, {seconds}s per phase), plus a writer posting comments and a prober on a week page.",
        "",
        "| phase | req/s | p50 ms | p99 ms | requests | non-2xx/3xx | socket errors |",
        "|---|---|---|---|---|---|---|",
        report_row("steady", steady[0]),
        report_row("PostgreSQL restarted mid-run", faulty[0]),
        "",
    ]
    before, during, after, _ = split_errors(steady[1], None)
    lines.append(f"steady: writer+prober errors {before}; acknowledged writes {len(steady[3])}, lost {steady[4]}")
    before, during, after, recovery = split_errors(faulty[1], faulty[2])
    restart_seconds = faulty[2][1] - faulty[2][0]
    lines.append(
        f"restart: the restart took {restart_seconds:.1f}s; writer+prober errors before it {before}, during it "
        f"{during}, after it {after}; answering again {recovery:.1f}s after it began, gunicorn not restarted; "
        f"acknowledged writes {len(faulty[3])}, lost {faulty[4]}"
    )
    verdict = steady[1] and before == 0 and after == 0 and steady[4] == 0 and faulty[4] == 0
    lines.append("RESULT: " + ("PASS" if verdict else "FAIL") + " (zero errors outside the restart, zero lost writes)")
    print("\n".join(lines))
    return 0 if verdict else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.perf", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["loadtest", "bench"])
    parser.add_argument("--scale", action="store_true", help="bench only: the large data set, measured in-process")
    args = parser.parse_args(argv)
    if args.command == "loadtest":
        return loadtest()
    return scale_bench(prepare) if args.scale else bench(prepare)


if __name__ == "__main__":
    sys.exit(main())
