"""Uploaded PDFs (stamped letters, stamped Annex 2, written explanations): one set of rules.

The type is judged by content, never by the name; the size is capped; files are stored under
PRIVATE_MEDIA_ROOT with a generated name, outside static and public paths, and are only sent back
through a view that has already applied the city scoping (`pdf_response`).
"""

import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from pypdf import PdfReader
from pypdf.errors import PyPdfError

PDF_MAGIC = b"%PDF-"


class UploadRejected(ValidationError):
    pass


def max_upload_bytes():
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def validate_pdf(uploaded):
    """Refuse anything but a readable, unencrypted PDF within the size limit; rewinds the file."""
    if uploaded is None:
        raise UploadRejected("请选择要上传的 PDF 文件。", code="upload_missing")
    if uploaded.size > max_upload_bytes():
        raise UploadRejected(
            "文件大小为 %(size).1f MB，超过 %(limit)d MB 的上限。请降低扫描分辨率或分拆后重新上传。",
            code="upload_too_large",
            params={"size": uploaded.size / 1024 / 1024, "limit": settings.MAX_UPLOAD_MB},
        )
    uploaded.seek(0)
    head = uploaded.read(1024)
    if PDF_MAGIC not in head:
        raise UploadRejected(
            "上传的文件不是 PDF（按文件内容判断，与文件名无关）。请上传盖章后扫描或导出的 PDF 文件。",
            code="upload_not_pdf",
        )
    uploaded.seek(0)
    try:
        reader = PdfReader(uploaded, strict=False)
        if reader.is_encrypted:
            raise UploadRejected("PDF 文件设置了密码，无法查看。请去掉密码后重新上传。", code="upload_encrypted")
        if len(reader.pages) < 1:
            raise UploadRejected("PDF 文件没有任何页面，请检查后重新上传。", code="upload_empty")
    except UploadRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UploadRejected(
            "PDF 文件已损坏或不完整，无法打开。请重新扫描或导出后上传。", code="upload_broken"
        ) from exc
    finally:
        uploaded.seek(0)


def private_upload_to(instance, filename):
    """A generated path: the client's file name never reaches the file system."""
    return f"{instance._meta.app_label}/{instance._meta.model_name}/{uuid.uuid4().hex}.pdf"


@contextmanager
def stored_pdf(field_file, uploaded, *, validated=False):
    """Validate (unless the caller already did) and store `uploaded` in `field_file`; delete it
    again if the block fails, so an interrupted or refused write keeps nothing. Call it under the
    lock the write takes, after its checks: a request killed while waiting for the lock has
    stored nothing yet (`manage.py clean_uploads` finds what a crash at a worse moment leaves)."""
    if not validated:
        validate_pdf(uploaded)
    field_file.save(uploaded.name or "upload.pdf", uploaded, save=False)
    try:
        yield field_file
    except BaseException:
        field_file.storage.delete(field_file.name)
        raise


def pdf_response(field_file, download_name):
    """Send a stored PDF to a user the caller has already checked may see it."""
    if not field_file:
        raise Http404("该文件尚未上传。")
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在，请重新上传。")
    return FileResponse(handle, content_type="application/pdf", filename=download_name)


# --- Files no row refers to ----------------------------------------------------------------------


def _private_file_fields():
    """(model, field) of every FileField stored with `private_upload_to`."""
    from django.apps import apps
    from django.db.models import FileField

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField) and field.upload_to is private_upload_to:
                yield model, field


def referenced_files():
    """Every stored name a row or a historical version of a row refers to (nothing is deleted:
    a replaced scan is still the file an old version shows)."""
    names = set()
    for model, field in _private_file_fields():
        tables = [model._default_manager]
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            tables.append(history.model._default_manager)
        for manager in tables:
            names.update(manager.exclude(**{field.attname: ""}).exclude(**{f"{field.attname}__isnull": True})
                         .values_list(field.attname, flat=True).distinct())
    return names


def orphaned_files(*, storage=None, min_age_minutes=60, now=None):
    """[(name, size, modified)] of stored uploads that no row and no history row refers to, older
    than `min_age_minutes` (a younger one may belong to a write that has not committed yet).
    Only the folders `private_upload_to` writes to are looked at."""
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.utils import timezone

    storage = storage or default_storage
    cutoff = (now or timezone.now()) - timedelta(minutes=min_age_minutes)
    referenced = referenced_files()
    folders = sorted({f"{model._meta.app_label}/{model._meta.model_name}" for model, _ in _private_file_fields()})
    found = []
    for folder in folders:
        try:
            _dirs, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        for file_name in sorted(files):
            name = f"{folder}/{file_name}"
            if name in referenced:
                continue
            modified = storage.get_modified_time(name)
            if modified <= cutoff:
                found.append((name, storage.size(name), modified))
    return found
