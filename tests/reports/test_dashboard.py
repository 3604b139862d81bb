"""The market dashboard against hand-computed supply and demand, through the API and the page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.accounts.actor import Actor
from app.live import signups as signup_log
from app.live.models import FollowUpStatus, SignUp, SignUpSource
from app.live.signups import SignUpRequest, WithdrawRequest, record_signups, record_withdrawals
from app.reports import followup
from app.reports.dashboard import DashboardFilter, market_dashboard
from tests.fixtures.reports import person
from tests.fixtures.values import csrf_token, login

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: int, hour: int, month: int = 12) -> datetime:
    """A time in December 2026, Shanghai, as stored (UTC)."""
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def market(db, make_fair, make_job, make_employer, make_user, monkeypatch):
    """Two fairs offering three jobs (a draft and a cancelled fair offer more, which do not
    count), four sign-ups (one withdrawn, one outside the days), two intents and a hire."""
    factory, depot = make_employer(), make_employer()
    assembly = make_job(employer=factory, title="Assembly", category="manufacturing", headcount=10)
    sorting = make_job(
        employer=depot,
        title="Sorting",
        category="logistics",
        headcount=5,
        pay_min=150,
        pay_max=200,
        pay_unit="day",
    )
    driver = make_job(
        employer=depot,
        title="Driver",
        category="logistics",
        headcount=3,
        pay_min=4000,
        pay_max=6000,
        pay_unit="month",
    )
    cook = make_job(title="Cook", category="catering", headcount=100)
    two_days = make_fair(title="Two days", starts_at=local(1, 9), ends_at=local(2, 18))
    one_day = make_fair(
        title="One day", starts_at=local(2, 9), ends_at=local(2, 17), status="ended"
    )
    draft = make_fair(title="Draft", starts_at=local(2, 9), ends_at=local(2, 17), status="draft")
    cancelled = make_fair(
        title="Off", starts_at=local(2, 9), ends_at=local(2, 17), status="cancelled"
    )
    two_days.jobs.extend([assembly, sorting])
    one_day.jobs.extend([sorting, driver])
    draft.jobs.append(cook)
    cancelled.jobs.append(cook)
    db.session.commit()

    bob, cat = person(db, "Bob", "13900000002"), person(db, "Cat", "13900000003")
    dan, eve = person(db, "Dan", "13900000004"), person(db, "Eve", "13900000005")
    ann = person(db, "Ann", "13900000006")

    def sign_up(at, seeker, fair, job):
        monkeypatch.setattr(signup_log, "utcnow", lambda: at)
        record_signups([SignUpRequest(fair.id, seeker.id, job.id, SignUpSource.PAGE)])
        db.session.commit()
        return db.session.query(SignUp).filter_by(seeker_id=seeker.id, job_id=job.id).one()

    bob_assembly = sign_up(local(1, 10), bob, two_days, assembly)  # Dec 1
    sign_up(local(2, 1), cat, two_days, sorting)  # Dec 2, 01:00 (Dec 1 17:00 UTC)
    dan_driver = sign_up(local(2, 11), dan, one_day, driver)  # Dec 2
    sign_up(local(2, 12), eve, one_day, assembly)
    record_withdrawals([WithdrawRequest(one_day.id, eve.id, assembly.id)])  # not counted
    sign_up(local(30, 18, month=11), ann, two_days, assembly)  # Nov 30: before the days
    db.session.commit()

    organiser = make_user("organiser")

    def follow(signup, status, at):
        note = followup.record_followup(Actor.of(organiser), signup, status, "")
        note.created_at = at
        db.session.commit()

    follow(bob_assembly, FollowUpStatus.INTENT_REACHED, local(2, 12))
    follow(dan_driver, FollowUpStatus.CONTACTED, local(2, 15))
    follow(dan_driver, FollowUpStatus.INTENT_REACHED, local(3, 10))
    follow(dan_driver, FollowUpStatus.HIRED, local(3, 11))
    return organiser


def test_supply_against_demand_by_day_trade_and_pay(db, market):
    figures = market_dashboard(
        Actor.of(market), DashboardFilter(date(2026, 12, 1), date(2026, 12, 3))
    )
    assert figures["totals"] == {
        "fairs": 2,
        "positions": 3,  # Assembly, Sorting, Driver (Sorting at both fairs counts once)
        "headcount": 18,
        "signups": 3,  # Bob, Cat, Dan; Eve withdrew; Ann signed up before the days
        "intents": 2,
        "hires": 1,
        "contracts_signed": 0,
        "contracts_confirmed": 0,
        "wages_confirmed": 0.0,
        "signups_per_opening": round(3 / 18, 4),
    }
    days = {d["day"]: d for d in figures["days"]}
    assert days["2026-12-01"] == {
        "day": "2026-12-01",
        "positions": 2,
        "headcount": 15,
        "signups": 1,
        "intents": 0,
        "contracts_signed": 0,
    }
    # Cat signed up at 01:00 on 2 December in Shanghai (still 1 December in UTC).
    assert days["2026-12-02"] == {
        "day": "2026-12-02",
        "positions": 3,
        "headcount": 18,
        "signups": 2,
        "intents": 1,
        "contracts_signed": 0,
    }
    # Dan's intent is dated by the first note that reached it, not by the later hire.
    assert days["2026-12-03"] == {
        "day": "2026-12-03",
        "positions": 0,
        "headcount": 0,
        "signups": 0,
        "intents": 1,
        "contracts_signed": 0,
    }
    categories = {c["category"]: c for c in figures["categories"]}
    assert categories["manufacturing"] == {
        "category": "manufacturing",
        "positions": 1,
        "headcount": 10,
        "signups": 1,
        "intents": 1,
        "hires": 0,
    }
    assert categories["logistics"] == {
        "category": "logistics",
        "positions": 2,
        "headcount": 8,
        "signups": 2,
        "intents": 1,
        "hires": 1,
    }
    assert "catering" not in categories
    pay = {p["unit"]: p for p in figures["pay"]}
    assert pay["hour"] == {
        "unit": "hour",
        "jobs": 1,
        "lowest": 22,
        "highest": 26,
        "average_min": 22,
        "average_max": 26,
    }
    assert (pay["day"]["lowest"], pay["day"]["highest"]) == (150, 200)
    assert (pay["month"]["lowest"], pay["month"]["highest"]) == (4000, 6000)


def test_the_dashboard_api_filters_by_trade_and_dates(api, db, market, token_for, make_user):
    token = token_for(market)
    answer = api.get("/dashboard?from=2026-12-01&to=2026-12-02&category=logistics", token=token)
    assert answer.status_code == 200
    assert "private" in answer.headers["Cache-Control"]
    body = answer.get_json()
    assert body["category"] == "logistics"
    assert [(d["day"], d["positions"], d["headcount"], d["signups"]) for d in body["days"]] == [
        ("2026-12-01", 1, 5, 0),
        ("2026-12-02", 2, 8, 2),
    ]
    assert body["totals"]["intents"] == 0  # Dan's intent came on 3 December
    assert [p["unit"] for p in body["pay"]] == ["day", "month"]
    one_day = api.get("/dashboard?from=2026-11-30&to=2026-11-30", token=token).get_json()
    assert one_day["totals"]["signups"] == 1 and one_day["totals"]["positions"] == 0
    for bad in ("from=2026-12-05&to=2026-12-01", "from=yesterday", "from=2020-01-01&to=2026-01-01"):
        assert api.get(f"/dashboard?{bad}", token=token).status_code == 422
    assert api.get("/dashboard?category=astronaut", token=token).status_code == 422
    default = api.get("/dashboard", token=token).get_json()
    assert len(default["days"]) == 30
    host = token_for(make_user("host"))
    assert api.get("/dashboard", token=host).status_code == 403
    assert api.get("/dashboard").status_code == 401


def test_the_dashboard_page_for_organisers_only(client, db, market, make_user):
    login(client, market.username)
    response = client.get("/organiser/dashboard?from=2026-12-01&to=2026-12-03&category=")
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"] and "Cookie" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert 'id="total-headcount"><span class="value">18<' in html
    assert 'id="total-signups"><span class="value">3<' in html
    assert 'data-category="logistics"' in html and 'data-unit="month"' in html
    assert "/api/v1/dashboard?from=2026-12-01&amp;to=2026-12-03" in html
    assert "js/dashboard.js" in html and "/vendor/chart.umd.min.js" in html
    wrong = client.get("/organiser/dashboard?from=2026-12-09&to=2026-12-01")
    assert wrong.status_code == 200 and 'role="alert"' in wrong.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, make_user("host").username)
    assert client.get("/organiser/dashboard").status_code == 403


def test_an_empty_market_has_zeros_not_errors(db, make_user):
    organiser = make_user("organiser")
    start = date(2026, 12, 1)
    figures = market_dashboard(
        Actor.of(organiser), DashboardFilter(start, start + timedelta(days=6))
    )
    assert figures["totals"]["positions"] == 0 and figures["totals"]["signups_per_opening"] == 0
    assert len(figures["days"]) == 7 and figures["pay"] == [] and figures["categories"] == []
