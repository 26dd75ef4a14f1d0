"""Generic capture for the security log, so views need not know about it: every file sent (a
response naming a file: exports, stamped PDFs, explanations), every upload, every refusal (403,
and the 404 a city gets for another city's object). Also remembers the request being served for
`log.record`."""

import re
from pathlib import PurePath
from urllib.parse import unquote

from django.contrib import messages
from django.core.exceptions import PermissionDenied

from intake.audit.log import current_request, record
from intake.models import Campaign, City, SecurityEvent
from intake.scoping import OutOfScope

FILENAME_STAR = re.compile(r"filename\*\s*=\s*[\w-]+''([^;]+)", re.I)
FILENAME = re.compile(r'filename\s*=\s*"?([^";]+)"?', re.I)


def sent_filename(response):
    header = response.get("Content-Disposition", "")
    match = FILENAME_STAR.search(header)
    if match:
        return unquote(match[1].strip())
    match = FILENAME.search(header)
    return match[1].strip() if match else ""


def _city(request):
    """The city a request is about: the URL's or the query's division code, else the clerk's own."""
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    code = str(kwargs.get("code") or request.GET.get("city") or "")
    if len(code) == 6 and code.isascii() and code.isdigit():
        return City.objects.filter(code=code).first()
    user = getattr(request, "user", None)
    return user.city if user is not None and user.is_authenticated and user.city_id else None


def _campaign_year(request):
    year = request.GET.get("campaign", "")
    if year.isascii() and year.isdigit() and len(year) == 4:
        return int(year)
    current = Campaign.objects.current()
    return current.year if current else None


class SecurityLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            self.after(request, response)
            return response
        finally:
            current_request.reset(token)

    def process_exception(self, request, exception):
        request.security_exception = exception

    def after(self, request, response):
        status = response.status_code
        exception = getattr(request, "security_exception", None)
        where = f"{request.method} {request.path}"[:300]
        if status == 403:
            reason = getattr(request, "security_refusal", None) or (
                " ".join(str(a) for a in exception.args) if isinstance(exception, PermissionDenied) else ""
            )
            record(SecurityEvent.DENIED, request=request, target=where, outcome=SecurityEvent.REFUSED,
                   detail=reason or "无权访问（403）")
        elif status == 404 and isinstance(exception, OutOfScope):
            record(SecurityEvent.DENIED, request=request, target=where, outcome=SecurityEvent.REFUSED,
                   city=exception.city_id, detail="其他地市的数据，按不存在处理（404）")
        if status == 200 and response.has_header("Content-Disposition"):
            self.download(request, response, where)
        if request.method == "POST" and getattr(request, "_files", None):
            self.upload(request, status, where)

    def download(self, request, response, where):
        filename = sent_filename(response)
        fmt = PurePath(filename).suffix.lstrip(".").lower() or response.get("Content-Type", "")
        city = _city(request)
        year = _campaign_year(request)
        record(SecurityEvent.DOWNLOAD, request=request, target=f"{filename}（{where}）", city=city,
               detail=f"格式 {fmt}；地市 {city.name if city else '全省'}；批次 {year or '-'}")

    def upload(self, request, status, where):
        files = "、".join(f"{f.name}（{f.size} 字节）" for f in request._files.values())
        refused = status >= 400 or any(
            m.level >= messages.ERROR for m in getattr(getattr(request, "_messages", None), "_queued_messages", [])
        )
        record(SecurityEvent.UPLOAD, request=request, target=where, city=_city(request),
               outcome=SecurityEvent.FAILURE if refused else SecurityEvent.SUCCESS,
               detail=f"{files}；HTTP {status}")
