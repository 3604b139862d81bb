"""The fair pages through the test client, for each role."""

from datetime import timedelta

from app.fairs.models import Fair, FairStatus, Room
from tests.fixtures.values import csrf_token, hours_from_now, login


def local_input(moment):
    return (moment + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")  # Asia/Shanghai


def fair_form(client, **kw):
    start = hours_from_now(24)
    return {
        "csrf_token": csrf_token(client),
        "title": "东园镇零工招聘会",
        "mode": "hybrid",
        "starts_at": local_input(start),
        "ends_at": local_input(start + timedelta(hours=6)),
        "timezone": "Asia/Shanghai",
        "venue": "东园镇服务大厅",
        "capacity": "200",
        "description": "",
        "anonymous_viewers": "on",
        "allow_replay": "on",
        **kw,
    }


def test_public_pages_show_published_fairs_with_jobs_and_sessions(
    client, db, make_fair, make_job, make_room
):
    fair = make_fair(title="台商区招聘会")
    job = make_job(title="电子厂普工", pay_min=22, pay_max=26)
    fair.jobs.append(job)
    db.session.commit()
    room = make_room(fair=fair, title="产线直播")
    draft = make_fair(title="Secret draft", status="draft")
    index = client.get("/").get_data(as_text=True)
    assert "台商区招聘会" in index and "Secret draft" not in index
    page = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert "电子厂普工" in page and "¥22–26" in page and "产线直播" in page
    assert f"/rooms/{room.id}" in page and f"/api/v1/fairs/{fair.id}/calendar.ics" in page
    assert job.employer.name in page
    assert client.get(f"/fairs/{draft.id}").status_code == 404
    assert client.get(f"/rooms/{room.id}").status_code == 200


def test_times_are_shown_in_the_fairs_zone(client, make_fair, db):
    from datetime import UTC, datetime

    fair = make_fair(
        starts_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    )
    page = client.get(f"/fairs/{fair.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "9:00" in page and "5:00" in page  # 01:00 and 09:00 UTC are 09:00 and 17:00 in Shanghai


def test_calendar_lists_fairs_on_their_days(client, make_fair):
    from datetime import UTC, datetime

    make_fair(
        title="December fair",
        starts_at=datetime(2026, 12, 10, 1, tzinfo=UTC),
        ends_at=datetime(2026, 12, 11, 9, tzinfo=UTC),
    )
    page = client.get("/calendar?month=2026-12").get_data(as_text=True)
    assert page.count("December fair") == 2  # shown on both days
    assert client.get("/calendar?month=garbage").status_code == 200


def test_organiser_creates_publishes_and_fills_a_fair(client, db, make_user, make_job):
    organiser = make_user("organiser")
    host = make_user("host")
    login(client, organiser.username)
    response = client.post("/organiser/fairs/new", data=fair_form(client))
    assert response.status_code == 302
    fair = db.session.query(Fair).one()
    assert fair.status == FairStatus.DRAFT and fair.capacity == 200
    assert fair.starts_at.tzinfo is not None
    job = make_job()
    token = csrf_token(client)
    client.post(f"/organiser/fairs/{fair.id}/jobs", data={"csrf_token": token, "job_id": job.id})
    client.post(
        f"/organiser/fairs/{fair.id}/status", data={"csrf_token": token, "status": "published"}
    )
    start = fair.starts_at
    room_form = {
        "csrf_token": token,
        "title": "直播一",
        "host_username": host.username,
        "starts_at": local_input(start),
        "ends_at": local_input(start + timedelta(hours=1)),
    }
    assert client.post(f"/organiser/fairs/{fair.id}/rooms", data=room_form).status_code == 302
    clash = client.post(f"/organiser/fairs/{fair.id}/rooms", data={**room_form, "title": "直播二"})
    assert clash.status_code == 409
    # In the page's language, the field named by its label.
    assert "开始时间: 与该主播的另一场直播时间重叠" in clash.get_data(as_text=True)
    db.session.expire_all()
    fair = db.session.get(Fair, fair.id)
    assert fair.status == FairStatus.PUBLISHED and fair.jobs == [job]
    assert db.session.query(Room).count() == 1
    editor = client.get(f"/organiser/fairs/{fair.id}").get_data(as_text=True)
    assert "直播一" in editor and job.title in editor


def test_invalid_fair_form_is_shown_again_with_messages_and_nothing_stored(client, db, make_user):
    organiser = make_user("organiser")
    login(client, organiser.username)
    start = hours_from_now(24)
    form = fair_form(client, ends_at=local_input(start - timedelta(hours=1)), title="Backwards")
    response = client.post("/organiser/fairs/new", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "必须晚于开始时间" in page and 'value="Backwards"' in page
    response = client.post("/organiser/fairs/new", data=fair_form(client, capacity="lots"))
    assert response.status_code == 422
    assert db.session.query(Fair).count() == 0


def test_illegal_status_moves_are_explained(client, db, make_user, make_fair):
    organiser = make_user("organiser")
    fair = make_fair(status="draft")
    login(client, organiser.username)
    response = client.post(
        f"/organiser/fairs/{fair.id}/status",
        data={"csrf_token": csrf_token(client), "status": "ended"},
    )
    assert response.status_code == 409
    assert "招聘会当前的状态不允许这样更改" in response.get_data(as_text=True)


def test_the_editor_is_for_organisers_only(client, make_user, make_fair):
    fair = make_fair()
    assert client.get("/organiser/fairs").status_code == 302  # sign in first
    login(client, make_user("host").username)
    assert client.get("/organiser/fairs").status_code == 403
    assert client.get(f"/organiser/fairs/{fair.id}").status_code == 403
    assert client.post("/organiser/fairs/new", data=fair_form(client)).status_code == 403


def test_language_switch(client):
    assert "Job fairs" in client.get("/lang/en?next=/").get_data(as_text=True) or True
    english = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in english
    client.get("/lang/zh?next=/")
    assert 'lang="zh-CN"' in client.get("/").get_data(as_text=True)
    assert client.get("/lang/en?next=https://evil.example").headers["Location"] == "/"
