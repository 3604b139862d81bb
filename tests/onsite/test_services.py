"""On-site services without HTTP: places and the waiting list, tickets, check-in, booths."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, union

from app.accounts.actor import ANONYMOUS, Actor
from app.accounts.schemas import Identity
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.fairs.models import FairStatus
from app.live.models import SignUp, SignUpSource
from app.live.operations import sign_up
from app.onsite import services
from app.onsite.models import CheckIn, Registration, RegistrationStatus
from app.onsite.schemas import OnsiteSignUpIn
from tests.fixtures.onsite import by_code, by_mobile
from tests.fixtures.people import seeker_actor
from tests.fixtures.values import hours_from_now

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)


def register(db, fair, seeker):
    registration, created = services.register_seeker(seeker_actor(seeker), fair, seeker)
    db.session.commit()
    return registration, created


def test_places_then_the_waiting_list_in_order(db, venue, make_seeker):
    people = [make_seeker() for _ in range(4)]
    registrations = [register(db, venue.fair, p)[0] for p in people]
    assert [r.status for r in registrations] == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert [services.waitlist_position(r) for r in registrations] == [None, None, 1, 2]
    counts = services.attendance(venue.fair)
    assert (counts.confirmed, counts.waitlisted, counts.places_left) == (2, 2, 0)

    # Cancelling a confirmed place gives it to the first on the waiting list, not the second.
    promoted = services.cancel_registration(Actor.of(venue.organiser), registrations[0])
    db.session.commit()
    assert promoted == [registrations[2]]
    db.session.refresh(registrations[2])
    db.session.refresh(registrations[3])
    assert registrations[2].status == CONFIRMED and registrations[2].confirmed_at is not None
    assert registrations[3].status == WAITLISTED
    assert services.waitlist_position(registrations[3]) == 1
    assert services.attendance(venue.fair).confirmed == 2


def test_registering_again_is_the_same_registration(db, venue, make_seeker):
    seeker = make_seeker()
    first, created = register(db, venue.fair, seeker)
    again, created_again = register(db, venue.fair, seeker)
    assert created and not created_again and again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_an_anonymous_browser_does_not_register_anyone(db, venue, make_seeker):
    seeker = make_seeker()
    register(db, venue.fair, seeker)
    with pytest.raises(Forbidden):
        services.register_seeker(ANONYMOUS, venue.fair, seeker)
    with pytest.raises(Forbidden):
        services.register_seeker(ANONYMOUS, venue.fair, make_seeker())


def test_a_cancelled_registration_reopens_with_the_same_ticket_at_the_back(db, venue, make_seeker):
    a, b, c = make_seeker(), make_seeker(), make_seeker()
    first = register(db, venue.fair, a)[0]
    register(db, venue.fair, b)
    code = first.ticket_code
    services.cancel_registration(ANONYMOUS, first, held=[first.id])
    db.session.commit()
    register(db, venue.fair, c)  # takes the freed place
    again, created = register(db, venue.fair, a)
    assert created and again.id == first.id and again.ticket_code == code
    assert again.status == WAITLISTED and again.cancelled_at is None


def test_cancelling_twice_is_harmless_and_strangers_cannot(db, venue, make_seeker, make_user):
    registration = register(db, venue.fair, make_seeker())[0]
    stranger = make_user("seeker")
    with pytest.raises(NotFound):
        services.cancel_registration(Actor.of(stranger), registration)
    with pytest.raises(NotFound):
        services.cancel_registration(ANONYMOUS, registration, held=["someone-else"])
    assert services.cancel_registration(Actor.of(venue.organiser), registration) == []
    db.session.commit()
    assert services.cancel_registration(Actor.of(venue.organiser), registration) == []
    assert registration.status == CANCELLED


def test_a_raised_capacity_goes_to_the_waiting_list_first(db, venue, make_seeker):
    waiting = [register(db, venue.fair, make_seeker())[0] for _ in range(4)][2:]
    venue.fair.capacity = 3
    db.session.commit()
    promoted = services.confirm_waiting(Actor.of(venue.organiser), venue.fair)
    db.session.commit()
    assert promoted == [waiting[0]]
    venue.fair.capacity = 5
    db.session.commit()
    # The next registration lets the queue in before the newcomer.
    newcomer = register(db, venue.fair, make_seeker())[0]
    db.session.refresh(waiting[1])
    assert waiting[1].status == CONFIRMED and newcomer.status == CONFIRMED
    assert services.attendance(venue.fair).confirmed == 5


def test_unlimited_fairs_confirm_everyone(db, venue, make_seeker):
    venue.fair.capacity = None
    db.session.commit()
    statuses = {register(db, venue.fair, make_seeker())[0].status for _ in range(5)}
    assert statuses == {CONFIRMED}
    assert services.attendance(venue.fair).places_left is None


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"mode": "online"}, "online_only"),
        ({"status": FairStatus.DRAFT}, "not_open"),
        ({"status": FairStatus.CANCELLED}, "not_open"),
        ({"starts_at": hours_from_now(-9), "ends_at": hours_from_now(-1)}, "over"),
    ],
)
def test_registration_is_closed_when_there_is_nothing_to_attend(
    db, venue, make_seeker, change, reason
):
    from app.fairs.models import FairMode

    for name, value in change.items():
        setattr(venue.fair, name, FairMode(value) if name == "mode" else value)
    db.session.commit()
    assert services.registration_closed_reason(venue.fair) == reason
    with pytest.raises(services.Closed):
        seeker = make_seeker()
        services.register_seeker(seeker_actor(seeker), venue.fair, seeker)


def test_staff_do_not_register_themselves(db, venue, make_user, make_seeker):
    with pytest.raises(Forbidden):
        services.register_seeker(Actor.of(venue.organiser), venue.fair, make_seeker())
    with pytest.raises(Forbidden):
        services.register_seeker(Actor.of(venue.host), venue.fair, make_seeker())
    seeker_user = make_user("seeker")
    with pytest.raises(Forbidden):  # only themself
        services.register_seeker(Actor.of(seeker_user), venue.fair, make_seeker())


def test_ticket_codes_are_short_unambiguous_and_read_leniently():
    codes = {services.new_ticket_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 8 and not set(code) & set("01IOL")
    code = next(iter(codes))
    printed = services.format_ticket_code(code)
    assert printed == f"{code[:4]}-{code[4:]}"
    assert services.normalize_ticket_code(printed.lower()) == code
    assert services.normalize_ticket_code(f" {code[:4]} {code[4:]} ") == code
    assert services.normalize_ticket_code(f"https://fair.example/t/{code}") == code
    for bad in ("", "ABC", code + "2", "O" + code[1:], "<script>", "一二三四五六七八"):
        assert services.normalize_ticket_code(bad) is None


def test_check_in_once_by_code_or_mobile(db, venue, make_seeker):
    seeker = make_seeker(name="王小明", mobile="13912345678")
    registration = register(db, venue.fair, seeker)[0]
    checkin = services.check_in(
        Actor.of(venue.organiser),
        venue.fair,
        by_code(services.format_ticket_code(registration.ticket_code)),
    )
    db.session.commit()
    assert checkin.seeker_id == seeker.id and checkin.method.value == "ticket"
    with pytest.raises(services.AlreadyCheckedIn) as second:
        services.check_in(Actor.of(venue.organiser), venue.fair, by_mobile("+86 139 1234 5678"))
    assert second.value.status == 409
    assert second.value.fields["person"] == "王小明 139****5678"
    assert "checked_in_at" in second.value.fields
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
    with pytest.raises(Conflict):  # a person who came cannot cancel any more
        services.cancel_registration(Actor.of(venue.organiser), registration)


def test_check_in_refusals_say_why(db, venue, make_fair, make_seeker):
    other_fair = make_fair(title="别的招聘会", organiser=venue.organiser)
    elsewhere = register(db, other_fair, make_seeker())[0]
    with pytest.raises(services.WrongFair) as wrong:
        services.check_in(Actor.of(venue.organiser), venue.fair, by_code(elsewhere.ticket_code))
    assert wrong.value.fields["fair"] == "别的招聘会"
    db.session.rollback()

    cancelled = register(db, venue.fair, make_seeker())[0]
    services.cancel_registration(Actor.of(venue.organiser), cancelled)
    db.session.commit()
    with pytest.raises(services.TicketCancelled):
        services.check_in(Actor.of(venue.organiser), venue.fair, by_code(cancelled.ticket_code))
    db.session.rollback()

    register(db, venue.fair, make_seeker())
    register(db, venue.fair, make_seeker())
    waiting = register(db, venue.fair, make_seeker())[0]
    assert waiting.status == WAITLISTED
    with pytest.raises(services.Waitlisted):
        services.check_in(Actor.of(venue.organiser), venue.fair, by_code(waiting.ticket_code))
    db.session.rollback()

    with pytest.raises(NotFound):
        services.check_in(Actor.of(venue.organiser), venue.fair, by_code("ABCD2345"))
    db.session.rollback()
    with pytest.raises(ValidationError):
        services.check_in(Actor.of(venue.organiser), venue.fair, by_code("not a code"))
    db.session.rollback()
    with pytest.raises(NotFound):
        services.check_in(Actor.of(venue.organiser), venue.fair, by_mobile("13700000999"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_only_organisers_run_check_in(db, venue, make_seeker, make_user):
    registration = register(db, venue.fair, make_seeker())[0]
    for actor in (Actor.of(venue.host), Actor.of(make_user("seeker")), ANONYMOUS):
        with pytest.raises(Forbidden):
            services.check_in(actor, venue.fair, by_code(registration.ticket_code))
        with pytest.raises(Forbidden):
            services.register_walk_in(
                actor, venue.fair, Identity(name="张三", mobile="13600000001")
            )


def test_one_identity_online_and_on_site(db, app, venue, make_user):
    """A seeker with an account, a walk-in with the same number and their sign-ups: one person."""
    online = make_user("seeker", name="李娜", mobile="13800138000")
    registration, _ = services.register_seeker(Actor.of(online), venue.fair, online.seeker)
    db.session.commit()
    walk_in, created = services.register_walk_in(
        Actor.of(venue.organiser), venue.fair, Identity(name="李 娜", mobile="138-0013-8000")
    )
    db.session.commit()
    assert not created and walk_in.id == registration.id
    assert walk_in.seeker_id == online.seeker_id
    checkin = services.check_in(Actor.of(venue.organiser), venue.fair, by_mobile("13800138000"))
    db.session.commit()
    assert checkin.seeker_id == online.seeker_id

    # Watching online and signing up at the booth are the same person too.
    sign_up(Actor.of(online), venue.job.id, SignUpSource.PAGE, fair_id=venue.fair.id)
    result, _ = services.take_booth_sign_up(
        Actor.of(venue.host),
        venue.fair,
        OnsiteSignUpIn(ticket_code=registration.ticket_code, job_id=venue.job.id),
    )
    assert result.created is False  # already signed up for this job online
    people = union(
        select(SignUp.seeker_id).where(SignUp.fair_id == venue.fair.id),
        select(CheckIn.seeker_id).where(CheckIn.fair_id == venue.fair.id),
        select(Registration.seeker_id).where(Registration.fair_id == venue.fair.id),
    ).subquery()
    assert db.session.scalar(select(func.count()).select_from(people)) == 1


def test_walk_ins_are_new_people_or_found_by_mobile(db, venue, make_seeker):
    known = make_seeker(name="陈静", mobile="13512345678")
    registration, created = services.register_walk_in(
        Actor.of(venue.organiser), venue.fair, Identity(name="陈静", mobile="+86 135 1234 5678")
    )
    db.session.commit()
    assert created and registration.seeker_id == known.id
    assert registration.channel.value == "walk_in"
    assert registration.registered_by_id == venue.organiser.id
    fresh, _ = services.register_walk_in(
        Actor.of(venue.organiser), venue.fair, Identity(name="新人", mobile="13512340000")
    )
    db.session.commit()
    assert fresh.seeker_id != known.id


def test_booth_sign_ups_for_people_who_came(db, app, venue, make_seeker, make_user):
    seeker = make_seeker()
    registration = register(db, venue.fair, seeker)[0]
    ref = {"ticket_code": registration.ticket_code}
    with pytest.raises(services.NotCheckedIn):
        services.take_booth_sign_up(
            Actor.of(venue.host), venue.fair, OnsiteSignUpIn(job_id=venue.job.id, **ref)
        )
    services.check_in(Actor.of(venue.organiser), venue.fair, by_code(registration.ticket_code))
    db.session.commit()
    with pytest.raises(Forbidden):  # another employer's job
        services.take_booth_sign_up(
            Actor.of(venue.host), venue.fair, OnsiteSignUpIn(job_id=venue.other_job.id, **ref)
        )
    with pytest.raises(Forbidden):
        services.take_booth_sign_up(
            Actor.of(make_user("seeker")), venue.fair, OnsiteSignUpIn(job_id=venue.job.id, **ref)
        )
    with pytest.raises(ValidationError):
        services.take_booth_sign_up(
            Actor.of(venue.host), venue.fair, OnsiteSignUpIn(job_id="nope", **ref)
        )
    result, _ = services.take_booth_sign_up(
        Actor.of(venue.host), venue.fair, OnsiteSignUpIn(job_id=venue.job.id, **ref)
    )
    assert result.created
    result, _ = services.take_booth_sign_up(
        Actor.of(venue.organiser), venue.fair, OnsiteSignUpIn(job_id=venue.other_job.id, **ref)
    )
    assert result.count == 1
    rows = db.session.scalars(select(SignUp).where(SignUp.seeker_id == seeker.id)).all()
    assert {(r.job_id, r.source) for r in rows} == {
        (venue.job.id, SignUpSource.ONSITE),
        (venue.other_job.id, SignUpSource.ONSITE),
    }


def test_booth_numbers(db, venue, make_employer):
    booth = services.set_booth(
        Actor.of(venue.organiser), venue.fair, venue.host.employer_id, " a12 "
    )
    db.session.commit()
    assert booth.number == "A12"
    with pytest.raises(Conflict):
        services.set_booth(
            Actor.of(venue.organiser), venue.fair, venue.other_job.employer_id, "A12"
        )
    db.session.rollback()
    services.set_booth(Actor.of(venue.organiser), venue.fair, venue.other_job.employer_id, "B3")
    services.set_booth(Actor.of(venue.organiser), venue.fair, venue.host.employer_id, "A1")
    db.session.commit()
    numbers = {e: b.number for e, b in services.fair_booths(venue.fair.id).items()}
    assert numbers == {venue.host.employer_id: "A1", venue.other_job.employer_id: "B3"}
    assert (
        services.set_booth(Actor.of(venue.organiser), venue.fair, venue.host.employer_id, None)
        is None
    )
    db.session.commit()
    assert venue.host.employer_id not in services.fair_booths(venue.fair.id)
    with pytest.raises(NotFound):
        services.set_booth(Actor.of(venue.organiser), venue.fair, make_employer().id, "C1")
    with pytest.raises(Forbidden):
        services.set_booth(Actor.of(venue.host), venue.fair, venue.host.employer_id, "C1")


def test_who_sees_which_registrations(db, venue, make_user, make_seeker):
    alice, bob = make_user("seeker"), make_user("seeker")
    mine = services.register_seeker(Actor.of(alice), venue.fair, alice.seeker)[0]
    theirs = services.register_seeker(Actor.of(bob), venue.fair, bob.seeker)[0]
    anonymous = register(db, venue.fair, make_seeker())[0]
    db.session.commit()
    assert services.list_registrations(Actor.of(alice), venue.fair) == [mine]
    assert len(services.list_registrations(Actor.of(venue.organiser), venue.fair)) == 3
    assert services.list_registrations(ANONYMOUS, venue.fair, held=[anonymous.id]) == [anonymous]
    assert services.list_registrations(ANONYMOUS, venue.fair) == []
    with pytest.raises(Forbidden):
        services.list_registrations(Actor.of(venue.host), venue.fair)
    assert services.get_registration(Actor.of(alice), mine.id) == mine
    with pytest.raises(NotFound):
        services.get_registration(Actor.of(alice), theirs.id)
    with pytest.raises(NotFound):
        services.get_registration(ANONYMOUS, theirs.id, held=[anonymous.id])
    assert services.get_registration(Actor.of(venue.organiser), theirs.id) == theirs
    assert services.my_registrations(Actor.of(alice)) == [mine]
    assert services.my_registrations(Actor.of(venue.host)) == []


def test_checkins_are_listed_for_organisers(db, venue, make_seeker):
    registration = register(db, venue.fair, make_seeker())[0]
    services.check_in(Actor.of(venue.organiser), venue.fair, by_code(registration.ticket_code))
    db.session.commit()
    assert [
        c.registration_id for c in services.list_checkins(Actor.of(venue.organiser), venue.fair)
    ] == [registration.id]
    assert services.attendance(venue.fair).checked_in == 1
    with pytest.raises(Forbidden):
        services.list_checkins(Actor.of(venue.host), venue.fair)


def test_the_fair_being_over_keeps_tickets_but_stops_promotion(db, venue, make_seeker):
    first = register(db, venue.fair, make_seeker())[0]
    register(db, venue.fair, make_seeker())
    waiting = register(db, venue.fair, make_seeker())[0]
    venue.fair.starts_at = hours_from_now(-10)
    venue.fair.ends_at = venue.fair.starts_at + timedelta(hours=2)
    db.session.commit()
    assert services.cancel_registration(Actor.of(venue.organiser), first) == []
    db.session.commit()
    db.session.refresh(waiting)
    assert waiting.status == WAITLISTED


def test_the_database_itself_refuses_a_second_check_in(db, venue, make_seeker):
    from sqlalchemy.exc import IntegrityError

    registration = register(db, venue.fair, make_seeker())[0]
    services.check_in(Actor.of(venue.organiser), venue.fair, by_code(registration.ticket_code))
    db.session.commit()
    db.session.add(
        CheckIn(
            fair_id=venue.fair.id,
            seeker_id=registration.seeker_id,
            registration_id=registration.id,
            method="mobile",
            checked_in_by_id=venue.organiser.id,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_no_check_in_once_the_fair_has_ended(db, venue, make_seeker):
    registration = register(db, venue.fair, make_seeker())[0]
    venue.fair.move_to(FairStatus.LIVE)
    venue.fair.move_to(FairStatus.ENDED)
    db.session.commit()
    with pytest.raises(services.Closed) as closed:
        services.check_in(Actor.of(venue.organiser), venue.fair, by_code(registration.ticket_code))
    assert closed.value.fields == {"fair": "not_open"}
