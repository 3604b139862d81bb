"""How fast a fair's report renders once a million events are recorded.

Builds the fair on a fresh SQLite database through FairCast's recording functions (see
fairgen.py), then times `fair_report` in-process and the report over HTTP from a real
`faircast serve` (the JSON API and the HTML page), and prints a markdown summary.

    . .venv/bin/activate
    python bench/reports/run.py                       # 1,000,000 events, 30 timed runs each
    python bench/reports/run.py --events 50000 --runs 10
    python bench/reports/run.py --database /tmp/fair.db --keep   # keep the database
    python bench/reports/run.py --database /tmp/fair.db --reuse  # time it again, no rebuild
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    # Run as a plain script from a checkout.
    sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.accounts.actor import Actor  # noqa: E402
from app.accounts.services import create_token  # noqa: E402
from app.config import Settings  # noqa: E402
from app.extensions import db  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from bench.reports.fairgen import FairSpec, build_fair  # noqa: E402

TARGET_MS = 300
WARM_UP = 3
SECRET = "bench-secret-key"
PASSWORD = "bench-password-1"  # noqa: S105 - the benchmark's own throwaway account
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def machine() -> str:
    """One line describing the machine the figures were measured on."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def summary(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median": statistics.median(ordered),
        "p95": p95,
        "min": ordered[0],
        "max": ordered[-1],
    }


def settings_for(url: str, media: Path) -> Settings:
    return Settings(
        database_url=url,
        secret_key=SECRET,
        message_queue=None,
        media_dir=str(media),
        async_mode="threading",
    )


def time_in_process(app, fair_id: str, organiser_id: str, runs: int) -> list[float]:
    """fair_report in a fresh session each run (the fair and the reader loaded inside)."""
    from app.accounts.models import User
    from app.fairs.models import Fair
    from app.reports.services import fair_report

    samples = []
    with app.app_context():
        for n in range(WARM_UP + runs):
            db.session.remove()
            began = time.perf_counter()
            report = fair_report(
                Actor.of(db.session.get(User, organiser_id)), db.session.get(Fair, fair_id)
            )
            elapsed = (time.perf_counter() - began) * 1000
            if n >= WARM_UP:
                samples.append(elapsed)
        db.session.remove()
    return samples, report


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, media: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "FAIRCAST_DATABASE_URL": url,
        "FAIRCAST_SECRET_KEY": SECRET,
        "FAIRCAST_MEDIA_DIR": str(media),
        "FAIRCAST_PUBLIC_URL": base,
    }
    env.pop("FAIRCAST_MESSAGE_QUEUE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"faircast serve exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2):  # noqa: S310
                return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"faircast serve did not start; see {log}")


def time_http(opener, url: str, runs: int, headers: dict[str, str]) -> list[float]:
    """GET url repeatedly, reading the whole body; milliseconds per request."""
    samples = []
    for n in range(WARM_UP + runs):
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        began = time.perf_counter()
        with opener.open(request, timeout=60) as response:
            body = response.read()
            if response.status != 200:
                raise SystemExit(f"{url} answered {response.status}")
        elapsed = (time.perf_counter() - began) * 1000
        if n >= WARM_UP:
            samples.append(elapsed)
    if not body:
        raise SystemExit(f"{url} answered an empty body")
    return samples


def signed_in_opener(base: str, username: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login") as response:
        token = CSRF_RE.search(response.read().decode()).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrf_token": token}
    ).encode()
    opener.open(urllib.request.Request(base + "/login", data=form))  # noqa: S310
    return opener


def count_rows(path: Path, fair_id: str) -> dict[str, int]:
    """What the database holds for the fair, counted from the raw tables."""
    connection = sqlite3.connect(path)
    rooms = "(SELECT id FROM rooms WHERE fair_id = ?)"
    queries = {
        "presence rows (joins)": f"SELECT count(*) FROM presence WHERE room_id IN {rooms}",
        "closed (leaves)": f"SELECT count(*) FROM presence WHERE left_at IS NOT NULL "
        f"AND room_id IN {rooms}",
        "card pushes": f"SELECT count(*) FROM card_pushes WHERE room_id IN {rooms}",
        "sign-up rows": "SELECT count(*) FROM signups WHERE fair_id = ?",
        "people reached": "SELECT count(*) FROM fair_people WHERE fair_id = ?",
        "minutes of timeline": f"SELECT count(*) FROM room_minutes WHERE room_id IN {rooms}",
    }
    counts = {k: connection.execute(q, (fair_id,)).fetchone()[0] for k, q in queries.items()}
    connection.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database", type=Path, help="SQLite file (default: a fresh temp file)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time an existing --database")
    parser.add_argument("--seed", type=int, default=FairSpec.seed)
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="faircast-report-bench-"))
    path = options.database or folder / "fair.db"
    url = f"sqlite:///{path}"
    app = None
    meta_path = path.with_suffix(".json")
    if options.reuse:
        meta = json.loads(meta_path.read_text())
        app = create_app(settings_for(url, folder / "media"))
    else:
        if path.exists():
            raise SystemExit(f"{path} exists; pass --reuse to time it, or another path")
        upgrade(url)
        app = create_app(settings_for(url, folder / "media"))
        spec = FairSpec(events=options.events, seed=options.seed)
        print(f"building a fair with {options.events:,} events into {path} …", flush=True)
        with app.app_context():
            built = build_fair(spec, progress=lambda line: print("  " + line, flush=True))
            db.session.remove()
        meta = {
            "fair_id": built.fair_id,
            "organiser_id": built.organiser_id,
            "counts": built.counts,
            "events": built.events,
            "build_seconds": round(built.seconds, 1),
            "spec": spec.__dict__,
        }
        meta_path.write_text(json.dumps(meta, indent=2))
    with app.app_context():
        from app.accounts.models import User

        organiser = db.session.get(User, meta["organiser_id"])
        token = create_token(organiser, label="bench")
        username = organiser.username
        db.session.commit()
        db.session.remove()

    print("timing fair_report in-process …", flush=True)
    in_process, report = time_in_process(app, meta["fair_id"], meta["organiser_id"], options.runs)
    print("timing over HTTP …", flush=True)
    process, base = start_server(url, folder / "media", folder / "server.log")
    try:
        api = time_http(
            urllib.request.build_opener(),
            f"{base}/api/v1/fairs/{meta['fair_id']}/report",
            options.runs,
            {"Authorization": f"Bearer {token}"},
        )
        page = time_http(
            signed_in_opener(base, username),
            f"{base}/fairs/{meta['fair_id']}/report",
            options.runs,
            {},
        )
    finally:
        process.terminate()
        process.wait(timeout=20)

    rows = [
        ("`fair_report()` in-process", summary(in_process)),
        ("`GET /api/v1/fairs/{id}/report` (JSON)", summary(api)),
        ("`GET /fairs/{id}/report` (HTML page)", summary(page)),
    ]
    counts = meta["counts"]
    print()
    print(f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}")
    print(f"- machine: {machine()}; load average before timing: {load()}")
    print(f"- command: `python bench/reports/{Path(sys.argv[0]).name} {' '.join(sys.argv[1:])}`")
    print(
        f"- events: {meta['events']:,} (joins {counts['joins']:,}, leaves {counts['leaves']:,}, "
        f"pushes {counts['pushes']:,}, unpins {counts['unpins']:,}, "
        f"sign-ups {counts['signups']:,}, withdrawals {counts['withdrawals']:,}); also "
        f"{counts['identified']:,} viewers identified part-way, "
        f"{counts['followups']:,} follow-up notes; built in {meta['build_seconds']:.0f} s"
    )
    sizes = count_rows(path, meta["fair_id"])
    print("- database: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    print(
        f"- report: {report['unique_viewers']:,} unique viewers, peak {report['peak_concurrent']:,}"
        f", {report['signups']:,} active sign-ups, {len(report['rooms'])} rooms, "
        f"{sum(len(r['cards']) for r in report['rooms']):,} cards"
    )
    print()
    print(f"| {options.runs} runs each | median ms | p95 ms | min ms | max ms |")
    print("|---|---|---|---|---|")
    for name, figures in rows:
        print(
            f"| {name} | {figures['median']:.0f} | {figures['p95']:.0f} | "
            f"{figures['min']:.0f} | {figures['max']:.0f} |"
        )
    worst = max(figures["p95"] for _name, figures in rows)
    verdict = "meets" if worst < TARGET_MS else "MISSES"
    print(f"\nThe slowest p95 ({worst:.0f} ms) {verdict} the {TARGET_MS} ms target.")
    if options.keep:
        print(f"\nkept {path} (and the server's log in {folder})")
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
