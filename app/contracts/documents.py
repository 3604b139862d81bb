"""The contract as a document: its text from a versioned template, and the A4 PDF of it."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from app.config import Settings
from app.errors import DomainError

# The font's bitmap strikes cannot be subset and are dropped: harmless, and not worth a line in
# the server's log for every PDF.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

SHIPPED_TEMPLATES = Path(__file__).resolve().parent / "agreements"
TEMPLATE_SUFFIX = ".txt.j2"
# The first line of a template file declares its version: {# version: 2026.1 … #}
VERSION_PATTERN = re.compile(r"\{#\s*version:\s*([\w.\-]+)")

# Where Debian, Ubuntu and Fedora put Chinese fonts (scripts/setup.sh installs the first).
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
FONT = "cjk"
MARGIN_MM = 20


class TemplateMissing(DomainError):
    status = 500


@dataclass(frozen=True)
class Template:
    """A contract template file and the version the contract records."""

    name: str
    source: str
    version: str


def _folders(settings: Settings) -> list[str]:
    folders = [str(SHIPPED_TEMPLATES)]
    if settings.contract_templates:
        folders.insert(0, settings.contract_templates)
    return folders


def load_template(settings: Settings, name: str) -> Template:
    """The template for a work type: the organiser's copy if there is one, else ours.

    Its version is the one the file declares plus a digest of the file, so an edit that
    forgets to bump the declared version still gives a new version.
    """
    loader = FileSystemLoader(_folders(settings), encoding="utf-8")
    try:
        source, _, _ = loader.get_source(SandboxedEnvironment(), name + TEMPLATE_SUFFIX)
    except TemplateNotFound:
        raise TemplateMissing(f"No contract template for {name}.") from None
    declared = VERSION_PATTERN.search(source.splitlines()[0] if source else "")
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    return Template(name, source, f"{declared.group(1) if declared else '0'}+{digest}")


def render_text(template: Template, context: dict) -> str:
    """The contract's text; the sandbox keeps an edited template from reaching Python."""
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True)
    text = env.from_string(template.source).render(**context)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def font_path(settings: Settings) -> str:
    """A font with Chinese glyphs: the configured one, else the first the system has."""
    candidates = [settings.contract_font] if settings.contract_font else list(SYSTEM_FONTS)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    raise TemplateMissing(
        "No Chinese font for contract PDFs: install fonts-wqy-zenhei or set FAIRCAST_CONTRACT_FONT."
    )


class _ContractPdf(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="A4", unit="mm")
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, self.footer_text, align="L")
        self.set_y(-14)
        self.cell(0, 4, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="R")


def render_pdf(
    settings: Settings,
    text: str,
    *,
    contract_id: str,
    source_line: str,
    content_sha256: str,
    created_at: datetime,
) -> bytes:
    """The A4 PDF of the contract text, with page numbers and where the offer came from."""
    pdf = _ContractPdf(f"FairCast {contract_id} · {source_line}"[:110])
    pdf.set_creation_date(created_at)
    pdf.set_title(f"FairCast contract {contract_id}")
    pdf.set_subject(contract_id)
    pdf.set_creator("FairCast")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=20)
    path = font_path(settings)
    pdf.add_font(FONT, "", path, collection_font_number=0)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - 2 * MARGIN_MM
    for line in text.splitlines():
        if line.startswith("# "):
            pdf.set_font(FONT, size=18)
            pdf.multi_cell(width, 12, line[2:], align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif line.startswith("## "):
            pdf.ln(2)
            pdf.set_font(FONT, size=12.5)
            pdf.multi_cell(width, 8, line[3:], new_x="LMARGIN", new_y="NEXT")
        elif not line.strip():
            pdf.ln(3)
        else:
            pdf.set_font(FONT, size=10.5)
            pdf.multi_cell(width, 6.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, size=8.5)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(
        width,
        5,
        f"条款摘要 SHA-256：{content_sha256}\n"
        f"签署后请在 {settings.public_url.rstrip('/')}/verify 核验本文件。",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()
