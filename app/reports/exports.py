"""The report as files: CSV (one row per job, then the totals) and XLSX (a sheet per table).

Staff read them in a spreadsheet program: headings in their language, labels instead of codes,
times on the fair's clock, numbers as numbers (Wording says how; the JSON report keeps codes)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


# Columns holding a time (ISO 8601 in the report) and a share (0..1).
TIME_COLUMNS = ("peak_at", "minute")
SHARE_COLUMNS = ("conversion",)
TIME_FORMAT = "%Y-%m-%d %H:%M"
# Spreadsheet column widths, in characters (a Chinese character counts as two).
MIN_WIDTH, MAX_WIDTH = 8, 50


def _as_is(_column: str, value):
    return value


@dataclass(frozen=True)
class Wording:
    """How a file names things: headings and sheet names (heading), a code's label (label, given
    the column), and the clock times are read on (the fair's time zone)."""

    heading: Callable[[str], str] = str
    label: Callable[[str, Any], Any] = field(default=_as_is)
    timezone: str = "UTC"

    def local_time(self, value) -> datetime | None:
        """An ISO 8601 time as a wall-clock time of the fair (naive, as spreadsheets keep it)."""
        if not value:
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.astimezone(ZoneInfo(self.timezone)).replace(tzinfo=None)

    def cell(self, column: str, value):
        """A value as the file shows it (a time is a datetime, a code its label)."""
        if column in TIME_COLUMNS:
            return self.local_time(value)
        return self.label(column, value)


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
            # openpyxl makes "=…" a live formula; the other starts are kept as text, marked so
            # that a spreadsheet program still treats them as text once someone edits the cell.
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
                cell.quotePrefix = True


def _job_row(job: dict, wording: Wording) -> list:
    flat = {**job, **{f"signups_{s}": job["signups_by_source"][s] for s in SIGN_UP_SOURCES}}
    return [wording.cell(c, flat[c]) for c in JOB_COLUMNS]


def _csv_value(value):
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    return as_text(value)


def report_csv(report: dict, wording: Wording | None = None) -> str:
    """One row per job and a final totals row; spreadsheet tools open it as it is."""
    wording = wording or Wording()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([wording.heading(c) for c in JOB_COLUMNS])
    for job in report["jobs"]:
        writer.writerow([_csv_value(value) for value in _job_row(job, wording)])
    totals = {
        "job_id": wording.heading("TOTAL"),
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
    writer.writerow([_csv_value(value) for value in _job_row(totals, wording)])
    # A UTF-8 byte order mark lets spreadsheet programs read Chinese titles correctly.
    return "\ufeff" + out.getvalue()


def _width(value) -> int:
    if value is None:
        return 0
    text = value.strftime(TIME_FORMAT) if isinstance(value, datetime) else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _finish(sheet, header: bool = True) -> None:
    """Columns as wide as their contents; the heading row stays in view while scrolling."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            widths[cell.column] = max(widths.get(cell.column, 0), _width(cell.value))
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(
            MAX_WIDTH, max(MIN_WIDTH, width + 2)
        )
    if header:
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)


def _shares(sheet, columns: tuple[str, ...]) -> None:
    for index, name in enumerate(columns, start=1):
        if name in SHARE_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.0%"


def report_xlsx(report: dict, wording: Wording | None = None) -> bytes:
    """Summary, Jobs, Employers, Rooms and Timeline sheets."""
    wording = wording or Wording()
    name = wording.heading
    book = Workbook()
    book.active.title = name("Summary")
    summary = SafeSheet(book.active)
    summary.append([name("fair"), report["title"]])
    for field_name in SUMMARY_FIELDS:
        summary.append([name(field_name), wording.cell(field_name, report[field_name])])
    for source in SIGN_UP_SOURCES:
        summary.append([name(f"signups_{source}"), report["signups_by_source"][source]])
    for status, value in report["registrations"].items():
        summary.append([name(f"registrations_{status}"), value])
    _finish(book.active, header=False)
    jobs = SafeSheet(book.create_sheet(name("Jobs")))
    jobs.append([name(c) for c in JOB_COLUMNS])
    for job in report["jobs"]:
        jobs.append(_job_row(job, wording))
    _shares(jobs.sheet, JOB_COLUMNS)
    employers = SafeSheet(book.create_sheet(name("Employers")))
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
    employers.append([name(c) for c in columns])
    for employer in report["employers"]:
        employers.append([wording.cell(c, employer[c]) for c in columns])
    rooms = SafeSheet(book.create_sheet(name("Rooms")))
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
    rooms.append([name(c) for c in columns])
    timeline = SafeSheet(book.create_sheet(name("Timeline")))
    timeline.append([name("room_id"), name("room_title"), name("minute"), name("viewers")])
    for room in report["rooms"]:
        rooms.append([wording.cell(c, room[c]) for c in columns])
        for point in room["timeline"]:
            timeline.append(
                [
                    room["room_id"],
                    room["title"],
                    wording.local_time(point["minute"]),
                    point["viewers"],
                ]
            )
    for sheet in (jobs, employers, rooms, timeline):
        _finish(sheet.sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
