"""What every run of the harness stands on: a throwaway PostgreSQL cluster, a Redis, production settings,
gunicorn and wrk.

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
import time
import urllib.request
from dataclasses import dataclass
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
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--maxmemory-policy", "noeviction"],  # as in production: pages never evict counters
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
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-4000:]}")  # the end says why
    return result.stdout


def manage(env, *args) -> str:
    return run(env, "manage.py", *args)


def last_json_line(output: str):
    return json.loads(output.strip().splitlines()[-1])


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:<port>
    pid: int  # gunicorn's master process; its workers are its children


def worker_pids(master: int) -> list[int]:
    """The processes whose parent is ``master`` (gunicorn's workers)."""
    with contextlib.suppress(OSError):
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                children.append(int(stat.parent.name))
    return children


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` (VmRSS from /proc), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no VmRSS for process {pid}")


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
        yield Server(base, process.pid)
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
