"""Uploaded PDFs (stamped letters, stamped Annex 2, written explanations): one set of rules.

The type is judged by content, never by the name; the size is capped; a PDF that could act when
opened (JavaScript, launch actions, embedded files) or that is also another kind of file (a ZIP
or an HTML page, which browsers and unzip tools read from the end or past the header) is refused;
files are stored under PRIVATE_MEDIA_ROOT with a generated name, outside static and public paths,
and are only sent back, as downloads a browser will not run, through a view that has already
applied the city scoping (`pdf_response`). The client's file name is only ever kept cleaned
(`display_name`).
"""

import io
import re
import unicodedata
import uuid
import zipfile
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

PDF_MAGIC = b"%PDF-"
MAX_PDF_OBJECTS = 20_000  # a scanned letter has dozens, a long text document a few thousand
DISPLAY_NAME_CHARS = 100
# Controls (NUL included), format characters (direction overrides that make "fdp.exe" read ".pdf"),
# surrogates, private and unassigned code points, line and paragraph separators.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Sent with every stored file: a download, never sniffed as another type, and if a browser
# renders it anyway, in a sandbox without scripts, forms or our origin.
FILE_RESPONSE_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"
# Outside streams a PDF is plain syntax (dictionaries, names, numbers, strings), so HTML markup
# there is deliberate. Stream bodies (compressed images are random bytes) are never searched, and
# only tag names that cannot be a PDF hex string (<a0f3…>) are looked for.
STREAM_BODY_RE = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r).*?endstream", re.DOTALL)
HTML_RE = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|frame|frameset|svg|object|embed|meta|form|img|style"
    rb"|link|base|title|div|span|input|textarea|button|video|audio|template|a\s+href)\b",
    re.IGNORECASE,
)

ACTIVE_CONTENT = {  # reason code → why it is refused
    "javascript": "PDF 文件含有 JavaScript 脚本（%(where)s），打开时可能自动运行。",
    "launch": "PDF 文件含有启动外部程序的动作（/Launch），打开时可能运行其他程序。",
    "embedded": "PDF 文件中嵌入了其他文件（附件），可能夹带不安全的内容。",
    "xfa": "PDF 文件含有 XFA 动态表单，其中可以包含脚本。",
}
PLAIN_PDF_HINT = "请上传盖章后扫描的 PDF，或用“打印为 PDF”重新生成后上传。"


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
    data = uploaded.read()
    uploaded.seek(0)
    if not data.startswith(PDF_MAGIC):
        at = data.find(PDF_MAGIC, 0, 1024)
        if at > 0:
            raise UploadRejected(
                "PDF 文件头（%%PDF-）之前还有 %(n)d 个字节的其他内容。正常的 PDF 从第一个字节起就是文件头，"
                "这样的文件可能是伪装成 PDF 的其他文件。" + PLAIN_PDF_HINT,
                code="upload_pdf_prefix", params={"n": at},
            )
        raise UploadRejected(
            "上传的文件不是 PDF（按文件内容判断，与文件名无关）。请上传盖章后扫描或导出的 PDF 文件。",
            code="upload_not_pdf",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRejected("PDF 文件设置了密码，无法查看。请去掉密码后重新上传。", code="upload_encrypted")
        if len(reader.pages) < 1:
            raise UploadRejected("PDF 文件没有任何页面，请检查后重新上传。", code="upload_empty")
        refuse_active_content(reader)
    except UploadRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise UploadRejected(
            "PDF 文件已损坏或不完整，无法打开。请重新扫描或导出后上传。", code="upload_broken"
        ) from exc
    refuse_other_formats(data)


def refuse_active_content(reader):
    """Refuse a PDF that could act when opened. Every object the file defines (in object streams
    too) and the trailer are looked at as parsed (names decoded, so /J#61vaScript is /JavaScript);
    stream contents are never decoded or searched, so image data cannot be mistaken for anything."""
    refs = [(number, generation) for generation, numbers in reader.xref.items() for number in numbers]
    refs += [(number, 0) for number in reader.xref_objStm]
    if len(refs) > MAX_PDF_OBJECTS:
        raise UploadRejected(
            "PDF 文件结构过于复杂：有 %(n)d 个对象，超过 %(limit)d 个的上限。" + PLAIN_PDF_HINT,
            code="upload_pdf_too_complex", params={"n": len(refs), "limit": MAX_PDF_OBJECTS},
        )
    root = reader.trailer.get("/Root")
    root = root.get_object() if root is not None else None
    if isinstance(root, DictionaryObject):
        for key, where in (("/OpenAction", "打开文件时自动运行，/OpenAction"), ("/AA", "附加动作，/AA")):
            action = root.get(key)
            if action is not None and _reason(action.get_object()) == "javascript":
                _refuse("javascript", where)
    for number, generation in refs:
        try:
            obj = reader.get_object(IndirectObject(number, generation, reader))
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
            continue  # unreadable here means unreadable to a viewer too: nothing in it can run
        reason = _reason(obj)
        if reason:
            _refuse(reason, "/JS、/JavaScript")
    reason = _reason(reader.trailer)
    if reason:
        _refuse(reason, "/JS、/JavaScript")


def _reason(obj):
    """Why `obj` (and the direct objects inside it, not the indirect ones it points to) could act."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, DictionaryObject):
            action, kind, subtype = (_resolved(item.get(key)) for key in ("/S", "/Type", "/Subtype"))
            if "/JS" in item or "/JavaScript" in item or action == "/JavaScript":
                return "javascript"
            if action == "/Launch":
                return "launch"
            if "/EmbeddedFiles" in item or "/EF" in item or kind == "/EmbeddedFile" or subtype == "/FileAttachment":
                return "embedded"
            if "/XFA" in item:
                return "xfa"
            stack.extend(v for v in item.values() if isinstance(v, (DictionaryObject, ArrayObject)))
        elif isinstance(item, ArrayObject):
            stack.extend(v for v in item if isinstance(v, (DictionaryObject, ArrayObject)))
    return None


def _resolved(value):
    try:
        return value.get_object() if isinstance(value, IndirectObject) else value
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        return None


def _refuse(reason, where):
    raise UploadRejected(ACTIVE_CONTENT[reason] + PLAIN_PDF_HINT, code=f"upload_pdf_{reason}", params={"where": where})


def refuse_other_formats(data):
    """Refuse a PDF that is also a ZIP (read from its end) or an HTML page (markup outside streams)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inside = len(archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        inside = 0
    if inside:
        raise UploadRejected(
            "该文件既是 PDF 又是 ZIP 压缩包（含 %(n)d 个文件），可能是伪装成 PDF 的其他文件。" + PLAIN_PDF_HINT,
            code="upload_pdf_polyglot", params={"n": inside},
        )
    if HTML_RE.search(STREAM_BODY_RE.sub(b" ", data)):
        raise UploadRejected(
            "该文件中夹带了网页（HTML）代码，可能是伪装成 PDF 的网页。" + PLAIN_PDF_HINT, code="upload_pdf_polyglot",
        )


def display_name(uploaded, default="upload.pdf"):
    """The client's file name as it may be shown or stored: no folders (either slash), no NUL,
    control or direction-changing characters, at most DISPLAY_NAME_CHARS characters (the
    extension kept). Files themselves are stored under generated names (`private_upload_to`)."""
    name = re.split(r"[\\/]", getattr(uploaded, "name", None) or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in HIDDEN_CATEGORIES).strip()
    if not name.strip("."):
        return default  # "." and ".." name folders, not files
    if len(name) > DISPLAY_NAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        extension = f".{extension}" if dot and stem and len(extension) <= 10 else ""
        name = name[: DISPLAY_NAME_CHARS - len(extension)] + extension
    return name or default


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
    field_file.save(display_name(uploaded), uploaded, save=False)
    try:
        yield field_file
    except BaseException:
        field_file.storage.delete(field_file.name)
        raise


def pdf_response(field_file, download_name):
    """Send a stored PDF, as a download, to a user the caller has already checked may see it."""
    if not field_file:
        raise Http404("该文件尚未上传。")
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在，请重新上传。")
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_RESPONSE_CSP
    return response


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
