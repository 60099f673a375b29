"""Load, fault and benchmark runs against a throwaway PostgreSQL cluster and gunicorn.

    python -m tools.perf loadtest   # `make loadtest`
    python -m tools.perf bench      # `make bench`

Nothing here touches the machine's own database service: each run creates a cluster in a temporary
folder with initdb (as the ``postgres`` user when run as root), on a free port on 127.0.0.1, and
removes it afterwards. Load goes only to 127.0.0.1, for a bounded time.
"""

import contextlib
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk.lua"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bindir() -> Path:
    with contextlib.suppress(FileNotFoundError, subprocess.CalledProcessError):
        return Path(
            subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        )
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not candidates:
        raise SystemExit("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    return candidates[-1]


class Cluster:
    """A PostgreSQL cluster of our own, in a temporary folder, on a free port."""

    def __init__(self):
        self.bindir = pg_bindir()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="readinggroup-pg-"))
        self.data = self.dir / "data"
        self.as_user = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *command, check=True):
        return subprocess.run([*self.as_user, *command], check=check, capture_output=True, text=True)

    def start(self):
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self._pg_ctl("start", "-w")
        self._run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "perf")
        return self

    def _pg_ctl(self, action, *extra, check=True):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        return self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-o", options, action,
            *extra, check=check,
        )  # fmt: skip

    def restart(self):
        self._pg_ctl("restart", "-m", "fast", "-w")

    def stop(self):
        self._pg_ctl("stop", "-m", "immediate", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/perf"


class Redis:
    """A Redis of our own for the shared cache, when the machine has redis-server; else the database cache."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        if shutil.which("redis-server"):
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for _ in range(50):
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
                time.sleep(0.1)
        return self

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0" if self.process else ""

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


def production_env(cluster: Cluster, redis: "Redis | None" = None) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="readinggroup.settings",  # for manage.py, gunicorn and tools.perf.seed/queries
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; everything else as in production
        DATABASE_URL=cluster.url,
        DJANGO_LOG_LEVEL="WARNING",
    )
    if redis is not None and redis.url:
        env["REDIS_URL"] = redis.url
    return env


def run(env, *args) -> str:
    """Runs ``python ARGS`` in the project folder with ``env``; returns what it printed."""
    result = subprocess.run([PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def manage(env, *args) -> str:
    return run(env, "manage.py", *args)


def last_json_line(output: str):
    return json.loads(output.strip().splitlines()[-1])


def prepare(env, scale=1) -> dict:
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput")
    # --i-know: production settings (no DEBUG) on the throwaway database this harness created.
    return last_json_line(run(env, "-m", "tools.perf.seed", "--scale", str(scale), "--i-know"))


@contextlib.contextmanager
def gunicorn(env, workers: int):
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="readinggroup-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115 (gunicorn writes to it until the run ends)
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "readinggroup.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--access-logfile", "/dev/null", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{base}/health/", timeout=1)
            break
        time.sleep(0.1)
    else:
        process.kill()
        raise SystemExit(f"gunicorn did not start:\n{Path(log.name).read_text()}")
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        said = [line for line in Path(log.name).read_text().splitlines() if line and not line.startswith(" ")]
        if said:  # expected during the database restart; the last line says why
            print(f"gunicorn logged {len(said)} error line(s); the last: {said[-1][:300]}", flush=True)
        os.unlink(log.name)


def wrk(base: str, seconds: int, paths: list[str], sessions: list[str], signed_in_share: float, connections=16):
    """Run wrk with a random mix of paths; returns its JSON summary (see wrk.lua)."""
    env = {
        **os.environ,
        "WRK_PATHS": "\n".join(paths),
        "WRK_SESSIONS": "\n".join(sessions),
        "WRK_SIGNED_IN_SHARE": str(signed_in_share),
    }
    result = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s", str(WRK_SCRIPT), base],
        env=env, capture_output=True, text=True, timeout=seconds + 60,
    )  # fmt: skip
    line = next(line for line in result.stdout.splitlines() if line.startswith("{"))
    return json.loads(line)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("Installing wrk (Debian package)…", flush=True)
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: apt-get install wrk")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)


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


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = f"{platform.platform()}, Python {platform.python_version()}"
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, {system}"


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
        with gunicorn(env, workers) as base:
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


def bench(seconds=10, workers=4):
    ensure_wrk()
    results = {}
    queries = {}
    for scale in (1, 10):
        cluster, redis = Cluster().start(), Redis().start()
        try:
            env = production_env(cluster, redis)
            print(f"Seeding the data set at {scale}×…", flush=True)
            targets = prepare(env, scale)
            queries[scale] = last_json_line(run(env, "-m", "tools.perf.queries"))
            if scale == 1:
                week, review = f"/weeks/{targets['week']}/", f"/reviews/{targets['review']}/"
                pages = {
                    "hello (/health/)": ("/health/", 0.0),
                    "week page, visitor": (week, 0.0),
                    "week page, member": (week, 1.0),
                    "home page, visitor": ("/", 0.0),
                    "home page, member": ("/", 1.0),
                    "review page, member": (review, 1.0),
                }
                with gunicorn(env, workers) as base:
                    for name, (path, signed_in) in pages.items():
                        results[name] = wrk(base, seconds, [path], targets["sessions"], signed_in_share=signed_in)
        finally:
            cluster.stop()
            redis.stop()
    hello = results["hello (/health/)"]["requests_per_sec"]
    cache = "Redis" if shutil.which("redis-server") else "the database cache table"
    lines = [
        f"Machine: {machine()}",
        f"gunicorn {workers} sync workers, wrk 2 threads × 16 connections on the same machine, {seconds}s per page;",
        f"PostgreSQL {pg_bindir().parent.name} and the shared cache ({cache}) on loopback. Visitors' pages are served",
        "from the page cache after the first request; members' pages are rendered on every request.",
        "",
        "| page | req/s | ÷ hello | p50 ms | p99 ms | queries at 1× | queries at 10× |",
        "|---|---|---|---|---|---|---|",
    ]
    query_key = {"week page": "week", "home page": "home", "review page": "review"}
    for name, summary in results.items():
        key = query_key.get(name.split(",")[0])
        member_render = key and name.endswith("member")
        q1 = queries[1][key]["queries"] if member_render else "–"
        q10 = queries[10][key]["queries"] if member_render else "–"
        lines.append(
            f"| {name} | {summary['requests_per_sec']:.0f} | {summary['requests_per_sec'] / hello:.2f} | "
            f"{summary['p50_ms']:.1f} | {summary['p99_ms']:.1f} | {q1} | {q10} |"
        )
    lines.append(
        f"| member page | – | – | – | – | {queries[1]['member']['queries']} | {queries[10]['member']['queries']} |"
    )
    errors = sum(s["non_2xx_3xx"] + s["socket_errors"] for s in results.values())
    lines.append("")
    lines.append(f"non-2xx/3xx or socket errors across all runs: {errors}")
    print("\n".join(lines))
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command not in {"loadtest", "bench"}:
        raise SystemExit("usage: python -m tools.perf loadtest|bench")
    sys.exit(loadtest() if command == "loadtest" else bench())
