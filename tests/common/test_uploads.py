"""The one set of rules for uploaded PDFs: type by content, size, readability, nothing that could act
when opened, no other format inside, nothing kept on failure, client names only cleaned."""

import io
import os
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from pypdf import PdfWriter

from intake.common.uploads import MAX_PDF_OBJECTS, UploadRejected, display_name, stored_pdf, validate_pdf
from intake.models import Slate
from tests.factories import PAGE_TREE, pdf_bytes, pdf_upload, raw_pdf


def rejected(upload):
    with pytest.raises(UploadRejected) as exc:
        validate_pdf(upload)
    return exc.value.messages[0]


def test_valid_pdf_passes_and_is_rewound():
    upload = pdf_upload()
    validate_pdf(upload)
    assert upload.read(5) == b"%PDF-"


def test_type_is_judged_by_content_not_name():
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    assert "不是 PDF" in rejected(pdf_upload("letter.pdf", png))


def test_size_limit(settings):
    settings.MAX_UPLOAD_MB = 1
    big = pdf_bytes() + b"%" + b"0" * (1024 * 1024)
    assert "超过 1 MB 的上限" in rejected(pdf_upload("big.pdf", big))


def test_broken_pdf():
    assert "已损坏" in rejected(pdf_upload("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer"))
    assert "已损坏" in rejected(pdf_upload("cut.pdf", pdf_bytes()[:200]))


def test_encrypted_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    assert "密码" in rejected(pdf_upload("locked.pdf", out.getvalue()))


def test_missing_file():
    assert "请选择" in rejected(None)


def test_stored_pdf_removes_the_file_when_the_write_fails(db):
    field = FileField(upload_to="test/")
    field.set_attributes_from_name("letter")
    field_file = FieldFile(Slate(), field, None)  # any model with a FileField behaves the same
    with pytest.raises(RuntimeError):
        with stored_pdf(field_file, pdf_upload()):
            assert default_storage.exists(field_file.name)
            raise RuntimeError("database went away")
    assert not default_storage.exists(field_file.name)


def test_refused_file_is_never_stored(db):
    field = FileField(upload_to="test/")
    field.set_attributes_from_name("letter")
    field_file = FieldFile(Slate(), field, None)
    with pytest.raises(UploadRejected):
        with stored_pdf(field_file, pdf_upload("x.pdf", b"not a pdf")):
            pass
    assert not field_file.name


# --- PDFs that could act when opened, or that are another file too ---------------------------------

CATALOG = b"<< /Type /Catalog /Pages 2 0 R %s >>"


def catalog_pdf(entries=b"", *more, before=b"", after=b""):
    return raw_pdf(CATALOG % entries, *PAGE_TREE, *more, before=before, after=after)


def written(writer):
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_attachment():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("说明.txt", b"hello")
    return written(writer)


def zip_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("index.html", "<script>alert(1)</script>")
    return out.getvalue()


JS = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"


def page_pdf(page_entries, *more):
    """A one-page PDF whose page dictionary also holds `page_entries`."""
    return raw_pdf(CATALOG % b"", PAGE_TREE[0], PAGE_TREE[1].replace(b">>", page_entries + b" >>"), *more)


def annotated(annotation):
    return page_pdf(b"/Annots [4 0 R]", b"<< /Type /Annot /Rect [0 0 9 9] " + annotation + b" >>")


ACTIVE = {
    "OpenAction runs JavaScript": (catalog_pdf(b"/OpenAction " + JS), "JavaScript", "/OpenAction"),
    "OpenAction points at JavaScript": (catalog_pdf(b"/OpenAction 4 0 R", JS), "JavaScript", "/OpenAction"),
    "document JavaScript": (catalog_pdf(b"/Names << /JavaScript << /Names [(a) 4 0 R] >> >>", JS), "JavaScript", ""),
    "names written with # escapes": (catalog_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"),
                                     "JavaScript", ""),
    "a page's additional action": (page_pdf(b"/AA << /O " + JS + b" >>"), "JavaScript", ""),
    "a link that runs JavaScript": (annotated(b"/Subtype /Link /A " + JS), "JavaScript", ""),
    "launch action": (catalog_pdf(b"/OpenAction << /S /Launch /F (calc.exe) >>"), "/Launch", ""),
    "embedded file": (with_attachment(), "嵌入了其他文件", ""),
    "file attachment annotation": (annotated(b"/Subtype /FileAttachment"), "嵌入了其他文件", ""),
    "XFA form": (catalog_pdf(b"/AcroForm << /Fields [] /XFA 4 0 R >>", b"<< /Length 0 >>\nstream\n\nendstream"),
                 "XFA", ""),
    "HTML before the header": (catalog_pdf(before=b"<html><body><script>alert(1)</script>\n"), "之前还有", ""),
    "HTML after the end": (catalog_pdf(after=b"<html><script>alert(1)</script></html>"), "网页（HTML）", ""),
    "HTML between objects": (catalog_pdf(b"", b"(x)\n<!DOCTYPE html><iframe src=x>"), "网页（HTML）", ""),
    "a ZIP after the end": (catalog_pdf(after=zip_bytes()), "ZIP 压缩包", ""),
}


@pytest.mark.parametrize("case", ACTIVE)
def test_refused_with_the_reason(case):
    content, reason, where = ACTIVE[case]
    message = rejected(pdf_upload("letter.pdf", content))
    assert reason in message and where in message and "请上传盖章后扫描的 PDF" in message


def scanned_pdf(pages=3, seed=7):
    """What a scanner sends: JPEG pages (noise here, the hardest case), one image per page."""
    import random

    from PIL import Image

    rng = random.Random(seed)
    images = [Image.frombytes("L", (600, 800), rng.randbytes(600 * 800)) for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=150)
    return out.getvalue()


def image_stream(data):
    return (b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /BitsPerComponent 8 /ColorSpace /DeviceGray "
            b"/Filter /DCTDecode /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")


def test_real_documents_pass():
    """Image data is random bytes: whatever it holds (a /JS, an HTML tag, a ZIP record) is never
    read as structure, because only parsed objects and the bytes outside streams are looked at."""
    planted = os.urandom(4096) + b"/JS /JavaScript /Launch <html><script> PK\x05\x06" + b"\0" * 18 + os.urandom(512)
    for content in [
        scanned_pdf(),
        catalog_pdf(b"", image_stream(planted)),
        catalog_pdf(b"/OpenAction [3 0 R /Fit] /Names << /Dests 4 0 R >>", b"<< /Names [(p1) [3 0 R /Fit]] >>"),
        annotated(b"/Subtype /Link /A << /S /URI /URI (https://www.miit.gov.cn/) >>"),
        catalog_pdf(b"/ID [<a> <b0c1>]"),  # hex strings are not HTML
        pdf_bytes(3),
    ]:
        validate_pdf(pdf_upload("scan.pdf", content))


def test_too_many_objects():
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", *PAGE_TREE] + [b"1"] * MAX_PDF_OBJECTS
    assert f"超过 {MAX_PDF_OBJECTS} 个的上限" in rejected(pdf_upload("x.pdf", raw_pdf(*bodies)))


@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("/var/www/推荐函.pdf", "推荐函.pdf"),
    ("C:\\Users\\科员\\Desktop\\推荐函.pdf", "推荐函.pdf"),
    ("推荐\x00函\x1b[31m.pdf", "推荐函[31m.pdf"),
    ("evil\u202efdp.exe", "evilfdp.exe"),
    ("甲" * 300 + ".pdf", "甲" * 96 + ".pdf"),
    ("..", "upload.pdf"),
    ("\x00\x01", "upload.pdf"),
    (None, "upload.pdf"),
])
def test_display_name(name, shown):
    assert display_name(SimpleNamespace(name=name)) == shown
