"""One supervised ffmpeg per live room: start, feed, stop, status callbacks, restarts, cleanup.

Usage (the app keeps one Supervisor per process)::

    sup = Supervisor(media_dir, on_status=handle)      # handle(room_id, status, info)
    state = sup.start("r1", BrowserSource("video/webm;codecs=h264,opus"))
    sup.feed("r1", chunk)                               # MediaRecorder chunks, in order
    sup.stop("r1")                                      # -> status "ended"
    sup.shutdown()                                      # at exit: no ffmpeg left behind

Statuses, in the order a run normally sees them:

- ``waiting``: ffmpeg runs and waits for video (SRT listener open, no chunk yet, premiere
  file opening);
- ``live``: segments are being published; info carries ``first_segment_at`` (the first
  segment's PROGRAM-DATE-TIME) and the paths;
- ``reconnecting``: no new segment for the profile's ``stall_seconds``, or ffmpeg exited
  while the run should go on (it is restarted; playlists continue after a DISCONTINUITY);
- ``ended``: stopped by the app, the premiere finished, or a limit was reached
  (info ``reason``); the replay playlist is complete;
- ``error``: ffmpeg kept failing (info ``error`` holds the end of its log).

Only the standard library's threading, subprocess and time are used, so the same code runs
on plain threads and inside a process that called ``eventlet.monkey_patch()`` first (the
app's eventlet mode), where these become green. Callbacks run on the supervisor's threads.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import queue
import signal
import socket
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from .binary import find_ffmpeg
from .errors import IngestOverflow, NotLive, RoomBusy, StreamingError
from .graphs import (
    BrowserSource,
    FileSource,
    Source,
    SrtSource,
    build_live,
    video_mode,
    with_offset,
)
from .ingest import RecordingHeader, check_passphrase, chunk_starts_recording, resume_offset
from .layout import RunLayout, check_id, new_run_id
from .limits import Limits, apply_limits
from .playlist import ensure_endlist, read_media_playlist
from .profiles import MAIN, OutputOptions

log = logging.getLogger(__name__)

WAITING = "waiting"
LIVE = "live"
RECONNECTING = "reconnecting"
ENDED = "ended"
ERROR = "error"
STATUSES = (WAITING, LIVE, RECONNECTING, ENDED, ERROR)
ACTIVE = (WAITING, LIVE, RECONNECTING)

REASON_STOPPED = "stopped"
REASON_FINISHED = "finished"
REASON_NO_VIDEO = "no_video"
REASON_SOURCE_LOST = "source_lost"
REASON_TIME_LIMIT = "time_limit"
REASON_SHUTDOWN = "shutdown"

DEFAULT_SRT_PORTS = range(10080, 10180)
POLL_SECONDS = 0.25
# ffmpeg gets this long to finish its playlists after SIGINT / end of stdin, then SIGKILL.
GRACEFUL_SECONDS = 5.0
# An exit within this many seconds of starting counts towards the crash limit.
FAST_EXIT_SECONDS = 5.0
RESTART_BACKOFF_SECONDS = (0.2, 0.5, 1.0, 2.0, 4.0)
# Browser chunks waiting for ffmpeg; beyond this the host is sending faster than ffmpeg reads.
MAX_QUEUED_BYTES = 32 * 1024 * 1024
LOG_TAIL_LINES = 12

StatusCallback = Callable[[str, str, dict[str, Any]], None]


@dataclass(frozen=True)
class RoomState:
    """A snapshot of a room's current (or last) run, for the app to query at any time."""

    room_id: str
    run_id: str
    source: str
    status: str
    video: str
    profile: str
    started_at: float
    live_at: float | None = None
    ended_at: float | None = None
    first_segment_at: datetime | None = None
    restarts: int = 0
    reason: str | None = None
    error: str | None = None
    srt_port: int | None = None
    pid: int | None = None
    paths: dict[str, str] = field(default_factory=dict)
    log_path: str = ""

    @property
    def active(self) -> bool:
        """True while the run is waiting, live or reconnecting."""
        return self.status in ACTIVE

    def info(self) -> dict[str, Any]:
        """JSON-friendly dict passed to `on_status` (times as ISO 8601 with offset)."""
        return {
            "run_id": self.run_id,
            "source": self.source,
            "video": self.video,
            "profile": self.profile,
            "started_at": _iso(self.started_at),
            "live_at": _iso(self.live_at),
            "ended_at": _iso(self.ended_at),
            "first_segment_at": self.first_segment_at.isoformat()
            if self.first_segment_at
            else None,
            "restarts": self.restarts,
            "reason": self.reason,
            "error": self.error,
            "srt_port": self.srt_port,
            **self.paths,
        }


def _iso(epoch: float | None) -> str | None:
    """Epoch seconds as ISO 8601 UTC, or None."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="milliseconds")


class Supervisor:
    """Owns every ffmpeg of this process: one per live room."""

    def __init__(
        self,
        media_dir: str | Path,
        *,
        log_dir: str | Path | None = None,
        ffmpeg: str | None = None,
        on_status: StatusCallback | None = None,
        limits: Limits | None = None,
        srt_ports: range = DEFAULT_SRT_PORTS,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        """`log_dir` defaults to `<media_dir>/../streaming-logs`: logs must never be served."""
        self.media_dir = Path(media_dir).resolve()
        self.log_dir = (
            Path(log_dir).resolve()
            if log_dir
            else self.media_dir.parent / f"{self.media_dir.name}-streaming-logs"
        )
        if self.log_dir.is_relative_to(self.media_dir):
            raise ValueError("log_dir must be outside the media dir, which is served publicly")
        self.ffmpeg = find_ffmpeg(ffmpeg)
        self.on_status = on_status
        self.limits = limits or Limits()
        self.srt_ports = srt_ports
        self.poll_seconds = poll_seconds
        self._runs: dict[str, _Run] = {}
        self._lock = threading.Lock()
        self._closed = False
        self.media_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.reap_orphans()
        atexit.register(self.shutdown)

    # --- the app's API ------------------------------------------------------------------

    def start(self, room_id: str, source: Source, output: OutputOptions | None = None) -> RoomState:
        """Start a new run for the room (status `waiting`); RoomBusy if one is active."""
        check_id(room_id, "room_id")
        output = output or OutputOptions()
        with self._lock:
            if self._closed:
                raise StreamingError("the supervisor is shut down", code="shut_down")
            current = self._runs.get(room_id)
            if current is not None and current.state.active:
                raise RoomBusy(f"room {room_id} is already live")
            if isinstance(source, SrtSource):
                source = replace(source, port=self._pick_port(source.port))
            layout = RunLayout(self.media_dir, self.log_dir, room_id, new_run_id())
            run = _Run(self, layout, source, output)
            self._runs[room_id] = run
        run.begin()
        return run.state

    def feed(self, room_id: str, chunk: bytes) -> None:
        """Pass the next MediaRecorder chunk of a browser run to its ffmpeg."""
        run = self._runs.get(room_id)
        if run is None or not run.state.active or not isinstance(run.source, BrowserSource):
            raise NotLive(f"room {room_id} has no live browser run")
        run.feed(chunk)

    def set_passphrase(self, room_id: str, passphrase: str) -> None:
        """Apply a rotated SRT secret: a waiting listener reopens with it at once; a connected
        publisher keeps streaming until it disconnects (call `stop` to cut it off)."""
        run = self._runs.get(room_id)
        if run is None or not run.state.active or not isinstance(run.source, SrtSource):
            raise NotLive(f"room {room_id} has no live SRT run")
        run.set_passphrase(passphrase)

    def stop(self, room_id: str, timeout: float = 2 * GRACEFUL_SECONDS) -> RoomState | None:
        """End the room's run (status `ended`) and wait for ffmpeg to finish its playlists."""
        run = self._runs.get(room_id)
        if run is None:
            return None
        run.request_end(REASON_STOPPED)
        run.join(timeout)
        return run.state

    def status(self, room_id: str) -> RoomState | None:
        """The room's current or last run, or None if it never streamed in this process."""
        run = self._runs.get(room_id)
        return run.state if run else None

    def rooms(self) -> dict[str, RoomState]:
        """Every room's current or last run."""
        return {room_id: run.state for room_id, run in list(self._runs.items())}

    def shutdown(self, timeout: float = 2 * GRACEFUL_SECONDS) -> None:
        """End every run and make sure no ffmpeg is left; safe to call twice (also at exit)."""
        with self._lock:
            self._closed = True
            runs = list(self._runs.values())
        for run in runs:
            run.request_end(REASON_SHUTDOWN)
        deadline = time.monotonic() + timeout
        for run in runs:
            run.join(max(0.1, deadline - time.monotonic()))
        for run in runs:
            run.kill_now()
        with contextlib.suppress(Exception):
            atexit.unregister(self.shutdown)

    def reap_orphans(self) -> list[int]:
        """Kill ffmpeg processes left by an earlier process of the app (found by pidfile)."""
        killed = []
        for pidfile in self.log_dir.glob("*/*.pid"):
            try:
                pid = int(pidfile.read_text().strip())
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except (OSError, ValueError):
                cmdline = b""
                pid = 0
            run_dir = str(self.media_dir / "rooms" / pidfile.parent.name / "runs" / pidfile.stem)
            if pid and run_dir.encode() in cmdline:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    log.warning("killed orphan ffmpeg %s of %s", pid, pidfile.stem)
            with contextlib.suppress(OSError):
                pidfile.unlink()
        return killed

    # --- internals ----------------------------------------------------------------------

    def _pick_port(self, wanted: int | None) -> int:
        """A UDP port for an SRT listener: `wanted`, or the first free one of the pool."""
        taken = {
            r.source.port
            for r in self._runs.values()
            if r.state.active and isinstance(r.source, SrtSource)
        }
        candidates = [wanted] if wanted else list(self.srt_ports)
        for port in candidates:
            if port in taken:
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                try:
                    probe.bind(("0.0.0.0", port))  # noqa: S104 - the listener binds there too.
                except OSError:
                    continue
            return port
        raise StreamingError("no free SRT port", code="no_port")

    def _emit(self, room_id: str, state: RoomState) -> None:
        """Report a status change; a failing callback never breaks the supervisor."""
        if self.on_status is None:
            return
        try:
            self.on_status(room_id, state.status, state.info())
        except Exception:
            log.exception("on_status callback failed for room %s", room_id)


class _Run:
    """One live run of a room: its ffmpeg, its watcher thread and, for browsers, its writer."""

    def __init__(
        self, sup: Supervisor, layout: RunLayout, source: Source, output: OutputOptions
    ) -> None:
        self.sup = sup
        self.layout = layout
        self.source = source
        self.output = output
        self.limits = sup.limits
        self.state = RoomState(
            room_id=layout.room_id,
            run_id=layout.run_id,
            source=source.kind,
            status=WAITING,
            video=video_mode(source),
            profile=output.profile.name,
            started_at=time.time(),
            srt_port=source.port if isinstance(source, SrtSource) else None,
            paths=layout.paths(output.renditions, output.record),
            log_path=str(layout.log),
        )
        self._lock = threading.RLock()
        self._end = threading.Event()
        self._end_reason = REASON_STOPPED
        self._thread = threading.Thread(
            target=self._watch, name=f"ffmpeg-{layout.room_id}", daemon=True
        )
        self._proc: subprocess.Popen[bytes] | None = None
        self._proc_started = 0.0
        self._status_since = time.monotonic()
        self._last_progress = time.monotonic()
        self._last_sequence = -1
        self._crashes: deque[float] = deque()
        self._first_spawn: float | None = None
        # Browser ingest state.
        self._queue: queue.Queue[tuple[int, bytes] | None] = queue.Queue()
        self._queued_bytes = 0
        self._recording = 0
        self._recording_bytes = 0
        self._header = RecordingHeader()
        self._fresh_proc: subprocess.Popen[bytes] | None = None
        self._writer: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------

    def begin(self) -> None:
        """Create the folders, start ffmpeg and the watcher."""
        self.layout.make_dirs(self.output.renditions)
        with self._lock:
            self._spawn(fresh_recording=True)
        self.sup._emit(self.layout.room_id, self.state)
        if isinstance(self.source, BrowserSource):
            self._writer = threading.Thread(
                target=self._write_loop, name=f"ffmpeg-in-{self.layout.room_id}", daemon=True
            )
            self._writer.start()
        self._thread.start()

    def request_end(self, reason: str) -> None:
        """Ask the watcher to end the run."""
        if not self._end.is_set():
            self._end_reason = reason
            self._end.set()

    def join(self, timeout: float) -> None:
        """Wait for the watcher to finish."""
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def kill_now(self) -> None:
        """Last resort at shutdown: SIGKILL whatever is still running."""
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(2)

    def set_passphrase(self, passphrase: str) -> None:
        """Use a new SRT passphrase from the next listener on; reopen a waiting one now."""
        source = replace(self.source, passphrase=check_passphrase(passphrase))
        with self._lock:
            self.source = source
            if self.state.status == WAITING:
                self._kill_proc()
                self._spawn()

    # --- browser chunks -----------------------------------------------------------------

    def feed(self, chunk: bytes) -> None:
        """Queue a chunk; a chunk that starts a new recording restarts ffmpeg for it."""
        if not chunk:
            return
        with self._lock:
            if chunk_starts_recording(chunk) and self._recording_bytes > 0:
                # The host's recorder restarted (reload, reconnect): a new stream header.
                self._recording += 1
                self._recording_bytes = 0
                self._header.reset()
                self._kill_proc()
                self._spawn(fresh_recording=True)
            if self._queued_bytes + len(chunk) > MAX_QUEUED_BYTES:
                raise IngestOverflow("ffmpeg is not keeping up with the browser's chunks")
            self._header.add(chunk)
            self._recording_bytes += len(chunk)
            self._queued_bytes += len(chunk)
            self._queue.put((self._recording, chunk))

    def _write_loop(self) -> None:
        """Write queued chunks to the current ffmpeg's stdin, resyncing after a restart."""
        written_to: subprocess.Popen[bytes] | None = None
        resync = False
        while True:
            item = self._queue.get()
            if item is None:
                return
            recording, chunk = item
            with self._lock:
                self._queued_bytes -= len(chunk)
                proc = self._proc
                stale = recording != self._recording
                fresh = proc is self._fresh_proc
                header = self._header.header
            if stale or proc is None or proc.stdin is None:
                continue
            if proc is not written_to:
                written_to = proc
                resync = not fresh
                if resync:
                    if header is None:
                        continue
                    self._write(proc, header)
            if resync:
                offset = resume_offset(chunk)
                if offset is None:
                    continue
                chunk = chunk[offset:]
                resync = False
            self._write(proc, chunk)

    @staticmethod
    def _write(proc: subprocess.Popen[bytes], data: bytes) -> None:
        """Write to ffmpeg's stdin; a dead ffmpeg is the watcher's business."""
        try:
            assert proc.stdin is not None
            proc.stdin.write(data)
            proc.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass

    # --- process ------------------------------------------------------------------------

    def _spawn(self, *, fresh_recording: bool = False) -> None:
        """Start ffmpeg for the run (caller holds the lock)."""
        now = time.monotonic()
        if self._first_spawn is None:
            self._first_spawn = now
        source = self.source
        if isinstance(source, FileSource) and self.state.restarts:
            # Resume the premiere where it would be by now, as a live broadcast would.
            source = with_offset(source, source.start_offset + now - self._first_spawn)
        remaining = self.limits.max_run_seconds - (time.time() - self.state.started_at)
        args = build_live(
            source, self.layout, self.output, max_seconds=max(1.0, remaining)
        ).compile(cmd=self.sup.ffmpeg)
        browser = isinstance(self.source, BrowserSource)
        with open(self.layout.log, "ab") as logfile:
            logfile.write(f"\n=== {datetime.now().astimezone().isoformat()} start: ".encode())
            logfile.write((" ".join(_redact(args, source)) + "\n").encode())
            logfile.flush()
            proc = subprocess.Popen(
                args,
                stdin=subprocess.PIPE if browser else subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=logfile,
                # Own session: a Ctrl-C meant for the app does not hit ffmpeg behind our back.
                start_new_session=True,
            )
        apply_limits(
            proc.pid,
            cpu_seconds=self.limits.cpu_seconds,
            file_bytes=self.limits.max_file_bytes,
            memory_bytes=self.limits.max_memory_bytes,
        )
        if self.limits.niceness:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, proc.pid, self.limits.niceness)
        self.layout.pidfile.write_text(str(proc.pid))
        self._proc = proc
        self._proc_started = now
        self._fresh_proc = proc if fresh_recording else None
        self.state = replace(self.state, pid=proc.pid)

    def _kill_proc(self) -> None:
        """SIGKILL the current ffmpeg at once (a new recording replaces it; caller holds lock)."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(GRACEFUL_SECONDS)

    def _stop_proc(self) -> None:
        """Let ffmpeg finish its outputs (end of stdin or SIGINT), then SIGKILL if it hangs."""
        with self._lock:
            proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            if proc.stdin is not None:
                with contextlib.suppress(OSError, ValueError):
                    proc.stdin.close()
            else:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGINT)
            try:
                proc.wait(GRACEFUL_SECONDS)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(GRACEFUL_SECONDS)
        if proc.stdin is not None:
            with contextlib.suppress(OSError, ValueError):
                proc.stdin.close()

    # --- the watcher --------------------------------------------------------------------

    def _watch(self) -> None:
        """Poll ffmpeg and the playlist until the run ends, then clean up."""
        final, reason, error = ENDED, None, None
        try:
            while not self._end.wait(self.sup.poll_seconds):
                self._check_progress()
                outcome = self._check_exit()
                if outcome is not None:
                    final, reason, error = outcome
                    break
                reason = self._check_timeouts()
                if reason:
                    break
            else:
                reason = self._end_reason
        except Exception as exc:
            log.exception("supervising room %s failed", self.layout.room_id)
            final, error = ERROR, f"supervisor: {exc}"
        finally:
            self._stop_proc()
            if self._writer is not None:
                self._queue.put(None)
            self._check_progress()
            self._finalize()
        self._set_status(final, reason=reason, error=error, ended_at=time.time())

    def _check_progress(self) -> None:
        """Turn new segments into `live`, their absence into `reconnecting`."""
        playlist = read_media_playlist(self.layout.rendition_playlist(MAIN))
        now = time.monotonic()
        if playlist is not None and playlist.next_sequence > self._last_sequence:
            first = self._last_sequence < 0
            self._last_sequence = playlist.next_sequence
            self._last_progress = now
            if first and self.state.first_segment_at is None and playlist.segments:
                with self._lock:
                    self.state = replace(
                        self.state, first_segment_at=playlist.segments[0].program_date_time
                    )
            if self.state.status in (WAITING, RECONNECTING) and playlist.segments:
                live_at = self.state.live_at or time.time()
                self._set_status(LIVE, live_at=live_at)
            return
        stalled = now - self._last_progress > self.output.profile.stall_seconds
        if self.state.status == LIVE and stalled:
            self._set_status(RECONNECTING)

    def _check_exit(self) -> tuple[str, str | None, str | None] | None:
        """Handle an ffmpeg exit: finished premiere, restart, or give up."""
        with self._lock:
            proc = self._proc
            if proc is None or proc.poll() is None:
                return None
            runtime = time.monotonic() - self._proc_started
        code = proc.returncode
        if isinstance(self.source, FileSource) and code == 0:
            return ENDED, REASON_FINISHED, None
        now = time.monotonic()
        if runtime < FAST_EXIT_SECONDS:
            self._crashes.append(now)
        while self._crashes and now - self._crashes[0] > self.limits.crash_window_seconds:
            self._crashes.popleft()
        if len(self._crashes) >= self.limits.max_crashes:
            return ERROR, None, self._log_tail() or f"ffmpeg exited with {code}"
        log.warning("ffmpeg of room %s exited with %s; restarting", self.layout.room_id, code)
        if self.state.status == LIVE:
            self._set_status(RECONNECTING)
        backoff = RESTART_BACKOFF_SECONDS[min(len(self._crashes), len(RESTART_BACKOFF_SECONDS) - 1)]
        if self._end.wait(backoff):
            return None
        with self._lock:
            self.state = replace(self.state, restarts=self.state.restarts + 1)
            self._spawn()
        # A restart starts a new stall clock: the new ffmpeg needs time for its first segment.
        self._last_progress = time.monotonic()
        return None

    def _check_timeouts(self) -> str | None:
        """End runs that wait, reconnect or last longer than the limits allow."""
        since = time.monotonic() - self._status_since
        if time.time() - self.state.started_at > self.limits.max_run_seconds:
            return REASON_TIME_LIMIT
        if self.state.status == WAITING and since > self.limits.max_wait_seconds:
            return REASON_NO_VIDEO
        if self.state.status == RECONNECTING and since > self.limits.max_reconnect_seconds:
            return REASON_SOURCE_LOST
        return None

    def _finalize(self) -> None:
        """Close playlists a killed ffmpeg left open and forget the pidfile."""
        targets = [self.layout.rendition_playlist(r) for r in self.output.renditions]
        if self.output.record:
            targets.append(self.layout.replay)
        for path in targets:
            ensure_endlist(path)
        with contextlib.suppress(OSError):
            self.layout.pidfile.unlink()

    def _set_status(self, status: str, **changes: Any) -> None:
        """Record a status change and report it."""
        with self._lock:
            if status == self.state.status and not changes:
                return
            if status != self.state.status:
                self._status_since = time.monotonic()
            self.state = replace(self.state, status=status, **changes)
            state = self.state
        # Reported outside the lock: the callback may call back into the supervisor.
        self.sup._emit(self.layout.room_id, state)

    def _log_tail(self) -> str:
        """The last lines of the run's ffmpeg log, for the `error` status."""
        try:
            lines = self.layout.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(line for line in lines[-LOG_TAIL_LINES:] if line.strip())


def _redact(args: list[str], source: Source) -> list[str]:
    """The command line with the SRT passphrase hidden, for the log."""
    if isinstance(source, SrtSource):
        return ["***" if a == source.passphrase else a for a in args]
    return args


def install_signal_handlers(supervisor: Supervisor) -> None:
    """On SIGTERM/SIGINT, stop every ffmpeg first, then run the previous handler.

    Call from the main thread; the app does it once at start-up (atexit alone does not run
    when the process dies of SIGTERM).
    """
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)

        def handler(num: int, frame: Any, previous: Any = previous) -> None:
            supervisor.shutdown()
            if callable(previous):
                previous(num, frame)
            elif previous == signal.SIG_DFL:
                signal.signal(num, signal.SIG_DFL)
                os.kill(os.getpid(), num)

        signal.signal(signum, handler)
