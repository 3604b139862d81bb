"""The daily digest the market posts to its WeChat groups: today's new open jobs as text and as
one shareable PNG (Chinese, with a QR code to each job's fair)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from app.accounts.actor import Actor
from app.config import DEFAULT_TIMEZONE
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.fairs.models import OPEN_FAIR_STATUSES, Fair, fair_jobs
from app.jobs.models import Job
from app.matching.vocabulary import category_label
from app.urls import absolute_url

ZONE = ZoneInfo(DEFAULT_TIMEZONE)
UNIT = {"hour": "元/小时", "day": "元/天", "month": "元/月", "piece": "元/件"}
# Fonts with Chinese glyphs, first found wins (Debian: fonts-wqy-zenhei, fonts-noto-cjk).
FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
MAX_JOBS = 12
WIDTH, ROW, QR_SIDE, MARGIN = 750, 170, 140, 30


@dataclass
class DigestJob:
    title: str
    employer: str
    pay: str
    district: str
    category: str
    url: str


def _require_organiser(actor: Actor) -> None:
    actor.require_signed_in()
    if not actor.is_organiser:
        raise Forbidden("Only organisers download the daily digest.")


def todays_jobs(actor: Actor, day: date | None = None) -> tuple[date, list[DigestJob]]:
    """Open jobs added (to the platform) on day, Beijing time, each with its fair's link."""
    _require_organiser(actor)
    day = day or datetime.now(ZONE).date()
    start = datetime.combine(day, time(0), ZONE).astimezone(UTC)
    rows = db.session.execute(
        select(Job, Fair.id)
        .join(fair_jobs, fair_jobs.c.job_id == Job.id)
        .join(Fair, Fair.id == fair_jobs.c.fair_id)
        .where(
            Job.created_at >= start,
            Job.created_at < start + timedelta(days=1),
            Fair.status.in_(OPEN_FAIR_STATUSES),
        )
        .order_by(Job.created_at, Job.id, Fair.starts_at)
    ).all()
    found: dict[str, DigestJob] = {}
    for job, fair_id in rows:
        if job.id not in found:
            found[job.id] = DigestJob(
                title=job.title,
                employer=job.employer_name,
                pay=f"{job.pay_min:g}–{job.pay_max:g}{UNIT[str(job.pay_unit)]}",
                district=job.district,
                category=category_label(str(job.category)),
                url=absolute_url(f"/fairs/{fair_id}"),
            )
    return day, list(found.values())


def digest_text(day: date, jobs: list[DigestJob]) -> str:
    """The digest as a message to paste into a group."""
    lines = [f"【今日新岗位】{day.month}月{day.day}日 共{len(jobs)}个"]
    for n, job in enumerate(jobs, 1):
        lines.append(f"{n}. {job.title}｜{job.employer}｜{job.pay}｜{job.district}")
        lines.append(f"   报名：{job.url}")
    if not jobs:
        lines.append("今天暂无新岗位。")
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=4)
def _font(size: int):
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    raise NotFound("No Chinese font is installed for the digest image (fonts-wqy-zenhei).")


def digest_png(day: date, jobs: list[DigestJob]) -> bytes:
    """The digest as one image: a heading, then each job with a QR code to its fair."""
    shown = jobs[:MAX_JOBS]
    height = 120 + ROW * max(len(shown), 1) + 40
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 96), fill=(198, 40, 40))
    draw.text((MARGIN, 24), f"今日新岗位 · {day.month}月{day.day}日", font=_font(40), fill="white")
    top = 120
    if not shown:
        draw.text((MARGIN, top + 20), "今天暂无新岗位", font=_font(30), fill=(80, 80, 80))
    for job in shown:
        draw.text((MARGIN, top + 8), job.title, font=_font(34), fill=(20, 20, 20))
        draw.text(
            (MARGIN, top + 56),
            f"{job.employer} · {job.district}",
            font=_font(24),
            fill=(90, 90, 90),
        )
        draw.text(
            (MARGIN, top + 96), f"{job.pay} · {job.category}", font=_font(28), fill=(198, 40, 40)
        )
        qr = io.BytesIO()
        segno.make(job.url, error="m").save(qr, kind="png", scale=4, border=1)
        code = (
            Image.open(io.BytesIO(qr.getvalue()))
            .convert("RGB")
            .resize((QR_SIDE, QR_SIDE), Image.NEAREST)
        )
        image.paste(code, (WIDTH - MARGIN - QR_SIDE, top + 10))
        draw.line(
            (MARGIN, top + ROW - 6, WIDTH - MARGIN, top + ROW - 6), fill=(230, 230, 230), width=2
        )
        top += ROW
    if len(jobs) > len(shown):
        draw.text(
            (MARGIN, top + 4),
            f"另有 {len(jobs) - len(shown)} 个岗位，见文字版",
            font=_font(24),
            fill=(90, 90, 90),
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
