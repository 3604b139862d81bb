"""A real server (eventlet, a loopback port) under concurrent HTTP requests from many threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.fixtures.onsite import seed_onsite
from tests.fixtures.realtime import migrated_copy, start_server

pytestmark = pytest.mark.slow

CAPACITY = 10
WALK_INS = 40
DEVICES = 12


@pytest.fixture
def site(tmp_path, migrated_template):
    database_url = migrated_copy(migrated_template, tmp_path)
    seeded = seed_onsite(database_url, tmp_path / "media", capacity=CAPACITY + 3)
    server = start_server(database_url, tmp_path)
    yield seeded, server
    server.stop()


def all_at_once(count: int, call):
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(call, range(count)))


def test_concurrent_walk_ins_and_check_ins_on_a_real_server(site):
    seeded, server = site
    api = f"{server.url}/api/v1"
    organiser = {"Authorization": f"Bearer {seeded.organiser_token}"}

    # Three places went to the seeded tickets; forty walk-ins race for the other ten.
    def walk_in(i: int):
        response = requests.post(
            f"{api}/fairs/{seeded.fair_id}/registrations",
            json={"name": f"访客{i}", "mobile": f"136{i:08d}"},
            headers=organiser,
            timeout=30,
        )
        return response.status_code, response.json()

    answers = all_at_once(WALK_INS, walk_in)
    assert {status for status, _ in answers} == {201}
    statuses = [body["status"] for _, body in answers]
    assert statuses.count("confirmed") == CAPACITY
    assert statuses.count("waitlisted") == WALK_INS - CAPACITY
    positions = sorted(
        body["waitlist_position"] for _, body in answers if body["waitlist_position"]
    )
    assert positions == list(range(1, WALK_INS - CAPACITY + 1))
    attendance = requests.get(f"{api}/fairs/{seeded.fair_id}/attendance", timeout=10).json()
    assert attendance["confirmed"] == CAPACITY + 3 and attendance["places_left"] == 0

    # Twelve devices at the entrance scan the same ticket at once: one check-in.
    ticket = seeded.tickets["王小明"]

    def scan(_i: int):
        response = requests.post(
            f"{api}/fairs/{seeded.fair_id}/checkins",
            json={"ticket_code": ticket},
            headers=organiser,
            timeout=30,
        )
        return response.status_code, response.json()

    scans = all_at_once(DEVICES, scan)
    assert sorted(status for status, _ in scans) == [201] + [409] * (DEVICES - 1)
    refused = [body["error"] for status, body in scans if status == 409]
    assert {e["code"] for e in refused} == {"already_checked_in"}
    checkins = requests.get(f"{api}/fairs/{seeded.fair_id}/checkins", headers=organiser, timeout=10)
    assert len(checkins.json()) == 1

    # Confirmed walk-ins cancel while others register: never more than the capacity, and the
    # places go to the head of the waiting list.
    confirmed = [body for _, body in answers if body["status"] == "confirmed"][:5]
    head = sorted(
        (body for _, body in answers if body["status"] == "waitlisted"),
        key=lambda body: body["waitlist_position"],
    )[:5]

    def cancel_or_register(i: int):
        if i < len(confirmed):
            return requests.delete(
                f"{api}/registrations/{confirmed[i]['id']}", headers=organiser, timeout=30
            ).status_code
        return walk_in(1000 + i)[0]

    assert set(all_at_once(15, cancel_or_register)) == {200, 201}
    attendance = requests.get(f"{api}/fairs/{seeded.fair_id}/attendance", timeout=10).json()
    assert attendance["confirmed"] == CAPACITY + 3
    for body in head:
        now = requests.get(f"{api}/registrations/{body['id']}", headers=organiser, timeout=10)
        assert now.json()["status"] == "confirmed"
