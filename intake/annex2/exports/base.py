"""The interface every export implements (after pretix's exporters): `render(...)` returns
`(filename, mimetype, bytes)`; views only pick an export and send what it returns."""

import hashlib
import inspect
from functools import cache as memoize
from importlib.metadata import version as package_version

from django.core.cache import cache

from intake.annex2.sheet import ANNEX_LABEL, TITLE, content_digest
from intake.common.exports import Exporter

CACHE_SECONDS = 24 * 3600


class Annex2Export(Exporter):
    """Renders Annex 2 sheets into one file.

    Public call (also for other features, e.g. the province's own selection built with
    `annex2.build_sheet(recommender=PROVINCE_RECOMMENDER, ...)`):

        filename, mimetype, data = Annex2Xlsx().render(sheets, summary=None, filename=None)

    `sheets` is any list of `annex2.Annex2Sheet`; `summary` (an `annex2.Annex2Summary`, from
    `annex2.province_annex2`) adds the 汇总 first. `filename` defaults to one naming what the
    document is about (see `download_name`).
    """

    # The library that writes the file; its version is part of the cache key.
    library = ""

    def render(self, sheets, *, summary=None, filename=None):
        sheets = list(sheets)
        data = self.render_bytes(sheets, summary)
        return filename or download_name(sheets, summary, self.extension), self.mimetype, data

    def render_bytes(self, sheets, summary):
        raise NotImplementedError

    def ascii_filename(self, sheets, summary=None):
        return ascii_name(list(sheets), summary, self.extension)

    def fingerprint(self):
        """What besides the data decides the output (the cache key's other half): the renderer's
        code and its library's version, so a deployment with another layout never gets files
        cached by the one before (the cache may be a shared Redis)."""
        return _code_fingerprint(type(self), self.library)


@memoize
def _code_fingerprint(cls, library):
    source = "".join(inspect.getsource(c) for c in cls.__mro__ if c.__module__.startswith("intake."))
    source += inspect.getsource(inspect.getmodule(cls))
    versions = package_version(library) if library else ""
    return f"{cls.__name__}-{versions}-{hashlib.sha256(source.encode()).hexdigest()[:16]}"


def download_name(sheets, summary, extension):
    """附件2_服务型制造示范推荐汇总表_清远市_2025.xlsx (全省 for the province-wide file)."""
    label = "全省" if summary is not None else "_".join(s.label for s in sheets[:1]) or "空"
    if summary is None and len(sheets) > 1:
        label += f"等{len(sheets)}份"
    campaign = summary.campaign if summary is not None else next((s.campaign for s in sheets if s.campaign), None)
    year = f"_{campaign.year}" if campaign is not None else ""
    return f"{ANNEX_LABEL}_{TITLE}_{label}{year}.{extension}"


def ascii_name(sheets, summary, extension):
    """The fallback name for clients that ignore RFC 5987's filename*."""
    if summary is not None:
        what = "province"
    elif len(sheets) == 1 and sheets[0].city is not None:
        what = sheets[0].city.code
    else:
        what = "sheets"
    campaign = summary.campaign if summary is not None else next((s.campaign for s in sheets if s.campaign), None)
    year = f"_{campaign.year}" if campaign is not None else ""
    return f"annex2_{what}{year}.{extension}"


class CachedExport:
    __slots__ = ("filename", "fallback_filename", "mimetype", "data", "etag", "from_cache")

    def __init__(self, filename, fallback_filename, mimetype, data, etag, from_cache):
        self.filename = filename
        self.fallback_filename = fallback_filename
        self.mimetype = mimetype
        self.data = data
        self.etag = etag
        self.from_cache = from_cache


def render_cached(export, sheets, *, summary=None):
    """`export.render(...)` unless the same export of the same data is in the cache.

    The key is the export's fingerprint plus `annex2.content_digest` of exactly what is printed,
    so any change of the data (a nomination, a slate's 填报人, a city's name or tier, a category's
    column title, a 示范模式's name, a quota rule) gives a new key and a fresh render, and an
    unchanged download costs the queries that build the sheets but no rendering.
    """
    sheets = list(sheets)
    digest = hashlib.sha256(f"{export.fingerprint()}:{content_digest(sheets, summary)}".encode()).hexdigest()
    key = f"annex2-export:{digest}"
    data = cache.get(key)
    from_cache = data is not None
    filename = download_name(sheets, summary, export.extension)
    if data is None:
        filename, _mimetype, data = export.render(sheets, summary=summary, filename=filename)
        cache.set(key, data, CACHE_SECONDS)
    return CachedExport(
        filename, ascii_name(sheets, summary, export.extension), export.mimetype, data, f'"{digest[:32]}"', from_cache
    )
