"""The report as files: CSV (one row per job, then the totals) and XLSX (a sheet per table)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from app.contracts.figures import DEAL_FIELDS
from app.live.models import SIGN_UP_SOURCES

JOB_COLUMNS = (
    "job_id",
    "title",
    "employer_name",
    "category",
    "headcount",
    "pushes",
    "viewers_while_shown",
    "signups_while_shown",
    "signups",
    *(f"signups_{s}" for s in SIGN_UP_SOURCES),
    "conversion",
    "intents",
    "hires",
    *DEAL_FIELDS,
    "wages_confirmed",
)
SUMMARY_FIELDS = (
    "unique_viewers",
    "card_viewers",
    "peak_concurrent",
    "peak_at",
    "watch_seconds",
    "average_watch_seconds",
    "people_served",
    "checkins",
    "signups",
    "intents",
    "hires",
    *DEAL_FIELDS,
    "wages_confirmed",
)


# A cell starting with one of these is a formula to spreadsheet programs (or, for tab and
# carriage return, hides one): text that starts so is written as text, never run.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value):
    """A value safe for a CSV cell: text that a spreadsheet would run gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeSheet:
    """Rows into an XLSX sheet where every string stays a string (never a live formula)."""

    def __init__(self, sheet):
        self.sheet = sheet

    def append(self, row: list) -> None:
        self.sheet.append(row)
        for cell in self.sheet[self.sheet.max_row]:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
                cell.quotePrefix = True


def _job_row(job: dict) -> list:
    flat = {**job, **{f"signups_{s}": job["signups_by_source"][s] for s in SIGN_UP_SOURCES}}
    return [flat[c] for c in JOB_COLUMNS]


def report_csv(report: dict) -> str:
    """One row per job and a final TOTAL row; spreadsheet tools open it as it is."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(JOB_COLUMNS)
    for job in report["jobs"]:
        writer.writerow([as_text(value) for value in _job_row(job)])
    totals = {
        "job_id": "TOTAL",
        "title": report["title"],
        "employer_name": "",
        "category": "",
        "headcount": sum(j["headcount"] for j in report["jobs"]),
        "pushes": sum(j["pushes"] for j in report["jobs"]),
        "viewers_while_shown": sum(j["viewers_while_shown"] for j in report["jobs"]),
        "signups_while_shown": sum(j["signups_while_shown"] for j in report["jobs"]),
        "signups": report["signups"],
        "signups_by_source": report["signups_by_source"],
        "conversion": "",
        "intents": report["intents"],
        "hires": report["hires"],
        **{name: report[name] for name in (*DEAL_FIELDS, "wages_confirmed")},
    }
    writer.writerow([as_text(value) for value in _job_row(totals)])
    # A UTF-8 byte order mark lets spreadsheet programs read Chinese titles correctly.
    return "\ufeff" + out.getvalue()


def report_xlsx(report: dict) -> bytes:
    """Summary, Jobs, Employers, Rooms and Timeline sheets."""
    book = Workbook()
    book.active.title = "Summary"
    summary = SafeSheet(book.active)
    summary.append(["fair", report["title"]])
    for name in SUMMARY_FIELDS:
        summary.append([name, report[name]])
    for source in SIGN_UP_SOURCES:
        summary.append([f"signups_{source}", report["signups_by_source"][source]])
    for name, value in report["registrations"].items():
        summary.append([f"registrations_{name}", value])
    jobs = SafeSheet(book.create_sheet("Jobs"))
    jobs.append(list(JOB_COLUMNS))
    for job in report["jobs"]:
        jobs.append(_job_row(job))
    employers = SafeSheet(book.create_sheet("Employers"))
    columns = (
        "employer_id",
        "name",
        "jobs",
        "headcount",
        "pushes",
        "signups",
        "intents",
        "hires",
        *DEAL_FIELDS,
    )
    employers.append(list(columns))
    for employer in report["employers"]:
        employers.append([employer[c] for c in columns])
    rooms = SafeSheet(book.create_sheet("Rooms"))
    columns = (
        "room_id",
        "title",
        "host",
        "unique_viewers",
        "peak_concurrent",
        "peak_at",
        "watch_seconds",
        "average_watch_seconds",
    )
    rooms.append(list(columns))
    timeline = SafeSheet(book.create_sheet("Timeline"))
    timeline.append(["room_id", "minute", "viewers"])
    for room in report["rooms"]:
        rooms.append([room[c] for c in columns])
        for point in room["timeline"]:
            timeline.append([room["room_id"], point["minute"], point["viewers"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
