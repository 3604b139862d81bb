"""Matching scores computed by hand: each rule's points and its reason; the database ranking
gives the same numbers; discriminatory requirements are flagged."""

from __future__ import annotations

import pytest

from app.accounts.actor import Actor
from app.matching import services as matching
from app.matching.schemas import ProfileIn
from app.matching.scoring import JobFacts, ProfileFacts, job_shift, score
from app.matching.vocabulary import discrimination_flags, tokens
from tests.fixtures.values import FORKLIFT_JOB_FIELDS

FORKLIFT_JOB = JobFacts(
    category="logistics",
    district="东园镇",
    pay_max=30,
    pay_unit="hour",
    work_type="gig",
    shift="night",
    daily_pay=True,
    terms=frozenset(tokens("叉车司机 持叉车证优先")),
)


def test_every_rule_met_scores_100_with_a_reason_each():
    profile = ProfileFacts(
        categories=("logistics",),
        districts=("东园镇",),
        pay_min=200,  # per day: 25 an hour, under the job's 30
        pay_unit="day",
        work_types=("gig",),
        shifts=("night",),
        daily_pay=True,
        certificate_stems=("叉车",),
    )
    found = score(FORKLIFT_JOB, profile)
    assert found.score == 35 + 20 + 15 + 10 + 5 + 5 + 10 == 100
    assert found.reasons == [
        ("category", "logistics"),
        ("district", "东园镇"),
        ("pay", ""),
        ("work_type", "gig"),
        ("shift", "night"),
        ("daily_pay", ""),
        ("certificate", "叉车"),
    ]


def test_only_what_is_met_counts():
    profile = ProfileFacts(
        categories=("logistics",),
        districts=("洛阳镇",),  # another town
        pay_min=6000,  # a month: 34.5 an hour, above 30
        pay_unit="month",
        work_types=("full_time",),
        shifts=("day",),
        daily_pay=False,
    )
    found = score(FORKLIFT_JOB, profile)
    assert found.score == 35
    assert found.reasons == [("category", "logistics")]


def test_shift_read_from_the_text():
    assert job_shift("20:00-08:00") == "night"
    assert job_shift("夜班") == "night"
    assert job_shift("08:00-17:00") == "day"


def test_discriminatory_requirements_are_flagged():
    assert discrimination_flags("限男性，18-35岁，本地户口优先", "") == [
        "age",
        "sex",
        "home_region",
    ]
    assert discrimination_flags("汉族", "") == ["ethnicity"]
    assert discrimination_flags("持叉车证，能上夜班", "叉车司机") == []


def _profile(**kw) -> ProfileIn:
    values = dict(
        categories=["叉车司机"],
        districts=["东园镇"],
        pay_min=25,
        pay_unit="hour",
        work_types=["gig"],
        shifts=["night"],
        daily_pay=True,
        certificates=["叉车证"],
        discoverable=True,
    )
    values.update(kw)
    return ProfileIn(**values)


@pytest.fixture
def forklift_job(make_job, make_fair, db):
    fair = make_fair()
    job = make_job(
        **FORKLIFT_JOB_FIELDS,
    )
    fair.jobs.append(job)
    db.session.commit()
    return job


def test_the_database_ranks_with_the_same_scores(db, make_user, forklift_job):
    people = {}
    for name, kw in {
        "all": {},
        "other town": {"districts": ["洛阳镇"]},
        "days only": {"shifts": ["day"], "daily_pay": False},
        "wants more": {"pay_min": 300, "pay_unit": "day"},  # 37.5 an hour
        "hidden": {"discoverable": False},
    }.items():
        user = make_user("seeker", name=name)
        people[name] = matching.save_profile(Actor.of(user), _profile(**kw))
    db.session.commit()

    ranked = matching.rank_seekers(forklift_job)
    by_profile = {r.profile_id: r.score for r in ranked}
    assert by_profile == {
        people["all"].id: 100,
        people["other town"].id: 80,
        people["days only"].id: 90,
        people["wants more"].id: 85,
    }
    assert [r.profile_id for r in ranked][0] == people["all"].id
    facts = matching.facts_of_job(forklift_job)
    for profile_id, points in by_profile.items():
        profile = db.session.get(type(people["all"]), profile_id)
        assert score(facts, matching.profile_facts(profile)).score == points
    # Hidden people are still told of live jobs, but employers never see them.
    alerted = matching.rank_seekers(forklift_job, discoverable=None, live_alerts=True, limit=None)
    assert people["hidden"].id in {r.profile_id for r in alerted}


def test_a_seeker_sees_open_matching_jobs_best_first(
    db, make_user, make_job, make_fair, forklift_job
):
    weaker = make_job(
        title="仓库搬运", category="logistics", district="洛阳镇", pay_min=20, pay_max=22
    )
    forklift_job_fair = make_fair()
    forklift_job_fair.jobs.append(weaker)
    closed = make_job(title="叉车司机 B", category="logistics", district="东园镇")
    draft = make_fair(status="draft")
    draft.jobs.append(closed)
    db.session.commit()
    user = make_user("seeker")
    matching.save_profile(Actor.of(user), _profile(districts=["东园镇", "洛阳镇"]))
    db.session.commit()
    found = matching.my_matches(Actor.of(user))
    assert [(job.title, m.score) for job, m in found] == [("叉车司机", 100), ("仓库搬运", 65)]


def test_ranking_jobs_in_the_database_agrees_with_the_reference(db, make_user, make_job, make_fair):
    from sqlalchemy import select

    from app.jobs.models import Job
    from app.matching.models import JobIndex
    from app.matching.scoring import facts_from_index, sql_score_jobs

    fair = make_fair()
    jobs = []
    for kw in (
        {"title": "叉车司机", "category": "logistics", "shift": "夜班", "benefits": ["daily_pay"]},
        {
            "title": "分拣员",
            "category": "logistics",
            "district": "东园镇",
            "pay_unit": "month",
            "pay_min": 5000,
            "pay_max": 6000,
        },
        {
            "title": "计件包装",
            "category": "logistics",
            "pay_unit": "piece",
            "pay_min": 1,
            "pay_max": 2,
            "requirements": "会叉车",
        },
    ):
        jobs.append(make_job(**kw))
    fair.jobs.extend(jobs)
    db.session.commit()
    user = make_user("seeker")
    profile = matching.save_profile(
        Actor.of(user), _profile(pay_min=180, pay_unit="day", skills=["包装"])
    )
    facts = matching.profile_facts(profile)
    rows = db.session.execute(
        select(JobIndex, sql_score_jobs(facts, JobIndex), JobIndex.job_id)
    ).all()
    assert len(rows) == 3
    for row, points, job_id in rows:
        job = db.session.get(Job, job_id)
        assert points == score(facts_from_index(row, job.pay_max, str(job.pay_unit)), facts).score
        assert points == score(matching.facts_of_job(job), facts).score
    # 叉车司机 35+15+10+5+5+10, 分拣员 35+20+15+10, 计件包装 35+10+10 (no pay in pieces wanted)
    assert sorted(points for _row, points, _id in rows) == [55, 80, 80]
