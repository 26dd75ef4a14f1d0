"""The one set of rules for uploaded PDFs: type by content, size, readability, nothing kept on failure."""

import io

import pytest
from django.core.files.storage import default_storage
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from pypdf import PdfWriter

from intake.models import Slate
from intake.uploads import UploadRejected, stored_pdf, validate_pdf
from tests.factories import pdf_bytes, pdf_upload


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
