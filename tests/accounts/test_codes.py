"""One-time codes: six digits, hashed, five minutes, single use, five tries, and limits per
number, address and browser that say nothing about whose number it is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.codes import (
    MAX_TRIES,
    PER_BROWSER_PER_HOUR,
    PER_NUMBER_PER_DAY,
    send_code,
    verify_code,
)
from app.accounts.models import OneTimeCode
from app.errors import RateLimited, Unauthorized, ValidationError
from tests.fixtures.people import code_from_outbox

MOBILE = "13800138000"


@pytest.fixture(autouse=True)
def english(app):
    """Messages in English, as a browser asking for English gets them."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _send(db, mobile=MOBILE, purpose="sign_in", ip="10.0.0.1", browser="browser-0001"):
    send_code(mobile, purpose, ip=ip, browser=browser)
    db.session.commit()
    return code_from_outbox(mobile)


def _record(db, mobile=MOBILE) -> OneTimeCode:
    return db.session.scalars(
        select(OneTimeCode).where(OneTimeCode.mobile == mobile).order_by(OneTimeCode.id.desc())
    ).first()


def _age(db, record: OneTimeCode, by: timedelta) -> None:
    record.created_at -= by
    record.expires_at -= by
    db.session.commit()


def test_a_code_is_six_digits_stored_only_as_a_hash_and_works_once(app, db):
    code = _send(db)
    assert len(code) == 6 and code.isdigit()
    record = _record(db)
    assert code not in record.code_hash and len(record.code_hash) == 64
    verify_code(MOBILE, "sign_in", code)
    db.session.commit()
    with pytest.raises(Unauthorized, match="No valid code"):
        verify_code(MOBILE, "sign_in", code)


def test_a_code_is_for_one_purpose_and_one_number(app, db):
    code = _send(db)
    with pytest.raises(Unauthorized):
        verify_code(MOBILE, "contract_sign", code)
    with pytest.raises(Unauthorized):
        verify_code("13900139000", "sign_in", code)
    verify_code("+86 138-0013-8000", "sign_in", code)


def test_an_expired_code_is_refused(app, db):
    code = _send(db)
    _age(db, _record(db), timedelta(minutes=5, seconds=1))
    with pytest.raises(Unauthorized, match="expired"):
        verify_code(MOBILE, "sign_in", code)


def test_five_wrong_tries_use_the_code_up_even_across_rollbacks(app, db):
    code = _send(db)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in range(MAX_TRIES - 1, 0, -1):
        with pytest.raises(Unauthorized, match=f"{left} tries left"):
            verify_code(MOBILE, "sign_in", wrong)
        db.session.rollback()  # what every door does after an error
    with pytest.raises(Unauthorized, match="Too many wrong tries"):
        verify_code(MOBILE, "sign_in", wrong)
    db.session.rollback()
    with pytest.raises(Unauthorized, match="Too many wrong tries"):
        verify_code(MOBILE, "sign_in", code)  # the right code no longer helps


def test_malformed_input_is_a_validation_error(app, db):
    with pytest.raises(ValidationError, match="11-digit"):
        send_code("12345", "sign_in", ip="10.0.0.1", browser=None)
    with pytest.raises(ValidationError, match="6-digit"):
        verify_code(MOBILE, "sign_in", "12ab56")
    with pytest.raises(ValidationError):
        verify_code("not a number", "sign_in", "123456")


def test_one_code_a_minute_and_ten_a_day_per_number(app, db):
    _send(db)
    with pytest.raises(RateLimited) as refused:
        send_code(MOBILE, "sign_in", ip="10.9.9.9", browser="another-browser")
    assert 0 < int(refused.value.fields["retry_after"]) <= 60
    _age(db, _record(db), timedelta(minutes=1))
    for n in range(PER_NUMBER_PER_DAY - 1):
        _send(db, ip=f"10.0.1.{n}", browser=f"browser-{n:04d}")
        _age(db, _record(db), timedelta(minutes=1))
    with pytest.raises(RateLimited):
        send_code(MOBILE, "sign_in", ip="10.9.9.8", browser="fresh-browser")


def test_a_signing_code_need_not_wait_for_the_sign_in_codes_minute(app, db):
    """One a minute holds per purpose: a seeker who just signed in can sign a contract now."""
    _send(db)
    send_code(MOBILE, "contract_sign", ip="10.0.0.1", browser="phone")
    with pytest.raises(RateLimited):
        send_code(MOBILE, "contract_sign", ip="10.0.0.1", browser="phone")


def test_one_browser_cannot_ask_codes_for_many_numbers(app, db):
    for n in range(PER_BROWSER_PER_HOUR):
        _send(db, mobile=f"1370000{n:04d}", browser="greedy-browser")
    with pytest.raises(RateLimited):
        send_code("13799999999", "sign_in", ip="10.0.0.1", browser="greedy-browser")
    _send(db, mobile="13799999999", browser="someone-else")  # others are not held back


def test_the_answer_is_the_same_for_known_and_unknown_numbers(app, db, make_user):
    make_user("seeker", mobile="13600136000")
    for mobile in ("13600136000", "13500135000"):
        assert send_code(mobile, "sign_in", ip="10.0.0.2", browser=None) is None
    db.session.commit()
    assert code_from_outbox("13600136000") and code_from_outbox("13500135000")
