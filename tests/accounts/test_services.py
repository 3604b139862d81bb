import pytest

from app.accounts.models import ApiToken, Employer, Seeker
from app.accounts.schemas import Identity, NewUser
from app.accounts.services import (
    FREE_FAILURES_PER_ACCOUNT,
    authenticate,
    create_token,
    create_user,
    hash_token,
    identify_seeker,
    token_for,
)
from app.errors import Conflict, RateLimited, Unauthorized, ValidationError
from tests.fixtures.values import PASSWORD


def test_passwords_are_hashed_strongly(make_user):
    user = make_user("organiser")
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_host_creation_creates_the_employer_once(db, make_user):
    a = make_user("host", employer="Hengda Electronics")
    b = make_user("host", employer="Hengda Electronics")
    assert a.employer_id == b.employer_id
    assert db.session.query(Employer).filter_by(name="Hengda Electronics").count() == 1


def test_a_host_needs_an_employer_and_others_have_none(db):
    with pytest.raises(ValidationError):
        create_user(NewUser(role="host", username="host1", password=PASSWORD))
    with pytest.raises(ValidationError):
        create_user(NewUser(role="organiser", username="org1", password=PASSWORD, employer="X"))


def test_duplicate_usernames_are_refused(make_user):
    make_user("organiser", username="wang")
    with pytest.raises(Conflict):
        create_user(NewUser(role="organiser", username="wang", password=PASSWORD))


def test_authenticate_slows_after_repeated_failures(db, make_user):
    user = make_user("organiser")
    for _ in range(FREE_FAILURES_PER_ACCOUNT):
        with pytest.raises(Unauthorized):
            authenticate(user.username, "wrong", "10.0.0.1")
    with pytest.raises(RateLimited):
        authenticate(user.username, PASSWORD, "10.0.0.1")


def test_a_known_browser_gets_in_while_others_are_slowed(db, make_user):
    user = make_user("organiser")
    for _ in range(FREE_FAILURES_PER_ACCOUNT + 3):
        with pytest.raises((Unauthorized, RateLimited)):
            authenticate(user.username, "wrong", "10.0.0.9")
    with pytest.raises(RateLimited):
        authenticate(user.username, PASSWORD, "10.0.0.1")
    assert authenticate(user.username, PASSWORD, "10.0.0.1", (user.id, "owner-device")) is user


def test_the_first_failures_are_free_and_a_success_does_not_reset_the_count(db, make_user):
    user = make_user("organiser")
    for _ in range(FREE_FAILURES_PER_ACCOUNT - 1):
        with pytest.raises(Unauthorized):
            authenticate(user.username, "wrong", "10.0.0.1")
    assert authenticate(user.username, PASSWORD, "10.0.0.1") is user
    with pytest.raises(Unauthorized):
        authenticate(user.username, "wrong", "10.0.0.1")
    with pytest.raises(RateLimited):
        authenticate(user.username, PASSWORD, "10.0.0.1")


def test_tokens_are_stored_only_hashed(db, make_user):
    user = make_user("host")
    token = create_token(user)
    stored = db.session.query(ApiToken).one()
    assert stored.token_hash == hash_token(token) != token
    assert token_for(token).user is user
    assert token_for(token + "x") is None
    assert token_for("not-a-token") is None


def test_a_mobile_number_is_one_person(db):
    first = identify_seeker(Identity(name="张伟", mobile="138 0013 8000"))
    again = identify_seeker(Identity(name="Zhang Wei", mobile="+8613800138000"))
    assert first is again
    assert db.session.query(Seeker).count() == 1


def test_resident_ids_are_kept_only_as_keyed_hashes(db):
    seeker = identify_seeker(
        Identity(name="李娜", mobile="13900000001", id_number="11010519491231002X"), "key"
    )
    assert seeker.id_number_hash and "11010519491231002X" not in seeker.id_number_hash
    with pytest.raises(Conflict):
        identify_seeker(
            Identity(name="X", mobile="13900000002", id_number="11010519491231002X"), "key"
        )


def test_identity_validation_messages():
    with pytest.raises(Exception, match="mobile"):
        Identity(name="A", mobile="12345")
    with pytest.raises(Exception, match="resident ID"):
        Identity(name="A", mobile="13800138000", id_number="110105194912310021")
