"""Contract services without HTTP: the document, the signatures as pyHanko's own validator
sees them, the evidence chain, expiry, and templates an organiser edits."""

from __future__ import annotations

import csv
import socket
from datetime import timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from app.accounts.actor import Actor
from app.contracts import authority, services
from app.contracts.models import ContractEvent, ContractStatus
from app.contracts.schemas import ContractIn, SignIn
from app.contracts.signing import TimestampUnavailable, outside_event_loop
from app.db import utcnow
from app.errors import Conflict
from app.reports.dashboard import DashboardFilter, market_dashboard
from app.reports.exports import report_csv
from app.reports.services import fair_report
from app.sms import outbox
from tests.fixtures.contracts import running_tsa
from tests.fixtures.servers import faircast_env, run_cli
from tests.fixtures.values import PASSWORD


def offered(deal, settings, **changes):
    data = ContractIn.model_validate({**deal.terms, **changes})
    return services.offer_contract(Actor.of(deal.host), data, settings)


def signed(deal, settings, db):
    contract = offered(deal, settings)
    services.send_contract(Actor.of(deal.host), contract.id, settings)
    for user in (deal.worker, deal.host):
        services.sign_contract(Actor.of(user), contract.id, SignIn(password=PASSWORD), settings)
    db.session.commit()
    return contract


def trust_root(settings) -> asn1_x509.Certificate:
    """The CA as anyone gets it: the PEM the public URL serves."""
    _, _, der = pem.unarmor(authority.authority(settings).pem)
    return asn1_x509.Certificate.load(der)


def pyhanko_statuses(pdf: bytes, root) -> list:
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    return [
        outside_event_loop(validate_pdf_signature, s, context) for s in reader.embedded_signatures
    ]


def test_the_pdf_is_a4_with_chinese_text_page_numbers_and_its_origin(deal, settings, db):
    contract = offered(deal, settings, terms={"extra": "加班需双方书面确认。" * 150})
    reader = PdfReader(BytesIO(contract.document))
    assert len(reader.pages) == 2
    for number, page in enumerate(reader.pages, 1):
        assert (round(page.mediabox.width), round(page.mediabox.height)) == (595, 842)  # A4
        text = page.extract_text()
        assert f"第 {number} 页 / 共 2 页" in text
        assert f"FairCast {contract.id} · 零工市场招聘会 · 仓库分拣员" in text
    first = reader.pages[0].extract_text()
    assert "零工（日结）劳务协议" in first and "恒达物流" in first and "张三" in first
    assert "350***********1234" in first and "200 元/天" in first
    assert contract.sha256 == contract.content_sha256


def test_pyhankos_validator_accepts_the_signed_pdf_and_rejects_a_changed_one(deal, settings, db):
    contract = signed(deal, settings, db)
    root = trust_root(settings)
    statuses = pyhanko_statuses(contract.document, root)
    assert len(statuses) == 2
    assert all(s.intact and s.valid and s.trusted for s in statuses)
    assert statuses[-1].coverage.name == "ENTIRE_FILE"

    tampered = bytearray(contract.document)
    spot = contract.document.index(b"stream") + 200  # inside the page content
    tampered[spot] ^= 0x20
    statuses = pyhanko_statuses(bytes(tampered), root)
    assert not any(s.intact and s.valid for s in statuses)


def test_another_ca_is_not_trusted(deal, settings, db, tmp_path):
    contract = signed(deal, settings, db)
    settings.contract_ca_dir = str(tmp_path / "someone-else")
    statuses = pyhanko_statuses(contract.document, trust_root(settings))
    assert all(s.intact for s in statuses) and not any(s.trusted for s in statuses)


def test_the_evidence_chain_shows_a_changed_step(deal, settings, db):
    contract = signed(deal, settings, db)
    events, intact = services.evidence(contract)
    assert intact and events[0].prev_hash == "0" * 64
    assert {e.document_sha256 for e in events[:2]} == {contract.content_sha256}
    step = db.session.get(ContractEvent, events[2].id)
    step.ip = "10.0.0.99"  # someone rewrites where a signature came from
    db.session.commit()
    assert services.evidence(contract)[1] is False


def test_an_unsigned_offer_expires(deal, settings, db):
    contract = offered(deal, settings)
    services.send_contract(Actor.of(deal.host), contract.id, settings)
    contract.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(Conflict):
        services.sign_contract(
            Actor.of(deal.worker), contract.id, SignIn(password=PASSWORD), settings
        )
    assert contract.status == ContractStatus.EXPIRED


def test_an_organisers_template_is_used_and_versioned(deal, settings, db, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "gig.txt.j2").write_text(
        "{# version: 2027.2 #}\n# 日结协议（本区版）\n甲方：{{ employer.name }}\n乙方：{{ worker.name }}\n",
        encoding="utf-8",
    )
    settings.contract_templates = str(folder)
    contract = offered(deal, settings)
    assert contract.template_version.startswith("2027.2+")
    assert contract.text.startswith("# 日结协议（本区版）")


def test_a_template_cannot_reach_python(deal, settings, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "gig.txt.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    settings.contract_templates = str(folder)
    with pytest.raises(Exception, match="unsafe|access"):
        offered(deal, settings)


def test_a_second_open_offer_for_the_same_person_and_job_is_refused(deal, settings, db):
    offered(deal, settings)
    db.session.commit()
    with pytest.raises(Conflict):
        offered(deal, settings, pay_amount=210)


def test_the_dashboard_and_the_csv_export_count_the_deal(deal, settings, db):
    contract = signed(deal, settings, db)
    services.complete_contract(Actor.of(deal.host), contract.id, 600)
    services.confirm_contract(Actor.of(deal.worker), contract.id, True, None)
    db.session.commit()
    day = contract.signed_at.astimezone(ZoneInfo("Asia/Shanghai")).date()
    figures = market_dashboard(Actor.of(deal.organiser), DashboardFilter(day, day))
    assert figures["totals"]["contracts_signed"] == 1
    assert figures["totals"]["contracts_confirmed"] == 1
    assert figures["totals"]["wages_confirmed"] == 600
    assert figures["days"][0]["contracts_signed"] == 1
    rows = list(
        csv.DictReader(
            report_csv(fair_report(Actor.of(deal.organiser), deal.fair))[1:].splitlines()
        )
    )
    job_row = next(r for r in rows if r["job_id"] == deal.job.id)
    assert (job_row["contracts_signed"], job_row["contracts_confirmed"]) == ("1", "1")
    assert rows[-1]["job_id"] == "TOTAL" and rows[-1]["wages_confirmed"] == "600.0"


@pytest.fixture
def timestamp_authority(settings):
    """An RFC 3161 timestamp authority on a loopback port, its certificate from FairCast's CA."""
    with running_tsa(authority.authority(settings)) as (url, asked):
        settings.tsa_url = url
        yield asked


def test_signatures_carry_a_timestamp_when_a_tsa_is_configured(
    deal, settings, db, timestamp_authority
):
    contract = signed(deal, settings, db)
    assert len(timestamp_authority) >= 2  # at least one per signature (pyHanko sizes one first)
    assert all(s.timestamped for s in contract.signatures)
    statuses = pyhanko_statuses(contract.document, trust_root(settings))
    assert all(s.intact and s.valid and s.trusted for s in statuses)
    assert all(s.timestamp_validity is not None and s.timestamp_validity.valid for s in statuses)


def test_a_silent_timestamp_authority_signs_nothing(deal, settings, db):
    contract = offered(deal, settings)
    services.send_contract(Actor.of(deal.host), contract.id, settings)
    db.session.commit()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.tsa_url = f"http://127.0.0.1:{closed.getsockname()[1]}/tsa"  # nobody listens
    with pytest.raises(TimestampUnavailable):
        services.sign_contract(
            Actor.of(deal.worker), contract.id, SignIn(password=PASSWORD), settings
        )
    db.session.rollback()
    assert db.session.get(type(contract), contract.id).signatures == []


def test_the_expiry_command_expires_overdue_offers_and_texts_the_worker(
    deal, settings, db, tmp_path
):
    contract = offered(deal, settings)
    services.send_contract(Actor.of(deal.host), contract.id, settings)
    contract.expires_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    env = faircast_env(settings.database_url, tmp_path / "media")
    result = run_cli(["contracts", "expire"], env)
    assert "Expired 1 contract offer(s)." in result.stdout
    db.session.expire_all()
    assert db.session.get(type(contract), contract.id).status == ContractStatus.EXPIRED
    assert "过期" in outbox(deal.seeker.mobile)[-1].text
    assert "Expired 0" in run_cli(["contracts", "expire"], env).stdout
