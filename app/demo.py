"""Demo data: a hybrid gig-work fair in the Quanzhou Taiwanese Investment Zone."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from app.accounts.actor import Actor
from app.accounts.models import Employer, Role
from app.accounts.schemas import NewUser
from app.accounts.services import create_user, find_user
from app.contracts.demo import seed_contracts
from app.db import utcnow
from app.extensions import db
from app.fairs.models import Fair, FairMode, FairStatus, Room
from app.fairs.services import new_stream_key
from app.jobs.models import Job
from app.matching.demo import seed_matching
from app.people.demo import seed_people_demo

FAIR_TITLE = "台商区零工市场直播带岗暨线下招聘会"
VENUE = "泉州台商投资区零工市场服务大厅（东园镇行政服务中心一楼）"

DEMO_PASSWORDS = {
    "organiser": "organiser-demo-2026",
    "host-hengda": "hengda-demo-2026",
    "host-suda": "suda-demo-2026",
    "seeker": "seeker-demo-2026",
}

EMPLOYERS = {
    "泉州恒达电子科技有限公司": ("91350521MA2Y8K3L0D", "host-hengda", "林小姐（恒达电子人事）"),
    "闽南速达物流有限公司": ("91350521MA31X7Q2BB", "host-suda", "黄经理（速达物流站点）"),
}

JOBS = [
    (
        "泉州恒达电子科技有限公司",
        dict(
            title="电子厂普工（产线装配）",
            category="manufacturing",
            pay_min=22,
            pay_max=26,
            pay_unit="hour",
            district="东园镇",
            headcount=30,
            work_type="full_time",
            shift="两班倒 08:00–20:00 / 20:00–08:00，月休4天",
            benefits=["meals", "housing", "social_insurance", "overtime_pay"],
            requirements="18–45周岁，视力良好，能适应倒班；无经验可培训上岗",
            contact="人事部 林小姐 0595-87001234",
        ),
    ),
    (
        "泉州恒达电子科技有限公司",
        dict(
            title="品质检验员",
            category="manufacturing",
            pay_min=4800,
            pay_max=6000,
            pay_unit="month",
            district="东园镇",
            headcount=5,
            work_type="full_time",
            shift="长白班 08:00–17:30，周末双休",
            benefits=["meals", "housing", "social_insurance", "training"],
            requirements="高中及以上学历，会使用卡尺等量具优先",
            contact="人事部 林小姐 0595-87001234",
        ),
    ),
    (
        "泉州恒达电子科技有限公司",
        dict(
            title="包装计件工",
            category="manufacturing",
            pay_min=0.35,
            pay_max=0.5,
            pay_unit="piece",
            district="东园镇",
            headcount=20,
            work_type="gig",
            shift="弹性排班，每天不少于4小时",
            benefits=["daily_pay", "meals"],
            requirements="手脚麻利，宝妈、学生、中老年均可",
            contact="车间 陈主管 138 5951 2345",
        ),
    ),
    (
        "闽南速达物流有限公司",
        dict(
            title="快递分拣员（夜班）",
            category="logistics",
            pay_min=180,
            pay_max=220,
            pay_unit="day",
            district="洛阳镇",
            headcount=40,
            work_type="gig",
            shift="夜班 20:00–06:00，做一休一可选",
            benefits=["meals", "daily_pay", "transport"],
            requirements="18–50周岁，能搬运20公斤以内包裹",
            contact="站点 黄经理 159 6000 8899",
        ),
    ),
    (
        "闽南速达物流有限公司",
        dict(
            title="城配快递员",
            category="logistics",
            pay_min=7000,
            pay_max=10000,
            pay_unit="month",
            district="张坂镇",
            headcount=15,
            work_type="full_time",
            shift="08:00–19:00，按片区派送",
            benefits=["uniform", "social_insurance", "transport"],
            requirements="有电动车驾驶经验，熟悉台商区路线优先",
            contact="站点 黄经理 159 6000 8899",
        ),
    ),
    (
        "闽南速达物流有限公司",
        dict(
            title="仓库理货员（兼职）",
            category="logistics",
            pay_min=25,
            pay_max=25,
            pay_unit="hour",
            district="百崎回族乡",
            headcount=10,
            work_type="part_time",
            shift="上午班 09:00–13:00",
            benefits=["meals"],
            requirements="会用手机扫码，细心负责",
            contact="仓库 郑主管 137 0595 6611",
        ),
    ),
    (
        "闽南速达物流有限公司",
        dict(
            title="叉车司机",
            category="driving",
            pay_min=6000,
            pay_max=7500,
            pay_unit="month",
            district="洛阳镇",
            headcount=3,
            work_type="full_time",
            shift="白班 08:00–18:00",
            benefits=["meals", "housing", "social_insurance"],
            requirements="持有效叉车证（N1），两年以上经验",
            contact="仓库 郑主管 137 0595 6611",
        ),
    ),
]

SESSIONS = [
    (
        "恒达电子：产线岗位直播讲解",
        "host-hengda",
        timedelta(minutes=-30),
        timedelta(hours=1, minutes=30),
    ),
    ("速达物流：分拣与快递员岗位", "host-suda", timedelta(hours=2), timedelta(hours=4)),
]


def _ensure_user(username: str, role: Role, **extra) -> None:
    if find_user(username) is None:
        create_user(
            NewUser(role=role, username=username, password=DEMO_PASSWORDS[username], **extra)
        )


def seed_demo() -> dict[str, str]:
    """Create or refresh the demo (times move to today), commit, and return its page paths."""
    _ensure_user("organiser", Role.ORGANISER, name="台商区民生保障局 王科长")
    employers = {}
    for name, (code, host, host_name) in EMPLOYERS.items():
        _ensure_user(host, Role.HOST, employer=name, name=host_name)
        employer = db.session.scalar(select(Employer).where(Employer.name == name))
        employer.credit_code = code
        employers[name] = employer
    _ensure_user("seeker", Role.SEEKER, name="张伟", mobile="13800138000")

    jobs = []
    for employer_name, fields in JOBS:
        employer = employers[employer_name]
        job = db.session.scalar(
            select(Job).where(Job.employer_id == employer.id, Job.title == fields["title"])
        )
        if job is None:
            job = Job(employer_id=employer.id, **fields)
            db.session.add(job)
        jobs.append(job)

    organiser = find_user("organiser")
    now = utcnow().replace(second=0, microsecond=0)
    fair = db.session.scalar(select(Fair).where(Fair.title == FAIR_TITLE))
    if fair is None:
        fair = Fair(title=FAIR_TITLE, mode=FairMode.HYBRID, created_by_id=organiser.id)
        db.session.add(fair)
    fair.description = (
        "台商区民生保障局联合辖区企业举办的零工市场招聘会：线上直播带岗，线下服务大厅现场招聘。"
        "电子厂、物流快递、仓储岗位，日结、计件、全职均有，现场可扫码登记。"
    )
    fair.starts_at = now - timedelta(hours=1)
    fair.ends_at = now + timedelta(hours=7)
    fair.venue = VENUE
    fair.capacity = 300
    fair.anonymous_viewers = True
    fair.allow_replay = True
    fair.status = FairStatus.LIVE
    for job in jobs:
        if job not in fair.jobs:
            fair.jobs.append(job)
    db.session.flush()

    for title, host_name, start, end in SESSIONS:
        host = find_user(host_name)
        room = db.session.scalar(select(Room).where(Room.fair_id == fair.id, Room.title == title))
        if room is None:
            room = Room(fair=fair, title=title, host_id=host.id, stream_key=new_stream_key())
            db.session.add(room)
        room.starts_at, room.ends_at = now + start, now + end
    _seed_onsite(fair, employers)
    matching_pages = seed_matching(fair, find_user("seeker"), "host-suda")
    people_urls = seed_people_demo()
    db.session.commit()

    rooms = sorted(fair.rooms, key=lambda r: r.starts_at)
    contracts = seed_contracts(fair, find_user("seeker"), find_user("host-suda"))
    return {
        "Fairs": url_for("fairs.index"),
        "The demo fair": url_for("fairs.show", fair_id=fair.id),
        "Live room (viewers)": url_for("live.room", room_id=rooms[0].id),
        "Host's cockpit (host-hengda)": url_for("live.cockpit", room_id=rooms[0].id),
        "Organiser's editor": url_for("fairs.edit", fair_id=fair.id),
        "Check-in desk (organiser)": url_for("onsite.checkin", fair_id=fair.id),
        "Fair report (organiser)": url_for("reports.fair_report_page", fair_id=fair.id),
        "Dashboard (organiser)": url_for("reports.dashboard"),
        "Booth sign-ups (hosts)": url_for("onsite.booth", fair_id=fair.id),
        "QR posters": url_for("onsite.posters", fair_id=fair.id),
        "Host's jobs": url_for("jobs.index"),
        "Sign in": url_for("accounts.login_page"),
        **matching_pages,
        **people_urls,
        **contracts,
    }


BOOTHS = {"泉州恒达电子科技有限公司": "A01", "闽南速达物流有限公司": "B02"}


def _seed_onsite(fair: Fair, employers: dict[str, Employer]) -> None:
    """Booth numbers, and a ticket for the demo seeker (both unchanged when run again)."""
    from app.onsite.services import register_seeker, set_booth

    organiser = Actor.of(find_user("organiser"))
    db.session.flush()
    for name, number in BOOTHS.items():
        set_booth(organiser, fair, employers[name].id, number)
    seeker = find_user("seeker")
    register_seeker(Actor.of(seeker), fair, seeker.seeker)
