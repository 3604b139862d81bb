"""Every page string has a Chinese translation, and the compiled catalogue is current."""

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "app" / "translations" / "zh" / "LC_MESSAGES"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "N_": None,
}
# Python files also yield the messages of the errors people see (babel.cfg names the extractor).
PYTHON_EXTRACTOR = "app.i18n:extract_python_and_errors"


def source_messages() -> set[str]:
    found = set()
    for folder, method in (("app", PYTHON_EXTRACTOR), ("templates", "jinja2")):
        pattern = "**.py" if method == PYTHON_EXTRACTOR else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[(pattern, method)], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_source_string_is_translated_to_chinese():
    with open(CATALOGUE / "messages.po", "rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string}
    missing = sorted(source_messages() - translated)
    assert not missing, f"add these to messages.po (see docs/i18n.md): {missing}"


def test_compiled_catalogue_matches_the_po_file():
    with open(CATALOGUE / "messages.po", "rb") as f:
        catalog = read_po(f)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert (CATALOGUE / "messages.mo").read_bytes() == compiled.getvalue(), (
        "run: pybabel compile -d app/translations"
    )


def test_pages_are_chinese_by_default_and_english_on_request(client):
    chinese = client.get("/").get_data(as_text=True)
    assert 'lang="zh-CN"' in chinese and "招聘会" in chinese
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in english and "Job fairs" in english
