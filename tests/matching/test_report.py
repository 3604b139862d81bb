"""The market report: supply against demand, invitations, notifications, and a sign-up that
followed a tapped notification."""

from __future__ import annotations

from app.accounts.actor import Actor
from app.announce import commit
from app.matching import services as matching
from app.matching.schemas import ProfileIn
from app.notifications import alerts
from tests.fixtures.values import csrf_token, login


def test_a_sign_up_after_a_tapped_notification_is_counted(
    client, api, db, live_room, make_user, token_for
):
    room, host, jobs = live_room
    job = jobs[0]
    job.category, job.district, job.headcount = "logistics", "东园镇", 12
    db.session.commit()
    seeker = make_user("seeker")
    matching.save_profile(
        Actor.of(seeker), ProfileIn(categories=["分拣"], districts=["东园镇"], work_types=["gig"])
    )
    commit()
    [note] = alerts.alert_live_match(room.id, job.id)

    login(client, seeker.username)
    opened = client.get(f"/n/{note.id}")
    assert opened.status_code == 302
    assert opened.location.endswith(f"/rooms/{room.id}?via=notification&job={job.id}")
    signed = client.post(
        f"/api/v1/fairs/{room.fair_id}/signups",
        json={"job_id": job.id, "source": "page"},
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert signed.status_code == 201, signed.json

    organiser = token_for(make_user("organiser"))
    report = api.get("/matching/report", token=organiser).json
    assert report["signups_from_notifications"] == 1
    assert report["notifications"]["in_app"] == {"sent": 1, "opened": 1}
    assert {
        "category": "logistics",
        "district": "东园镇",
        "profiles": 1,
        "open_positions": 12,
    } in report["supply_demand"]
    assert api.get("/matching/report", token=token_for(host)).status_code == 403
