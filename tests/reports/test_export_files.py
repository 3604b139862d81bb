"""The report's CSV and XLSX as district staff open them: headings in their language, labels
instead of codes, times on the fair's clock, numbers as numbers, readable columns, a frozen
heading row; the JSON report keeps its codes."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import load_workbook

from app.jobs.models import Category
from app.live.models import SignUpSource
from app.live.signups import SignUpRequest, record_signups
from tests.fixtures.reports import join, leave, person

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


def exports(client, db, clock, scene, make_user, token_for, headers):
    fair, (room1, _room2), (job1, job2), _hosts = scene
    job2.category = Category.LOGISTICS
    db.session.commit()
    bob = person(db, "Bob", "13900000002")
    clock.at(0)  # 10:00 in Shanghai
    join(db, room1, "browser-b", "sb", bob.id)
    clock.at(3)
    record_signups([SignUpRequest(fair.id, bob.id, job2.id, SignUpSource.LIVE, room1.id)])
    db.session.commit()
    clock.at(9)
    leave(db, room1, "sb")
    auth = {"Authorization": f"Bearer {token_for(make_user('organiser'))}", **headers}
    csv_text = client.get(f"/api/v1/fairs/{fair.id}/report.csv", headers=auth).get_data(
        as_text=True
    )
    book = load_workbook(
        io.BytesIO(client.get(f"/api/v1/fairs/{fair.id}/report.xlsx", headers=auth).data)
    )
    report = client.get(f"/api/v1/fairs/{fair.id}/report", headers=auth).get_json()
    return fair, job2, list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))), book, report


def test_chinese_exports_for_staff(client, db, clock, scene, make_user, token_for):
    fair, job2, rows, book, report = exports(client, db, clock, scene, make_user, token_for, ZH)
    sorting = next(r for r in rows if r["岗位ID"] == job2.id)
    assert sorting["工种"] == "物流快递" and sorting["报名（直播）"] == "1"
    assert rows[-1]["岗位ID"] == "合计"

    assert book.sheetnames == ["概况", "岗位", "用人单位", "场次", "每分钟观看人数"]
    jobs = book["岗位"]
    headings = [c.value for c in jobs[1]]
    assert "工种" in headings and "category" not in headings
    assert jobs.freeze_panes == "A2"
    for letter in ("A", "B", "C"):
        assert jobs.column_dimensions[letter].width >= 8
    row = next(r for r in jobs.iter_rows(min_row=2, values_only=True) if r[0] == job2.id)
    values = dict(zip(headings, row, strict=True))
    assert values["工种"] == "物流快递"
    assert isinstance(values["报名"], int) and values["报名"] == 1
    assert isinstance(values["报名人数（卡片展示期间）"], int)

    summary = {r[0]: r[1] for r in book["概况"].iter_rows(values_only=True)}
    assert isinstance(summary["观看人数（去重）"], int) and summary["观看人数（去重）"] == 1
    # The peak is on the fair's clock (Shanghai), not UTC.
    peak = summary["峰值时间"]
    assert isinstance(peak, datetime) and (peak.hour, peak.minute) == (10, 0)
    timeline = book["每分钟观看人数"]
    assert timeline.freeze_panes == "A2"
    first = next(timeline.iter_rows(min_row=2, values_only=True))
    assert isinstance(first[2], datetime) and first[2].hour == 10 and isinstance(first[3], int)

    # The JSON keeps its codes.
    job = next(j for j in report["jobs"] if j["job_id"] == job2.id)
    assert job["category"] == "logistics" and "signups_by_source" in job
    assert report["peak_at"] == "2026-12-01T02:00:00Z"


def test_english_exports_when_english_is_chosen(client, db, clock, scene, make_user, token_for):
    _fair, job2, rows, book, _report = exports(client, db, clock, scene, make_user, token_for, EN)
    sorting = next(r for r in rows if r["Job ID"] == job2.id)
    assert sorting["Category"] == "Logistics & delivery" and sorting["Sign-ups (live)"] == "1"
    assert book.sheetnames[0] == "Summary"
