"""Annex 2 XLSX import for a city: upload → preview of every row with its problems → confirm,
which writes all rows or none (the pipeline of `intake/common/imports.py`)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from intake import scoping
from intake.annex2.forms import Annex2ImportForm
from intake.annex2.importer import Annex2Importer
from intake.campaigns.selectors import get_campaign
from intake.common import imports
from intake.common.uploads import UploadRejected


def _clerk_city(request):
    scoping.has_permission("enter", request.user, raise_exception=True)
    return request.user.city


def annex2_import(request):
    city = _clerk_city(request)
    campaign = get_campaign()
    form = Annex2ImportForm(request.POST, request.FILES) if request.method == "POST" else Annex2ImportForm()
    context = {"form": form, "campaign": campaign, "city": city}
    if request.method == "POST" and form.is_valid():
        try:
            preview, token = imports.preview_upload(
                Annex2Importer(request.user, city, campaign), form.cleaned_data["file"], user=request.user
            )
        except UploadRejected as exc:
            form.add_error("file", exc)
        else:
            context.update(_preview(preview), token=token)
    return render(request, "intake/annex2/import.html", context)


@require_POST
def annex2_import_confirm(request):
    city = _clerk_city(request)
    importer = Annex2Importer(request.user, city)
    token = request.POST.get("token")
    try:
        done = imports.confirm(importer, user=request.user, token=token)
    except imports.ImportRefused as exc:
        return render(request, "intake/annex2/import.html", {
            **_preview(exc.preview), "form": Annex2ImportForm(), "campaign": importer.campaign, "city": city,
            "token": token, "confirm_failed": True,
        })
    if done is None:
        messages.error(request, "导入预览已失效（可能已导入，或在其他窗口上传了新文件）。请重新上传文件。")
        return redirect("annex2_import")
    preview, count = done
    messages.success(request, f"已从“{preview.source}”导入 {count} 个推荐对象。")
    return redirect(f"/?campaign={importer.campaign.year}")


def _preview(preview):
    return {
        "rows": preview.rows,
        "error": " ".join(preview.problems) or None,
        "problem_count": len(preview.rows_with_problems),
        "file_name": preview.source,
        "sheet_title": preview.sheet,
    }
