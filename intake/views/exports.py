"""Annex 2 downloads: one city's sheet, or (province, admins) every city's with the 汇总."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .. import annex2, review_selectors, scoping, selectors
from ..exports import EXPORTS, CjkFontMissing, content_disposition, render_cached


@require_safe
def annex2_export(request, extension):
    """`?city=<division code>` (a clerk's own city whatever is asked: another city is a 404),
    `?campaign=<year>` (default: the current one). The province-wide PDF prints the sheets of the
    cities with nominations only (the 汇总 lists the others as 未推荐), every city's with `?all=1`;
    the workbook always has every city's sheet."""
    export = EXPORTS[extension]()
    campaign = selectors.get_campaign(request.GET.get("campaign"))
    city = scoping.get_city_for_user(request.user, request.GET.get("city") or None)
    if city is not None:
        sheets, summary = [annex2.city_sheet(campaign, city)], None
    else:
        province = annex2.province_annex2(campaign, scoping.visible_cities(request.user))
        every_city = extension != "pdf" or request.GET.get("all") == "1"
        sheets, summary = province.sheets_to_print(include_empty=every_city), province.summary
    return _send(request, export, campaign, sheets, summary)


@require_safe
def province_selection_export(request, extension):
    """The province's own selection for the ministry, 推荐单位 广东省工业和信息化厅 (reviewers)."""
    scoping.ensure_may_review(request.user)
    campaign = selectors.get_campaign(request.GET.get("campaign"))
    sheet = review_selectors.province_selection_sheet(campaign)
    return _send(request, EXPORTS[extension](), campaign, [sheet], None)


def _send(request, export, campaign, sheets, summary):
    try:
        result = render_cached(export, sheets, summary=summary)
    except CjkFontMissing as exc:
        messages.error(request, " ".join(exc.args))
        return redirect(f"/?campaign={campaign.year}")
    if result.etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(result.data, content_type=result.mimetype)
        response["Content-Disposition"] = content_disposition(result.filename, result.fallback_filename)
    response["ETag"] = result.etag
    patch_cache_control(response, private=True, no_cache=True)
    return response
