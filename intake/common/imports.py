"""One pipeline for every XLSX import (a city's Annex 2, the registry of batches 1–4).

upload → `xlsx_reader.read_uploaded_workbook` (every limit checked before the work it guards)
→ `importer.read(workbook)`: cells to rows and the problems reading alone finds
→ `importer.check(preview)`: what the database says, nothing written
→ the preview page (long texts cut there, never in the data); a preview that can be confirmed
  waits in `ImportPreview` (not in the session: one per user and kind of import, under a token
  the confirm form sends back, expiring)
→ `confirm`: the stored rows checked again and written in one transaction by
  `importer.apply(preview, user=…)`, or `ImportRefused` with the problems and nothing written.

An importer also has `kind` (one of `ImportPreview.KIND_CHOICES`), `dump(preview)` (the rows as
JSON) and `load(payload)` (a Preview again).
"""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from intake.common.uploads import display_name
from intake.common.xlsx_reader import read_uploaded_workbook
from intake.models import ImportPreview

PREVIEW_LIFETIME = timedelta(hours=2)
EXCERPT_CHARS = 60  # a cell's text quoted in a problem message
PREVIEW_TEXT_CHARS = 100  # a cell's text in a preview page (templatetags: preview_text)


@dataclass
class Preview:
    rows: list  # the importer's rows, each with a `problems` list
    problems: list = field(default_factory=list)  # about the file, or the import as a whole
    source: str = ""  # the uploaded file's cleaned name
    sheet: str = ""  # the worksheet read, when the importer picks one

    @property
    def rows_with_problems(self):
        return [row for row in self.rows if row.problems]

    @property
    def ok(self):
        return bool(self.rows) and not self.problems and not self.rows_with_problems


class ImportRefused(ValidationError):
    def __init__(self, preview, message="导入未完成，没有写入任何数据。请按提示修改后重新上传。"):
        super().__init__(message, code="import_refused")
        self.preview = preview


def excerpt(text, limit=EXCERPT_CHARS):
    """A cell's text as a message quotes it: the beginning of a long one."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def preview_upload(importer, uploaded, *, user):
    """Read and check `uploaded` without writing anything but the preview: (preview, token), the
    token None when there is something to fix first. UploadRejected for a file that cannot be read."""
    preview = importer.read(read_uploaded_workbook(uploaded))
    preview.source = display_name(uploaded, "")
    if not preview.problems:
        importer.check(preview)
    if not preview.ok:
        discard(user, importer.kind)
        return preview, None
    return preview, _store(user, importer.kind, preview.source, importer.dump(preview))


def confirm(importer, *, user, token):
    """Write the preview `token` names, all rows or none: (preview, what `apply` returns), or None
    when it has expired or a newer upload replaced it. On ImportRefused the preview is kept, so the
    same file can be confirmed once what blocked it is resolved."""
    with transaction.atomic():
        stored = _stored(user, importer.kind, token)  # locked: a second click waits, then finds it gone
        if stored is None:
            return None
        preview = importer.load(stored.payload)
        preview.source = stored.source
        result = importer.apply(preview, user=user)
        stored.delete()
    return preview, result


def discard(user, kind):
    ImportPreview.objects.filter(user=user, kind=kind).delete()


def _store(user, kind, source, payload):
    now = timezone.now()
    token = secrets.token_hex(32)
    ImportPreview.objects.filter(expires_at__lte=now).delete()
    ImportPreview.objects.update_or_create(user=user, kind=kind, defaults={
        "token": token, "source": source, "payload": payload, "created_at": now, "expires_at": now + PREVIEW_LIFETIME,
    })
    return token


def _stored(user, kind, token):
    if not isinstance(token, str) or not token.isascii() or not token.isalnum():
        return None
    found = ImportPreview.objects.select_for_update().filter(user=user, kind=kind, token=token)
    return found.filter(expires_at__gt=timezone.now()).first()
