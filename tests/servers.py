"""Real FairCast servers on loopback ports, as subprocesses, for tests that cross processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

FAIRCAST = [sys.executable, "-m", "app.cli"]
READY_TIMEOUT = 30


def die_with_parent() -> None:
    """In the child: be killed when the test process dies, however it dies (no orphans)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def faircast_env(database_url: str, media_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "FAIRCAST_DATABASE_URL": database_url,
        "FAIRCAST_SECRET_KEY": "test-secret-key",
        "FAIRCAST_MEDIA_DIR": str(media_dir),
        "FAIRCAST_ASYNC_MODE": "eventlet",
    }
    env.pop("FAIRCAST_MESSAGE_QUEUE", None)
    env.update(extra)
    return env


def run_cli(
    args: list[str], env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess:
    """Run `faircast ARGS` to completion."""
    result = subprocess.run(
        [*FAIRCAST, *args], env=env, capture_output=True, text=True, timeout=120
    )
    if check and result.returncode != 0:
        raise AssertionError(f"faircast {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


class Server:
    """`faircast serve` on a free port; started by start(), stopped (or killed) by stop()."""

    def __init__(self, env: dict[str, str], port: int | None = None, log_path: Path | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "FAIRCAST_PUBLIC_URL": self.url}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [*FAIRCAST, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"server exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                if requests.get(self.url + "/api/v1/openapi.json", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError("server did not become ready")

    def stop(self, kill: bool = False) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
