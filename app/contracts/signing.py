"""PAdES signatures with pyHanko: applying one per party, and reading back what a PDF's
signatures say when checked against FairCast's CA."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from flask_babel import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.contracts.authority import Authority, Issued
from app.errors import DomainError

FIELD_PREFIX = "FairCast"


class TimestampUnavailable(DomainError):
    """The configured timestamp authority did not answer: nothing was signed."""

    status = 503
    code = "timestamp_unavailable"


TSA_TIMEOUT_S = 10


def outside_event_loop(work, *args):
    """work(*args) for pyHanko's blocking calls, which start an asyncio loop of their own: in a
    thread of its own when this one already runs a loop (a caller that is async itself)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work(*args)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work, *args).result()


def _asn1_cert(certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def field_name(party: str) -> str:
    """The signature field of a party (one per party, so neither can sign twice)."""
    return f"{FIELD_PREFIX}_{party}"


def sign_document(
    pdf: bytes,
    ca: Authority,
    issued: Issued,
    party: str,
    *,
    reason: str,
    location: str,
    tsa_url: str | None = None,
) -> bytes:
    """The PDF with one more PAdES signature appended as an incremental update."""
    key = asn1_keys.PrivateKeyInfo.load(
        issued.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(issued.certificate),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(ca.certificate)]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name(party),
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    timestamper = timestamps.HTTPTimeStamper(tsa_url, timeout=TSA_TIMEOUT_S) if tsa_url else None
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    try:
        out = outside_event_loop(
            lambda: signers.sign_pdf(writer, meta, signer=signer, timestamper=timestamper)
        )
    except TimestampRequestError:
        raise TimestampUnavailable(
            _("The timestamp service did not answer; nothing was signed. Try again shortly.")
        ) from None
    return out.getvalue()


@dataclass
class SignatureCheck:
    """What one embedded signature says about itself and the bytes it covers."""

    field: str
    signer: str
    signed_at: datetime | None
    intact: bool
    trusted: bool
    covers_whole_file: bool
    timestamped: bool

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted


def check_signatures(pdf: bytes, ca: Authority) -> list[SignatureCheck]:
    """Every signature in the PDF, checked with FairCast's CA as the only trust root.

    Raises ValueError when the bytes are not a PDF pyHanko can read.
    """
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a readable PDF"
        raise ValueError(str(exc)) from exc
    context = ValidationContext(trust_roots=[_asn1_cert(ca.certificate)], allow_fetching=False)
    checks = []
    for signature in embedded:
        try:
            field = signature.field_name
        except Exception:  # noqa: BLE001 - a damaged field is reported, not raised
            field = ""
        try:
            status = outside_event_loop(validate_pdf_signature, signature, context)
            intact, trusted = bool(status.intact), bool(status.valid and status.trusted)
            coverage = status.coverage
            signer = status.signing_cert.subject.human_friendly
            signed_at = status.signer_reported_dt
            timestamped = status.timestamp_validity is not None
        except Exception as exc:  # noqa: BLE001 - a damaged signature is invalid, not an error
            intact, trusted, coverage, signed_at, timestamped = False, False, None, None, False
            signer = f"unreadable ({type(exc).__name__})"
        checks.append(
            SignatureCheck(
                field=field,
                signer=signer,
                signed_at=signed_at,
                intact=intact,
                trusted=trusted,
                covers_whole_file=coverage is not None and coverage.name == "ENTIRE_FILE",
                timestamped=timestamped,
            )
        )
    return checks
