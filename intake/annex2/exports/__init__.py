"""Exports: small classes behind one interface, `render(sheets, *, summary=None, filename=None)
-> (filename, mimetype, bytes)` (`base.Annex2Export`, an `intake.common.exports.Exporter`).
`EXPORTS` maps a URL's extension to one.

    from intake.annex2 import sheet as annex2
    from intake.annex2.exports import Annex2Pdf, Annex2Xlsx

    sheet = annex2.build_sheet(recommender=annex2.PROVINCE_RECOMMENDER, filler_name=…, filler_phone=…,
                               nominations=selected, campaign=campaign)
    filename, mimetype, data = Annex2Xlsx().render([sheet])

`render_cached(export, sheets, summary=…)` does the same through the cache (keyed on the data).
"""

from intake.annex2.exports.base import (
    Annex2Export,
    ascii_name,
    download_name,
    render_cached,
)
from intake.annex2.exports.pdf import Annex2Pdf, CjkFontMissing
from intake.annex2.exports.xlsx import Annex2Xlsx

EXPORTS = {export.extension: export for export in (Annex2Xlsx, Annex2Pdf)}

__all__ = [
    "EXPORTS", "Annex2Export", "Annex2Pdf", "Annex2Xlsx", "CjkFontMissing", "ascii_name",
    "download_name", "render_cached",
]
