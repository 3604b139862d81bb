"""Run FairCast's socket benchmarks and write a markdown table.

The suite starts its own servers on free loopback ports: FairCast (``faircast serve``, on a
fresh SQLite database unless ``--database-url`` says otherwise, seeded through the public CLI
and REST API only) and the reference socket.io server in ``bench/node/server.js``. The same
load generator (``bench/node/loadgen.js``, socket.io-client from npm) measures both in the same
run. The table goes to stdout and to ``bench/results/latest.md``; the raw figures to
``bench/results/latest.json``.

    python bench/run.py                   # the full suite (a few minutes on 2 cores)
    python bench/run.py --quick           # small numbers, for a CI smoke run
    python bench/run.py --scenario signups --database-url postgresql+psycopg://...
    python bench/run.py --scenario scaleout --processes 2 --message-queue redis://127.0.0.1:6379/0
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import resource
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
NODE_DIR = BENCH / "node"
RESULTS = BENCH / "results"
LOOPBACK = "127.0.0.1"
API = "/api/v1"
TIMEZONE = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

SCENARIOS = ("memory", "connect", "fanout", "signups", "scaleout")
DEFAULT_SCENARIOS = ("memory", "connect", "fanout", "signups")

# Targets from DESIGN.md ("What the numbers must be").
TARGET_SIGNUPS_PER_S = 5000
TARGET_SIGNUP_P99_MS = 100
TARGET_KB_PER_VIEWER = 50

START_TIMEOUT_S = 90
CLI_TIMEOUT_S = 120
HTTP_TIMEOUT_S = 30
RECOVERY_TIMEOUT_S = 300

# Loaded by the exactly-once check to find the sign-up table; see signup_table_name().
SIGNUP_MODEL_PROBE = """
import importlib, pkgutil, sys
import app
for info in pkgutil.walk_packages(app.__path__, "app."):
    if not info.name.endswith(".models"):
        continue
    try:
        module = importlib.import_module(info.name)
    except Exception:
        continue
    model = getattr(module, "SignUp", None)
    if model is not None and getattr(model, "__tablename__", None):
        print(model.__tablename__)
        sys.exit(0)
sys.exit(1)
"""


class BenchError(Exception):
    """A server could not be started, seeded or measured."""


# ------------------------------------------------------------------------------ the machine
def raise_open_files_limit() -> int:
    """Raise this process's soft open-files limit to the hard one; children inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def machine_info() -> dict[str, str]:
    """CPU, cores, RAM, OS, tool versions, date and git commit, for the table's header."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kb / 1048576:.1f} GiB"
    commit = _git("rev-parse", "--short", "HEAD") or "?"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    node = _output(["node", "--version"]) or "missing"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "cpu": f"{cpu} × {os.cpu_count()}",
        "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "node": node,
        "open_files": str(resource.getrlimit(resource.RLIMIT_NOFILE)[0]),
        "load": load_average(),
    }


def load_average() -> str:
    """The 1-minute load average: other work on the machine skews every figure."""
    return f"{os.getloadavg()[0]:.2f}"


def _git(*args: str) -> str:
    return _output(["git", "-C", str(REPO), *args])


def _output(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def rss_kb(pids: list[int]) -> int:
    """Resident memory of the given processes and all their descendants, in KiB."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            ppid = int(status.read_text().split("PPid:")[1].split()[0])
            children.setdefault(ppid, []).append(int(status.parent.name))
    total, todo, seen = 0, list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        todo.extend(children.get(pid, []))
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{pid}/status").read_text().split("VmRSS:")[1].split()[0])
    return total


def stop_process(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a server this script started (its own session), politely and then firmly."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout)


def wait_for_http(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    """Wait until the server answers HTTP at url (any status below 500)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            last = tail(log, 1) or "no output"
            raise BenchError(f"server exited with {proc.returncode}: {last}\n{tail(log)}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.25)
    raise BenchError(f"server did not answer {url} within {timeout:.0f} s:\n{tail(log)}")


def tail(path: Path, lines: int = 25) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


# ------------------------------------------------------------------------------ servers
@dataclass
class Target:
    """A server under test, as the load generator and the report see it."""

    name: str
    urls: list[str]
    pids: list[int]
    database_url: str | None = None
    notes: list[str] = field(default_factory=list)
    new_room: Callable[[str], tuple[str, str]] = lambda title: ("", "")
    new_jobs: Callable[[int], list[str]] = lambda count: []
    # Tokens of n job seekers who proved their numbers (None: the server takes name and mobile).
    seeker_tokens: Callable[[int], list[str]] | None = None
    health_path: str = "/"


def wait_until_responsive(t: Target, timeout: float = RECOVERY_TIMEOUT_S) -> float | None:
    """Seconds until every process of t answers an HTTP request within a second again (after
    thousands of viewers have just left), or None if one does not within timeout."""
    start = time.monotonic()
    pending = list(t.urls)
    while pending and time.monotonic() - start < timeout:
        with contextlib.suppress(requests.RequestException):
            if requests.get(pending[0] + t.health_path, timeout=1).status_code < 500:
                pending.pop(0)
                continue
        time.sleep(0.5)
    return None if pending else round(time.monotonic() - start, 1)


REFERENCE_SERVERS = {
    # name: (command, notes)
    "Node socket.io": (["node", str(NODE_DIR / "server.js")], ["in memory, no database"]),
    # FairCast's own stack (Flask-SocketIO on eventlet) with FairCast taken out: the floor.
    "Flask-SocketIO floor": (
        [sys.executable, str(BENCH / "floor" / "server.py")],
        ["in memory, no database; same stack as FairCast"],
    ),
}


@contextlib.contextmanager
def node_server(workdir: Path, name: str = "Node socket.io") -> Iterator[Target]:
    """A reference server (Node socket.io, or the Flask-SocketIO floor) on a free port."""
    command, notes = REFERENCE_SERVERS[name]
    port = free_port()
    token = secrets.token_hex(16)
    log = workdir / f"{name.split()[0].lower()}-server.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [*command, "--port", str(port), "--host-token", token],
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=REPO,
            start_new_session=True,
        )
    try:
        line = LineReader(proc).readline(timeout=30) or ""
        if not line.startswith("listening"):
            raise BenchError(f"{name} server did not start: {line!r}\n{tail(log)}")
        counter = iter(range(1, 1_000_000))

        def new_room(title: str) -> tuple[str, str]:
            return f"room-{next(counter)}", token

        def new_jobs(count: int) -> list[str]:
            return [f"job-{next(counter)}" for _ in range(count)]

        yield Target(
            name=name,
            urls=[f"http://{LOOPBACK}:{port}"],
            pids=[proc.pid],
            notes=notes,
            new_room=new_room,
            new_jobs=new_jobs,
        )
    finally:
        stop_process(proc)


class LineReader:
    """Whole lines from a child's stdout, each waited for with a timeout."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.fd = proc.stdout.fileno()
        self.buffer = b""
        self.eof = False

    def readline(self, timeout: float) -> str | None:
        """The next line; '' at end of output; None if no line came within timeout."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            if self.eof:
                rest, self.buffer = self.buffer, b""
                return rest.decode(errors="replace")
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            chunk = os.read(self.fd, 65536)
            self.eof = not chunk
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode(errors="replace").strip() or " "


def faircast_command(given: str | None = None) -> list[str]:
    """The `faircast` console script: the one given, else the one beside this Python."""
    if given:
        return [given]
    beside = Path(sys.executable).with_name("faircast")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("faircast")
    if found:
        return [found]
    raise BenchError("the `faircast` command is not installed (pip install -e . in the repo)")


class FairCast:
    """FairCast processes on loopback ports, with data seeded through the public interface."""

    def __init__(self, opts: argparse.Namespace, workdir: Path, processes: int, rooms: int) -> None:
        self.opts = opts
        self.processes = processes
        self.rooms = rooms
        self.dir = Path(tempfile.mkdtemp(prefix="faircast-", dir=workdir))
        self.database_url = opts.database_url or f"sqlite:///{self.dir / 'faircast.db'}"
        self.tag = secrets.token_hex(3)
        self.password = secrets.token_urlsafe(12)
        self.procs: list[subprocess.Popen] = []
        self.urls: list[str] = []
        self.http = requests.Session()
        self.org_token = ""
        self.fair_id = ""
        self.employer_id = ""
        self.employer_name = f"深圳市前海人力资源服务有限公司{self.tag}"
        self.organiser = f"bench_org_{self.tag}"
        self.hosts: list[str] = []  # created, not yet given a room
        self.host_count = 0
        self.now = dt.datetime.now(TIMEZONE).replace(microsecond=0)
        self.env = {
            **os.environ,
            "FAIRCAST_DATABASE_URL": self.database_url,
            "FAIRCAST_SECRET_KEY": secrets.token_hex(32),
            "FAIRCAST_MEDIA_DIR": str(self.dir / "media"),
            "PYTHONUNBUFFERED": "1",
            # Sign-in codes are limited per address; each bench seeker asks from its own.
            "FAIRCAST_PROXY_COUNT": "1",
        }
        if processes > 1:
            if not opts.message_queue:
                raise BenchError("several FairCast processes need --message-queue redis://...")
            self.env["FAIRCAST_MESSAGE_QUEUE"] = opts.message_queue
        for item in opts.server_env:
            key, _, value = item.partition("=")
            self.env[key] = value

    # -- processes
    def start(self) -> Target:
        """Migrate, start every process, wait until each answers, and seed a live fair."""
        cli = faircast_command(self.opts.faircast)
        self.cli(["db", "upgrade"])
        self.cli(
            ["user", "create", "--role", "organiser", "--username", self.organiser]
            + ["--password", self.password]
        )
        for i in range(self.processes):
            port = free_port()
            log = self.dir / f"faircast-{i + 1}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    [*cli, "serve", "--host", LOOPBACK, "--port", str(port)],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=self.env,
                    cwd=self.dir,
                    start_new_session=True,
                )
            self.procs.append(proc)
            self.urls.append(f"http://{LOOPBACK}:{port}")
            wait_for_http(f"{self.urls[-1]}{API}/openapi.json", proc, log, START_TIMEOUT_S)
        self.seed()
        kind = "PostgreSQL" if self.database_url.startswith("postgres") else "SQLite"
        name = "FairCast" if self.processes == 1 else f"FairCast × {self.processes}"
        notes = [kind]
        if "FAIRCAST_MESSAGE_QUEUE" in self.env:
            notes.append("Redis message queue")
        return Target(
            name=name,
            urls=self.urls,
            pids=[p.pid for p in self.procs],
            database_url=self.database_url,
            notes=notes,
            new_room=self.new_room,
            new_jobs=self.new_jobs,
            seeker_tokens=self.seeker_tokens,
            health_path=f"{API}/openapi.json",
        )

    def stop(self) -> None:
        for proc in self.procs:
            stop_process(proc)

    def cli(self, args: list[str]) -> str:
        result = subprocess.run(
            [*faircast_command(self.opts.faircast), *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.dir,
            timeout=CLI_TIMEOUT_S,
        )
        if result.returncode != 0:
            shown = " ".join(a if a != self.password else "***" for a in args)
            output = (result.stdout + result.stderr).strip().splitlines()
            reason = output[-1] if output else f"exit status {result.returncode}"
            raise BenchError(f"faircast {shown} failed: {reason}\n" + "\n".join(output))
        return result.stdout

    # -- REST
    def api(self, method: str, path: str, token: str, body: dict | None = None) -> Any:
        url = f"{self.urls[0]}{API}{path}"
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            r = self.http.request(method, url, json=body, headers=headers, timeout=HTTP_TIMEOUT_S)
        except requests.Timeout:
            raise BenchError(f"{method} {API}{path}: no answer within {HTTP_TIMEOUT_S} s") from None
        if not r.ok:
            raise BenchError(f"{method} {API}{path} answered {r.status_code}: {r.text[:500]}")
        return r.json() if r.content else {}

    def token(self, username: str) -> str:
        body = {"username": username, "password": self.password}
        return self.api("POST", "/tokens", "", body)["token"]

    def seeker_tokens(self, n: int) -> list[str]:
        """n job seekers sign in the way a phone does: a code by SMS (the `log` backend's
        outbox), then POST /auth/verify with it. Done before the measured part."""
        self.seekers_made = getattr(self, "seekers_made", 0)
        first, self.seekers_made = self.seekers_made, self.seekers_made + n
        prefix = f"139{int(self.tag, 16) % 100:02d}"
        mobiles = [f"{prefix}{k:06d}" for k in range(first, first + n)]
        url = f"{self.urls[0]}{API}"
        for k, mobile in enumerate(mobiles, start=first):
            # No cookies (a phone each) and an address each, as the proxy in front reports it.
            r = requests.post(
                f"{url}/auth/sms",
                json={"mobile": mobile},
                headers={"X-Forwarded-For": f"10.{k >> 16 & 255}.{k >> 8 & 255}.{k & 255}"},
                timeout=HTTP_TIMEOUT_S,
            )
            if r.status_code != 202:
                raise BenchError(f"POST {API}/auth/sms answered {r.status_code}: {r.text[:300]}")
        codes: dict[str, str] = {}
        for line in self.cli(["sms", "outbox"]).splitlines():
            parts = line.split(" ", 2)
            found = re.search(r"\b(\d{6})\b", parts[2]) if len(parts) == 3 else None
            if found:
                codes[parts[1]] = found.group(1)  # newest last
        tokens = []
        for mobile in mobiles:
            if mobile not in codes:
                raise BenchError(f"no sign-in code for {mobile} in the SMS outbox")
            body = {"mobile": mobile, "code": codes[mobile], "consent": True}
            r = requests.post(f"{url}/auth/verify", json=body, timeout=HTTP_TIMEOUT_S)
            if not r.ok:
                raise BenchError(f"POST {API}/auth/verify answered {r.status_code}: {r.text[:300]}")
            tokens.append(r.json()["token"])
        return tokens

    def at(self, hours: float) -> str:
        return (self.now + dt.timedelta(hours=hours)).isoformat()

    def seed(self) -> None:
        """An organiser, an employer and an online fair that is live now, via CLI and REST."""
        self.org_token = self.token(self.organiser)
        employer = self.api(
            "POST",
            "/employers",
            self.org_token,
            {"name": self.employer_name, "credit_code": credit_code(self.tag)},
        )
        self.employer_id = str(_id(employer))
        # Every host account now, so that no command runs while a scenario is measured.
        for _ in range(self.rooms):
            self.hosts.append(self.create_host())
        fair = self.api(
            "POST",
            "/fairs",
            self.org_token,
            {
                "title": f"线上直播带岗专场 {self.tag}",
                "mode": "online",
                "starts_at": self.at(-1),
                "ends_at": self.at(12),
                "timezone": "Asia/Shanghai",
                "anonymous_viewers": True,
                "description": "Socket benchmark fair",
            },
        )
        self.fair_id = str(_id(fair))
        for status in ("published", "live"):
            self.api("PATCH", f"/fairs/{self.fair_id}", self.org_token, {"status": status})

    def new_jobs(self, count: int) -> list[str]:
        """Create jobs for the fair's employer and add them to the fair."""
        ids = []
        for _ in range(count):
            n = len(ids) + 1
            job = self.api("POST", "/jobs", self.org_token, job_fields(self.employer_id, n))
            job_id = str(_id(job))
            self.api("POST", f"/fairs/{self.fair_id}/jobs", self.org_token, {"job_id": job_id})
            ids.append(job_id)
        return ids

    def create_host(self) -> str:
        """A host account for the fair's employer (created with it, the first time)."""
        self.host_count += 1
        host = f"bench_host_{self.tag}_{self.host_count}"
        self.cli(
            ["user", "create", "--role", "host", "--username", host]
            + ["--password", self.password, "--employer", self.employer_name]
        )
        return host

    def new_room(self, title: str) -> tuple[str, str]:
        """A room of the fair with a host of its own; returns (room id, host token)."""
        host = self.hosts.pop(0) if self.hosts else self.create_host()
        token = self.token(host)
        room = self.api(
            "POST",
            f"/fairs/{self.fair_id}/rooms",
            self.org_token,
            {
                "title": title,
                "host_username": host,
                "starts_at": self.at(-0.5),
                "ends_at": self.at(11),
            },
        )
        room_id = str(_id(room))
        if self.opts.go_live:
            self.api("POST", f"/rooms/{room_id}/live", token, {"source": self.opts.go_live})
        return room_id, token


def _id(obj: Any) -> Any:
    """The id of a created object, whether the API returns it bare or wrapped once."""
    if isinstance(obj, dict):
        if "id" in obj:
            return obj["id"]
        inner = [v for v in obj.values() if isinstance(v, dict) and "id" in v]
        if len(inner) == 1:
            return inner[0]["id"]
    raise BenchError(f"no id in the API's answer: {str(obj)[:300]}")


def credit_code(seed: str) -> str:
    """A well-formed unified social credit code (GB 32100-2015), derived from seed."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    digits = str(int(seed, 16) % 10**8).zfill(8)
    org_sum = sum(int(d) * w for d, w in zip(digits, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    org_check = (11 - org_sum % 11) % 11
    org = digits + ("X" if org_check == 10 else str(org_check))
    body = "91" + "440300" + org
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(chars.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + chars[(31 - total % 31) % 31]


def job_fields(employer_id: str, n: int) -> dict[str, Any]:
    """A realistic gig job, the kind a 零工市场 presents in a live room."""
    titles = ["仓库分拣员", "快递装卸工", "家政保洁员", "餐厅服务员", "电子厂普工", "外卖骑手"]
    return {
        "employer_id": employer_id,
        "title": titles[n % len(titles)],
        "category": "logistics",
        "pay_min": 22 + n % 5,
        "pay_max": 30 + n % 5,
        "pay_unit": "hour",
        "district": "南山区",
        "headcount": 10 + n,
        "work_type": "gig",
        "shift": "08:00-17:00，做六休一",
        "benefits": ["meals", "daily_pay"],
        "requirements": "18-50周岁，身体健康",
        "contact": "13800138000",
    }


# ------------------------------------------------------------------------------ exactly once
def signup_table_name(database_url: str) -> str:
    """The table FairCast keeps sign-ups in: SignUp.__tablename__ from the app's models, or
    failing that the one table named like sign_up(s) in the database."""
    probe = subprocess.run(
        [sys.executable, "-c", SIGNUP_MODEL_PROBE],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    if probe.returncode == 0 and probe.stdout.strip():
        return probe.stdout.strip().splitlines()[-1]
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        names = [n for n in sa.inspect(engine).get_table_names() if re.fullmatch(r"sign_?ups?", n)]
    finally:
        engine.dispose()
    if len(names) != 1:
        raise BenchError(f"cannot tell which table holds sign-ups (candidates: {names})")
    return names[0]


def count_rows(database_url: str, table: str) -> int:
    """How many rows the table holds right now."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(sa.table(table))
            ).scalar_one()
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------ load generator
def loadgen(
    target: Target,
    args: list[str],
    timeout_s: float,
    on_ready: Callable[[], None] | None = None,
    verbose: bool = False,
) -> dict[str, Any]:
    """Run bench/node/loadgen.js against target and return its JSON result.

    With on_ready, the load generator holds its connections open: on_ready runs once it says
    "ready", then the connections are released."""
    cmd = [
        "node",
        "--max-old-space-size=4096",
        str(NODE_DIR / "loadgen.js"),
        "--url",
        ",".join(target.urls),
        "--deadline-ms",
        str(int(timeout_s * 1000)),
        *args,
    ]
    if on_ready:
        cmd.append("--hold")
    if not verbose:
        cmd.append("--quiet")
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=REPO,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = LineReader(proc)
    try:
        deadline = time.monotonic() + timeout_s + 30
        while time.monotonic() < deadline:
            line = reader.readline(timeout=deadline - time.monotonic())
            if not line:  # end of output, or the deadline passed
                break
            lines.append(line)
            if line.startswith("ready") and on_ready:
                on_ready()
                proc.stdin.write(b"release\n")
                proc.stdin.flush()
            elif line.startswith("{"):
                break
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pass
    finally:
        stop_process(proc, timeout=5)
    results = [line for line in lines if line.startswith("{")]
    if not results:
        raise BenchError(f"load generator gave no result (exit {proc.returncode}): {lines}")
    result = json.loads(results[-1])
    if not result.get("ok"):
        raise BenchError(f"load generator failed: {result.get('error')}")
    return result


# ------------------------------------------------------------------------------ scenarios
@dataclass
class Row:
    """One measured line of the report."""

    scenario: str
    target: str
    notes: str
    n: int
    data: dict[str, Any]
    error: str = ""
    recovery_s: float | None = 0.0  # until HTTP answered again after the viewers left


def scenario_memory(t: Target, n: int, opts: argparse.Namespace) -> Row:
    """Server RSS with n viewers connected and joined to one room, minus RSS before."""
    room, _ = t.new_room(f"内存测试 {n}")
    warm = ["--scenario", "connect", "--viewers", "50", "--join", "--room", room]
    loadgen(
        t, warm, timeout_s=120, verbose=opts.verbose
    )  # load lazily imported code before the first reading
    time.sleep(1)
    before = rss_kb(t.pids)
    reading: dict[str, int] = {}

    def read_after() -> None:
        time.sleep(1)  # let coalesced counts and presence writes settle
        reading["after"] = rss_kb(t.pids)

    args = ["--scenario", "connect", "--viewers", str(n), "--join", "--room", room]
    args += ["--concurrency", str(opts.concurrency)]
    result = loadgen(t, args, 600, on_ready=read_after, verbose=opts.verbose)
    after = reading.get("after", before)
    held = result.get("open_at_release") or result["connected"]
    data = {
        "rss_before_kb": before,
        "rss_after_kb": after,
        "held": held,
        "kb_per_viewer": round((after - before) / held, 1) if held else None,
        "loadgen": result,
    }
    return Row("memory", t.name, ", ".join(t.notes), n, data)


def scenario_connect(t: Target, n: int, opts: argparse.Namespace) -> Row:
    """How fast n connections to /live can be opened, at most --concurrency at a time."""
    args = ["--scenario", "connect", "--viewers", str(n), "--concurrency", str(opts.concurrency)]
    result = loadgen(t, args, 600, verbose=opts.verbose)
    return Row("connect", t.name, ", ".join(t.notes), n, {"loadgen": result})


def scenario_fanout(t: Target, n: int, opts: argparse.Namespace) -> Row:
    """n viewers in one room; the host pushes --cards cards; delay from pushed_at to receipt."""
    room, token = t.new_room(f"直播带岗 {n} 人")
    jobs = t.new_jobs(min(opts.cards, 6))
    args = ["--scenario", "fanout", "--viewers", str(n), "--room", room, "--token", token]
    args += ["--cards", str(opts.cards), "--interval-ms", str(opts.interval_ms)]
    args += ["--concurrency", str(opts.concurrency)]
    for job in jobs:
        args += ["--job", job]
    timeout = 120 + n / 20 + opts.cards * opts.interval_ms / 1000
    result = loadgen(t, args, timeout, verbose=opts.verbose)
    return Row("fanout", t.name, ", ".join(t.notes), n, {"loadgen": result})


def scenario_signups(t: Target, n: int, opts: argparse.Namespace) -> Row:
    """n viewers sign up to --jobs jobs as fast as they can, some twice; exactly-once is
    checked in the acks and, for FairCast, by counting rows in the database."""
    room, token = t.new_room(f"报名测试 {n} 人")
    jobs = t.new_jobs(opts.jobs)
    table, db_error = None, ""
    if t.database_url:
        try:
            table = signup_table_name(t.database_url)
            rows_before = count_rows(t.database_url, table)
        except (BenchError, ImportError, OSError, subprocess.SubprocessError) as exc:
            table, db_error = None, str(exc)
        except Exception as exc:  # a database error: report it beside the figures
            table, db_error = None, f"{type(exc).__name__}: {exc}"
    args = ["--scenario", "signups", "--viewers", str(n), "--room", room, "--token", token]
    args += ["--inflight", str(opts.inflight), "--retry-every", str(opts.retry_every)]
    args += ["--concurrency", str(opts.concurrency)]
    tokens_file = None
    if t.seeker_tokens is not None:
        tokens_file = Path(tempfile.mkdtemp(prefix="faircast-seekers-")) / "tokens.txt"
        tokens_file.write_text("\n".join(t.seeker_tokens(n)) + "\n")
        args += ["--tokens", str(tokens_file)]
    for job in jobs:
        args += ["--job", job]
    try:
        result = loadgen(t, args, 300 + n * opts.jobs / 50, verbose=opts.verbose)
    finally:
        if tokens_file is not None:
            shutil.rmtree(tokens_file.parent, ignore_errors=True)
    data: dict[str, Any] = {"loadgen": result, "table": table, "db_error": db_error}
    if table:
        time.sleep(0.5)
        data["rows_added"] = count_rows(t.database_url, table) - rows_before
        data["db_exactly_once"] = data["rows_added"] == result["pairs"]
    return Row("signups", t.name, ", ".join(t.notes), n, data)


def run_scenario(rows: list[Row], fn: Callable, t: Target, n: int, opts) -> None:
    label = fn.__name__.removeprefix("scenario_")
    print(f"[bench] {label} · {t.name} · {n} …", file=sys.stderr, flush=True)
    try:
        rows.append(fn(t, n, opts))
    except (BenchError, OSError, subprocess.SubprocessError, requests.RequestException) as exc:
        rows.append(Row(label, t.name, ", ".join(t.notes), n, {}, error=str(exc)))
        print(f"[bench] {label} on {t.name} failed: {exc}", file=sys.stderr, flush=True)
    # The viewers have just left: the next scenario starts when the server answers again.
    rows[-1].recovery_s = wait_until_responsive(t)


def run_on(rows: list[Row], t: Target, opts: argparse.Namespace, scenarios: list[str]) -> None:
    """The selected scenarios on one server, memory first so other runs don't skew it."""
    if "memory" in scenarios:
        run_scenario(rows, scenario_memory, t, max(opts.viewers), opts)
    if "connect" in scenarios:
        run_scenario(rows, scenario_connect, t, max(opts.viewers), opts)
    if "fanout" in scenarios:
        for n in opts.viewers:
            run_scenario(rows, scenario_fanout, t, n, opts)
    if "signups" in scenarios:
        run_scenario(rows, scenario_signups, t, opts.signup_viewers, opts)


# ------------------------------------------------------------------------------ report
def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{unit}"


def render(info: dict[str, str], rows: list[Row], opts: argparse.Namespace, argv: list[str]) -> str:
    out = ["# FairCast socket benchmarks", ""]
    out += ["| machine | |", "|---|---|"]
    for key in ("date", "commit", "cpu", "ram", "os", "python", "node", "open_files"):
        out.append(f"| {key} | {info[key]} |")
    out.append(f"| load average (start → end) | {info['load']} → {load_average()} |")
    out.append(f"| command | `python bench/run.py {' '.join(argv)}` |")
    if opts.quick:
        out.append("| mode | --quick: small numbers, a smoke run; not for comparing with targets |")
    out.append("")

    out += _targets(rows)
    by = {s: [r for r in rows if r.scenario == s] for s in SCENARIOS}
    fan = by["fanout"] + by["scaleout"]
    if fan:
        out += [
            f"## Card fan-out ({opts.cards} cards, {opts.interval_ms} ms apart; "
            "delay = receipt − pushed_at)",
            "",
            "| server | viewers | delivered | missing | p50 ms | p99 ms | max ms "
            "| worst card p99 ms | push ack p50 ms | p99 vs Node |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        node_p99 = {
            r.n: r.data["loadgen"]["delay_ms"]["p99"]
            for r in fan
            if r.target.startswith("Node") and not r.error
        }
        for r in fan:
            if r.error:
                out.append(f"| {r.target} | {r.n:,} | error: {_short(r.error)} ||||||||")
                continue
            g = r.data["loadgen"]
            d = g["delay_ms"]
            cards = g["per_card"]
            worst = max((c["p99_ms"] or 0 for c in cards), default=None)
            acks = sorted(c["push_ack_ms"] for c in cards if c.get("push_ack_ms") is not None)
            ack50 = acks[len(acks) // 2] if acks else None
            ratio = None
            if node_p99.get(r.n) and d["p99"] is not None and not r.target.startswith("Node"):
                ratio = f"{d['p99'] / node_p99[r.n]:.2f}×"
            out.append(
                f"| {r.target} | {r.n:,} | {fmt(g['received'])}/{fmt(g['expected'])} "
                f"| {fmt(g['missing'])} | {fmt(d['p50'])} | {fmt(d['p99'])} | {fmt(d['max'])} "
                f"| {fmt(worst)} | {fmt(ack50)} | {ratio or '–'} |"
            )
        out.append("")

    if by["signups"]:
        out += [
            "## Sign-ups (each viewer identifies, joins, then signs up to every job; "
            f"every {opts.retry_every}th sign-up sent twice)",
            "",
            "| server | storage | viewers × jobs | sent | acks/s | ack p50 ms | ack p99 ms "
            "| ack max ms | created | exactly once (acks) | rows added (DB) | errors |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
        ]
        for r in by["signups"]:
            if r.error:
                out.append(
                    f"| {r.target} | {r.notes} | {r.n:,} | error: {_short(r.error)} ||||||||"
                )
                continue
            g = r.data["loadgen"]
            a = g["ack_ms"]
            db = "not checked" if r.data.get("db_error") else "–"
            if "rows_added" in r.data:
                mark = "✓" if r.data["db_exactly_once"] else "✗"
                db = f"{mark} {r.data['rows_added']:,} of {g['pairs']:,}"
            once = (
                "✓"
                if g["exactly_once"]
                else (
                    f"✗ {g['pairs_created_more_than_once']} twice, {g['pairs_never_created']} never"
                )
            )
            errors = ", ".join(f"{k}: {v}" for k, v in {**g["errors"], **g["setup_errors"]}.items())
            out.append(
                f"| {r.target} | {r.notes} | {g['ready']:,} × {len(g['jobs'])} | {fmt(g['sent'])} "
                f"| {fmt(g['throughput_per_s'])} | {fmt(a['p50'])} | {fmt(a['p99'])} "
                f"| {fmt(a['max'])} | {fmt(g['created_true'])} | {once} | {db} | {errors or '–'} |"
            )
        out.append("")

    if by["memory"]:
        out += [
            "## Memory per connected viewer (viewers joined to one room; server RSS)",
            "",
            "| server | viewers held | RSS before MiB | RSS after MiB | KiB per viewer |",
            "|---|---:|---:|---:|---:|",
        ]
        for r in by["memory"]:
            if r.error:
                out.append(f"| {r.target} | {r.n:,} | error: {_short(r.error)} |||")
                continue
            m = r.data
            out.append(
                f"| {r.target} | {fmt(m['held'])} | {fmt(m['rss_before_kb'] / 1024)} "
                f"| {fmt(m['rss_after_kb'] / 1024)} | {fmt(m['kb_per_viewer'])} |"
            )
        out.append("")

    if by["connect"]:
        out += [
            f"## Connection rate (websocket + /live connect, {opts.concurrency} at a time)",
            "",
            "| server | connections | failed | per second | connect p50 ms | connect p99 ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in by["connect"]:
            if r.error:
                out.append(f"| {r.target} | {r.n:,} | error: {_short(r.error)} ||||")
                continue
            g = r.data["loadgen"]
            c = g["connect_ms"]
            out.append(
                f"| {r.target} | {fmt(g['connected'])} | {fmt(g['failed'])} | {fmt(g['per_s'])} "
                f"| {fmt(c['p50'])} | {fmt(c['p99'])} |"
            )
        out.append("")

    slow = [r for r in rows if r.recovery_s is None or r.recovery_s > 2]
    if slow:
        out += [
            "## Recovery (after a run's viewers left, until every process answered HTTP within "
            "1 s again)",
            "",
            "| scenario | server | viewers | seconds |",
            "|---|---|---:|---:|",
        ]
        for r in slow:
            took = f"> {RECOVERY_TIMEOUT_S}" if r.recovery_s is None else fmt(r.recovery_s)
            out.append(f"| {r.scenario} | {r.target} | {r.n:,} | {took} |")
        out.append("")

    out += [
        "Delays are measured by one Node.js process holding every viewer; it reads the sockets",
        "one after another, so a broadcast's last delivery includes its time to read all the",
        "others. That floor is the same for both servers and is most of the Node figure.",
        "",
    ]
    return "\n".join(out)


def _short(text: str) -> str:
    return text.splitlines()[0][:160].replace("|", "\\|")


def _targets(rows: list[Row]) -> list[str]:
    """DESIGN.md's targets against what FairCast measured in this run."""
    lines = ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    ok = {True: "✓", False: "✗"}
    fc = [r for r in rows if r.target.startswith("FairCast") and not r.error]
    node = {r.n: r for r in rows if r.scenario == "fanout" and r.target.startswith("Node")}
    fan = [r for r in fc if r.scenario == "fanout" and r.n in node and not node[r.n].error]
    if fan:
        r = max(fan, key=lambda r: r.n)
        mine = r.data["loadgen"]["delay_ms"]["p99"]
        theirs = node[r.n].data["loadgen"]["delay_ms"]["p99"]
        met = mine is not None and theirs is not None and mine <= theirs
        met = met and r.data["loadgen"]["missing"] == 0
        lines.append(
            f"| fan-out p99 at {r.n:,} viewers ≤ Node's, every card delivered "
            f"| {fmt(mine)} ms vs {fmt(theirs)} ms, {r.data['loadgen']['missing']} missing "
            f"| {ok[met]} |"
        )
    for r in (r for r in fc if r.scenario == "signups"):
        g = r.data["loadgen"]
        rate, p99 = g["throughput_per_s"], g["ack_ms"]["p99"]
        lines.append(
            f"| ≥ {TARGET_SIGNUPS_PER_S:,} sign-ups/s ({r.target}, {r.notes}) "
            f"| {fmt(rate)}/s | {ok[bool(rate and rate >= TARGET_SIGNUPS_PER_S)]} |"
        )
        lines.append(
            f"| sign-up ack p99 < {TARGET_SIGNUP_P99_MS} ms | {fmt(p99)} ms "
            f"| {ok[p99 is not None and p99 < TARGET_SIGNUP_P99_MS]} |"
        )
        db = r.data.get("db_exactly_once")
        lines.append(
            f"| exactly once per person and job | acks {ok[g['exactly_once']]}, database "
            f"{ok[db] if db is not None else '–'} | {ok[g['exactly_once'] and db is not False]} |"
        )
    for r in (r for r in fc if r.scenario == "memory"):
        kb = r.data["kb_per_viewer"]
        lines.append(
            f"| < {TARGET_KB_PER_VIEWER} KB per connected viewer ({r.target}) | {fmt(kb)} KiB "
            f"| {ok[kb is not None and kb < TARGET_KB_PER_VIEWER]} |"
        )
    if len(lines) == 4:
        lines.append("| (no FairCast figures in this run) | | |")
    return [*lines, ""]


def failures(rows: list[Row]) -> list[str]:
    """Correctness problems that make the run fail: errors, lost cards, double sign-ups."""
    problems = []
    for r in rows:
        label = f"{r.scenario} on {r.target} ({r.n})"
        if r.recovery_s is None:
            problems.append(f"{label}: no HTTP answer within {RECOVERY_TIMEOUT_S} s afterwards")
        if r.error:
            problems.append(f"{label}: {_short(r.error)}")
            continue
        g = r.data.get("loadgen", {})
        if r.scenario in ("memory", "connect") and g.get("failed"):
            problems.append(f"{label}: {g['failed']} of {g['viewers']} connections failed")
        if r.scenario == "memory" and g.get("join_errors"):
            problems.append(f"{label}: joins refused: {g['join_errors']}")
        if r.scenario in ("fanout", "scaleout") and g.get("missing"):
            problems.append(f"{label}: {g['missing']} card deliveries missing")
            problems += [f"{label}: {k}: {v}" for k, v in g.get("join_errors", {}).items()]
        if r.scenario == "signups":
            if not g.get("exactly_once"):
                problems.append(f"{label}: sign-up acks not exactly once")
            if not g.get("counts_exact"):
                problems.append(
                    f"{label}: counts in the acks {g.get('counts_max')}, not {g['ready']}"
                )
            if r.data.get("db_error"):
                problems.append(f"{label}: no database check: {_short(r.data['db_error'])}")
            if r.data.get("db_exactly_once") is False:
                problems.append(
                    f"{label}: {r.data['rows_added']} rows in the database for {g['pairs']} pairs"
                )
    return problems


# ------------------------------------------------------------------------------ main
def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small numbers, for a CI smoke run")
    p.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="run only these (repeatable); default: memory, connect, fanout, signups "
        "(and scaleout when --processes > 1)",
    )
    p.add_argument(
        "--target",
        choices=("both", "all", "faircast", "node", "floor"),
        default="both",
        help="which servers to measure (default both)",
    )
    p.add_argument(
        "--viewers",
        help="fan-out sizes, comma-separated (default 1000,5000; quick 50,200); "
        "memory and connect use the largest",
    )
    p.add_argument("--signup-viewers", type=int, help="viewers in the sign-up run (default 2000)")
    p.add_argument("--jobs", type=int, help="jobs each viewer signs up to (default 5)")
    p.add_argument("--cards", type=int, help="cards pushed per fan-out run (default 20)")
    p.add_argument("--interval-ms", type=int, help="time between cards (default 500)")
    p.add_argument("--concurrency", type=int, default=50, help="handshakes in flight (50)")
    p.add_argument("--inflight", type=int, default=200, help="sign-ups in flight (200)")
    p.add_argument("--retry-every", type=int, default=10, help="send every Kth sign-up twice")
    p.add_argument("--database-url", help="FairCast's database (default: fresh SQLite)")
    p.add_argument(
        "--processes", type=int, default=1, help="FairCast processes for scaleout (K ≥ 2)"
    )
    p.add_argument("--message-queue", help="Socket.IO message queue for several processes")
    p.add_argument(
        "--go-live",
        metavar="SOURCE",
        help="open each room's broadcast first (POST /rooms/{id}/live {source})",
    )
    p.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for FairCast",
    )
    p.add_argument("--faircast", help="the faircast command (default: the one beside python)")
    p.add_argument("--output", type=Path, default=RESULTS / "latest.md")
    p.add_argument("--verbose", action="store_true", help="show the load generator's progress")
    p.add_argument("--keep", action="store_true", help="keep the servers' logs and databases")
    opts = p.parse_args(argv)

    quick = opts.quick
    opts.viewers = [
        int(v) for v in (opts.viewers or ("50,200" if quick else "1000,5000")).split(",")
    ]
    opts.signup_viewers = opts.signup_viewers or (20 if quick else 2000)
    opts.jobs = opts.jobs or (3 if quick else 5)
    opts.cards = opts.cards or (3 if quick else 20)
    opts.interval_ms = opts.interval_ms or (200 if quick else 500)
    scenarios = opts.scenario or list(DEFAULT_SCENARIOS)
    if opts.processes > 1 and "scaleout" not in scenarios:
        scenarios.append("scaleout")
    if "scaleout" in scenarios and "fanout" not in scenarios:
        scenarios.append("fanout")  # scale-out is read against one process and Node
    opts.scenario = [s for s in SCENARIOS if s in scenarios]
    if "scaleout" in scenarios:
        opts.processes = max(opts.processes, 2)
        opts.message_queue = opts.message_queue or "redis://127.0.0.1:6379/0"
    return opts


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    opts = parse_args(argv)
    if not (REPO / "node_modules" / "socket.io-client").is_dir():
        print("node_modules is missing: run `npm ci` in the repository first", file=sys.stderr)
        return 2
    raise_open_files_limit()
    info = machine_info()
    rows: list[Row] = []
    single = [s for s in opts.scenario if s != "scaleout"]

    faircast = opts.target in ("both", "all", "faircast")
    workdir = Path(tempfile.mkdtemp(prefix="faircast-bench-"))
    try:
        with contextlib.ExitStack() as stack:
            node = None
            if opts.target in ("both", "all", "node"):
                try:
                    node = stack.enter_context(node_server(workdir))
                except BenchError as exc:
                    rows.append(Row("fanout", "Node socket.io", "", 0, {}, error=str(exc)))
            floor = None
            if opts.target in ("all", "floor"):
                try:
                    floor = stack.enter_context(node_server(workdir, "Flask-SocketIO floor"))
                except BenchError as exc:
                    rows.append(Row("fanout", "Flask-SocketIO floor", "", 0, {}, error=str(exc)))
            if faircast and single:
                _with_faircast(rows, opts, workdir, 1, single)
            if node and single:
                run_on(rows, node, opts, single)
            if floor and single:
                run_on(rows, floor, opts, single)
            if faircast and "scaleout" in opts.scenario:
                _with_faircast(rows, opts, workdir, opts.processes, ["scaleout"])
    finally:
        if opts.keep:
            print(f"[bench] servers' logs and databases kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    report = render(info, rows, opts, argv)
    problems = failures(rows)
    if problems:
        report += "\n## Problems\n\n" + "\n".join(f"- {p}" for p in problems) + "\n"
    print(report)
    opts.output.parent.mkdir(parents=True, exist_ok=True)
    opts.output.write_text(report)
    raw = {"machine": info, "argv": argv, "rows": [r.__dict__ for r in rows]}
    opts.output.with_suffix(".json").write_text(json.dumps(raw, ensure_ascii=False, indent=1))
    return 1 if problems else 0


def rooms_needed(opts: argparse.Namespace, scenarios: list[str]) -> int:
    """How many rooms (each with its own host) these scenarios will ask for."""
    if scenarios == ["scaleout"]:
        return len(opts.viewers) + ("signups" in opts.scenario)
    return (
        ("memory" in scenarios)
        + len(opts.viewers) * ("fanout" in scenarios)
        + ("signups" in scenarios)
    )


def _with_faircast(
    rows: list[Row], opts: argparse.Namespace, workdir: Path, processes: int, scenarios: list[str]
) -> None:
    """Start FairCast with this many processes, run the scenarios on it, stop it."""
    server = None
    try:
        server = FairCast(opts, workdir, processes, rooms_needed(opts, scenarios))
        target = server.start()
    except (BenchError, OSError, subprocess.SubprocessError, requests.RequestException) as exc:
        name = "FairCast" if processes == 1 else f"FairCast × {processes}"
        for s in scenarios:
            rows.append(Row(s, name, "", 0, {}, error=f"FairCast did not start: {exc}"))
        print(f"[bench] FairCast did not start: {exc}", file=sys.stderr, flush=True)
        if server:
            server.stop()
        return
    try:
        if scenarios == ["scaleout"]:
            # Viewers spread round-robin over the processes, the host on the first.
            for n in opts.viewers:
                run_scenario(rows, scenario_fanout, target, n, opts)
                rows[-1].scenario = "scaleout"
            if "signups" in opts.scenario:
                run_scenario(rows, scenario_signups, target, opts.signup_viewers, opts)
        else:
            run_on(rows, target, opts, scenarios)
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
