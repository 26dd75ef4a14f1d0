"""Writes of renders: a request queues a document (`request_render`), the worker renders it
(`run_render`), stored parts are reused (`stored_part`), old files are pruned (`prune_files`)."""

import contextvars
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from intake.models import Render
from intake.renders import kinds, pool

logger = logging.getLogger(__name__)
# A render marked as running for this long belongs to a worker that died: it may be queued again.
RUNNING_GIVEN_UP = timedelta(minutes=10)
REQUEUEABLE = (Render.FAILED, Render.SUPERSEDED)


def parts_folder(kind_name):
    return f"renders/parts/{kind_name}"


def part_path(kind_name, digest):
    return f"{parts_folder(kind_name)}/{digest[:2]}/{digest}.pdf"


def _store(path, data):
    if default_storage.exists(path):
        return
    saved = default_storage.save(path, ContentFile(data))
    if saved != path:  # another render stored the same part meanwhile: keep one
        default_storage.delete(saved)


# The digests of the parts the render running in this thread reads or stores (kept on its row, so
# that pruning knows which part files a kept render is made of).
_parts_used = contextvars.ContextVar("parts_used", default=None)


def _used(digest):
    used = _parts_used.get()
    if used is not None:
        used.append(digest)


def _read_part(path):
    """The stored part's bytes, or None: missing, or pruned (`prune_parts`) by another worker
    between the look and the read."""
    try:
        with default_storage.open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def stored_part(kind_name, digest, renderer, payload):
    """The bytes of a part stored under `digest`, rendered (in the pool) and stored first if missing."""
    _used(digest)
    path = part_path(kind_name, digest)
    data = _read_part(path) if default_storage.exists(path) else None
    if data is not None:
        return data
    [data] = pool.run([(renderer, payload())])
    _store(path, data)
    return data


def stored_part_soon(kind_name, digest, renderer, payload):
    """`stored_part` started now in a thread of its own (it waits for the pool): a Future of its
    bytes. The caller goes on with its own work meanwhile (the assembly, while the pool renders
    the page numbers); the part counts among those the current render used, as `stored_part`."""
    context = contextvars.copy_context()  # the thread records the part in this render's list
    thread_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stored-part")
    try:
        return thread_pool.submit(context.run, stored_part, kind_name, digest, renderer, payload)
    finally:
        thread_pool.shutdown(wait=False)


def render_parts(kind, parts):
    """Every part's bytes, rendering (over the pool, together) only those not stored yet.
    Returns (datas, number rendered)."""
    datas, missing = [None] * len(parts), []
    for index, part in enumerate(parts):
        _used(part.digest)
        path = part_path(kind.name, part.digest)
        datas[index] = _read_part(path) if default_storage.exists(path) else None
        if datas[index] is None:
            missing.append(index)
    payloads = {index: parts[index].payload() for index in missing}
    # Largest first (by the length of its input), so that the pool's processes finish together:
    # each takes the next part as it is free, and the small ones fill in at the end.
    order = sorted(missing, key=lambda index: -_size(payloads[index]))
    rendered = pool.run([(parts[i].renderer, payloads[i]) for i in order])
    for index, data in zip(order, rendered, strict=True):
        _store(part_path(kind.name, parts[index].digest), data)
        datas[index] = data
    return datas, len(missing)


def _size(payload):
    """The length of a part's input: its text, or its first item's (the HTML of (HTML, stylesheet))."""
    if isinstance(payload, tuple) and payload:
        payload = payload[0]
    return len(payload) if isinstance(payload, (str, bytes)) else 0


def _enqueue(render):
    from intake.renders.tasks import render_document

    render_document.enqueue(render.pk)


def request_render(kind, params):
    """The `Render` of the document `kind` makes of `params` for the data as it is now, queued for the
    worker unless it is finished, queued or running already. Returns (render, document)."""
    document = kind.describe(params)
    render = Render.objects.filter(kind=kind.name, digest=document.digest).first()
    if render is None:
        try:
            with transaction.atomic():
                render = Render.objects.create(
                    kind=kind.name, scope=kind.scope(params), digest=document.digest, params=params,
                    code=document.code, filename=document.filename,
                )
        except IntegrityError:  # the same request at the same moment: one row, one task
            render = Render.objects.get(kind=kind.name, digest=document.digest)
        else:
            _enqueue(render)
    elif _should_requeue(render):
        if Render.objects.filter(pk=render.pk, status=render.status).update(
            status=Render.QUEUED, requested_at=timezone.now(), error="", successor=None, pruned_at=None,
        ):
            _enqueue(render)
    render.refresh_from_db()  # rendered already when the tasks run immediately (tests)
    return render, document


def _should_requeue(render):
    if render.status in REQUEUEABLE:
        return True
    if render.status == Render.DONE:
        return not render.is_done  # its file was pruned
    if render.status == Render.RUNNING:
        return render.started_at is not None and render.started_at < timezone.now() - RUNNING_GIVEN_UP
    return False


def previous_render(kind, params, exclude=None):
    """The last finished render of the same document (kind and scope) whose file is kept."""
    renders = Render.objects.filter(
        kind=kind.name, scope=kind.scope(params), status=Render.DONE, pruned_at__isnull=True,
    ).exclude(file="")
    if exclude is not None:
        renders = renders.exclude(pk=exclude.pk)
    return renders.order_by("-finished_at", "-pk").first()


def current_of(render):
    """`render`, or the render that replaced it when the data changed before it was rendered."""
    seen = set()
    while render.successor_id and render.pk not in seen:
        seen.add(render.pk)
        render = Render.objects.get(pk=render.successor_id)
    return render


def run_render(render_id):
    """Renders one queued document (what the worker's task does). The data is read again: when it
    changed since the request, the document of the data as it is now is rendered instead, and the
    queued row points to it (`successor`)."""
    render = Render.objects.get(pk=render_id)
    if render.is_done:
        return render
    kind = kinds.get(render.kind)
    document = kind.describe(render.params)
    if document.digest != render.digest:
        current, _ = Render.objects.get_or_create(
            kind=render.kind, digest=document.digest,
            defaults={"scope": render.scope, "params": render.params, "code": document.code,
                      "filename": document.filename},
        )
        Render.objects.filter(pk=render.pk).update(status=Render.SUPERSEDED, successor=current)
        render = current
        if render.is_done:
            return render
    claimable = Q(status__in=(Render.QUEUED, *REQUEUEABLE)) | Q(status=Render.DONE, pruned_at__isnull=False) | Q(
        status=Render.RUNNING, started_at__lt=timezone.now() - RUNNING_GIVEN_UP)
    if not Render.objects.filter(claimable, pk=render.pk).update(
        status=Render.RUNNING, started_at=timezone.now(), error="",
    ):
        return render  # another worker has it, or has finished it
    start = time.perf_counter()
    used = []
    token = _parts_used.set(used)
    try:
        parts = kind.parts(document)
        datas, rendered = render_parts(kind, parts)
        data, pages = kind.assemble(document, parts, datas)
    except Exception as exc:
        Render.objects.filter(pk=render.pk).update(status=Render.FAILED, error=repr(exc)[:2000],
                                                   finished_at=timezone.now())
        raise
    finally:
        _parts_used.reset(token)
    render.refresh_from_db()
    name = f"{document.digest}.{kind.extension}"
    if render.file:
        default_storage.delete(render.file.name)
    render.file.save(name, ContentFile(data), save=False)
    render.status, render.size, render.pages = Render.DONE, len(data), pages
    render.parts_total, render.parts_rendered = len(parts), rendered
    render.part_digests = sorted(set(used))
    render.code, render.filename = document.code, document.filename
    render.finished_at, render.pruned_at = timezone.now(), None
    render.save()
    logger.info("rendered %s %s: %d of %d parts, %d pages, %d bytes in %.2f s", render.kind, render.scope,
                rendered, len(parts), pages, len(data), time.perf_counter() - start)
    prune_files(kind, render)
    return render


def prune_files(kind, latest):
    """Removes the files of renders of the same document older than the kept days, except the
    latest two; the rows stay (with `pruned_at`). Then removes the stored parts of the kind that no
    kept render is made of and that were last written before the kept days: a part only serves the
    renders to come, which mostly reuse the parts of the kept ones."""
    cutoff = timezone.now() - timedelta(days=settings.RENDER_KEEP_DAYS)
    keep = list(Render.objects.filter(kind=kind.name, scope=latest.scope, status=Render.DONE)
                .order_by("-finished_at").values_list("pk", flat=True)[:2])
    old = Render.objects.filter(kind=kind.name, scope=latest.scope, status=Render.DONE, pruned_at__isnull=True,
                                finished_at__lt=cutoff).exclude(pk__in=keep).exclude(file="")
    for render in old:
        default_storage.delete(render.file.name)
        Render.objects.filter(pk=render.pk).update(pruned_at=timezone.now())
    prune_parts(kind, cutoff)


def prune_parts(kind, cutoff):
    """Removes the part files of `kind` written before `cutoff` that no kept render (finished, its
    file not pruned) lists among its parts. A render still running lists none yet: the parts it
    writes are younger than any cutoff of whole days, and one it is about to read that goes is
    rendered again (`_read_part`)."""
    kept = set()
    for digests in Render.objects.filter(kind=kind.name, status=Render.DONE, pruned_at__isnull=True).exclude(
            file="").values_list("part_digests", flat=True):
        kept.update(digests or ())
    root = parts_folder(kind.name)
    if not default_storage.exists(root):
        return
    for folder in default_storage.listdir(root)[0]:
        for name in default_storage.listdir(f"{root}/{folder}")[1]:
            path = f"{root}/{folder}/{name}"
            digest = name.rsplit(".", 1)[0]
            if digest not in kept and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
