"""Done when, in real Chromium against a real server: a host offers a contract from a live
sign-up, the worker signs on a phone with a texted code, the host signs with the password, both
download the same PDF, pyHanko validates it against FairCast's CA, a flipped byte is rejected
by /verify and pyHanko, and the report counts the deal."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from playwright.sync_api import expect
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from app.config import Settings
from app.contracts import authority
from app.contracts.signing import outside_event_loop
from tests.fixtures.browser import PageErrors, screenshot, sign_in
from tests.fixtures.contracts import newest_code, running_tsa, seed_deal
from tests.fixtures.realtime import migrated_copy, start_server
from tests.fixtures.values import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def site(tmp_path, migrated_template):
    """The server signs with its CA in tmp_path/ca and timestamps with a TSA that CA vouches for."""
    database_url = migrated_copy(migrated_template, tmp_path)
    seeded = seed_deal(database_url, tmp_path / "media")
    ca = authority.authority(Settings(contract_ca_dir=str(tmp_path / "ca"), secret_key="x"))
    with running_tsa(ca) as (tsa_url, asked):
        server = start_server(
            database_url,
            tmp_path,
            FAIRCAST_CONTRACT_CA_DIR=str(tmp_path / "ca"),
            FAIRCAST_TSA_URL=tsa_url,
        )
        yield seeded, server, database_url, tmp_path / "media"
        server.stop()
    assert asked, "the server asked the timestamp authority nothing"


def download(page) -> bytes:
    with page.expect_download() as info:
        page.click("#pdf-link")
    return open(info.value.path(), "rb").read()


def pyhanko_accepts(pdf: bytes, ca_pem: bytes) -> bool:
    """pyHanko's validator, in a thread of its own: it runs an asyncio loop, and Playwright's
    sync API already runs one in this thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_validate, pdf, ca_pem).result()


def _validate(pdf: bytes, ca_pem: bytes) -> bool:
    _, _, der = pem.unarmor(ca_pem)
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)], allow_fetching=False)
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    statuses = [
        outside_event_loop(validate_pdf_signature, s, context) for s in reader.embedded_signatures
    ]
    return len(statuses) == 2 and all(
        s.intact and s.valid and s.trusted and s.timestamp_validity and s.timestamp_validity.valid
        for s in statuses
    )


def check_on_verify_page(page, base: str, pdf: bytes, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    page.goto(base + "/verify")
    page.set_input_files("input[name=pdf]", str(path))
    page.click("#verify-form button[type=submit]")
    result = page.locator("#verify-result")
    expect(result).to_be_visible()
    return result.get_attribute("data-valid")


def test_offer_sign_download_validate_and_count(browser, site, tmp_path):
    seeded, server, database_url, media_dir = site
    base = server.url
    errors = PageErrors()
    host_context = browser.new_context(locale="zh-CN", accept_downloads=True)
    phone_context = browser.new_context(locale="zh-CN", accept_downloads=True, **PHONE)
    host = errors.watch(host_context.new_page(), "host")
    phone = errors.watch(phone_context.new_page(), "worker")
    try:
        # The host follows up the people who signed up live and offers a contract.
        sign_in(host, base, seeded.host_username, PASSWORD)
        host.goto(f"{base}/fairs/{seeded.fair_id}/jobs/{seeded.job_id}/followup")
        host.click(f"#signup-{seeded.signup_id} >> text=发合同")
        expect(host.locator("input[name=pay_amount]")).to_have_value("180")
        host.fill("input[name=pay_amount]", "200")
        host.fill("input[name=place]", "洛阳镇分拣中心")
        host.fill("input[name=shift]", "夜班 20:00-06:00")
        host.click("#offer-form button[type=submit]")
        expect(host.locator("#contract-status")).to_have_text("草稿")
        contract_url = host.url
        host.click("#send-button")
        expect(host.locator("#contract-status")).to_have_text("待签署")

        # The worker, on a phone, reads it and signs with a code texted to them.
        # (Signed in with the account's password: a sign-in code would hold the signing code
        # back for a minute, the resend limit per number.)
        sign_in(phone, base, seeded.seeker_username, PASSWORD)
        expect(phone.locator("#nav-contracts .badge")).to_have_text("1")
        phone.goto(contract_url)
        expect(phone.locator("#contract-text")).to_contain_text("零工（日结）劳务协议")
        expect(phone.locator("#contract-text")).to_contain_text("李娜")
        phone.click("#code-button")
        expect(phone.locator("input[name=code]")).to_be_visible()
        phone.fill("input[name=code]", newest_code(database_url, media_dir, seeded.seeker_mobile))
        phone.click("#sign-button")
        expect(phone.locator("[data-signed=worker]")).to_be_visible()
        screenshot(phone, "contract-signed-by-worker-phone")

        # The host signs with the password.
        host.goto(contract_url)
        host.fill("input[name=password]", PASSWORD)
        host.click("#sign-button")
        expect(host.locator("#contract-status")).to_have_text("双方已签署")

        phone.goto(contract_url)
        worker_pdf, host_pdf = download(phone), download(host)
        assert worker_pdf == host_pdf and worker_pdf.startswith(b"%PDF-")
        sha = phone.locator("#contract-sha256").inner_text().strip()
        assert hashlib.sha256(worker_pdf).hexdigest() == sha

        ca_pem = host.request.get(base + "/api/v1/contracts/ca.pem").body()
        assert pyhanko_accepts(worker_pdf, ca_pem)
        tampered = bytearray(worker_pdf)
        tampered[worker_pdf.index(b"stream") + 300] ^= 0x20
        assert not pyhanko_accepts(bytes(tampered), ca_pem)

        visitor = errors.watch(browser.new_context(locale="zh-CN").new_page(), "visitor")
        assert check_on_verify_page(visitor, base, worker_pdf, tmp_path, "signed.pdf") == "true"
        assert (
            check_on_verify_page(visitor, base, bytes(tampered), tmp_path, "tampered.pdf")
            == "false"
        )
        screenshot(visitor, "contract-verify-tampered")

        report = host.request.get(f"{base}/api/v1/fairs/{seeded.fair_id}/report").json()
        assert report["signups"] == 1 and report["contracts_signed"] == 1
        assert errors.errors == []
    finally:
        host_context.close()
        phone_context.close()
