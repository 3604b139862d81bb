"""The host's job editor."""

from app.jobs.models import Job
from tests.fixtures.values import csrf_token, login


def job_form(client, **kw):
    return {
        "csrf_token": csrf_token(client),
        "title": "快递分拣员",
        "category": "logistics",
        "pay_min": "180",
        "pay_max": "220",
        "pay_unit": "day",
        "work_type": "gig",
        "district": "洛阳镇",
        "headcount": "40",
        "shift": "20:00-06:00",
        "benefits": ["meals", "daily_pay"],
        "requirements": "",
        "contact": "",
        **kw,
    }


def test_host_adds_and_edits_their_jobs(client, db, make_user):
    host = make_user("host", employer="速达物流")
    login(client, host.username)
    assert client.post("/host/jobs/new", data=job_form(client)).status_code == 302
    job = db.session.query(Job).one()
    assert job.employer_id == host.employer_id and job.benefits == ["meals", "daily_pay"]
    listing = client.get("/host/jobs").get_data(as_text=True)
    assert "快递分拣员" in listing and "¥180–220" in listing
    edited = client.post(f"/host/jobs/{job.id}", data=job_form(client, headcount="45", benefits=[]))
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, job.id).headcount == 45
    assert db.session.get(Job, job.id).benefits == []


def test_invalid_job_is_shown_again_and_nothing_stored(client, db, make_user):
    host = make_user("host")
    login(client, host.username)
    response = client.post("/host/jobs/new", data=job_form(client, pay_min="300", pay_max="200"))
    assert response.status_code == 422
    assert "pay_max" in response.get_data(as_text=True)
    response = client.post("/host/jobs/new", data=job_form(client, pay_unit="week", headcount="-1"))
    assert response.status_code == 422
    assert db.session.query(Job).count() == 0


def test_hosts_cannot_open_another_employers_job(client, db, make_user, make_job, make_fair):
    other = make_user("host", employer="Other Co")
    job = make_job(employer=other.employer)
    fair = make_fair()
    fair.jobs.append(job)  # public now, so it is found, but not editable
    db.session.commit()
    host = make_user("host")
    login(client, host.username)
    assert client.get(f"/host/jobs/{job.id}").status_code == 403
    assert client.post(f"/host/jobs/{job.id}", data=job_form(client)).status_code == 403


def test_seekers_have_no_job_editor(client, make_user):
    login(client, make_user("seeker").username)
    assert client.get("/host/jobs").status_code == 403


def test_organiser_picks_the_employer(client, db, make_user, make_employer):
    organiser = make_user("organiser")
    employer = make_employer(name="恒达电子")
    login(client, organiser.username)
    assert "恒达电子" in client.get("/host/jobs/new").get_data(as_text=True)
    assert (
        client.post("/host/jobs/new", data=job_form(client)).status_code == 422
    )  # which employer?
    assert (
        client.post("/host/jobs/new", data=job_form(client, employer_id=employer.id)).status_code
        == 302
    )
