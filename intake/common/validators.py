"""Checks on what a clerk types, with messages that say what to fix.

Every value typed by hand is normalised first, by one function per kind (`normalize_credit_code`,
`normalize_phone`, `normalize_email`, `normalize_form_no`), on every path: forms, imports and the
models' own validation. A Chinese input method types full-width digits and letters (９１４４…,
ｘ＠ｙ．ｃｎ) and ideographic spaces; NFKC folds them to their ASCII forms, so what the clerk sees
as a correct code is checked as one.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

GUANGDONG_PREFIX = "44"
# Shenzhen (440300) is not one of the recommending cities (不含深圳): it recommends to the ministry
# itself. One rule for entry, imports and the registry of recognised units.
SHENZHEN_CODE = "440300"
SHENZHEN_PREFIX = SHENZHEN_CODE[:4]
SHENZHEN_NAME = "深圳市"
SHENZHEN_REASON = "深圳市注册的单位由深圳市直接向工业和信息化部推荐，不属于本次地市推荐范围"
# Landline with area code (020-83133359, 0763-1234567, optional extension) or a mainland mobile.
PHONE_RE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$")


def fold_width(value):
    """Full-width and compatibility characters to their plain forms (NFKC), e.g. ９１４４ → 9144."""
    return unicodedata.normalize("NFKC", value or "")


def _without_spaces(value):
    return "".join(fold_width(value).split())


def normalize_credit_code(value):
    """The 18 characters as printed on the licence: folded, without spaces or dashes, upper case."""
    return uscc.compact(_without_spaces(value))


def normalize_phone(value):
    return re.sub(r"[()]", "", _without_spaces(value))


def normalize_email(value):
    return _without_spaces(value)


def normalize_form_no(value):
    """An application's number (the ministry platform's electronic number, the paper form's)."""
    return _without_spaces(value)


def is_shenzhen_code(code):
    """A credit code registered in Shenzhen (characters 3–6 are 4403)."""
    return normalize_credit_code(code)[2:6] == SHENZHEN_PREFIX


def names_shenzhen(text):
    """A place typed in a list (地市 column): 深圳, 深圳市, 440300 or one of its districts 4403xx."""
    text = _without_spaces(text)
    return "深圳" in text or (len(text) == 6 and text.startswith(SHENZHEN_PREFIX) and text.isdigit())


def validate_credit_code(value):
    """GB 32100 check character (python-stdnum), registration in Guangdong (characters 3–4 = 44),
    and not in Shenzhen."""
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
    if is_shenzhen_code(code):
        raise ValidationError(
            "统一社会信用代码第 3–8 位为登记地行政区划代码（%(region)s，深圳市）。%(reason)s。",
            code="credit_code_shenzhen",
            params={"region": code[2:8], "reason": SHENZHEN_REASON},
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
    if not PHONE_RE.match(normalize_phone(value)):
        raise ValidationError(
            "联系方式应为 11 位手机号（如 13800138000）或带区号的固定电话（如 020-83133359，分机可写在后面）。",
            code="phone",
        )


# 发文字号 (GB/T 9704-2012 7.2.4): 机关代字, the year in 六角括号 〔〕, the serial number and 号,
# e.g. 清工信函〔2023〕12号. A clerk types the brackets in whatever way the input method offers
# (〔〕 [] （） () 【】); they are stored as 〔〕, the serial number without leading zeros.
LETTER_NUMBER_RE = re.compile(
    r"^(?P<agency>[\u4e00-\u9fff]{1,20})[〔\[（(【](?P<year>\d{4})[〕\]）)】](?P<serial>\d{1,5})号$"
)
LETTER_NUMBER_EXAMPLE = "清工信函〔2023〕12号"


def normalize_letter_number(value):
    """The 发文字号 in its printed form, or the folded text as typed when it has not that shape."""
    typed = "".join((value or "").split())
    # NFKC folds full-width digits and brackets (［２０２３］) but leaves 〔〕 and 【】 as they are.
    folded = fold_width(typed)
    match = LETTER_NUMBER_RE.match(folded)
    if not match:
        return folded
    return f"{match['agency']}〔{match['year']}〕{int(match['serial'])}号"


def validate_letter_number(value, *, year=None):
    """A 发文字号 as `normalize_letter_number` returns it: 机关代字〔年份〕序号号; with `year`, the
    year in brackets must be that one (a letter of this campaign)."""
    match = LETTER_NUMBER_RE.match(value or "")
    if not match or int(match["serial"]) == 0:
        raise ValidationError(
            "发文字号格式不正确：应为机关代字、六角括号〔〕内的四位年份、序号和“号”，例如 %(example)s。",
            code="letter_number_shape", params={"example": LETTER_NUMBER_EXAMPLE},
        )
    if year is not None and int(match["year"]) != int(year):
        raise ValidationError(
            "发文字号中的年份 %(typed)s 与本批次年度 %(year)s 不一致，例如 %(example)s。",
            code="letter_number_year",
            params={"typed": match["year"], "year": year,
                    "example": LETTER_NUMBER_EXAMPLE.replace("2023", str(year))},
        )
