"""Chinese and English: choosing the language of each page, and the switch between them."""

from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
SESSION_KEY = "lang"

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The language chosen with the switch, else the browser's preference, else Chinese."""
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES), DEFAULT_LANGUAGE)


def safe_next(target: str | None) -> str:
    """A local path to return to; anything pointing elsewhere becomes the home page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("fairs.index")


@bp.route("/lang/<code>")
def switch(code: str):
    """Remember the chosen language and go back to where the switch was pressed."""
    if code in LANGUAGES:
        session[SESSION_KEY] = code
    return redirect(safe_next(request.args.get("next")))
