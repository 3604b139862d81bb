"""Report figures against hand-computed expectations on constructed event logs."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from app.accounts.actor import Actor
from app.announce import commit
from app.live.cards import pinned_card
from app.live.models import FollowUpStatus, SignUp, SignUpSource
from app.live.operations import push_card, unpin_card
from app.live.presence import link_visitor
from app.live.signups import SignUpRequest, WithdrawRequest, record_signups, record_withdrawals
from app.onsite.models import (
    CheckIn,
    CheckInMethod,
    Registration,
    RegistrationChannel,
    RegistrationStatus,
)
from app.reports import followup
from app.reports.services import fair_report
from tests.fixtures.reports import T0, host_connection, join, leave, person


def test_turnout_sign_ups_and_conversion(db, clock, scene, make_user):
    fair, (room1, room2), (job1, job2), (host1, _host2) = scene
    bob = person(db, "Bob", "13900000002")
    cat = person(db, "Cat", "13900000003")
    dan = person(db, "Dan", "13900000004")

    clock.at(0)
    join(db, room1, "browser-a", "sa")  # A, anonymous for now
    join(db, room1, "browser-b", "sb1", bob.id)  # Bob on room 1
    clock.at(5)
    join(db, room2, "browser-b", "sb2", bob.id)  # Bob also on room 2 (overlapping rooms)
    card = push_card(host_connection(host1), room1.id, job1.id)
    commit()
    clock.at(6)
    assert record_signups([SignUpRequest(fair.id, bob.id, job1.id, SignUpSource.LIVE, room1.id)])[
        0
    ].created
    db.session.commit()
    clock.at(10)
    leave(db, room1, "sb1")  # Bob's connection drops...
    clock.at(11)
    join(db, room1, "browser-b", "sb1b", bob.id)  # ...and reconnects
    clock.at(20)
    alice = person(db, "Alice", "13900000001")  # A identifies while watching
    link_visitor("browser-a", alice.id)
    db.session.commit()
    record_signups(
        [
            SignUpRequest(fair.id, alice.id, job2.id, SignUpSource.REPLAY, room2.id),
            SignUpRequest(fair.id, cat.id, job1.id, SignUpSource.PAGE),
        ]
    )
    db.session.commit()
    clock.at(30)
    for room, sid in ((room1, "sa"), (room1, "sb1b"), (room2, "sb2")):
        leave(db, room, sid)
    clock.at(40)
    record_withdrawals([WithdrawRequest(fair.id, cat.id, job1.id)])
    db.session.commit()
    # On site: Alice (who watched) and Dan (a walk-in) come to the hall.
    for seeker in (alice, dan):
        registration = Registration(
            fair_id=fair.id,
            seeker_id=seeker.id,
            ticket_code=f"T{seeker.mobile[-6:]}",
            status=RegistrationStatus.CONFIRMED,
            channel=RegistrationChannel.ONLINE,
        )
        db.session.add(registration)
        db.session.flush()
        db.session.add(
            CheckIn(
                fair_id=fair.id,
                seeker_id=seeker.id,
                registration_id=registration.id,
                method=CheckInMethod.TICKET,
                checked_in_by_id=host1.id,
            )
        )
    db.session.commit()

    organiser = make_user("organiser")
    report = fair_report(Actor.of(organiser), fair)
    # Alice and Bob watched; Alice's anonymous minutes are hers once she identified.
    assert report["unique_viewers"] == 2
    rooms = {r["room_id"]: r for r in report["rooms"]}
    assert rooms[room1.id]["unique_viewers"] == 2 and rooms[room2.id]["unique_viewers"] == 1
    # Watch time: A 0-30 = 30 min; Bob room 1: 0-10 and 11-30 = 29 min; Bob room 2: 5-30 = 25 min.
    assert rooms[room1.id]["watch_seconds"] == (30 + 29) * 60
    assert rooms[room2.id]["watch_seconds"] == 25 * 60
    assert report["watch_seconds"] == (30 + 29 + 25) * 60
    assert report["average_watch_seconds"] == (30 + 29 + 25) * 60 / 2
    # Peaks: room 1 had 2 at once; the fair never more than 2 people (Bob in both rooms is one).
    assert rooms[room1.id]["peak_concurrent"] == 2 and rooms[room2.id]["peak_concurrent"] == 1
    assert report["peak_concurrent"] == 2 and report["peak_at"] == T0.isoformat()
    # The card went up at minute 5 with A (later Alice) and Bob watching room 1.
    assert report["card_viewers"] == 2
    # Alice, Bob, Cat (signed up on the page, withdrew later) and Dan (walk-in): four people.
    assert report["people_served"] == 4
    assert report["checkins"] == 2
    jobs = {j["job_id"]: j for j in report["jobs"]}
    assert jobs[job1.id]["signups"] == 1  # Bob (live); Cat withdrew
    assert jobs[job1.id]["signups_by_source"] == {
        "live": 1,
        "replay": 0,
        "page": 0,
        "onsite": 0,
        "notification": 0,
    }
    assert jobs[job2.id]["signups_by_source"]["replay"] == 1
    assert jobs[job1.id]["pushes"] == 1 and jobs[job1.id]["signups_while_shown"] == 1
    assert jobs[job1.id]["viewers_while_shown"] == 2 and jobs[job1.id]["conversion"] == 0.5
    assert report["signups"] == 2
    card_row = rooms[room1.id]["cards"][0]
    assert card_row["card_id"] == card["card_id"] and card_row["signups"] == 1
    timeline = rooms[room1.id]["timeline"]
    assert timeline[0]["viewers"] == 2 and timeline[-1]["viewers"] == 0
    assert (
        len(timeline) == 32
    )  # minutes 0 to 30 (quiet ones carried forward), then after the last leave


def test_intents_from_follow_up(db, scene, make_user):
    fair, _rooms, (job1, _job2), (host1, host2) = scene
    bob = person(db, "Bob", "13900000002")
    record_signups([SignUpRequest(fair.id, bob.id, job1.id, SignUpSource.PAGE)])
    db.session.commit()
    signup = db.session.query(SignUp).one()
    followup.record_followup(
        Actor.of(host1), signup, FollowUpStatus.CONTACTED, "called, interested"
    )
    followup.record_followup(
        Actor.of(host1), signup, FollowUpStatus.INTENT_REACHED, "will come Monday"
    )
    db.session.commit()
    report = fair_report(Actor.of(make_user("organiser")), fair)
    assert report["intents"] == 1 and report["hires"] == 0
    followup.record_followup(Actor.of(host1), signup, FollowUpStatus.HIRED, "started")
    db.session.commit()
    report = fair_report(Actor.of(make_user("organiser")), fair)
    assert report["intents"] == 1 and report["hires"] == 1
    assert [n.text for n in followup.notes_of(signup)] == [
        "called, interested",
        "will come Monday",
        "started",
    ]
    with pytest.raises(Exception, match="hosts and organisers"):
        followup.record_followup(Actor.of(host2), signup, FollowUpStatus.DECLINED)


def test_hosts_read_only_their_employers_part(db, scene, make_user):
    fair, (room1, _room2), (job1, _job2), (host1, _host2) = scene
    report = fair_report(Actor.of(host1), fair)
    assert report["scope"] == "employer"
    assert [j["job_id"] for j in report["jobs"]] == [job1.id]
    assert [r["room_id"] for r in report["rooms"]] == [room1.id]
    outsider = make_user("host", employer="Elsewhere Ltd")
    with pytest.raises(Exception, match="Only organisers"):
        fair_report(Actor.of(outsider), fair)
    with pytest.raises(Exception, match="Only organisers"):
        fair_report(Actor.of(make_user("seeker")), fair)


def test_api_exports_and_access(client, api, db, scene, make_user, token_for):
    fair, _rooms, (job1, job2), (host1, host2) = scene
    bob = person(db, "Bob", "13900000002")
    record_signups(
        [
            SignUpRequest(fair.id, bob.id, job1.id, SignUpSource.PAGE),
            SignUpRequest(fair.id, bob.id, job2.id, SignUpSource.LIVE),
        ]
    )
    db.session.commit()
    organiser = token_for(make_user("organiser"))
    response = api.get(f"/fairs/{fair.id}/report", token=organiser)
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"] and "Cookie" in response.headers["Vary"]
    body = response.get_json()
    for field in (
        "unique_viewers",
        "peak_concurrent",
        "watch_seconds",
        "checkins",
        "people_served",
        "signups",
        "intents",
        "jobs",
        "rooms",
    ):
        assert field in body
    english = {"Accept-Language": "en", "Authorization": f"Bearer {organiser}"}
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/api/v1/fairs/{fair.id}/report.csv", headers=english)
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    by_job = {r["Job ID"]: r for r in rows}
    assert by_job[job1.id]["Sign-ups (fair page)"] == "1"
    assert by_job[job2.id]["Sign-ups (live)"] == "1"
    assert by_job["Total"]["Sign-ups"] == "2"
    xlsx = client.get(f"/api/v1/fairs/{fair.id}/report.xlsx", headers=english)
    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["Summary", "Jobs", "Employers", "Sessions", "Viewers by minute"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Sign-ups"] == 2 and summary["Sign-ups (fair page)"] == 1
    assert summary["Unique viewers"] == 0 and summary["Viewers who saw a card"] == 0
    # Candidates: only the employer's hosts (with the full number) and organisers.
    own = api.get(f"/fairs/{fair.id}/jobs/{job1.id}/candidates", token=token_for(host1))
    assert own.status_code == 200 and own.get_json()[0]["mobile"] == "13900000002"
    assert (
        api.get(f"/fairs/{fair.id}/jobs/{job1.id}/candidates", token=token_for(host2)).status_code
        == 403
    )
    assert (
        api.get(f"/fairs/{fair.id}/report", token=token_for(make_user("seeker"))).status_code == 403
    )
    assert api.get(f"/fairs/{fair.id}/report").status_code == 401
    signup_id = own.get_json()[0]["signup_id"]
    assert (
        api.patch(
            f"/signups/{signup_id}", {"status": "interviewed"}, token=token_for(host2)
        ).status_code
        == 404
    )
    moved = api.patch(
        f"/signups/{signup_id}", {"status": "intent_reached", "note": "OK"}, token=token_for(host1)
    )
    assert (
        moved.get_json()["status"] == "intent_reached"
        and moved.get_json()["notes"][0]["text"] == "OK"
    )
    assert api.get(f"/fairs/{fair.id}/report", token=organiser).get_json()["intents"] == 1


def test_viewers_while_a_card_was_shown(db, clock, scene, make_user):
    fair, (room1, room2), (job1, _job2), (host1, _host2) = scene
    eve = person(db, "Eve", "13900000005")
    clock.at(0)
    join(db, room1, "browser-a", "sa")  # watching before the card: sees it go up
    join(db, room2, "browser-b", "sb")  # another room, never a card there
    clock.at(2)
    push_card(host_connection(host1), room1.id, job1.id)
    commit()
    clock.at(3)
    join(db, room1, "browser-c", "sc")  # joins while the card is pinned
    clock.at(4)
    leave(db, room1, "sa")
    unpin_card(host_connection(host1), room1.id, pinned_card(room1.id).id)
    commit()
    clock.at(5)
    join(db, room1, "browser-d", "sd")  # after the card came down
    join(db, room1, "browser-e", "se", eve.id)
    clock.at(6)
    link_visitor("browser-c", eve.id)  # C was Eve all along: one person, who saw the card
    db.session.commit()
    report = fair_report(Actor.of(make_user("organiser")), fair)
    assert report["unique_viewers"] == 4  # A, B, D, Eve
    assert report["card_viewers"] == 2  # A and Eve
