"""Documents rendered by the background worker (intake/renders/): the stored file of the same data
at once, else a page saying it is being prepared (it refreshes itself) with the previous version."""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render as render_page
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from intake.common.exports import attachment
from intake.models import Render
from intake.renders import kinds, services


def serve_or_wait(request, kind, params):
    """The finished render of the data as it is now, or the page that waits for it."""
    render, document = services.request_render(kind, params)
    if render.is_done:
        return _send(request, render, document.filename, document.fallback_filename)
    previous = services.previous_render(kind, params, exclude=render)
    stalled = render.status == Render.QUEUED and (
        timezone.now() - render.requested_at).total_seconds() > settings.RENDER_STALL_SECONDS
    response = render_page(request, "intake/render_wait.html", {
        "render": render, "kind": kind, "document": document, "previous": previous, "stalled": stalled,
        "failed": render.status == Render.FAILED,
        "status_url": reverse("render_status", args=[render.pk]),
        "download_url": reverse("render_download", args=[render.pk]),
        "retry_url": request.get_full_path(),
    }, status=202)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _allowed_render(request, render_id):
    render = Render.objects.filter(pk=render_id).first()
    kind = kinds.REGISTRY.get(render.kind) if render is not None else None
    if kind is None or not kind.allowed(request.user, render.params):
        raise Http404("没有找到该文件。")
    return render, kind


@require_safe
def render_download(request, render_id):
    """A stored render by its id (the previous version the waiting page offers, or the fresh one)."""
    render, kind = _allowed_render(request, render_id)
    render = services.current_of(render)
    if not render.is_done:
        raise Http404("该版本的文件尚未生成或已清理，请重新下载。")
    stamp = timezone.localtime(render.finished_at).strftime("%Y%m%d-%H%M")
    stem, dot, extension = render.filename.rpartition(".")
    latest = services.previous_render(kind, render.params)
    if latest is not None and latest.pk != render.pk:  # an older version: its name says when it was made
        filename = f"{stem}_{stamp}版{dot}{extension}"
    else:
        filename = render.filename
    return _send(request, render, filename, f"{kind.name}_{stamp}.{kind.extension}")


@require_safe
def render_status(request, render_id):
    """JSON for the waiting page's script: {"status": …, "ready": bool, "download": url}."""
    render, _kind = _allowed_render(request, render_id)
    render = services.current_of(render)
    response = JsonResponse({
        "status": render.status, "label": render.get_status_display(), "ready": render.is_done,
        "failed": render.status == Render.FAILED,
        "download": reverse("render_download", args=[render.pk]) if render.is_done else "",
    })
    patch_cache_control(response, private=True, no_store=True)
    return response


def _send(request, render, filename, fallback):
    etag = f'"{render.digest[:32]}"'
    response = get_conditional_response(request, etag=etag)  # 304 when the client has it
    if response is None:
        kind = kinds.REGISTRY[render.kind]
        with render.file.open("rb") as f:
            response = attachment(filename, kind.mimetype, f.read(), fallback=fallback)
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response
