"""The report and the market dashboard count people by how far they are verified: registered,
mobile-verified, ID checked, real-name verified (the district platform's headline figures)."""

from __future__ import annotations

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
