"""The export API: scopes, personal data, paging by cursor and incremental reads by `since`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.actor import Actor
from app.accounts.models import TokenScope
from app.accounts.services import create_token
from app.live.models import FollowUpStatus, SignUp, SignUpSource
from app.live.signups import SignUpRequest, record_signups
from app.reports import feed, followup
from tests.fixtures.reports import person

PATHS = ("/export/fairs", "/export/jobs", "/export/statistics", "/export/signups")


@pytest.fixture(autouse=True)
def settled(monkeypatch):
    """Changes count as settled at once (in production they wait a few seconds)."""
    monkeypatch.setattr(feed, "SETTLE", timedelta(0))


@pytest.fixture
def tokens(db, scene, make_user):
    """Tokens of every kind; the scene has a sign-up from Bob for each of its two jobs."""
    fair, _rooms, (job1, job2), (host1, _host2) = scene
    bob = person(db, "Bob", "13900000002")
    record_signups(
        [
            SignUpRequest(fair.id, bob.id, job1.id, SignUpSource.PAGE),
            SignUpRequest(fair.id, bob.id, job2.id, SignUpSource.REPLAY),
        ]
    )
    organiser = make_user("organiser")
    made = {
        "export": create_token(organiser, TokenScope.EXPORT),
        "personal": create_token(organiser, TokenScope.EXPORT_PERSONAL),
        "full": create_token(organiser),
        "host": create_token(host1),
        "host_personal": create_token(host1, TokenScope.EXPORT_PERSONAL),
        "seeker": create_token(make_user("seeker")),
    }
    db.session.commit()
    return made


def read_all(api, path, token, **params):
    """Follow next_cursor to the end; the pages' items and the last page's next_since."""
    items, cursor, pages = [], None, 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        answer = api.get(path, token=token, query_string=query)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        items += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            assert body["next_since"] is not None
            return items, body["next_since"], pages
        assert body["next_since"] is None


def test_who_may_read_what(api, tokens):
    for path in PATHS:
        assert api.get(path).status_code == 401
        for who in ("host", "host_personal", "seeker"):
            assert api.get(path, token=tokens[who]).status_code == 403, (path, who)
        assert api.get(path, token=tokens["personal"]).status_code == 200
        assert api.get(path, token=tokens["full"]).status_code == 200
        expected = 403 if path == "/export/signups" else 200
        assert api.get(path, token=tokens["export"]).status_code == expected
    assert "private" in api.get(PATHS[0], token=tokens["export"]).headers["Cache-Control"]


def test_export_tokens_get_no_personal_data_anywhere(api, tokens, scene):
    fair, _rooms, (job1, _job2), _hosts = scene
    candidates = f"/fairs/{fair.id}/jobs/{job1.id}/candidates"
    assert api.get(candidates, token=tokens["export"]).status_code == 403
    assert api.get(candidates, token=tokens["personal"]).get_json()[0]["mobile"] == "13900000002"
    for path in PATHS[:3]:
        text = api.get(path, token=tokens["export"]).get_data(as_text=True)
        assert "13900000002" not in text and "Bob" not in text


def test_fairs_jobs_and_statistics(api, db, tokens, scene):
    fair, _rooms, (job1, job2), _hosts = scene
    fairs = api.get("/export/fairs", token=tokens["export"]).get_json()["items"]
    assert [f["id"] for f in fairs] == [fair.id]
    assert sorted(fairs[0]["job_ids"]) == sorted([job1.id, job2.id])
    assert fairs[0]["starts_at"].endswith("+08:00") and fairs[0]["updated_at"]
    jobs = api.get("/export/jobs", token=tokens["export"]).get_json()["items"]
    assert {j["id"] for j in jobs} == {job1.id, job2.id}
    assert {j["employer_credit_code"] for j in jobs} == {
        job1.employer.credit_code,
        job2.employer.credit_code,
    }
    stats = api.get("/export/statistics", token=tokens["export"]).get_json()["items"]
    assert [s["fair_id"] for s in stats] == [fair.id]
    assert stats[0]["signups"] == 2
    assert stats[0]["signups_by_source"] == {
        "live": 0,
        "replay": 1,
        "page": 1,
        "onsite": 0,
        "notification": 0,
    }
    by_job = {j["job_id"]: j for j in stats[0]["jobs"]}
    assert by_job[job1.id]["signups_by_source"]["page"] == 1


def test_paging_with_a_cursor_delivers_each_row_once_in_order(api, db, tokens, make_job):
    extra = [make_job(title=f"Job {n}") for n in range(7)]
    items, _since, pages = read_all(api, "/export/jobs", tokens["export"], limit=2)
    assert pages == 5  # 9 jobs, 2 a page
    ids = [j["id"] for j in items]
    assert len(ids) == len(set(ids)) == 9 and {j.id for j in extra} <= set(ids)
    stamps = [(j["updated_at"], j["id"]) for j in items]
    assert stamps == sorted(stamps)
    assert api.get("/export/jobs?cursor=nonsense", token=tokens["export"]).status_code == 422
    assert api.get("/export/jobs?limit=0", token=tokens["export"]).status_code == 422
    assert api.get("/export/jobs?since=2026-12-01T10:00", token=tokens["export"]).status_code == 422
    assert api.get("/export/jobs?since=yesterday", token=tokens["export"]).status_code == 422


def test_since_returns_only_what_changed(api, db, tokens, scene, make_job):
    fair, _rooms, (job1, _job2), (host1, _host2) = scene
    token = tokens["personal"]
    _jobs, jobs_since, _ = read_all(api, "/export/jobs", token)
    _fairs, fairs_since, _ = read_all(api, "/export/fairs", token)
    signups, signups_since, _ = read_all(api, "/export/signups", token)
    assert {(s["name"], s["mobile"], s["status"]) for s in signups} == {
        ("Bob", "13900000002", "new")
    }
    _stats, stats_since, _ = read_all(api, "/export/statistics", token)

    nothing = api.get("/export/jobs", token=token, query_string={"since": jobs_since})
    assert nothing.get_json()["items"] == [] and nothing.get_json()["next_since"] >= jobs_since

    job1.headcount = 12  # an edit, then a new job
    db.session.commit()
    added = make_job(title="Forklift driver")
    changed, _, _ = read_all(api, "/export/jobs", token, since=jobs_since)
    assert [(j["id"], j["headcount"]) for j in changed][:1] == [(job1.id, 12)]
    assert [j["id"] for j in changed] == [job1.id, added.id]

    signup = db.session.query(SignUp).filter_by(job_id=job1.id).one()
    followup.record_followup(Actor.of(host1), signup, FollowUpStatus.INTENT_REACHED, "OK")
    db.session.commit()
    changed, _, _ = read_all(api, "/export/signups", token, since=signups_since)
    assert [(s["id"], s["status"]) for s in changed] == [(signup.id, "intent_reached")]
    stats, _, _ = read_all(api, "/export/statistics", token, since=stats_since)
    assert [(s["fair_id"], s["intents"]) for s in stats] == [(fair.id, 1)]
    assert read_all(api, "/export/fairs", token, since=fairs_since)[0] == []


def test_changes_still_committing_wait_for_the_next_read(api, db, tokens, monkeypatch):
    monkeypatch.setattr(feed, "SETTLE", timedelta(hours=1))
    body = api.get("/export/jobs", token=tokens["export"]).get_json()
    assert body["items"] == [] and body["next_cursor"] is None
    monkeypatch.setattr(feed, "SETTLE", timedelta(0))
    again = api.get(
        "/export/jobs", token=tokens["export"], query_string={"since": body["next_since"]}
    )
    assert len(again.get_json()["items"]) == 2
