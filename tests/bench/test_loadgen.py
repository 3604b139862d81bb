"""The socket benchmark tools: the reference server and the load generator, run for real."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NODE_DIR = REPO / "bench" / "node"
HOST_TOKEN = "bench-host-token"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed"),
    pytest.mark.skipif(
        not (REPO / "node_modules" / "socket.io-client").is_dir(),
        reason="node_modules is missing: run `npm ci` in the repository",
    ),
]


@pytest.fixture
def node_server() -> Iterator[str]:
    """The reference server on a free loopback port; yields its URL."""
    proc = subprocess.Popen(
        ["node", str(NODE_DIR / "server.js"), "--port", "0", "--host-token", HOST_TOKEN],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.fullmatch(r"listening (\d+)\n", line)
        assert match, f"server said {line!r}"
        yield f"http://127.0.0.1:{match[1]}"
    finally:
        proc.terminate()
        proc.wait(10)


def loadgen(url: str, *args: str, stdin: str | None = None) -> tuple[dict, list[str]]:
    """Run the load generator; returns its JSON result and the lines before it."""
    result = subprocess.run(
        ["node", str(NODE_DIR / "loadgen.js"), "--url", url, "--quiet", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = result.stdout.splitlines()
    assert lines, f"no output; stderr: {result.stderr}"
    return json.loads(lines[-1]), lines[:-1]


def test_every_viewer_receives_every_card(node_server: str) -> None:
    result, _ = loadgen(
        node_server,
        *("--scenario", "fanout", "--viewers", "50", "--cards", "3", "--interval-ms", "100"),
        *("--room", "r1", "--token", HOST_TOKEN, "--job", "j1", "--job", "j2"),
        *("--warmup-ms", "200"),
    )

    assert result["ok"], result
    assert result["joined"] == 50
    assert result["cards_pushed"] == 3
    assert [c["received"] for c in result["per_card"]] == [50, 50, 50]
    assert result["missing"] == 0 and result["all_received"]
    assert result["received"] == result["expected"] == 150
    assert len({c["card_id"] for c in result["per_card"]}) == 3
    delay = result["delay_ms"]
    assert delay["n"] == 150
    assert 0 <= delay["p50"] <= delay["p99"] <= delay["max"] < 5000
    assert result["invalid_payloads"] == 0 and result["join_state_invalid"] == 0


def test_cards_from_someone_other_than_the_host_are_refused(node_server: str) -> None:
    result, _ = loadgen(
        node_server,
        *("--scenario", "fanout", "--viewers", "5", "--cards", "1", "--room", "r2"),
        *("--token", "not-the-host", "--job", "j1", "--warmup-ms", "0", "--settle-ms", "300"),
    )

    assert result["ok"], result
    assert result["cards_pushed"] == 0
    assert result["per_card"][0]["error"] == "forbidden"
    assert result["missing"] == 5


def test_sign_ups_count_once_per_person_and_job_whatever_the_retries(node_server: str) -> None:
    result, _ = loadgen(
        node_server,
        *("--scenario", "signups", "--viewers", "20", "--room", "r3", "--token", HOST_TOKEN),
        *("--job", "j1", "--job", "j2", "--job", "j3", "--retry-every", "3", "--inflight", "8"),
        *("--mobile-base", "1000"),
    )

    assert result["ok"], result
    assert result["ready"] == 20 and result["setup_errors"] == {}
    assert result["pairs"] == 60
    assert result["retried_pairs"] == 20
    assert result["sent"] == result["acks"] == 80
    assert result["errors"] == {}
    assert result["created_true"] == 60
    assert result["pairs_created_once"] == 60
    assert result["pairs_created_more_than_once"] == result["pairs_never_created"] == 0
    assert result["exactly_once"]
    assert result["counts_max"] == {"j1": 20, "j2": 20, "j3": 20}
    assert result["counts_exact"]
    assert result["throughput_per_s"] > 0
    assert result["ack_ms"]["n"] == 80


def test_connections_held_until_released(node_server: str) -> None:
    result, before = loadgen(
        node_server,
        *("--scenario", "connect", "--viewers", "30", "--join", "--room", "r4", "--hold"),
        stdin="release\n",
    )

    assert before == ["ready 30"]
    assert result["ok"], result
    assert result["connected"] == result["joined"] == 30
    assert result["failed"] == 0
    assert result["open_at_release"] == 30
    assert result["released_by"] == "stdin"
    assert result["per_s"] > 0


def test_a_server_that_is_not_there_is_a_clear_failure() -> None:
    result, _ = loadgen(
        "http://127.0.0.1:9",
        *("--scenario", "connect", "--viewers", "3", "--connect-timeout-ms", "2000"),
    )

    assert result["ok"]
    assert result["connected"] == 0 and result["failed"] == 3
    assert any("ECONNREFUSED" in reason for reason in result["connect_errors"])


def test_only_loopback_servers_are_loaded() -> None:
    result, _ = loadgen("http://192.0.2.1:5000", "--scenario", "connect", "--viewers", "1")

    assert not result["ok"]
    assert "non-loopback" in result["error"]
