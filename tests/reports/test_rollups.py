"""Folding a browser's viewing into the person it turned out to be (rollups.merge_visitor),
against the rollup rows and the report an organiser reads."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.actor import Actor
from app.announce import commit
from app.live.models import SignUpSource
from app.live.operations import push_card
from app.live.signups import SignUpRequest, record_signups
from app.reports import rollups
from app.reports.models import FairPerson, RoomPerson, RoomStats
from app.reports.services import fair_report
from tests.fixtures.reports import T0, host_connection, join, leave, person

MINUTE = 60


def rows(db, model, **where):
    db.session.expire_all()
    return {
        row.person_key: row
        for row in db.session.scalars(
            select(model).where(*(getattr(model, k) == v for k, v in where.items()))
        )
    }


def unique_viewers(db, room) -> int:
    db.session.expire_all()
    return db.session.get(RoomStats, room.id).unique_viewers


def test_a_browser_and_its_person_both_counted_become_one_viewer(db, clock, scene, make_user):
    fair, (room1, room2), (job1, job2), (_host1, host2) = scene
    bea = person(db, "Bea", "13900000001")
    clock.at(0)
    join(db, room1, "laptop-bea", "l1")  # Bea's laptop, before she says who she is
    join(db, room1, "laptop-zoe", "z1")  # someone else, anonymous throughout
    clock.at(1)
    join(db, room1, "phone-bea", "p1", bea.id)  # her phone, identified
    clock.at(3)
    leave(db, room1, "z1")
    clock.at(5)
    join(db, room2, "laptop-bea", "l2")
    clock.at(6)
    push_card(host_connection(host2), room2.id, job2.id)  # the laptop sees it
    commit()
    clock.at(7)
    record_signups([SignUpRequest(fair.id, bea.id, job1.id, SignUpSource.LIVE, room1.id)])
    db.session.commit()
    clock.at(10)
    leave(db, room1, "l1")
    leave(db, room1, "p1")
    clock.at(14)
    leave(db, room2, "l2")
    assert unique_viewers(db, room1) == 3 and unique_viewers(db, room2) == 1
    assert fair_report(Actor.of(make_user("organiser")), fair)["unique_viewers"] == 3

    rollups.merge_visitor("laptop-bea", bea.id)
    db.session.commit()

    assert unique_viewers(db, room1) == 2, "Bea was counted twice in room 1"
    assert unique_viewers(db, room2) == 1, "only her laptop watched room 2"
    room1_people = rows(db, RoomPerson, room_id=room1.id)
    room2_people = rows(db, RoomPerson, room_id=room2.id)
    assert set(room1_people) == {f"s:{bea.id}", "v:laptop-zoe"}
    assert room1_people[f"s:{bea.id}"].watch_seconds == (10 + 9) * MINUTE
    assert room1_people[f"s:{bea.id}"].first_seen_at == T0, "when her laptop came"
    assert room1_people["v:laptop-zoe"].watch_seconds == 3 * MINUTE
    assert set(room2_people) == {f"s:{bea.id}"}
    assert room2_people[f"s:{bea.id}"].watch_seconds == 9 * MINUTE
    assert room2_people[f"s:{bea.id}"].first_seen_at == T0 + timedelta(minutes=5)

    people = rows(db, FairPerson, fair_id=fair.id)
    assert set(people) == {f"s:{bea.id}", "v:laptop-zoe"}
    bea_row = people[f"s:{bea.id}"]
    assert bea_row.watched and bea_row.signed_up, "her phone's flags stay"
    assert bea_row.saw_card, "her laptop saw the card in room 2"
    assert bea_row.watch_seconds == (10 + 9 + 9) * MINUTE
    assert bea_row.first_seen_at == T0
    assert not people["v:laptop-zoe"].saw_card

    report = fair_report(Actor.of(make_user("organiser")), fair)
    assert report["unique_viewers"] == 2 and report["card_viewers"] == 1
    rooms = {r["room_id"]: r for r in report["rooms"]}
    assert rooms[room1.id]["unique_viewers"] == 2
    assert rooms[room1.id]["watch_seconds"] == (10 + 9 + 3) * MINUTE, "no minute lost or doubled"

    rollups.merge_visitor("laptop-bea", bea.id)  # told twice (two tabs identified)
    db.session.commit()
    assert unique_viewers(db, room1) == 2
    assert rows(db, FairPerson, fair_id=fair.id)[f"s:{bea.id}"].watch_seconds == 28 * MINUTE


def test_a_browser_whose_person_had_not_watched_becomes_that_person(db, clock, scene):
    fair, (room1, _room2), (job1, _job2), (host1, _host2) = scene
    cai = person(db, "Cai", "13900000002")
    clock.at(0)
    join(db, room1, "laptop-cai", "c1")
    clock.at(2)
    push_card(host_connection(host1), room1.id, job1.id)
    commit()
    clock.at(8)
    leave(db, room1, "c1")

    rollups.merge_visitor("laptop-cai", cai.id)
    db.session.commit()

    assert unique_viewers(db, room1) == 1
    (room_row,) = rows(db, RoomPerson, room_id=room1.id).values()
    assert room_row.person_key == f"s:{cai.id}" and room_row.watch_seconds == 8 * MINUTE
    (fair_row,) = rows(db, FairPerson, fair_id=fair.id).values()
    assert fair_row.person_key == f"s:{cai.id}"
    assert fair_row.watched and fair_row.saw_card and not fair_row.signed_up
    assert fair_row.watch_seconds == 8 * MINUTE


def test_a_browser_that_watched_nothing_changes_nothing(db, clock, scene):
    fair, (room1, _room2), _jobs, _hosts = scene
    dee = person(db, "Dee", "13900000003")
    clock.at(0)
    join(db, room1, "laptop-eve", "e1")
    rollups.merge_visitor("laptop-never-joined", dee.id)
    db.session.commit()
    assert set(rows(db, FairPerson, fair_id=fair.id)) == {"v:laptop-eve"}
    assert unique_viewers(db, room1) == 1
