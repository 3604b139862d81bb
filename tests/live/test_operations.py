"""The live operations, called directly with an Actor: no HTTP, no socket."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.accounts.actor import Actor
from app.accounts.models import TokenScope
from app.accounts.schemas import Identity
from app.accounts.services import identify_seeker
from app.announce import commit
from app.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationError
from app.fairs.models import FairStatus, RoomStatus
from app.live import announcements, cards, chat, operations
from app.live.connections import CHAT_BURST
from app.live.models import CardPush, ChatMessage, Presence, SignUp, SignUpSource, VisitorLink
from app.live.presence import viewers_now
from app.live.signups import SignUpRequest, fair_counts, record_signups, seeker_signups

LIVE = SignUpSource.LIVE


@pytest.fixture
def heard():
    """listen(announcement) -> the facts of each time it is announced during the test."""
    connected = []

    def listen(announcement) -> list[dict]:
        calls: list[dict] = []

        def record(**facts):
            calls.append(facts)

        announcement.connect(record)
        connected.append((announcement, record))
        return calls

    yield listen
    for announcement, record in connected:
        announcement.listeners.remove(record)


@pytest.fixture
def viewer(db):
    """viewer(name, mobile) -> the Actor of a browser whose viewer said who they are."""
    counter = iter(range(1, 1000))

    def make(name: str = "张伟", mobile: str | None = None) -> Actor:
        n = next(counter)
        seeker = identify_seeker(Identity(name=name, mobile=mobile or f"1380013{n:04d}"))
        db.session.commit()
        return Actor(seeker_id=seeker.id, name=seeker.name, visitor_id=f"browser-{n:04d}")

    return make


def show(room, host, job) -> dict:
    """The host pushes the job's card: what people in the room sign up for."""
    card = operations.push_card(Actor.of(host), room.id, job.id)
    commit()
    return card


def end_fair(db, room, status=FairStatus.ENDED):
    room.fair.status = status
    db.session.commit()


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# Cards --------------------------------------------------------------------------------------


def test_a_pushed_card_is_pinned_and_announced_once_committed(db, live_room, heard):
    room, host, jobs = live_room
    pushed = heard(announcements.card_pushed)
    card = operations.push_card(Actor.of(host), room.id, jobs[0].id)
    assert card["job"]["title"] == "Job 0" and card["pinned"] is True
    assert pushed == [], "nobody hears of a card before it is stored"
    commit()
    assert pushed == [{"room_id": room.id, "fair_id": room.fair_id, "card": card}]
    assert cards.pinned_card(room.id).id == card["card_id"]


def test_a_card_rolled_back_is_never_announced(db, live_room, heard):
    room, host, jobs = live_room
    pushed = heard(announcements.card_pushed)
    operations.push_card(Actor.of(host), room.id, jobs[0].id)
    db.session.rollback()
    commit()
    assert pushed == []
    assert count(db, CardPush) == 0


def test_a_new_card_replaces_the_pinned_one(db, live_room):
    room, host, jobs = live_room
    first = operations.push_card(Actor.of(host), room.id, jobs[0].id)
    second = operations.push_card(Actor.of(host), room.id, jobs[1].id)
    commit()
    assert cards.pinned_card(room.id).id == second["card_id"]
    history = cards.room_cards(room.id)
    assert [c.id for c in history] == [second["card_id"], first["card_id"]]
    assert history[1].unpinned_at is not None


def test_an_organiser_may_push_a_card(db, live_room, make_user):
    room, _host, jobs = live_room
    card = operations.push_card(Actor.of(make_user("organiser")), room.id, jobs[0].id)
    commit()
    assert cards.pinned_card(room.id).id == card["card_id"]


@pytest.mark.parametrize("who", ["viewer", "export token", "another host", "nobody"])
def test_only_the_rooms_host_or_an_organiser_with_full_credentials_pushes(
    db, live_room, make_user, viewer, who
):
    room, host, jobs = live_room
    actor = {
        "viewer": lambda: viewer(),
        "export token": lambda: Actor.of(host, scope=TokenScope.EXPORT),
        "another host": lambda: Actor.of(make_user("host")),
        "nobody": lambda: Actor.anonymous("browser-x"),
    }[who]()
    with pytest.raises(Forbidden):
        operations.push_card(actor, room.id, jobs[0].id)
    assert count(db, CardPush) == 0


@pytest.mark.parametrize("status", [FairStatus.ENDED, FairStatus.CANCELLED])
def test_no_card_once_the_fair_is_over(db, live_room, status):
    room, host, jobs = live_room
    end_fair(db, room, status)
    with pytest.raises(Conflict):
        operations.push_card(Actor.of(host), room.id, jobs[0].id)
    assert count(db, CardPush) == 0


def test_a_job_outside_the_fair_is_not_pushed(db, live_room, make_job):
    room, host, _jobs = live_room
    outsider = make_job(employer=host.employer, title="Not at this fair")
    for job_id in (outsider.id, "no-such-job"):
        with pytest.raises(ValidationError) as refused:
            operations.push_card(Actor.of(host), room.id, job_id)
        assert refused.value.fields == {"job_id": "not in this fair"}
    assert count(db, CardPush) == 0


def test_unpinning_takes_the_card_down_and_announces_it(db, live_room, make_room, heard):
    room, host, jobs = live_room
    unpinned = heard(announcements.card_unpinned)
    card = operations.push_card(Actor.of(host), room.id, jobs[0].id)
    commit()
    with pytest.raises(Forbidden):
        operations.unpin_card(Actor.of(host, scope=TokenScope.EXPORT), room.id, card["card_id"])
    other_room = make_room(fair=room.fair, host=host, title="Second room")
    with pytest.raises(NotFound):
        operations.unpin_card(Actor.of(host), other_room.id, card["card_id"])
    assert cards.pinned_card(room.id) is not None
    operations.unpin_card(Actor.of(host), room.id, card["card_id"])
    assert unpinned == []
    commit()
    assert unpinned == [{"room_id": room.id, "card_id": card["card_id"]}]
    assert cards.pinned_card(room.id) is None
    assert [c.id for c in cards.room_cards(room.id)] == [card["card_id"]], "history keeps it"


# Sign-ups ------------------------------------------------------------------------------------


def test_a_sign_up_is_stored_once_whatever_the_retries(db, live_room, viewer, heard):
    room, host, jobs = live_room
    card = show(room, host, jobs[0])
    recorded = heard(announcements.sign_up_recorded)
    person = viewer()
    results = [operations.sign_up(person, jobs[0].id, LIVE, room_id=room.id) for _ in range(3)]
    assert [r.created for r in results] == [True, False, False]
    assert [r.count for r in results] == [1, 1, 1]
    db.session.rollback()  # stored before sign_up returned: nothing left to commit
    (stored,) = db.session.scalars(select(SignUp).where(SignUp.seeker_id == person.seeker_id))
    assert (stored.room_id, stored.card_id) == (room.id, card["card_id"]), "while the card showed"
    assert seeker_signups(room.fair_id, person.seeker_id) == [jobs[0].id]
    assert fair_counts(room.fair_id) == {jobs[0].id: 1}
    assert [(r["room_id"], r["job_id"], r["created"], r["count"]) for r in recorded] == [
        (room.id, jobs[0].id, True, 1),
        (room.id, jobs[0].id, False, 1),
        (room.id, jobs[0].id, False, 1),
    ]


def test_two_people_count_two(db, live_room, viewer):
    room, host, jobs = live_room
    show(room, host, jobs[0])
    first = operations.sign_up(viewer(), jobs[0].id, LIVE, room_id=room.id)
    second = operations.sign_up(viewer(), jobs[0].id, LIVE, room_id=room.id)
    assert (first.created, first.count) == (True, 1)
    assert (second.created, second.count) == (True, 2)


def test_a_sign_up_from_the_fair_page_names_the_fair(db, live_room, viewer):
    room, _host, jobs = live_room
    person = viewer()
    result = operations.sign_up(person, jobs[1].id, SignUpSource.PAGE, fair_id=room.fair_id)
    assert result.created and result.fair_id == room.fair_id
    stored = db.session.scalar(select(SignUp).where(SignUp.seeker_id == person.seeker_id))
    assert stored.source == SignUpSource.PAGE and stored.room_id is None


@pytest.mark.parametrize("role", ["host", "organiser"])
def test_staff_do_not_sign_up(db, live_room, make_user, role):
    room, _host, jobs = live_room
    with pytest.raises(Forbidden) as refused:
        operations.sign_up(Actor.of(make_user(role)), jobs[0].id, LIVE, room_id=room.id)
    assert "identity" not in refused.value.fields
    assert count(db, SignUp) == 0


def test_someone_who_has_not_said_who_they_are_is_asked_first(db, live_room):
    room, _host, jobs = live_room
    with pytest.raises(Forbidden) as refused:
        operations.sign_up(Actor.anonymous("browser-1"), jobs[0].id, LIVE, room_id=room.id)
    assert refused.value.fields == {"identity": "required"}
    assert count(db, SignUp) == 0


@pytest.mark.parametrize("door", ["room", "fair page"])
def test_no_sign_up_once_the_fair_is_over(db, live_room, viewer, door):
    room, _host, jobs = live_room
    end_fair(db, room)
    where = {"room_id": room.id} if door == "room" else {"fair_id": room.fair_id}
    with pytest.raises(Forbidden, match="over"):
        operations.sign_up(viewer(), jobs[0].id, LIVE, **where)
    assert count(db, SignUp) == 0


@pytest.mark.parametrize("door", ["room", "fair page"])
def test_a_job_the_fair_does_not_offer_is_refused(db, live_room, viewer, make_job, door):
    room, host, _jobs = live_room
    outsider = make_job(employer=host.employer)
    where = {"room_id": room.id} if door == "room" else {"fair_id": room.fair_id}
    with pytest.raises(ValidationError) as refused:
        operations.sign_up(viewer(), outsider.id, LIVE, **where)
    assert refused.value.fields == {"job_id": "not in this fair"}
    assert count(db, SignUp) == 0


def test_a_room_of_another_fair_is_refused(db, live_room, viewer, make_room):
    room, _host, jobs = live_room
    elsewhere = make_room(title="Another fair's room")
    assert elsewhere.fair_id != room.fair_id
    with pytest.raises(ValidationError) as refused:
        operations.sign_up(viewer(), jobs[0].id, LIVE, fair_id=room.fair_id, room_id=elsewhere.id)
    assert refused.value.fields == {"room_id": "not in this fair"}
    assert count(db, SignUp) == 0


def test_a_sign_up_names_a_fair_or_a_room(db, live_room, viewer):
    _room, _host, jobs = live_room
    with pytest.raises(ValidationError) as refused:
        operations.sign_up(viewer(), jobs[0].id, LIVE)
    assert refused.value.fields == {"fair_id": "required"}


def test_withdrawing_takes_the_sign_up_back_and_signing_up_again_restores_it(
    db, live_room, viewer, heard
):
    room, host, jobs = live_room
    show(room, host, jobs[0])
    withdrawn = heard(announcements.sign_up_withdrawn)
    person, other = viewer(), viewer()
    operations.sign_up(person, jobs[0].id, LIVE, room_id=room.id)
    operations.sign_up(other, jobs[0].id, LIVE, room_id=room.id)
    result = operations.withdraw_sign_up(person, jobs[0].id, room_id=room.id)
    assert (result.created, result.count) == (False, 1)
    assert withdrawn == [
        {"fair_id": room.fair_id, "room_id": room.id, "job_id": jobs[0].id, "count": 1}
    ]
    assert seeker_signups(room.fair_id, person.seeker_id) == []
    assert seeker_signups(room.fair_id, other.seeker_id) == [jobs[0].id]
    again = operations.withdraw_sign_up(person, jobs[0].id, fair_id=room.fair_id)
    assert again.count == 1, "withdrawing twice takes nothing more"
    back = operations.sign_up(person, jobs[0].id, LIVE, room_id=room.id)
    assert (back.created, back.count) == (True, 2)
    assert count(db, SignUp, SignUp.seeker_id == person.seeker_id) == 1


def test_one_batch_stores_new_and_withdrawn_sign_ups_once_and_leaves_active_ones(
    db, live_room, viewer
):
    room, host, jobs = live_room
    show(room, host, jobs[0])
    fresh, returning, active = viewer(), viewer(), viewer()
    operations.sign_up(returning, jobs[0].id, SignUpSource.PAGE, fair_id=room.fair_id)
    operations.withdraw_sign_up(returning, jobs[0].id, fair_id=room.fair_id)
    operations.sign_up(active, jobs[0].id, SignUpSource.PAGE, fair_id=room.fair_id)
    before = db.session.scalar(select(SignUp).where(SignUp.seeker_id == active.seeker_id))
    made_at, made_id = before.created_at, before.id

    def ask(person):
        return SignUpRequest(room.fair_id, person.seeker_id, jobs[0].id, LIVE, room_id=room.id)

    batch = [ask(fresh), ask(returning), ask(active), ask(fresh), ask(returning)]
    results = record_signups(batch)
    commit()

    assert [r.created for r in results] == [True, True, False, False, False]
    assert {r.count for r in results} == {3}
    assert fair_counts(room.fair_id) == {jobs[0].id: 3}
    rows = {
        row.seeker_id: row
        for row in db.session.scalars(select(SignUp).where(SignUp.job_id == jobs[0].id))
    }
    assert len(rows) == 3
    card_id = db.session.scalar(select(CardPush.id).where(CardPush.room_id == room.id))
    revived = rows[returning.seeker_id]
    assert revived.withdrawn_at is None
    assert (revived.source, revived.room_id, revived.card_id) == (LIVE, room.id, card_id)
    kept = rows[active.seeker_id]
    assert (kept.source, kept.room_id, kept.card_id) == (SignUpSource.PAGE, None, None)
    assert (kept.created_at, kept.id) == (made_at, made_id)


def test_staff_and_strangers_have_no_sign_up_to_withdraw(db, live_room):
    room, host, jobs = live_room
    for actor in (Actor.of(host), Actor.anonymous("browser-1")):
        with pytest.raises(Forbidden):
            operations.withdraw_sign_up(actor, jobs[0].id, room_id=room.id)


# Saying who you are ---------------------------------------------------------------------------


def test_a_viewer_who_proves_who_they_are_takes_their_browsers_viewing_with_them(
    db, live_room, make_user
):
    room, _host, _jobs = live_room
    browser = Actor.anonymous("browser-0001")
    operations.join_room(browser, room.id, "sid-1", already_in=False)
    user = make_user("seeker", name="李娜", mobile="13800138000")
    # The door built this actor after the code was checked (app/api/people.py).
    operations.adopt_browser(Actor.of(user, visitor_id="browser-0001"))
    db.session.commit()
    stay = db.session.scalar(select(Presence).where(Presence.sid == "sid-1"))
    assert stay.seeker_id == user.seeker_id
    assert db.session.get(VisitorLink, "browser-0001").seeker_id == user.seeker_id


def test_staff_and_anonymous_browsers_adopt_no_viewing(db, make_user):
    for actor in (
        Actor.of(make_user("host"), visitor_id="browser-0002"),
        Actor.of(make_user("organiser"), visitor_id="browser-0002"),
        Actor.anonymous("browser-0002"),
    ):
        operations.adopt_browser(actor)
    assert db.session.get(VisitorLink, "browser-0002") is None


# Chat -------------------------------------------------------------------------------------------


def test_chat_needs_an_identity_and_hides_a_viewers_full_name(db, live_room, viewer, heard):
    room, host, _jobs = live_room
    posted = heard(announcements.chat_posted)
    with pytest.raises(Forbidden) as refused:
        operations.post_chat(Actor.anonymous("browser-1"), room.id, "hello")
    assert refused.value.fields == {"identity": "required"}
    line = operations.post_chat(viewer("张伟"), room.id, "Is there a night shift?")
    answer = operations.post_chat(Actor.of(host), room.id, "Yes, from 20:00")
    assert posted == []
    commit()
    assert (line["name"], line["staff"]) == ("张*", False)
    assert (answer["name"], answer["staff"]) == (host.name, True)
    assert posted == [
        {"room_id": room.id, "message": line},
        {"room_id": room.id, "message": answer},
    ]
    assert [m["text"] for m in chat.recent_chat(room.id)] == [
        "Is there a night shift?",
        "Yes, from 20:00",
    ]


def test_chat_is_rate_limited_per_person(db, live_room, viewer):
    room, _host, _jobs = live_room
    chatty, other = viewer(), viewer()
    for n in range(CHAT_BURST):
        operations.post_chat(chatty, room.id, f"line {n}")
    with pytest.raises(RateLimited):
        operations.post_chat(chatty, room.id, "one too many")
    operations.post_chat(other, room.id, "my turn")
    commit()
    texts = [m["text"] for m in chat.recent_chat(room.id)]
    assert "one too many" not in texts and texts[-1] == "my turn"
    assert len(texts) == CHAT_BURST + 1


def test_changing_identity_in_one_browser_does_not_reset_the_chat_limit(db, live_room, viewer):
    room, _host, _jobs = live_room
    people = [viewer() for _ in range(CHAT_BURST + 1)]
    same_browser = [replace(p, visitor_id="browser-shared") for p in people]
    for n, person in enumerate(same_browser[:CHAT_BURST]):
        operations.post_chat(person, room.id, f"line {n}")
    with pytest.raises(RateLimited):
        operations.post_chat(same_browser[CHAT_BURST], room.id, "a fresh identity")
    operations.post_chat(people[CHAT_BURST], room.id, "from my own phone")


def test_a_muted_person_cannot_chat_in_that_room(db, live_room, viewer):
    room, host, _jobs = live_room
    rude, polite = viewer(), viewer()
    message = operations.post_chat(rude, room.id, "spam")
    commit()
    assert operations.moderate_chat(Actor.of(host), room.id, "mute", message["id"]) == message["id"]
    commit()
    assert chat.is_muted(room.id, rude.person_key)
    with pytest.raises(Forbidden, match="muted"):
        operations.post_chat(rude, room.id, "more spam")
    operations.post_chat(polite, room.id, "hello")


def test_staff_cannot_be_muted(db, live_room, make_user):
    room, host, _jobs = live_room
    message = operations.post_chat(Actor.of(host), room.id, "Welcome")
    commit()
    with pytest.raises(Conflict):
        operations.moderate_chat(Actor.of(make_user("organiser")), room.id, "mute", message["id"])
    assert not chat.is_muted(room.id, Actor.of(host).person_key)


def test_deleting_a_line_hides_it_and_announces_it(db, live_room, viewer, make_room, heard):
    room, host, _jobs = live_room
    deleted = heard(announcements.chat_deleted)
    author = viewer()
    message = operations.post_chat(author, room.id, "call me on 139...")
    kept = operations.post_chat(author, room.id, "thanks")
    commit()
    with pytest.raises(Forbidden):
        operations.moderate_chat(author, room.id, "delete", message["id"])
    with pytest.raises(ValidationError):
        operations.moderate_chat(Actor.of(host), room.id, "ban", message["id"])
    other_room = make_room(fair=room.fair, host=host, title="Second room")
    with pytest.raises(NotFound):
        operations.moderate_chat(Actor.of(host), other_room.id, "delete", message["id"])
    operations.moderate_chat(Actor.of(host), room.id, "delete", message["id"])
    assert deleted == []
    commit()
    assert deleted == [{"room_id": room.id, "message_id": message["id"]}]
    assert [m["id"] for m in chat.recent_chat(room.id)] == [kept["id"]]
    stored = db.session.get(ChatMessage, message["id"])
    assert stored.deleted_at is not None and stored.deleted_by_id == host.id
    assert not chat.is_muted(room.id, author.person_key)


# Broadcasts -------------------------------------------------------------------------------------


def test_going_live_then_ending_moves_the_room_once_each(db, live_room, heard):
    room, host, _jobs = live_room
    changed = heard(announcements.stream_changed)
    operations.go_live(Actor.of(host), room.id, "browser")
    commit()
    assert room.status == RoomStatus.WAITING
    with pytest.raises(Conflict):
        operations.go_live(Actor.of(host), room.id, "browser")
    db.session.rollback()
    operations.end_broadcast(Actor.of(host), room.id)
    commit()
    assert room.status == RoomStatus.ENDED
    with pytest.raises(Conflict):
        operations.end_broadcast(Actor.of(host), room.id)
    assert [c["status"] for c in changed] == ["waiting", "ended"]
    assert all(c["room_id"] == room.id for c in changed)


def test_only_the_host_or_an_organiser_opens_the_broadcast(db, live_room, viewer, make_user):
    room, host, _jobs = live_room
    for actor in (viewer(), Actor.of(make_user("host")), Actor.of(host, scope=TokenScope.EXPORT)):
        with pytest.raises(Forbidden):
            operations.go_live(actor, room.id, "browser")
    assert room.status == RoomStatus.SCHEDULED
    operations.go_live(Actor.of(make_user("organiser")), room.id, "browser")
    assert room.status == RoomStatus.WAITING


def test_no_broadcast_once_the_fair_is_over(db, live_room):
    room, host, _jobs = live_room
    end_fair(db, room)
    with pytest.raises(Conflict):
        operations.go_live(Actor.of(host), room.id, "browser")
    assert room.status == RoomStatus.SCHEDULED


def test_an_unknown_source_or_video_is_refused(db, live_room):
    room, host, _jobs = live_room
    with pytest.raises(ValidationError) as refused:
        operations.go_live(Actor.of(host), room.id, "satellite")
    assert "source" in refused.value.fields
    db.session.rollback()
    with pytest.raises(ValidationError) as refused:
        operations.go_live(Actor.of(host), room.id, "file", upload_id="no-such-upload")
    assert refused.value.fields == {"upload_id": "unknown"}


# Watching ---------------------------------------------------------------------------------------


def test_joining_and_leaving_keep_presence_and_the_audience(db, live_room, viewer, heard):
    room, host, _jobs = live_room
    changes = heard(announcements.presence_changed)
    anna, ben = viewer(), viewer()
    joined = operations.join_room(anna, room.id, "sid-a1", already_in=False)
    assert joined.manager is False and joined.reply["state"]["viewers"] == 1
    assert joined.reply["me"]["identified"] is True
    operations.join_room(ben, room.id, "sid-b", already_in=False)
    operations.join_room(anna, room.id, "sid-a2", already_in=False)  # her second device
    assert viewers_now(room.id) == 2, "a person on two devices is one viewer"
    assert count(db, Presence, Presence.room_id == room.id, Presence.left_at.is_(None)) == 3

    cockpit = operations.join_room(Actor.of(host), room.id, "sid-host", already_in=False)
    assert cockpit.manager is True and [j["title"] for j in cockpit.reply["jobs"]] == [
        "Job 0",
        "Job 1",
    ]
    assert count(db, Presence, Presence.sid == "sid-host") == 0, "hosts are not viewers"

    operations.leave_rooms(ben, {room.id}, "sid-b")
    assert viewers_now(room.id) == 1
    operations.leave_rooms(anna, {room.id}, "sid-a1")
    assert viewers_now(room.id) == 1, "still watching on her other device"
    operations.leave_rooms(anna, {room.id}, "sid-a2")
    assert viewers_now(room.id) == 0
    db.session.expire_all()
    assert count(db, Presence, Presence.room_id == room.id, Presence.left_at.is_(None)) == 0
    assert [c["room_id"] for c in changes] == [room.id] * 7


def test_a_private_fair_is_watched_only_by_people_who_said_who_they_are(db, live_room, viewer):
    room, _host, _jobs = live_room
    room.fair.anonymous_viewers = False
    db.session.commit()
    with pytest.raises(Forbidden) as refused:
        operations.join_room(Actor.anonymous("browser-1"), room.id, "sid-1", already_in=False)
    assert refused.value.fields == {"identity": "required"}
    assert count(db, Presence) == 0
    operations.join_room(viewer(), room.id, "sid-2", already_in=False)
    assert viewers_now(room.id) == 1
