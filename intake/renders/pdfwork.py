"""What the worker's pool processes run: pure functions, bytes in, bytes out, no Django and no
database. Each part is rendered by WeasyPrint from its HTML; the pieces are put together with pypdf.
"""

import io
from functools import lru_cache

WARM_HTML = '<html><body style="font-family: serif">预热</body></html>'
_font_config = []
# At-rules WeasyPrint records in the document's own configuration as it parses them (its fonts, its
# counter styles): a stylesheet holding one is parsed again with each document's.
DOCUMENT_RULES = ("@font-face", "@counter-style", "@color-profile")


def render_html(html):
    """PDF bytes of one HTML document (WeasyPrint).

    The documents of a process share one font configuration (fontconfig's list of the installed
    fonts and Pango's font map over it, with the fonts it has opened): each new one would open and
    measure the CJK font again, a good part of what a small document costs. It only holds installed
    fonts, so a document declaring its own (@font-face, which WeasyPrint adds to the configuration
    it is given) gets a configuration of its own."""
    from weasyprint import HTML

    if any(rule in html for rule in DOCUMENT_RULES):
        return HTML(string=html).write_pdf()
    return HTML(string=html).write_pdf(font_config=_shared_font_config())


def render_part(document):
    """PDF bytes of a part of an assembled document, `document` = (HTML without its <style>, the
    stylesheet): the same bytes as the HTML with the stylesheet in its <style> (`render_html`).

    The parts of a document share a few stylesheets (the sheets' one, the 汇总's), which WeasyPrint
    would parse again for each part: a process parses each once (`_stylesheet`, by its text) and
    gives WeasyPrint the parsed one. Given apart, a stylesheet is the user's rather than the
    document's author's; the two differ only against the author's own rules (there are none, the
    HTML has no <style> then) and its style attributes, which win over either."""
    from weasyprint import CSS, HTML

    html, css = document
    if any(rule in html or rule in css for rule in DOCUMENT_RULES):
        from weasyprint.css.counters import CounterStyle
        from weasyprint.text.fonts import FontConfiguration

        font_config, counter_style = FontConfiguration(), CounterStyle()
        stylesheet = CSS(string=css, font_config=font_config, counter_style=counter_style)
        return HTML(string=html).write_pdf(stylesheets=[stylesheet], font_config=font_config,
                                           counter_style=counter_style, uncompressed_pdf=True)
    return HTML(string=html).write_pdf(font_config=_shared_font_config(), stylesheets=[_stylesheet(css)],
                                       uncompressed_pdf=True)


def _shared_font_config():
    from weasyprint.text.fonts import FontConfiguration

    if not _font_config:
        _font_config.append(FontConfiguration())
    return _font_config[0]


@lru_cache(maxsize=8)
def _stylesheet(css):
    """`css` parsed (WeasyPrint), kept for the next parts with the same stylesheet. A parsed
    stylesheet is not changed by the documents laid out with it."""
    from weasyprint import CSS

    return CSS(string=css, font_config=_shared_font_config())


def warm(_=None):
    """Prepares a pool process for its parts: the allocator (`tune_allocator`), then WeasyPrint,
    fontconfig and the CJK font loaded once, before the first real part."""
    tune_allocator()
    render_html(WARM_HTML)
    return True


# glibc's mallopt options, and what a pool process sets them to.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
ALLOCATOR_SETTINGS = {M_MMAP_THRESHOLD: 32 * 2**20, M_TRIM_THRESHOLD: 64 * 2**20}


def tune_allocator():
    """Keeps a pool process's large blocks in its heap for the next part. WeasyPrint copies the whole
    CJK font file (21 MB) for each font of each document and HarfBuzz subsets from it, so a part
    allocates and frees blocks of tens of MB. glibc maps such blocks afresh and unmaps them when freed,
    and every page of a fresh map costs a fault when first written: about a tenth of the pool's CPU
    time over a first render's parts (4.5 s against 5.1 s of CPU for the 29 parts in one process).
    The settings only decide where memory comes from (a process keeps up to 64 MB it freed, about
    20 MB more resident); WeasyPrint alone on the whole document, which copies the font a few
    times in all, is not faster with them. Returns whether the allocator took them (glibc only)."""
    import ctypes
    import ctypes.util

    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc: its own allocator, left as it is
        return False
    return all(mallopt(option, value) == 1 for option, value in ALLOCATOR_SETTINGS.items())


def page_shapes(data):
    """[(width, height) in points] of each page of a PDF."""
    from pypdf import PdfReader

    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(io.BytesIO(data)).pages]


def assemble(parts, titles, stamp=None, font_sources=None, marks=None):
    """One PDF from `parts` (PDF bytes, in order): an outline entry (bookmark) per part titled from
    `titles` (None: no entry), the parts' own outlines left out. `stamp(orientations)` (a callable
    given each page's orientation, True for landscape) returns PDF bytes with as many pages, laid
    over the document's pages (the page numbers). `marks` (one per part: PDF bytes of one page, or
    None) are laid over every page of their part, drawn from one object however many pages carry
    it. `font_sources` ({font name: (file, face index)}) lets the parts' subsets of one font share a
    single embedded program (`share_fonts`). Returns (bytes, page count)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    starts = []
    for data in parts:
        starts.append(len(writer.pages))
        writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
    overlays = [[] for _ in writer.pages]
    if stamp is not None:
        orientations = [float(p.mediabox.width) > float(p.mediabox.height) for p in writer.pages]
        numbers = PdfReader(io.BytesIO(stamp(orientations))).pages
        if len(numbers) != len(writer.pages):
            raise ValueError(f"page numbers for {len(numbers)} pages, the document has {len(writer.pages)}")
        for overlay, page in zip(overlays, numbers, strict=True):
            overlay.append(_form(writer, page))
    forms = {}
    ends = [*starts[1:], len(writer.pages)]
    for mark, start, end in zip(marks or [None] * len(parts), starts, ends, strict=True):
        if mark is not None:
            if mark not in forms:
                forms[mark] = _form(writer, PdfReader(io.BytesIO(mark)).pages[0])
            for overlay in overlays[start:end]:
                overlay.append(forms[mark])
    lay_over(writer, overlays)
    for title, start in zip(titles, starts, strict=True):
        if title:
            writer.add_outline_item(title=title, page_number=start)
    writer.page_mode = "/UseOutlines"
    if font_sources:
        share_fonts(writer, font_sources)
    compress_streams(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def _form(writer, page):
    """A page of another PDF as a form XObject of `writer`: its content as it is, its text text."""
    from pypdf.generic import ArrayObject, NameObject, StreamObject

    form = StreamObject()
    form.set_data(page.get_contents().get_data())
    form.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(page.mediabox),
        NameObject("/Resources"): page["/Resources"].get_object().clone(writer),
    })
    return writer._add_object(form.flate_encode())


def lay_over(writer, overlays):
    """Draws the forms `overlays[n]` (from `_form`) over page n of `writer`, after its own content:
    that content is left as it is (no parsing, no renaming of resources)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    begin = writer._add_object(_content(b"q\n"))
    names = {}
    for page, forms in zip(writer.pages, overlays, strict=True):
        if not forms:
            continue
        resources = page.get("/Resources")
        if resources is None:
            resources = page[NameObject("/Resources")] = DictionaryObject()
        resources = resources.get_object()
        if "/XObject" not in resources:
            resources[NameObject("/XObject")] = DictionaryObject()
        drawn = []
        for form_ref in forms:
            # One name per form in the whole document: pages of a part may share their resources.
            name = names.setdefault(form_ref.idnum, f"/Overlay{len(names)}")
            resources["/XObject"].get_object()[NameObject(name)] = form_ref
            drawn.append(f"q {name} Do Q")
        contents = page.get("/Contents")
        existing = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        end = writer._add_object(_content(f"Q {' '.join(drawn)}\n".encode()))
        page[NameObject("/Contents")] = ArrayObject([begin, *existing, end])


def compress_streams(writer):
    """Compresses (Flate) the streams of `writer` that are not: the parts come uncompressed
    (`render_part`), as their fonts, most of their bytes, are replaced by one shared program
    (`share_fonts`) and compressing them in each part would be work thrown away. What is left (the
    pages' contents, the fonts' maps to Unicode, the shared program) is compressed once, here.
    A stream that does not get smaller (a few bytes) stays as it is."""
    from pypdf.generic import StreamObject

    for index, obj in enumerate(writer._objects):
        if isinstance(obj, StreamObject) and "/Filter" not in obj:
            encoded = obj.flate_encode()
            if len(encoded._data) < len(obj._data):
                encoded.indirect_reference = obj.indirect_reference
                writer._objects[index] = encoded  # where pypdf's own compress_content_streams puts it


def _content(data):
    from pypdf.generic import StreamObject

    stream = StreamObject()
    stream.set_data(data)
    return stream


def _cids(widths):
    """The CIDs a CIDFont's /W array gives widths for: [c [w …] c_first c_last w …]."""
    cids, items, i = set(), list(widths), 0
    while i < len(items):
        first = int(items[i])
        if i + 1 < len(items) and isinstance(items[i + 1], list):
            cids.update(range(first, first + len(items[i + 1])))
            i += 2
        else:
            cids.update(range(first, int(items[i + 1]) + 1))
            i += 3
    return cids


def share_fonts(writer, font_sources):
    """Every part embeds its own subset of the CJK font; WeasyPrint subsets keeping the font's glyph
    ids (CIDToGIDMap /Identity), so one subset holding the glyphs of all of them serves every part.
    Embeds that one (HarfBuzz's subsetter, from the installed font file) and points every part's
    font at it: the assembled document carries the font's program once instead of once per part.
    Fonts of other files (a fallback face for a rare character) keep their own subset."""
    from pypdf.generic import ArrayObject, NameObject

    def font_dicts():
        for page in writer.pages:
            resources = page.get("/Resources", {}).get_object()
            yield from resources.get("/Font", {}).get_object().values()
            for form in resources.get("/XObject", {}).get_object().values():  # the page numbers
                form = form.get_object()
                if form.get("/Subtype") == "/Form":
                    yield from form.get("/Resources", {}).get_object().get("/Font", {}).get_object().values()

    groups, seen = {}, set()
    for ref in font_dicts():
        font = ref.get_object()
        if id(font) in seen or font.get("/Subtype") != "/Type0":
            continue
        seen.add(id(font))
        cid_font = font["/DescendantFonts"][0].get_object()
        if cid_font.get("/Subtype") != "/CIDFontType2" or cid_font.get("/CIDToGIDMap") != "/Identity":
            continue
        name = str(cid_font["/BaseFont"]).split("+", 1)[-1]
        source = next((src for prefix, src in font_sources.items() if name.startswith(prefix)), None)
        descriptor = cid_font["/FontDescriptor"].get_object()
        if source is None or "/FontFile2" not in descriptor:
            continue
        group = groups.setdefault(tuple(source), {"descriptors": {}, "gids": {0}})
        group["descriptors"][id(descriptor)] = descriptor
        group["gids"] |= _cids(cid_font.get("/W", ArrayObject()))
    for (path, index), group in groups.items():
        data = subset_font(path, index, group["gids"])
        if data is None:
            continue
        shared = writer._add_object(_font_stream(data))
        for descriptor in group["descriptors"].values():
            descriptor[NameObject("/FontFile2")] = shared
            descriptor.pop("/CIDSet", None)  # the shared program holds more glyphs than each part's set
    if groups:
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)


def _font_stream(data):
    from pypdf.generic import NameObject, NumberObject, StreamObject

    stream = StreamObject()
    stream.set_data(data)
    stream[NameObject("/Length1")] = NumberObject(len(data))
    return stream.flate_encode()


HARFBUZZ_API = """
typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t; typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t; typedef uint32_t hb_codepoint_t; typedef uint32_t hb_tag_t;
hb_blob_t *hb_blob_create_from_file(const char *file_name);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
unsigned int hb_face_get_glyph_count(const hb_face_t *face);
void hb_set_add(hb_set_t *set, hb_codepoint_t codepoint);
hb_tag_t hb_tag_from_string(const char *str, int len);
"""
HARFBUZZ_SUBSET_API = """
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned int value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""
# hb-subset.h
RETAIN_GIDS, DESUBROUTINIZE, NO_HINTING, PASSTHROUGH_UNRECOGNIZED = 0x2, 0x4, 0x1, 0x20
DROP_TABLE_TAG = 3
_harfbuzz = {}
_faces = {}


def _libraries():
    if not _harfbuzz:
        import cffi

        ffi = cffi.FFI()
        ffi.cdef(HARFBUZZ_API + HARFBUZZ_SUBSET_API)
        try:
            _harfbuzz.update(ffi=ffi, hb=ffi.dlopen("libharfbuzz.so.0"),
                             subset=ffi.dlopen("libharfbuzz-subset.so.0"))
        except OSError:
            _harfbuzz.update(ffi=None)
    return _harfbuzz


def subset_font(path, index, gids):
    """The face `index` of the font file at `path` with only the glyphs `gids`, glyph ids kept (as
    WeasyPrint subsets), by HarfBuzz's subsetter; None when it is not installed or fails."""
    libraries = _libraries()
    ffi = libraries["ffi"]
    if ffi is None:
        return None
    hb, sub = libraries["hb"], libraries["subset"]
    key = (str(path), index)
    if key not in _faces:
        blob = hb.hb_blob_create_from_file(str(path).encode())
        _faces[key] = hb.hb_face_create(blob, index)
        hb.hb_blob_destroy(blob)
    face = _faces[key]
    if not hb.hb_face_get_glyph_count(face):
        return None
    hb_input = ffi.gc(sub.hb_subset_input_create_or_fail(), sub.hb_subset_input_destroy)
    glyphs = sub.hb_subset_input_glyph_set(hb_input)
    for gid in sorted(gids):
        hb.hb_set_add(glyphs, gid)
    sub.hb_subset_input_set_flags(hb_input, RETAIN_GIDS | PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE | NO_HINTING)
    drop = sub.hb_subset_input_set(hb_input, DROP_TABLE_TAG)
    for tag in (b"GPOS", b"GSUB", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"BDF ", b"BASE", b"JSTF", b"LTSH", b"PCLT"):
        hb.hb_set_add(drop, hb.hb_tag_from_string(tag, -1))
    subset = sub.hb_subset_or_fail(face, hb_input)
    if subset == ffi.NULL:
        return None
    try:
        blob = hb.hb_face_reference_blob(subset)
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(blob, length)
        result = bytes(ffi.buffer(data, length[0])) if data != ffi.NULL and length[0] else None
        hb.hb_blob_destroy(blob)
    finally:
        hb.hb_face_destroy(subset)
    return result
