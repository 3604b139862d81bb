from datetime import timedelta

import pytest

from app.accounts.actor import ANONYMOUS, Actor
from app.errors import Conflict, Forbidden, IllegalTransition, NotFound, ValidationError
from app.fairs import services
from app.fairs.models import FairStatus, RoomStatus
from app.fairs.schemas import FairIn, FairPatch, RoomFields, RoomIn
from tests.fixtures.values import hours_from_now


def fair_in(**kw):
    data = dict(
        title="招聘会",
        mode="hybrid",
        venue="大厅",
        starts_at=hours_from_now(1),
        ends_at=hours_from_now(9),
    )
    return FairIn(**{**data, **kw})


def test_fair_states_follow_the_allowed_transitions(make_fair):
    fair = make_fair(status="draft")
    with pytest.raises(IllegalTransition):
        fair.go_live()  # a draft is published first
    fair.publish()
    fair.go_live()
    fair.end()
    assert fair.status == FairStatus.ENDED
    with pytest.raises(IllegalTransition):
        fair.cancel()


def test_a_published_fair_can_be_cancelled_or_withdrawn(make_fair):
    fair = make_fair(status="published")
    fair.move_to(FairStatus.DRAFT)
    fair.publish()
    fair.cancel()
    assert fair.status == FairStatus.CANCELLED


def test_room_states(make_room):
    room = make_room()
    with pytest.raises(IllegalTransition):
        room.stream_started()  # video before the host opened the broadcast
    room.open_broadcast()
    room.stream_started()
    room.stream_stalled()
    room.stream_started()
    room.end()
    room.open_broadcast()  # a new run in the same slot
    assert room.status == RoomStatus.WAITING


def test_schedule_fair_needs_an_organiser_and_a_venue_on_site(make_user):
    organiser, host = make_user("organiser"), make_user("host")
    with pytest.raises(Forbidden):
        services.schedule_fair(Actor.of(host), fair_in())
    with pytest.raises(ValidationError) as error:
        services.schedule_fair(Actor.of(organiser), fair_in(mode="offline", venue=None))
    assert "venue" in error.value.fields
    online = services.schedule_fair(Actor.of(organiser), fair_in(mode="online", venue=None))
    assert online.status == FairStatus.DRAFT


def test_times_are_stored_in_utc_and_shown_in_the_fair_zone(db, make_user):
    organiser = make_user("organiser")
    fair = services.schedule_fair(Actor.of(organiser), fair_in())
    db.session.commit()
    db.session.expire_all()
    assert fair.starts_at.utcoffset() == timedelta(0)
    assert fair.local(fair.starts_at).utcoffset() == timedelta(hours=8)


def test_shrinking_the_window_may_not_strand_a_session(db, make_room, make_user):
    room = make_room()
    fair = room.fair
    organiser = make_user("organiser")
    with pytest.raises(ValidationError):
        services.update_fair(
            Actor.of(organiser), fair, FairPatch(starts_at=room.starts_at + timedelta(minutes=30))
        )


def test_overlapping_sessions_for_one_host_are_refused_across_fairs(db, make_fair, make_user):
    organiser, host = make_user("organiser"), make_user("host")
    start = hours_from_now(-1)
    a, b = make_fair(starts_at=start), make_fair(starts_at=start)
    start = a.starts_at
    services.schedule_room(
        Actor.of(organiser),
        a,
        RoomIn(title="A", host_id=host.id, starts_at=start, ends_at=start + timedelta(hours=2)),
    )
    with pytest.raises(Conflict):
        services.schedule_room(
            Actor.of(organiser),
            b,
            RoomIn(
                title="B",
                host_id=host.id,
                starts_at=start + timedelta(hours=1),
                ends_at=start + timedelta(hours=3),
            ),
        )
    # back to back is fine
    services.schedule_room(
        Actor.of(organiser),
        b,
        RoomIn(
            title="C",
            host_id=host.id,
            starts_at=start + timedelta(hours=2),
            ends_at=start + timedelta(hours=3),
        ),
    )


def test_sessions_of_a_cancelled_fair_do_not_block_the_host(db, make_fair, make_user):
    organiser, host = make_user("organiser"), make_user("host")
    start = hours_from_now(-1)
    a, b = make_fair(starts_at=start), make_fair(starts_at=start)
    start = a.starts_at
    services.schedule_room(
        Actor.of(organiser),
        a,
        RoomIn(title="A", host_id=host.id, starts_at=start, ends_at=start + timedelta(hours=2)),
    )
    a.cancel()
    room = services.schedule_room(
        Actor.of(organiser),
        b,
        RoomIn(title="B", host_id=host.id, starts_at=start, ends_at=start + timedelta(hours=2)),
    )
    assert room.id


def test_moving_a_room_rechecks_overlap(db, make_fair, make_user):
    organiser, host = make_user("organiser"), make_user("host")
    fair = make_fair()
    start = fair.starts_at
    services.schedule_room(
        Actor.of(organiser),
        fair,
        RoomIn(title="A", host_id=host.id, starts_at=start, ends_at=start + timedelta(hours=1)),
    )
    b = services.schedule_room(
        Actor.of(organiser),
        fair,
        RoomIn(
            title="B",
            host_id=host.id,
            starts_at=start + timedelta(hours=1),
            ends_at=start + timedelta(hours=2),
        ),
    )
    with pytest.raises(Conflict):
        services.update_room(
            Actor.of(organiser), b, RoomFields(starts_at=start + timedelta(minutes=30))
        )


def test_an_offline_fair_has_no_sessions(db, make_fair, make_user):
    organiser, host = make_user("organiser"), make_user("host")
    fair = make_fair(mode="offline")
    with pytest.raises(ValidationError):
        services.schedule_room(
            Actor.of(organiser),
            fair,
            RoomIn(
                title="A",
                host_id=host.id,
                starts_at=fair.starts_at,
                ends_at=fair.starts_at + timedelta(hours=1),
            ),
        )


def test_drafts_are_invisible_to_the_public(make_fair, make_user):
    draft = make_fair(status="draft")
    with pytest.raises(NotFound):
        services.get_fair(ANONYMOUS, draft.id)
    with pytest.raises(NotFound):
        services.get_fair(Actor.of(make_user("seeker")), draft.id)
    assert services.get_fair(Actor.of(make_user("organiser")), draft.id) is draft


def test_hosts_see_drafts_they_present_in(make_room):
    room = make_room()
    room.fair.status = FairStatus.DRAFT
    assert services.get_fair(Actor.of(room.host), room.fair_id) is room.fair
