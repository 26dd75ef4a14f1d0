"""Each validation message says what is wrong and how to fix it."""

import pytest
from django.core.exceptions import ValidationError

from intake.common.validators import (
    SHENZHEN_REASON,
    credit_code_region_warning,
    names_shenzhen,
    normalize_credit_code,
    normalize_email,
    normalize_form_no,
    normalize_phone,
    validate_credit_code,
    validate_phone,
)
from tests.factories import credit_code


def full_width(text):
    """As a Chinese input method in full-width mode types it (ASCII → U+FF01…, space → U+3000)."""
    return "".join("\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def message(func, value):
    with pytest.raises(ValidationError) as exc:
        func(value)
    return exc.value.messages[0]


def test_valid_guangdong_code_passes():
    validate_credit_code(credit_code("441800"))
    validate_credit_code(credit_code("441800").lower())  # letters are compared in upper case


def test_wrong_length():
    assert "应为 18 位，您输入了 17 位" in message(validate_credit_code, credit_code()[:17])


def test_wrong_check_character_names_the_right_one():
    good = credit_code("441800")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    text = message(validate_credit_code, bad)
    assert "校验位" in text and f"应为“{good[17]}”" in text


def test_forbidden_letters():
    code = credit_code()
    assert "格式不正确" in message(validate_credit_code, code[:10] + "I" + code[11:])


def test_not_guangdong():
    text = message(validate_credit_code, credit_code("110101"))
    assert "110101" in text and "不是广东省" in text


@pytest.mark.parametrize("phone", ["13800138000", "020-83133359", "02083133359", "0763-1234567", "020-83133359-801"])
def test_phone_accepted(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "83133359", "1380013800", "abc", "23800138000"])
def test_phone_refused(phone):
    assert "11 位手机号" in message(validate_phone, phone)


def test_region_warning_for_another_guangdong_city():
    class City:
        name = "清远市"
        region_prefix = "4418"

    names = {"4413": "惠州市", "4418": "清远市"}
    assert credit_code_region_warning(credit_code("441800"), City, names) is None
    assert "惠州市" in credit_code_region_warning(credit_code("441302"), City, names)
    assert "省级登记机关" in credit_code_region_warning(credit_code("440000"), City, names)
    assert "441521" in credit_code_region_warning(credit_code("441521"), City, names)


@pytest.mark.parametrize("region", ["440300", "440303", "440304", "440305", "440306", "440307", "440309", "440311"])
def test_shenzhen_codes_are_refused_saying_why(region):
    text = message(validate_credit_code, credit_code(region))
    assert SHENZHEN_REASON in text and "深圳市" in text and region in text


def test_shenzhen_rule_reads_the_region_not_the_digits_elsewhere():
    validate_credit_code(credit_code("441800", serial=4403000))  # 4403 in the serial part: Qingyuan's


@pytest.mark.parametrize("text", ["深圳", "深圳市", " 深圳市 ", "440300", "440305", "深圳市南山区"])
def test_shenzhen_named_in_a_list(text):
    assert names_shenzhen(text)


@pytest.mark.parametrize("text", ["清远市", "441800", "4403", "", "广州"])
def test_other_places_are_not_shenzhen(text):
    assert not names_shenzhen(text)


def test_full_width_credit_code_is_checked_as_typed_on_the_licence():
    code = credit_code("441800")
    for typed in (full_width(code), full_width(code.lower()), " ".join([code[:6], full_width(code[6:])]),
                  f"\u3000{code[:9]}\u3000{code[9:]}\t", f"{code[:8]}－{code[8:]}"):
        assert normalize_credit_code(typed) == code, typed
        validate_credit_code(typed)


def test_full_width_code_keeps_its_precise_message():
    good = credit_code("441800")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    assert "校验位" in message(validate_credit_code, full_width(bad))
    assert "不是广东省" in message(validate_credit_code, full_width(credit_code("110101")))


@pytest.mark.parametrize("typed, plain", [
    ("１３８００１３８０００", "13800138000"), ("０２０－８３１３３３５９", "020-83133359"),
    ("（020）83133359", "02083133359"), ("138 0013 8000", "13800138000"), ("\u3000020-83133359\u3000", "020-83133359"),
])
def test_phone_numbers_are_folded(typed, plain):
    assert normalize_phone(typed) == plain
    validate_phone(typed)


def test_email_and_form_numbers_are_folded():
    assert normalize_email("ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ ") == "zhang@example.cn"
    assert normalize_email("zhang @example.cn") == "zhang@example.cn"
    assert normalize_form_no("ＦＷ２０２３\u3000００１") == "FW2023001"
