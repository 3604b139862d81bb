"""The report's funnel counts the same people at every step; sign-ups by people who never
watched are shown beside it, by source."""

from __future__ import annotations

from app.accounts.actor import Actor
from app.announce import commit
from app.live.models import FollowUpStatus, SignUp, SignUpSource
from app.live.operations import push_card
from app.live.signups import SignUpRequest, record_signups
from app.reports.services import fair_report
from tests.fixtures.reports import host_connection, join, leave, person
from tests.fixtures.values import login


def test_the_funnel_follows_the_same_people(client, db, clock, scene, make_user):
    fair, (room1, _room2), (job1, job2), (host1, _host2) = scene
    ann = person(db, "Ann", "13900000031")  # watches, sees the card, signs up, is hired
    ben = person(db, "Ben", "13900000032")  # watches before any card, signs up
    cai = person(db, "Cai", "13900000033")  # never watches, signs up on the fair page
    clock.at(0)
    join(db, room1, "browser-b", "sb", ben.id)
    clock.at(1)
    leave(db, room1, "sb")
    join(db, room1, "browser-a", "sa", ann.id)
    push_card(host_connection(host1), room1.id, job1.id)
    commit()
    clock.at(2)
    record_signups(
        [
            SignUpRequest(fair.id, ann.id, job1.id, SignUpSource.LIVE, room1.id),
            SignUpRequest(fair.id, ann.id, job2.id, SignUpSource.LIVE, room1.id),
            SignUpRequest(fair.id, ben.id, job2.id, SignUpSource.REPLAY, room1.id),
            SignUpRequest(fair.id, cai.id, job1.id, SignUpSource.PAGE),
        ]
    )
    db.session.commit()
    signup = db.session.query(SignUp).filter_by(seeker_id=ann.id, job_id=job1.id).one()
    signup.followup_status = FollowUpStatus.HIRED
    db.session.commit()
    clock.at(5)
    leave(db, room1, "sa")

    report = fair_report(Actor.of(make_user("organiser")), fair)
    assert report["signups"] == 4  # every sign-up, whoever made it
    assert report["funnel"] == {
        "viewers": 2,
        "saw_card": 1,
        "signed_up": 1,  # Ann, once although she signed up twice; not Ben, not Cai
        "intents": 1,
        "hires": 1,
    }
    steps = list(report["funnel"].values())
    assert steps == sorted(steps, reverse=True)

    organiser = make_user("organiser")
    login(client, organiser.username)
    page = client.get(f"/fairs/{fair.id}/report", headers={"Accept-Language": "zh-CN"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="signups-by-source"' in html and "全部报名（按来源）" in html
    assert '"funnel": {' in html or '"funnel":{' in html
