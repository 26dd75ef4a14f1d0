"""The interface every export implements (after pretix's exporters): an exporter's `render(...)`
returns `(filename, mimetype, bytes)`, and its `ascii_filename` names the file for clients that
ignore RFC 5987's `filename*`. Views pick an exporter and send what it returns with `attachment`."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from intake.common.xlsx import XLSX_MIMETYPE


class Exporter:
    identifier = ""  # also the plain name of the file (`ascii_filename`)
    verbose_name = ""
    extension = ""
    mimetype = ""

    def render(self, *args, **kwargs):
        """(filename, mimetype, bytes)"""
        raise NotImplementedError

    def ascii_filename(self, *args, **kwargs):
        return f"{self.identifier}.{self.extension}"


class XlsxExporter(Exporter):
    extension = "xlsx"
    mimetype = XLSX_MIMETYPE


def content_disposition(filename, fallback):
    """Django's attachment header for `filename` (RFC 6266; RFC 5987's UTF-8 `filename*` for a
    Chinese name), with the ASCII `fallback` first for clients that ignore `filename*`."""
    header = content_disposition_header(as_attachment=True, filename=filename)
    if "filename*=" in header:
        plain = content_disposition_header(as_attachment=True, filename=fallback)
        header = header.replace("attachment", plain, 1)
    return header


def attachment(filename, mimetype, data, *, fallback):
    """A download of `data` named `filename` (and `fallback` for old clients)."""
    response = HttpResponse(data, content_type=mimetype)
    response["Content-Disposition"] = content_disposition(filename, fallback)
    return response
