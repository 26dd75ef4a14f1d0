"""Annex 2 downloads: one city's sheet, or (province, admins) every city's with the 汇总."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from intake import scoping
from intake.annex2 import sheet as annex2
from intake.annex2.exports import EXPORTS, CjkFontMissing, render_cached
from intake.campaigns.selectors import get_campaign
from intake.common.exports import attachment
from intake.renders.annex2 import PROVINCE_ANNEX2_PDF
from intake.renders.views import serve_or_wait
from intake.review import selectors as review_selectors


@require_safe
def annex2_export(request, extension):
    """`?city=<division code>` (a clerk's own city whatever is asked: another city is a 404),
    `?campaign=<year>` (default: the current one). The province-wide PDF prints the sheets of the
    cities with nominations only (the 汇总 lists the others as 未推荐), every city's with `?all=1`;
    the workbook always has every city's sheet.

    One city's sheet (PDF or XLSX) and the workbook are rendered here: about a tenth of a second,
    cached on their data (`render_cached`), as cheap as a page, and what a clerk downloads again and
    again while entering. The province-wide PDF takes seconds of CPU: the background worker renders
    it (`intake/renders/`)."""
    export = EXPORTS[extension]()
    campaign = get_campaign(request.GET.get("campaign"))
    city = scoping.get_city_for_user(request.user, request.GET.get("city") or None)
    if city is not None:
        sheets, summary = [annex2.city_sheet(campaign, city)], None
    elif extension == "pdf" and PROVINCE_ANNEX2_PDF.allowed(request.user, {}):
        # Rendered by the background worker, never here: the stored render of the same data at
        # once, else a page that waits for it and offers the previous version.
        return _province_pdf(request, campaign)
    else:
        province = annex2.province_annex2(campaign, scoping.visible_cities(request.user))
        every_city = extension != "pdf" or request.GET.get("all") == "1"
        sheets, summary = province.sheets_to_print(include_empty=every_city), province.summary
    return _send(request, export, campaign, sheets, summary)


@require_safe
def province_selection_export(request, extension):
    """The province's own selection for the ministry, 推荐单位 广东省工业和信息化厅 (reviewers)."""
    scoping.has_permission("review", request.user, raise_exception=True)
    campaign = get_campaign(request.GET.get("campaign"))
    sheet = review_selectors.province_selection_sheet(campaign)
    return _send(request, EXPORTS[extension](), campaign, [sheet], None)


def _send(request, export, campaign, sheets, summary):
    try:
        result = render_cached(export, sheets, summary=summary)
    except CjkFontMissing as exc:
        messages.error(request, " ".join(exc.args))
        return redirect(f"/?campaign={campaign.year}")
    response = get_conditional_response(request, etag=result.etag)  # 304 when the client has it
    if response is None:
        response = attachment(result.filename, result.mimetype, result.data, fallback=result.fallback_filename)
    response["ETag"] = result.etag
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _province_pdf(request, campaign):
    from intake.annex2.exports.pdf import find_cjk_font
    from intake.common.fonts import INSTALL_HINT

    if find_cjk_font() is None:  # the worker would fail the same way: say it here
        messages.error(request, f"没有找到中文字体，无法生成 PDF（汉字会显示为空白方框）。{INSTALL_HINT}")
        return redirect(f"/?campaign={campaign.year}")
    params = {"campaign": campaign.year, "all": request.GET.get("all") == "1"}
    return serve_or_wait(request, PROVINCE_ANNEX2_PDF, params)
