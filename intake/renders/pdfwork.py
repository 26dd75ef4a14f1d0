"""What the worker's pool processes run: pure functions, bytes in, bytes out, no Django and no
database. Each part is rendered by WeasyPrint from its HTML; the pieces are put together with pypdf.
"""

import io

WARM_HTML = '<html><body style="font-family: serif">预热</body></html>'


def render_html(html):
    """PDF bytes of one HTML document (WeasyPrint)."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def warm(_=None):
    """Loads WeasyPrint, fontconfig and the CJK font once per process, before the first real part."""
    render_html(WARM_HTML)
    return True


def page_shapes(data):
    """[(width, height) in points] of each page of a PDF."""
    from pypdf import PdfReader

    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(io.BytesIO(data)).pages]


def assemble(parts, titles, stamp=None):
    """One PDF from `parts` (PDF bytes, in order): an outline entry (bookmark) per part titled from
    `titles` (None: no entry), the parts' own outlines left out, and `stamp` (PDF bytes with as many
    pages as the document: the page numbers) laid over each page. Returns (bytes, page count)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    starts = []
    for data in parts:
        starts.append(len(writer.pages))
        writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
    if stamp is not None:
        stamps = PdfReader(io.BytesIO(stamp)).pages
        if len(stamps) != len(writer.pages):
            raise ValueError(f"page numbers for {len(stamps)} pages, the document has {len(writer.pages)}")
        for page, numbers in zip(writer.pages, stamps, strict=True):
            page.merge_page(numbers)
    for title, start in zip(titles, starts, strict=True):
        if title:
            writer.add_outline_item(title=title, page_number=start)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)
