"""Checks on what a clerk types, with messages that say what to fix."""

import re

from django.core.exceptions import ValidationError
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

GUANGDONG_PREFIX = "44"
# Landline with area code (020-83133359, 0763-1234567, optional extension) or a mainland mobile.
PHONE_RE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$")


def normalize_credit_code(value):
    return uscc.compact(value or "")


def validate_credit_code(value):
    """GB 32100 check character (python-stdnum) and registration in Guangdong (characters 3–4 = 44)."""
    code = normalize_credit_code(value)
    try:
        uscc.validate(code)
    except InvalidLength:
        raise ValidationError(
            "统一社会信用代码应为 18 位，您输入了 %(n)d 位，请对照营业执照核对。", code="credit_code_length",
            params={"n": len(code)},
        )
    except InvalidChecksum:
        raise ValidationError(
            "统一社会信用代码的校验位（第 18 位）不正确，应为“%(check)s”，请对照营业执照逐位核对。",
            code="credit_code_checksum",
            params={"check": uscc.calc_check_digit(code[:17])},
        )
    except StdnumError:
        raise ValidationError(
            "统一社会信用代码格式不正确：前 8 位应为数字，其余为数字或大写字母（不含 I、O、Z、S、V）。",
            code="credit_code_format",
        )
    if code[2:4] != GUANGDONG_PREFIX:
        raise ValidationError(
            "统一社会信用代码第 3–8 位为登记地行政区划代码（%(region)s），不是广东省（44 开头）。"
            "申报主体须在广东省内注册。",
            code="credit_code_not_guangdong",
            params={"region": code[2:8]},
        )


def credit_code_region_warning(code, city, cities_by_prefix):
    """A Guangdong code registered outside `city` is allowed; say so (None when it is the city's own).

    `cities_by_prefix` maps four-digit division prefixes to city names.
    """
    code = normalize_credit_code(code)
    if len(code) != 18 or code[2:6] == city.region_prefix:
        return None
    prefix = code[2:6]
    if prefix == "4400":
        where = "省级登记机关"
    else:
        where = cities_by_prefix.get(prefix, f"区划代码 {code[2:8]} 所在地区")
    return (
        f"提示：统一社会信用代码 {code} 的登记地为{where}，不是{city.name}。"
        f"跨市推荐是允许的，请核实该单位确由{city.name}推荐。"
    )


def validate_phone(value):
    compact = re.sub(r"[\s()（）]", "", value or "")
    if not PHONE_RE.match(compact):
        raise ValidationError(
            "联系方式应为 11 位手机号（如 13800138000）或带区号的固定电话（如 020-83133359，分机可写在后面）。",
            code="phone",
        )
