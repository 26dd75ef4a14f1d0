"""Test data builders: valid credit codes and nominations through the real services."""

import io
import itertools
import zipfile

from stdnum.cn import uscc

from intake.entry import services
from intake.models import Campaign, Category, City, DemoMode, User
from intake.review.services import save_slate_contact

_serial = itertools.count(1)


def credit_code(region="441800", serial=None):
    """A valid 18-character unified social credit code registered in `region`."""
    serial = next(_serial) if serial is None else serial
    body = f"91{region}MA{serial:07d}"  # 2 + 6 + 9 characters = 17
    return body + uscc.calc_check_digit(body)


def user(username):
    return User.objects.select_related("city").get(username=username)


def city(slug):
    return City.objects.get(slug=slug)


def open_campaign():
    return Campaign.objects.filter(is_open=True).order_by("-year").first()


def nomination_fields(category_code, city_obj, **overrides):
    fields = {
        "contact_name": "张三",
        "contact_phone": "13800138000",
        "contact_email": "contact@example.cn",
        "electronic_no": f"FW2023{next(_serial):05d}",
    }
    if category_code != Category.CITY:
        fields["name"] = f"测试单位{next(_serial)}"
        fields["credit_code"] = credit_code(city_obj.code)
    if category_code == Category.ENTERPRISE:
        fields["demo_mode"] = DemoMode.objects.first()
    if category_code in Category.PLATFORMS:
        fields["provider"] = "应用服务提供商"
    if category_code == Category.CITY:
        fields["city_kind"] = "other"
    fields.update(overrides)
    return fields


def nominate(username, category_code, campaign=None, **overrides):
    clerk = user(username)
    category = Category.objects.get(pk=category_code)
    return services.create_nomination(
        user=clerk, campaign=campaign or open_campaign(), city=clerk.city, category=category,
        **nomination_fields(category_code, clerk.city, **overrides),
    )


def post_data(category_code, city_obj, **overrides):
    """The same fields as a browser would post them."""
    data = nomination_fields(category_code, city_obj, **overrides)
    if "demo_mode" in data and data["demo_mode"] is not None and not isinstance(data["demo_mode"], (int, str)):
        data["demo_mode"] = data["demo_mode"].pk
    return {k: ("" if v is None else v) for k, v in data.items()}


def zip_bomb():
    """An .xlsx-shaped ZIP whose sheet inflates to 150 MB of spaces: refused as a 压缩炸弹."""
    return _zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>",
                    "xl/worksheets/sheet1.xml": "<a>" + " " * (150 * 1024 * 1024) + "</a>"}, zipfile.ZIP_DEFLATED)


def damaged_workbook():
    """An .xlsx-shaped ZIP whose workbook part is not XML: refused as 已损坏."""
    return _zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "not xml at all <<<"})


def _zipped(parts, compression=zipfile.ZIP_STORED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


def pdf_bytes(pages=1):
    """A small, valid PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def raw_pdf(*bodies, before=b"", after=b""):
    """A PDF written byte by byte: object i + 1 is `bodies[i]` (object 1 the catalog), with a correct
    cross-reference table, so a test can put anything a PDF may hold where it wants."""
    out = bytearray(before + b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out) + after


PAGE_TREE = (b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")


def pdf_upload(name="盖章材料.pdf", content=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type="application/pdf")


# --- Slate review ---------------------------------------------------------------------------------

PASS_REVIEW = {"check_authenticity": "pass", "check_accuracy": "pass", "check_completeness": "pass",
               "site_check_note": ""}


def review(nomination, **overrides):
    """The city's formal review through the service; passes, paper number = electronic number."""
    from intake.review import services as review_services

    fields = {**PASS_REVIEW, "paper_no": nomination.electronic_no, **overrides}
    return review_services.save_formal_review(nomination, user=user(nomination.city.slug), **fields)


def annex2_code(username, campaign=None):
    """The 校验码 the city's Annex 2 prints now (what a clerk types from the stamped paper)."""
    from intake.annex2 import sheet as annex2

    return annex2.verification_code(annex2.city_sheet(campaign or open_campaign(), user(username).city))


def upload_stamped(username, field, campaign=None, code=None):
    """A stamped scan through the service (the Annex 2, or the letter that lists it), confirmed with
    the current data's 校验码 unless `code`."""
    from intake.review import services as review_services

    clerk = user(username)
    campaign = campaign or open_campaign()
    if code is None:
        code = annex2_code(username, campaign)
    return review_services.upload_slate_pdf(user=clerk, campaign=campaign, city=clerk.city, field=field,
                                            uploaded=pdf_upload(), code=code or "")


def ready_slate(username, campaign=None, *, uploads=("letter_pdf", "annex2_pdf"), filler=True):
    """Everything a submission needs: 填报人, the stamped PDFs (the Annex 2 of the data as it is
    now), each counted nomination reviewed."""
    from intake.models import Nomination
    from intake.review.selectors import slate_for

    clerk = user(username)
    campaign = campaign or open_campaign()
    if filler:
        save_slate_contact(user=clerk, campaign=campaign, city=clerk.city, filler_name="李四",
                                    filler_phone="0763-3361234")
    for field in uploads:
        upload_stamped(username, field, campaign)
    for n in Nomination.objects.filter(campaign=campaign, city=clerk.city, status=Nomination.ENTERED):
        review(n)
    return slate_for(campaign, clerk.city)


def submit(username, campaign=None):
    from intake.review import services as review_services

    clerk = user(username)
    return review_services.submit_slate(user=clerk, campaign=campaign or open_campaign(), city=clerk.city)


def accepted(username, campaign=None):
    """Ready, submitted and accepted by the province."""
    from intake.review import services as review_services

    campaign = campaign or open_campaign()
    ready_slate(username, campaign)
    submit(username, campaign)
    return review_services.accept_slate(user=user("province"), campaign=campaign, city=user(username).city)
# Evaluation of the demonstration units of batches 1–4


def recognised(slug="qingyuan", kind="enterprise", batch=1, **fields):
    """A unit in the registry of batches 1–4 (saved directly: the registry has no quota rules)."""
    from intake.models import RecognisedUnit

    place = city(slug)
    if kind == RecognisedUnit.CITY:
        fields.setdefault("name", place.name)
    else:
        fields.setdefault("name", f"示范单位{next(_serial)}")
        fields.setdefault("credit_code", credit_code(place.code))
    unit = RecognisedUnit(kind=kind, batch=batch, city=place, **fields)
    unit.full_clean()
    unit.save()
    return unit


def xlsx_upload(rows, headers=("名称", "统一社会信用代码", "类别", "批次", "地市"), name="名单.xlsx", before=()):
    """An uploaded XLSX whose first sheet holds `before` rows, the header row, then `rows`."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    wb = Workbook()
    for row in before:
        wb.active.append(list(row))
    if headers:
        wb.active.append(list(headers))
    for row in rows:
        wb.active.append(list(row))
    import io

    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())
