"""The report, follow-up and reports pages through the client: figures, privacy, access, forms."""

from __future__ import annotations

import json
import re

import pytest

from app.announce import commit
from app.live.models import FollowUpStatus, SignUp, SignUpSource
from app.live.operations import push_card
from app.live.signups import SignUpRequest, record_signups
from app.reports.models import FollowUpNote
from tests.fixtures.reports import host_connection, join, leave, person
from tests.fixtures.values import csrf_token, login

DATA_RE = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)


@pytest.fixture
def held(db, clock, scene):
    """The scene after an hour of watching: a card, sign-ups live and on the page."""
    fair, (room1, room2), (job1, job2), (host1, _host2) = scene
    bob = person(db, "Bob", "13900000002")
    cat = person(db, "Cat", "13900000003")
    clock.at(0)
    join(db, room1, "browser-a", "sa")
    join(db, room1, "browser-b", "sb", bob.id)
    clock.at(3)
    join(db, room2, "browser-c", "sc", cat.id)
    clock.at(5)
    push_card(host_connection(host1), room1.id, job1.id)
    commit()
    clock.at(6)
    record_signups(
        [
            SignUpRequest(fair.id, bob.id, job1.id, SignUpSource.LIVE, room1.id),
            SignUpRequest(fair.id, cat.id, job2.id, SignUpSource.PAGE),
        ]
    )
    db.session.commit()
    clock.at(30)
    for room, sid in ((room1, "sa"), (room1, "sb"), (room2, "sc")):
        leave(db, room, sid)
    return scene, (bob, cat)


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response


def assert_private(response):
    assert "private" in response.headers["Cache-Control"]
    assert "no-store" in response.headers["Cache-Control"]
    assert "Cookie" in response.headers["Vary"]


def test_organiser_reads_the_report_page_with_its_figures_and_chart_data(client, held, make_user):
    (fair, (room1, room2), (job1, job2), _hosts), _people = held
    organiser = make_user("organiser")
    login(client, organiser.username)
    response = page(client, f"/fairs/{fair.id}/report")
    assert_private(response)
    html = response.get_data(as_text=True)
    # Three people watched; the peak (3 at once, from minute 3) is shown in Shanghai time.
    assert re.search(r'id="figure-unique-viewers"><span class="value">3<', html)
    assert re.search(r'id="figure-peak"><span class="value">3<', html)
    assert "10:03" in html  # T0 + 3 min is 10:03 in Asia/Shanghai
    assert re.search(r'id="figure-signups"><span class="value">2<', html)
    for export in ("report.csv", "report.xlsx", f'/api/v1/fairs/{fair.id}/report"'):
        assert export in html
    assert "/vendor/chart.umd.min.js" in html and "js/report.js" in html
    data = json.loads(DATA_RE.search(html).group(1))
    assert data["timezone"] == "Asia/Shanghai"
    report = data["report"]
    assert report["card_viewers"] == 2 and report["unique_viewers"] == 3
    rooms = {r["room_id"]: r for r in report["rooms"]}
    assert [c["title"] for c in rooms[room1.id]["cards"]] == ["Assembly"]
    assert rooms[room1.id]["timeline"][0]["viewers"] == 2
    jobs = {j["job_id"]: j for j in report["jobs"]}
    assert jobs[job1.id]["signups_by_source"]["live"] == 1
    assert jobs[job2.id]["signups_by_source"]["page"] == 1
    assert 'data-room-id="' + room2.id in html
    printable = page(client, f"/fairs/{fair.id}/report/print")
    assert_private(printable)
    assert 'class="report-body printable"' in printable.get_data(as_text=True)


def test_hosts_see_their_part_and_nobody_else_sees_the_report(client, held, make_user):
    (fair, (room1, room2), (job1, job2), (host1, _host2)), _people = held
    login(client, host1.username)
    html = page(client, f"/fairs/{fair.id}/report").get_data(as_text=True)
    report = json.loads(DATA_RE.search(html).group(1))["report"]
    assert report["scope"] == "employer"
    assert [j["job_id"] for j in report["jobs"]] == [job1.id]
    assert [r["room_id"] for r in report["rooms"]] == [room1.id]
    assert "Sorting" not in html and room2.id not in html
    assert fair.title in page(client, "/reports").get_data(as_text=True)

    outsider = make_user("host", employer="Elsewhere Ltd")
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, outsider.username)
    page(client, f"/fairs/{fair.id}/report", 403)
    page(client, f"/fairs/{fair.id}/followup", 403)
    assert fair.title not in page(client, "/reports").get_data(as_text=True)

    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, make_user("seeker").username)
    page(client, f"/fairs/{fair.id}/report", 403)
    page(client, "/reports", 403)

    client.post("/logout", data={"csrf_token": csrf_token(client)})
    anonymous = client.get(f"/fairs/{fair.id}/report")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_report_is_linked_from_the_fair_editor_the_hosts_jobs_and_the_menu(client, held, make_user):
    (fair, _rooms, _jobs, (host1, _host2)), _people = held
    login(client, make_user("organiser").username)
    editor = page(client, f"/organiser/fairs/{fair.id}").get_data(as_text=True)
    assert f'href="/fairs/{fair.id}/report"' in editor
    assert 'href="/organiser/dashboard"' in editor and 'href="/reports"' in editor
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, host1.username)
    jobs = page(client, "/host/jobs").get_data(as_text=True)
    assert f'href="/fairs/{fair.id}/report"' in jobs and 'href="/reports"' in jobs
    assert "<title>Jobs" in jobs or "<title>岗位" in jobs
    assert 'href="/organiser/dashboard"' not in jobs


def test_follow_up_page_shows_contacts_to_the_employer_and_records_calls(
    client, db, held, make_user
):
    (fair, _rooms, (job1, job2), (host1, host2)), (bob, _cat) = held
    login(client, host1.username)
    jobs = page(client, f"/fairs/{fair.id}/followup").get_data(as_text=True)
    assert f"/fairs/{fair.id}/jobs/{job1.id}/followup" in jobs
    assert f"/fairs/{fair.id}/jobs/{job2.id}/followup" not in jobs
    response = page(client, f"/fairs/{fair.id}/jobs/{job1.id}/followup")
    assert_private(response)
    html = response.get_data(as_text=True)
    assert "Bob" in html and "13900000002" in html
    signup = db.session.query(SignUp).filter_by(job_id=job1.id).one()
    # Another employer's job: its people stay hidden from this host.
    page(client, f"/fairs/{fair.id}/jobs/{job2.id}/followup", 403)

    path = f"/signups/{signup.id}/followup"
    assert client.post(path, data={"status": "contacted", "note": "x"}).status_code == 400
    token = csrf_token(client)
    moved = client.post(
        path, data={"status": "intent_reached", "note": "下周一来面试", "csrf_token": token}
    )
    assert moved.status_code == 302
    assert moved.headers["Location"].endswith(
        f"/fairs/{fair.id}/jobs/{job1.id}/followup#signup-{signup.id}"
    )
    db.session.expire_all()
    assert db.session.get(SignUp, signup.id).followup_status == FollowUpStatus.INTENT_REACHED
    notes = db.session.query(FollowUpNote).filter_by(signup_id=signup.id).all()
    assert [(n.status, n.text) for n in notes] == [("intent_reached", "下周一来面试")]
    html = page(client, f"/fairs/{fair.id}/jobs/{job1.id}/followup").get_data(as_text=True)
    assert "下周一来面试" in html and 'data-status="intent_reached"' in html
    report = page(client, f"/fairs/{fair.id}/report").get_data(as_text=True)
    assert re.search(r'id="figure-intents"><span class="value">1<', report)

    bad = client.post(path, data={"status": "promoted", "csrf_token": token})
    assert bad.status_code == 302 and f"error={signup.id}" in bad.headers["Location"]

    client.post("/logout", data={"csrf_token": token})
    login(client, host2.username)
    assert (
        client.post(path, data={"status": "declined", "csrf_token": csrf_token(client)}).status_code
        == 404
    )
    db.session.expire_all()
    assert db.session.get(SignUp, signup.id).followup_status == FollowUpStatus.INTENT_REACHED

    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, make_user("organiser").username)
    assert "13900000002" in page(client, f"/fairs/{fair.id}/jobs/{job1.id}/followup").get_data(
        as_text=True
    )
