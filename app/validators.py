"""Checks for Chinese identifiers: mobile numbers, resident ID numbers, credit codes."""

from __future__ import annotations

import re
from datetime import date

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_NOISE = re.compile(r"[\s\-()]")

# GB 11643-1999: 17 digits weighted, the sum mod 11 picks the check character.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$")

# GB 32100-2015: 31 characters (no I, O, Z, S, V), 17 weighted, check = 31 - sum mod 31.
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_RE = re.compile(rf"^[{CREDIT_CHARS}]{{2}}\d{{6}}[{CREDIT_CHARS}]{{10}}$")


def normalize_mobile(value: str) -> str | None:
    """The 11-digit mainland mobile number in value, or None when it is not one."""
    digits = _MOBILE_NOISE.sub("", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits if MOBILE_RE.match(digits) else None


def mask_mobile(mobile: str) -> str:
    """A mobile number with its middle four digits hidden, as shown to other people."""
    return f"{mobile[:3]}****{mobile[7:]}" if len(mobile) == 11 else "***"


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def normalize_resident_id(value: str) -> str | None:
    """The resident ID number in value (upper-case X), or None when its check fails."""
    number = (value or "").strip().upper()
    if not ID_RE.match(number):
        return None
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if born.year < 1900 or born > date.today():
        return None
    return number if id_check_char(number[:17]) == number[17] else None


def credit_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str | None:
    """The unified social credit code in value (upper-case), or None when its check fails."""
    code = (value or "").strip().upper()
    if not CREDIT_RE.match(code):
        return None
    return code if credit_check_char(code[:17]) == code[17] else None
