"""Data and readers shared by the Annex 2 export and import tests."""

import io
import re
from urllib.parse import quote

from openpyxl import load_workbook
from pypdf import PdfReader

from intake import services
from intake.models import Nomination
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
    services.save_slate_contact(user=user("qingyuan"), campaign=campaign, city=city("qingyuan"),
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
    return f"filename*=UTF-8''{quote(filename, safe='')}"


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
