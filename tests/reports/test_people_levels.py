"""The report and the market dashboard count people by how far they are verified: registered,
mobile-verified, ID checked, real-name verified (the district platform's headline figures)."""

from __future__ import annotations

import pytest

from app.accounts.actor import Actor
from app.accounts.models import RealNameLevel, Seeker
from app.accounts.schemas import Identity
from app.onsite.services import register_walk_in
from app.validators import id_check_char
from tests.fixtures.people import sign_in_by_code
from tests.fixtures.values import Api, login


def test_report_and_dashboard_count_people_by_verification(client, db, live_room, make_user):
    room, _host, jobs = live_room
    fair = room.fair
    organiser = make_user("organiser")
    fair.created_by_id = organiser.id
    db.session.commit()
    # One signs up with a code and verifies their ID; one only with a code; one is a walk-in.
    first = client.application.test_client()
    token = sign_in_by_code(first, "13800138001")["token"]
    api = Api(first, token)
    body = "35058219900101123"
    assert (
        api.post(
            "/me/real-name", {"name": "王芳", "id_number": body + id_check_char(body)}
        ).status_code
        == 200
    )
    assert api.post(f"/fairs/{fair.id}/signups", {"job_id": jobs[0].id}).status_code == 201
    second = client.application.test_client()
    token2 = sign_in_by_code(second, "13800138002")["token"]
    assert (
        Api(second, token2).post(f"/fairs/{fair.id}/signups", {"job_id": jobs[1].id}).status_code
        == 201
    )
    fair.capacity = 10
    db.session.commit()
    register_walk_in(Actor.of(organiser), fair, Identity(name="赵六", mobile="13700000006"))
    db.session.commit()
    walk_in = db.session.query(Seeker).filter_by(mobile="13700000006").one()
    assert walk_in.staff_registered and not walk_in.mobile_verified
    # Someone elsewhere, not at this fair, counts on the platform only.
    sign_in_by_code(client.application.test_client(), "13900139000")

    login(client, organiser.username)
    report = Api(client).get(f"/fairs/{fair.id}/report").get_json()
    assert report["people"] == {
        "registered": 3,
        "mobile_verified": 2,
        "id_checked": 1,
        "real_name_verified": 0,
    }
    page = client.get(f"/fairs/{fair.id}/report", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert "2 mobile-verified · 1 ID checked · 0 real-name verified" in html
    dashboard = Api(client).get("/dashboard").get_json()
    assert dashboard["people"]["registered"] == 4 and dashboard["people"]["mobile_verified"] == 3
    verified = db.session.query(Seeker).filter_by(mobile="13800138001").one()
    assert verified.real_name_level == RealNameLevel.ID_CHECKED


@pytest.mark.postgres
def test_people_levels_on_postgresql(postgres_url, tmp_path):
    """The fair's people (a union over sign-ups, tickets, check-ins and viewers) on PostgreSQL."""
    from app.accounts.seekers import CONSENT_VERSION
    from app.db import utcnow
    from app.extensions import db as database
    from app.fairs.models import Fair, FairMode, FairStatus
    from app.migrate import upgrade
    from app.reports.models import FairPerson
    from app.reports.services import _fair_seekers, people_levels
    from tests.fixtures.realtime import seeding_app
    from tests.fixtures.values import hours_from_now

    upgrade(postgres_url)
    app = seeding_app(postgres_url, tmp_path / "media")
    with app.app_context():
        organiser = make_organiser()
        fair = Fair(
            title="PG",
            mode=FairMode.ONLINE,
            status=FairStatus.LIVE,
            starts_at=hours_from_now(-1),
            ends_at=hours_from_now(2),
            created_by_id=organiser.id,
        )
        watcher = Seeker(
            name="甲",
            mobile="13800000001",
            mobile_verified_at=utcnow(),
            consent_version=CONSENT_VERSION,
        )
        elsewhere = Seeker(name="乙", mobile="13800000002")
        database.session.add_all([fair, watcher, elsewhere])
        database.session.flush()
        database.session.add(FairPerson(fair_id=fair.id, person_key=f"s:{watcher.id}"))
        database.session.add(FairPerson(fair_id=fair.id, person_key="v:some-browser"))
        database.session.flush()
        assert people_levels(_fair_seekers(fair.id)) == {
            "registered": 1,
            "mobile_verified": 1,
            "id_checked": 0,
            "real_name_verified": 0,
        }
        assert people_levels()["registered"] == 2
        database.session.rollback()
        database.engine.dispose()


def make_organiser():
    from app.accounts.models import Role
    from app.accounts.schemas import NewUser
    from app.accounts.services import create_user

    return create_user(NewUser(role=Role.ORGANISER, username="pg-organiser", password="x" * 10))
