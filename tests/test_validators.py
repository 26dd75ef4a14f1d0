"""Each validation message says what is wrong and how to fix it."""

import pytest
from django.core.exceptions import ValidationError

from intake.validators import credit_code_region_warning, validate_credit_code, validate_phone
from tests.factories import credit_code


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
    assert "440305" in credit_code_region_warning(credit_code("440305"), City, names)
