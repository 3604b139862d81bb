"""A deal in the making: a live fair, an employer's host with a day-paid gig job, and a
seeker with a checked real name who signed up for it; one CA for the whole test session."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.accounts.actor import Actor
from app.accounts.models import RealNameLevel, Seeker
from app.db import utcnow
from app.live import operations
from app.live.models import SignUp, SignUpSource
from tests.fixtures.values import valid_credit_code


@pytest.fixture(scope="session")
def ca_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("contracts-ca")


@pytest.fixture
def settings(settings, ca_dir):
    settings.contract_ca_dir = str(ca_dir)
    return settings


@pytest.fixture
def deal(db, make_fair, make_user, make_job):
    """A live fair whose gig job (180–220 yuan a day) a verified seeker signed up for."""
    organiser = make_user("organiser")
    fair = make_fair(organiser=organiser, status="live", title="零工市场招聘会")
    host = make_user("host", employer="恒达物流")
    host.employer.credit_code = valid_credit_code(77)
    job = make_job(
        employer=host.employer,
        title="仓库分拣员",
        pay_min=180,
        pay_max=220,
        pay_unit="day",
        work_type="gig",
        shift="08:00-17:00",
    )
    fair.jobs.append(job)
    worker = make_user("seeker", name="张三", mobile="13900001111")
    seeker = db.session.get(Seeker, worker.seeker_id)
    seeker.id_number_masked = "350***********1234"
    seeker.real_name_level = RealNameLevel.ID_CHECKED
    seeker.mobile_verified_at = utcnow()
    db.session.commit()
    operations.sign_up(Actor.of(worker), job.id, SignUpSource.PAGE, fair_id=fair.id)
    db.session.commit()
    signup = db.session.scalars(select(SignUp).where(SignUp.seeker_id == seeker.id)).one()
    today = utcnow().date()
    terms = {
        "job_id": job.id,
        "seeker_id": seeker.id,
        "starts_on": (today + timedelta(days=2)).isoformat(),
        "ends_on": (today + timedelta(days=4)).isoformat(),
        "pay_amount": 200,
        "pay_unit": "day",
        "place": "东园仓库 3 号门",
        "shift": "白班 08:00-17:00",
    }
    return SimpleNamespace(
        fair=fair,
        organiser=organiser,
        host=host,
        job=job,
        worker=worker,
        seeker=seeker,
        signup=signup,
        signup_id=signup.id,
        terms=terms,
    )
