"""A match's reasons in words, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _

from app.matching.vocabulary import category_label


def reason_text(code: str, detail: str) -> str:
    """One reason ("工种相符", "同在东园镇", "持叉车证" …) as the reader reads it."""
    if code == "category":
        return _("Same kind of work (%(trade)s)", trade=category_label(detail))
    if code == "district":
        return _("Also in %(town)s", town=detail)
    if code == "pay":
        return _("Pay meets your expectation")
    if code == "work_type":
        return {
            "gig": _("Gig work, as wanted"),
            "part_time": _("Part-time, as wanted"),
            "full_time": _("Full-time, as wanted"),
        }[detail]
    if code == "shift":
        return _("Night shift acceptable") if detail == "night" else _("Day shift, as wanted")
    if code == "daily_pay":
        return _("Paid daily (日结)")
    if code == "certificate":
        return _("Holds a %(word)s certificate", word=detail)
    return _("Skill: %(word)s", word=detail)


def reasons_text(reasons: list[tuple[str, str]]) -> list[str]:
    return [reason_text(code, detail) for code, detail in reasons]
