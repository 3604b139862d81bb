"""Resource limits for ffmpeg processes (CPU seconds, file size, memory), set with prlimit.

prlimit on the child's pid is used instead of setrlimit in a preexec_fn because preexec_fn
is unsafe in threaded programs and forces the slow fork path; the child is limited a few
microseconds after it starts, before it has read any input.
"""

from __future__ import annotations

import contextlib
import resource
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Limits for one supervised ffmpeg and for the run it serves."""

    # Wall-clock length of one live run; the supervisor ends the run after it.
    max_run_seconds: float = 6 * 3600
    # CPU seconds (all threads) one ffmpeg may use; beyond it the kernel stops it.
    cpu_seconds: int = 2 * 6 * 3600
    # Largest file ffmpeg may write (a segment, the poster, the log).
    max_file_bytes: int = 2 * 1024**3
    # Address space; x264's lookahead and frame threads need a few hundred MB.
    max_memory_bytes: int = 4 * 1024**3
    # Time without video before a waiting run ends by itself.
    max_wait_seconds: float = 3600.0
    # Time in "reconnecting" before the run ends by itself.
    max_reconnect_seconds: float = 600.0
    # Crashes within `crash_window_seconds` after which the supervisor gives up.
    max_crashes: int = 5
    crash_window_seconds: float = 60.0
    # Added to the ffmpeg priority, so the web process stays responsive under load.
    niceness: int = 0


def apply_limits(
    pid: int, *, cpu_seconds: int | None, file_bytes: int | None, memory_bytes: int | None
) -> None:
    """Set RLIMIT_CPU / RLIMIT_FSIZE / RLIMIT_AS on a running child process."""
    pairs = (
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_FSIZE, file_bytes),
        (resource.RLIMIT_AS, memory_bytes),
    )
    for which, value in pairs:
        if value is None:
            continue
        # The hard CPU limit sits a little above the soft one: SIGXCPU first, then SIGKILL.
        hard = value + 5 if which == resource.RLIMIT_CPU else value
        # The child may have exited already, or a limit may exceed the parent's hard limit.
        with contextlib.suppress(ProcessLookupError, PermissionError, ValueError):
            resource.prlimit(pid, which, (value, hard))


def run_limited(
    cmd: Sequence[str],
    *,
    timeout: float,
    cpu_seconds: int,
    file_bytes: int | None = 64 * 1024**2,
    memory_bytes: int | None = 2 * 1024**3,
) -> subprocess.CompletedProcess[bytes]:
    """Run a short ffmpeg command with limits; kill it and raise TimeoutExpired after `timeout`."""
    proc = subprocess.Popen(
        list(cmd),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    apply_limits(
        proc.pid, cpu_seconds=cpu_seconds, file_bytes=file_bytes, memory_bytes=memory_bytes
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return subprocess.CompletedProcess(list(cmd), proc.returncode, out, err)
