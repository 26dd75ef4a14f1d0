"""Data and readers shared by the Annex 2 export and import tests."""

import io
import re
from urllib.parse import quote

from openpyxl import load_workbook
from pypdf import PdfReader

from intake.common.xlsx import SafeWorkbook
from intake.entry import services
from intake.models import Nomination
from intake.review.services import save_slate_contact
from tests.factories import city, nominate, open_campaign, user

FORMULA_NAMES = ["=SUM(A1:A9)", "+86某科技公司", "-1+2工厂", "@cmd服务平台"]


def fill_qingyuan():
    """Qingyuan with every kind of row Annex 2 must show or leave out, and Huizhou beside it."""
    campaign = open_campaign()
    rows = {
        "first": nominate("qingyuan", "enterprise", name="甲智能装备有限公司"),
        "formula": nominate("qingyuan", "enterprise", name=FORMULA_NAMES[0]),
        "withdrawn": nominate("qingyuan", "enterprise", name="已撤回的企业"),
        "rejected": nominate("qingyuan", "enterprise", name="不予受理的企业"),
        "platform": nominate("qingyuan", "platform_other", name="乙工业互联网平台", provider="公共服务提供商"),
        "city": nominate("qingyuan", "city", city_kind="industrial_design", contact_name="王五"),
        "foreign": nominate("huizhou", "project", name="惠州的项目"),
    }
    services.withdraw_nomination(rows["withdrawn"], user=user("qingyuan"), reason="测试")
    Nomination.objects.filter(pk=rows["rejected"].pk).update(status=Nomination.REJECTED)
    save_slate_contact(user=user("qingyuan"), campaign=campaign, city=city("qingyuan"),
                                filler_name="李四", filler_phone="0763-3361234")
    return rows


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def pdf_reader(response):
    return PdfReader(io.BytesIO(response.content))


def pdf_text(response):
    """The text of every page, whitespace collapsed (a wrapped cell gets a space)."""
    return [re.sub(r"\s+", " ", page.extract_text()) for page in pdf_reader(response).pages]


def rfc5987(filename):
    """RFC 5987's `filename*` as Django's `content_disposition_header` writes it (the charset's
    name is case-insensitive)."""
    return f"filename*=utf-8''{quote(filename)}"


def sheet_rows(ws):
    """Non-empty rows as lists of values (trailing empties cut)."""
    out = []
    for row in ws.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] in (None, ""):
            values.pop()
        if values:
            out.append(values)
    return out


def official_form(rows_by_table, *, credit_column=True, offset=1, recommender=""):
    """The blank official form as a clerk fills it in by hand: titles wrapped as in the notice,
    numbered blank lines, phone numbers typed as numbers, the table not starting in column A, and
    (when `credit_column`) a 统一社会信用代码 column added at the end; `recommender` as typed in 推荐单位."""
    wb = SafeWorkbook()
    ws = wb.active

    def put(*values):
        ws.append([None] * offset + list(values))

    put("附件2")
    put("服务型制造示范推荐汇总表")
    put(f"推荐单位（盖章）：{recommender}", None, "填报人：", None, "联系电话：")
    extra = ["统一社会信用代码"] if credit_column else []
    tables = [
        ("一、示范企业", ["序号", "企业名称", "示范模式", "联系人", "联系方式", "电子邮箱", *extra], "enterprise", 3),
        ("二、示范平台", ["序号", "平台名称（共享制造类）", "公共服务/应用服务提\n供商", "联系人", "联系方式",
                     "电子邮箱", *extra], "platform_shared", 1),
        (None, ["序号", "平台名称(其他类)", "公共服务/应用服务提\n供商", "联系人", "联系方式", "电子邮箱", *extra],
         "platform_other", 2),
        ("三、示范项目", ["序号", "项目名称", "联系人", "联系方式", "电子邮箱", *extra], "project", 1),
        ("四、示范城市", ["序号", "城市名称（工业设计特色类或其他类）", "联系人", "联系方式", "电子邮箱"], "city", 1),
    ]
    for heading, headers, code, blank_lines in tables:
        if heading:
            put(heading)
        put(*headers)
        filled = rows_by_table.get(code, [])
        for number, row in enumerate(filled, 1):
            put(number, *row)
        for number in range(len(filled) + 1, blank_lines + 1):
            put(number)  # the form's numbered, empty lines
    put("注：申报数量请严格按照推荐名额要求。")
    return wb.to_bytes()
