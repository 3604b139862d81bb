"""How fast matching ranks: one job against 100,000 registered seekers (< 200 ms) and one seeker
against 20,000 open jobs (< 100 ms), on SQLite and PostgreSQL (DESIGN.md, "What the numbers
must be").

The data is made directly in the tables (seeded random, so every run builds the same market),
then the same services the API calls are timed in-process:

    python bench/matching/run.py                                    # a fresh SQLite file
    python bench/matching/run.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_matching
    python bench/matching/run.py --seekers 10000 --jobs 2000        # a quick run

On PostgreSQL the database named in the URL is created if missing, and emptied first.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Employer, Seeker  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import new_id  # noqa: E402
from app.extensions import db  # noqa: E402
from app.fairs.models import Fair, fair_jobs  # noqa: E402
from app.jobs.models import Category, Job  # noqa: E402
from app.matching import services  # noqa: E402
from app.matching.models import JobSeekerProfile, ProfileCategory  # noqa: E402
from app.matching.scoring import SHIFT_BITS, WORK_TYPE_BITS, bits, hourly, pack  # noqa: E402
from app.matching.vocabulary import TOWNS, certificate_stem, tokens  # noqa: E402
from app.migrate import upgrade  # noqa: E402

BATCH = 5000
TITLES = {
    "manufacturing": ["电子厂普工", "装配操作工", "焊工", "电工"],
    "logistics": ["叉车司机", "分拣员", "仓库搬运工", "快递装卸"],
    "catering": ["餐厅服务员", "帮厨", "洗碗工"],
    "retail": ["超市收银员", "理货员"],
    "domestic": ["保姆", "育儿嫂"],
    "construction": ["木工", "钢筋工"],
    "cleaning": ["保洁员"],
    "security": ["保安", "门卫"],
    "driving": ["货车司机", "配送司机"],
    "office": ["文员", "客服"],
    "other": ["临时工"],
}
CERTS = ["电工证", "叉车证", "焊工证", "健康证", "驾驶证", "保安证"]
SKILLS = ["仓库", "理货", "开车", "做饭", "搬运", "质检", "包装", "缝纫"]


def prepare(url: str) -> None:
    if url.startswith("postgresql"):
        parsed = make_url(url)
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    upgrade(url)


def build(seekers: int, jobs: int, rng: random.Random) -> None:
    now = datetime.now(UTC)
    employer_id = new_id()
    db.session.execute(
        insert(Employer), [{"id": employer_id, "name": "基准企业", "created_at": now}]
    )
    fair_id = new_id()
    db.session.execute(
        insert(Fair),
        [
            {
                "id": fair_id,
                "title": "基准招聘会",
                "description": "",
                "mode": "online",
                "starts_at": now - timedelta(hours=1),
                "ends_at": now + timedelta(days=2),
                "timezone": "Asia/Shanghai",
                "status": "live",
                "anonymous_viewers": True,
                "allow_replay": True,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    categories = [c.value for c in Category]
    for start in range(0, jobs, BATCH):
        rows, links = [], []
        for _ in range(start, min(jobs, start + BATCH)):
            category = rng.choice(categories)
            unit = rng.choice(["hour", "day", "month"])
            low = {
                "hour": rng.randint(18, 30),
                "day": rng.randint(150, 260),
                "month": rng.randint(4000, 7500),
            }[unit]
            job_id = new_id()
            rows.append(
                {
                    "id": job_id,
                    "employer_id": employer_id,
                    "title": rng.choice(TITLES[category]),
                    "category": category,
                    "pay_min": low,
                    "pay_max": round(low * 1.2),
                    "pay_unit": unit,
                    "district": rng.choice(TOWNS),
                    "headcount": rng.randint(1, 50),
                    "work_type": rng.choice(["gig", "part_time", "full_time"]),
                    "shift": rng.choice(["08:00-17:00", "20:00-08:00", "两班倒"]),
                    "benefits": rng.sample(["meals", "housing", "daily_pay", "transport"], 2),
                    "requirements": f"持{rng.choice(CERTS)}优先" if rng.random() < 0.4 else "",
                    "contact": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            links.append({"fair_id": fair_id, "job_id": job_id, "added_at": now})
        db.session.execute(insert(Job), rows)
        db.session.execute(insert(fair_jobs), links)
        db.session.commit()
    for start in range(0, seekers, BATCH):
        people, profiles, index = [], [], []
        for n in range(start, min(seekers, start + BATCH)):
            seeker_id, profile_id = new_id(), new_id()
            people.append(
                {
                    "id": seeker_id,
                    "name": f"求职者{n}",
                    "mobile": f"1{n:010d}",
                    "real_name_level": "none",
                    "created_at": now,
                }
            )
            wanted = rng.sample(categories, rng.choice([1, 1, 2, 3]))
            unit = rng.choice(["hour", "day", "month"])
            pay = {
                "hour": rng.randint(18, 32),
                "day": rng.randint(150, 280),
                "month": rng.randint(4000, 8000),
            }[unit]
            towns = rng.sample(TOWNS, rng.choice([1, 2]))
            work_types = rng.sample(["gig", "part_time", "full_time"], rng.choice([1, 2]))
            shifts = rng.sample(["day", "night"], rng.choice([1, 2]))
            certs = rng.sample(CERTS, rng.choice([0, 0, 1, 2]))
            skills = rng.sample(SKILLS, rng.choice([0, 1, 2]))
            profiles.append(
                {
                    "id": profile_id,
                    "seeker_id": seeker_id,
                    "categories": wanted,
                    "districts": towns,
                    "pay_min": pay,
                    "pay_unit": unit,
                    "work_types": work_types,
                    "shifts": shifts,
                    "days": [],
                    "daily_pay": rng.random() < 0.5,
                    "skills": skills,
                    "certificates": certs,
                    "intro": "",
                    "terms": skills,
                    "discoverable": rng.random() < 0.6,
                    "notify_in_app": True,
                    "notify_web_push": False,
                    "notify_sms": False,
                    "quiet_start": "21:00",
                    "quiet_end": "08:00",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for category in wanted:
                index.append(
                    {
                        "category": category,
                        "profile_id": profile_id,
                        "districts": pack(towns),
                        "pay_hourly": hourly(pay, unit),
                        "pay_piece": None,
                        "work_types": bits(work_types, WORK_TYPE_BITS),
                        "shifts": bits(shifts, SHIFT_BITS),
                        "daily_pay": profiles[-1]["daily_pay"],
                        "certificate_stems": pack(sorted({certificate_stem(c) for c in certs})),
                        "skill_terms": pack(skills),
                        "discoverable": profiles[-1]["discoverable"],
                        "live_alerts": True,
                    }
                )
        db.session.execute(insert(Seeker), people)
        db.session.execute(insert(JobSeekerProfile), profiles)
        db.session.execute(insert(ProfileCategory), index)
        db.session.commit()


def timed(work, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--seekers", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="faircast-matching-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    backend = make_url(url).get_backend_name()
    prepare(url)
    settings = Settings(
        database_url=url, media_dir=folder, async_mode="threading", message_queue=None
    )
    app = create_app(settings)
    rng = random.Random(14)
    with app.app_context():
        started = time.perf_counter()
        build(args.seekers, args.jobs, rng)
        built = time.perf_counter() - started
        tokens("叉车司机")  # the segmenter loads its dictionary once per process (about 1 s)
        started = time.perf_counter()
        indexed = services.reindex_jobs()
        db.session.commit()
        print(
            f"{backend}: built {args.seekers} seekers and {args.jobs} open jobs in {built:.0f} s;"
            f" indexed {indexed} jobs in {time.perf_counter() - started:.1f} s"
        )
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        job_ids = db.session.scalars(select(Job.id).order_by(Job.id).limit(args.samples)).all()
        profile_ids = db.session.scalars(
            select(JobSeekerProfile.id).order_by(JobSeekerProfile.id).limit(args.samples)
        ).all()
        job_times, found = [], []
        for job_id in job_ids:
            job = db.session.get(Job, job_id)
            job_times += timed(
                lambda job=job: found.append(len(services.rank_seekers(job, limit=50))), 1
            )
        seeker_times = []
        for profile_id in profile_ids:
            profile = db.session.get(JobSeekerProfile, profile_id)
            seeker_times += timed(lambda profile=profile: services.rank_jobs(profile, 50), 1)
        print(f"  one job vs {args.seekers} seekers (top 50): {summary(job_times)}")
        print(f"  one seeker vs {args.jobs} open jobs (top 50): {summary(seeker_times)}")
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)  # the SQLite file is about 100 MB


if __name__ == "__main__":
    main()
