"""The benchmark harness's own arithmetic and bookkeeping (the runs themselves are `make bench*`)."""

import os
import subprocess
import sys

from tools.perf import bench, scale
from tools.perf.infra import rss_mib, worker_pids
from tools.perf.measure import percentile


def wrk_summary(rate: float) -> dict:
    return {"requests_per_sec": rate, "p50_ms": 1.0, "p99_ms": 2.0, "non_2xx_3xx": 0, "socket_errors": 0}


def test_worker_pids_finds_the_children_of_a_process():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in worker_pids(os.getpid())
        assert rss_mib(child.pid) > 0
    finally:
        child.kill()
        child.wait()


def test_percentile_picks_from_the_sorted_times():
    times = [float(n) for n in range(100, 0, -1)]
    assert percentile(times, 0.5) in (50.0, 51.0)
    assert percentile(times, 0.95) == 95.0
    assert percentile([3.0], 0.95) == 3.0


def test_bench_report_gives_every_page_its_ratio_to_both_baselines():
    results = {
        bench.HELLO: wrk_summary(1000),
        bench.SIGNED_IN_HELLO: wrk_summary(500),
        "week page, member with a review": wrk_summary(450),
        "week page, member without a review": wrk_summary(300),
        "home page, member": wrk_summary(400),
        "review page, member": wrk_summary(200),
    }
    measured = {"week page, member with a review": {"status": 200, "queries": 3, "bytes": 2048}}
    rss = {"first_mib": 60.0, "after_mib": 80.0, "failed": 0, "paths": 7}
    lines = bench.report(results, measured, rss, seconds=1, workers=1)
    assert "| week page, member with a review | 450 | 0.45 | 0.90 | 1.0 | 2.0 | 3 | 2.0 |" in lines
    assert "- week page, member with a review: 0.45 × hello, goal ≥ 0.4: met" in lines
    assert "- week page, member without a review: 0.30 × hello, goal ≥ 0.4: NOT MET" in lines
    assert any("80.0 MiB" in line and "Goal < 150 MB: met" in line for line in lines)


def test_scale_goals_name_pages_whose_queries_grow_with_the_data():
    page = {"status": 200, "bytes": 1024, "p50_ms": 5.0, "p95_ms": 10.0, "requests": 30}
    small = {"week page, member": {**page, "queries": 7}, "admin: reviews ?q=word": {**page, "queries": 4}}
    large = {
        "week page, member": {**page, "queries": 9},
        "admin: reviews ?q=word": {**page, "queries": 4, "p95_ms": 350.0},
        "review page, most comments": {**page, "queries": 3, "bytes": 400 * 1024, "comments": 500},
    }
    lines = scale.goals(small, large)
    assert "- week page, member, miss: p95 10.0 ms, goal < 30: met" in lines
    assert "- admin: reviews ?q=word: p95 350.0 ms, goal < 300: NOT MET" in lines
    assert any(line.startswith("- review page, most comments (500 comments)") and "NOT MET" in line for line in lines)
    assert lines[-1] == "- queries per page equal at 1× and at scale: NOT MET week page, member (7 → 9)"
