from app.validators import (
    credit_check_char,
    mask_mobile,
    normalize_credit_code,
    normalize_mobile,
    normalize_resident_id,
)


def test_mobile_numbers_accept_mainland_formats_and_refuse_others():
    assert normalize_mobile("13800138000") == "13800138000"
    assert normalize_mobile("+86 138-0013-8000") == "13800138000"
    assert normalize_mobile("8613800138000") == "13800138000"
    for bad in ("12800138000", "1380013800", "138001380001", "abc", "", "0595-87001234"):
        assert normalize_mobile(bad) is None


def test_mobile_numbers_are_masked_for_others():
    assert mask_mobile("13800138000") == "138****8000"


def test_resident_id_check_digit_per_gb_11643():
    assert normalize_resident_id("11010519491231002x") == "11010519491231002X"
    assert normalize_resident_id("110105194912310021") is None  # wrong check digit
    assert normalize_resident_id("110105194913310028") is None  # month 13
    assert normalize_resident_id("11010519491231002") is None  # too short


def test_credit_code_check_character_per_gb_32100():
    assert normalize_credit_code("91350100m000100y43") == "91350100M000100Y43"
    assert normalize_credit_code("91110000600037341L") == "91110000600037341L"
    assert normalize_credit_code("91350100M000100Y44") is None
    assert normalize_credit_code("91350100M000100I43") is None  # I is not in the alphabet
    body = "91350521MA2Y8K3L0"
    assert normalize_credit_code(body + credit_check_char(body)) is not None
