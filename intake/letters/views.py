"""Downloads of the drafted recommendation letters (推荐函)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from intake import scoping
from intake.campaigns.selectors import get_campaign
from intake.common.exports import attachment
from intake.common.fonts import letter_fonts
from intake.letters import EXPORTS, content, pdf
from intake.renders.letters import CITY_LETTER_PDF, PROVINCE_LETTER_PDF
from intake.renders.views import serve_or_wait


@require_safe
def recommendation(request, extension):
    """The city bureau's letter to the department: a clerk's own city (another city's `?city=` is a
    404), any city for the province with `?city=<division code>`; `?campaign=<year>`."""
    campaign = get_campaign(request.GET.get("campaign"))
    city = scoping.get_city_for_user(request.user, request.GET.get("city") or None)
    if city is None:
        raise Http404("请用 ?city=地市代码 指明哪个地市的推荐函。")
    if extension == "pdf":
        return _render_in_worker(request, CITY_LETTER_PDF, {"campaign": campaign.year, "city": city.code}, campaign)
    return _send_docx(request, content.city_letter(campaign, city))


@require_safe
def province(request, extension):
    """The department's letter to the ministry's general office for its own selection (reviewers)."""
    scoping.has_permission("review", request.user, raise_exception=True)
    campaign = get_campaign(request.GET.get("campaign"))
    if extension == "pdf":
        return _render_in_worker(request, PROVINCE_LETTER_PDF, {"campaign": campaign.year}, campaign)
    return _send_docx(request, content.province_letter(campaign))


def _render_in_worker(request, kind, params, campaign):
    """The PDF is rendered by the background worker (`intake/renders/`): the stored render of the
    same letter at once, else the page that waits for it and offers the previous version."""
    if letter_fonts() is None:  # said here, in words, rather than as a failed render
        messages.error(request, pdf.FONTS_MISSING)
        return redirect(f"/?campaign={campaign.year}")
    return serve_or_wait(request, kind, params)


def _send_docx(request, letter):
    """The DOCX, drawn here (tens of milliseconds, no font needed: Word or WPS picks the faces)."""
    etag = f'"docx-{letter.digest()[:24]}"'
    response = get_conditional_response(request, etag=etag)  # 304 when the client has it
    if response is None:
        export = EXPORTS["docx"]()
        response = attachment(*export.render(letter), fallback=export.ascii_filename(letter))
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response
