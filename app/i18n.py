"""Chinese and English: choosing the language of each page, and the switch between them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, has_request_context, redirect, request, session, url_for

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
SESSION_KEY = "lang"

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The language chosen with the switch, else the browser's preference, else Chinese
    (also outside a request: the command line, background work)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES), DEFAULT_LANGUAGE)


# Browsers drop tabs and line breaks inside a URL and read a backslash as a slash, so a target
# holding any of these (or other control characters or spaces) could lead off the site.
_UNSAFE_IN_TARGET = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: str | None) -> str:
    """A path on this site to return to; anything that could lead elsewhere is the home page."""
    if not target or _UNSAFE_IN_TARGET.search(target):
        return url_for("fairs.index")
    parts = urlsplit(target)
    local = target.startswith("/") and not target.startswith("//")
    return target if local and not (parts.scheme or parts.netloc) else url_for("fairs.index")


@bp.route("/lang/<code>")
def switch(code: str):
    """Remember the chosen language and go back to where the switch was pressed."""
    if code in LANGUAGES:
        session[SESSION_KEY] = code
    return redirect(safe_next(request.args.get("next")))
