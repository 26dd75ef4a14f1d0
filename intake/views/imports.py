"""Annex 2 XLSX import for a city: upload → preview of every row with its problems → confirm,
which writes all rows or none (`services.import_nominations`)."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..annex2_import import parse_workbook, prepare_rows, rows_from_session, rows_to_session
from ..forms import Annex2ImportForm
from ..uploads import UploadRejected
from ..xlsx import open_uploaded_workbook

SESSION_KEY = "annex2_import"


def _clerk_city(request):
    if not request.user.is_city_staff:
        raise PermissionDenied("只有地市工信局账号可以导入本市的推荐对象。")
    return request.user.city


def annex2_import(request):
    city = _clerk_city(request)
    campaign = selectors.get_campaign()
    form = Annex2ImportForm(request.POST, request.FILES) if request.method == "POST" else Annex2ImportForm()
    context = {"form": form, "campaign": campaign, "city": city}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheet = parse_workbook(open_uploaded_workbook(upload), city)
        except UploadRejected as exc:
            form.add_error("file", exc)
        else:
            token = uuid.uuid4().hex
            # Only the cells read (strings) wait in the session for the confirmation, not the file.
            request.session[SESSION_KEY] = {
                "token": token, "campaign": campaign.year, "city": city.pk, "file": upload.name,
                "sheet": sheet.title, "rows": rows_to_session(sheet.rows),
            }
            context.update(_run(request, campaign, city, sheet.rows, commit=False), token=token,
                           file_name=upload.name, sheet_title=sheet.title)
    return render(request, "intake/annex2/import.html", context)


@require_POST
def annex2_import_confirm(request):
    city = _clerk_city(request)
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token") or pending.get("city") != city.pk:
        messages.error(request, "导入预览已失效（可能已导入，或在其他窗口上传了新文件）。请重新上传文件。")
        return redirect("annex2_import")
    campaign = selectors.get_campaign(pending["campaign"])
    outcome = _run(request, campaign, city, rows_from_session(pending["rows"]), commit=True)
    if outcome["committed"]:
        del request.session[SESSION_KEY]
        messages.success(request, f"已从“{pending['file']}”导入 {len(outcome['rows'])} 个推荐对象。")
        return redirect(f"/?campaign={campaign.year}")
    return render(request, "intake/annex2/import.html", {
        **outcome, "form": Annex2ImportForm(), "campaign": campaign, "city": city, "token": pending["token"],
        "file_name": pending["file"], "sheet_title": pending["sheet"], "confirm_failed": True,
    })


def _run(request, campaign, city, raw_rows, *, commit):
    """Every row prepared and run through the service; written only when `commit` and all pass."""
    rows = prepare_rows(raw_rows, city)
    blocked = any(row.problems for row in rows)
    error = None
    try:
        results = services.import_nominations(
            user=request.user, campaign=campaign, city=city,
            rows=[(row.category, row.fields) for row in rows], commit=commit and not blocked,
        )
    except ValidationError as exc:  # entry closed, lock busy: the whole import
        error, results = " ".join(exc.messages), [{} for _ in rows]
    for row, errors in zip(rows, results, strict=True):
        row.add_service_errors(errors)
    problem_count = sum(1 for row in rows if row.problems)
    return {
        "rows": rows,
        "error": error,
        "problem_count": problem_count,
        "committed": commit and error is None and problem_count == 0,
    }
