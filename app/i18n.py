"""Chinese and English: choosing the language of each page, and the switch between them."""

from __future__ import annotations

import ast
import io
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


# Calls whose messages people read: domain errors (and their arguments' explanations of fields)
# and the ValueErrors of input schemas, which become a field's explanation.
ERROR_CALLS = {
    "DomainError",
    "ValidationError",
    "NotFound",
    "Forbidden",
    "Unauthorized",
    "Conflict",
    "RateLimited",
    "IllegalTransition",
    "PayloadTooLarge",
    "UnsupportedMedia",
    "Closed",
    "AlreadyCheckedIn",
    "WrongFair",
    "TicketCancelled",
    "Waitlisted",
    "NotCheckedIn",
    "AlreadyRegistered",
    "ValueError",
}


def _call_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _prose(node: ast.expr) -> str | None:
    """A string literal written for people (it has a space), not a code."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value:
        return node.value
    return None


def extract_python_and_errors(fileobj, keywords, comment_tags, options):
    """Babel extractor: the usual gettext calls, plus the messages of errors people see (their
    message and the explanations of fields), so each needs its translation like any page text."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _call_name(node.func) not in ERROR_CALLS:
            continue
        if node.args and (message := _prose(node.args[0])):
            yield node.lineno, None, message, []
        for argument in [*node.args[1:], *(k.value for k in node.keywords)]:
            if isinstance(argument, ast.Dict):
                for value in argument.values:
                    if value is not None and (text := _prose(value)):
                        yield value.lineno, None, text, []
