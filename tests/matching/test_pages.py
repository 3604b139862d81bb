"""The seeker's and the host's pages: registering through the form, 为你推荐 with one-tap sign
up, the invitations page, 岗位找人, and a tapped notification."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.live.models import SignUp
from app.matching.models import JobSeekerProfile
from tests.fixtures.values import csrf_token, login

FORM = {
    "categories": ["logistics"],
    "districts": ["东园镇"],
    "pay_min": "25",
    "pay_unit": "hour",
    "work_types": ["gig"],
    "shifts": ["night"],
    "daily_pay": "on",
    "certificates": ["叉车证"],
    "skills": "仓库 理货",
    "intro": "<script>alert(1)</script>",
    "discoverable": "on",
    "notify_in_app": "on",
    "quiet_start": "21:00",
    "quiet_end": "08:00",
}


def forklift(make_job, make_fair, db, host=None):
    fair = make_fair()
    job = make_job(
        employer=host.employer if host else None,
        title="叉车司机",
        category="logistics",
        district="东园镇",
        pay_min=26,
        pay_max=30,
        shift="20:00-08:00",
        requirements="持叉车证",
    )
    fair.jobs.append(job)
    db.session.commit()
    return fair, job


def test_a_seeker_registers_then_signs_up_in_one_tap(client, db, make_user, make_job, make_fair):
    fair, job = forklift(make_job, make_fair, db)
    seeker = make_user("seeker")
    login(client, seeker.username)
    page = client.get("/my/profile")
    assert "求职登记" in page.get_data(as_text=True)
    token = csrf_token(client)
    saved = client.post("/my/profile", data={**FORM, "csrf_token": token})
    assert saved.status_code == 302
    profile = db.session.scalar(select(JobSeekerProfile))
    assert profile.categories == ["logistics"] and profile.skills == ["仓库", "理货"]
    assert client.post("/my/profile", data=FORM).status_code == 400  # no CSRF token

    bad = client.post("/my/profile", data={**FORM, "categories": [], "csrf_token": token})
    assert bad.status_code == 200 and "categories" in bad.get_data(as_text=True)

    listing = client.get("/my/recommendations").get_data(as_text=True)
    assert "叉车司机" in listing and "持叉车证" in listing and "同在东园镇" in listing
    tapped = client.post(
        "/my/recommendations/signup",
        data={"job_id": job.id, "fair_id": fair.id, "csrf_token": token},
    )
    assert tapped.status_code == 302 and "signed=" in tapped.location
    [signup] = db.session.scalars(select(SignUp)).all()
    assert signup.job_id == job.id and signup.seeker_id == seeker.seeker_id


def test_a_host_finds_masked_people_and_invites_them(client, db, make_user, make_job, make_fair):
    host = make_user("host")
    fair, job = forklift(make_job, make_fair, db, host)
    seeker_client = client.application.test_client()
    seeker = make_user("seeker", name="王芳")
    login(seeker_client, seeker.username)
    seeker_client.post("/my/profile", data={**FORM, "csrf_token": csrf_token(seeker_client)})

    login(client, host.username)
    page = client.get(f"/jobs/{job.id}/people").get_data(as_text=True)
    assert "王**" in page and "王芳" not in page and "<script>alert" not in page
    profile_id = re.search(r'name="profile_id" value="([^"]+)"', page).group(1)
    sent = client.post(
        f"/jobs/{job.id}/people/invite",
        data={
            "profile_id": profile_id,
            "target": f"fair:{fair.id}",
            "csrf_token": csrf_token(client),
        },
    )
    assert sent.status_code == 302

    invites = seeker_client.get("/my/invites").get_data(as_text=True)
    assert job.title in invites
    invite_id = re.search(r"/my/invites/([^/]+)/accept", invites).group(1)
    seeker_client.post(
        f"/my/invites/{invite_id}/accept", data={"csrf_token": csrf_token(seeker_client)}
    )
    assert "王芳" in client.get(f"/jobs/{job.id}/people").get_data(as_text=True)

    other = make_user("host")
    other_client = client.application.test_client()
    login(other_client, other.username)
    assert other_client.get(f"/jobs/{job.id}/people").status_code == 404


def test_staff_register_a_walk_in_at_the_service_hall(client, db, make_user):
    from app.accounts.models import Seeker

    organiser = make_user("organiser")
    login(client, organiser.username)
    token = csrf_token(client)
    form = {**FORM, "person_name": "周杰", "mobile": "139 0000 2222", "csrf_token": token}
    saved = client.post("/hall/register", data=form)
    assert saved.status_code == 302
    person = db.session.scalar(select(Seeker).where(Seeker.mobile == "13900002222"))
    assert person.name == "周杰" and person.registered_by_id == organiser.id
    profile = db.session.scalar(
        select(JobSeekerProfile).where(JobSeekerProfile.seeker_id == person.id)
    )
    assert profile.registered_by_id == organiser.id and profile.categories == ["logistics"]
    bad = client.post("/hall/register", data={**form, "mobile": "12345"})
    assert bad.status_code == 200 and "mobile" in bad.get_data(as_text=True)

    page = client.get("/organiser/matching").get_data(as_text=True)
    assert "求职者" in page and "物流" in page

    seeker_client = client.application.test_client()
    login(seeker_client, make_user("seeker").username)
    assert seeker_client.get("/hall/register").status_code == 403
    assert seeker_client.get("/organiser/matching").status_code == 403
