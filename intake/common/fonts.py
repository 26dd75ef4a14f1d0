"""The CJK font the Annex 2 PDFs are set in.

WeasyPrint renders a PDF even when no font has Chinese glyphs: every character becomes an empty
box and no text can be extracted. So the font is looked for explicitly (the system check
`intake.W001` reports a missing one, the PDF export refuses to render without one).

Choice: AR PL UMing (Debian `fonts-arphic-uming`), a TrueType Song face as official documents
use. CFF-based CJK fonts (Noto/Source Han) cost seconds of subsetting per PDF
(docs: /work/shared/measurements.md), a TrueType one a fraction of a second.
"""

import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Preferred first: Song (serif) faces suit an official form; sans faces only as a last resort.
PREFERRED_FAMILIES = [
    "AR PL UMing CN", "AR PL UMing", "Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC",
]
KNOWN_FILES = [  # when fontconfig's fc-list is not there to ask
    ("/usr/share/fonts/truetype/arphic/uming.ttc", "AR PL UMing CN", "TrueType"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "CFF"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "WenQuanYi Micro Hei", "TrueType"),
]
INSTALL_HINT = "Debian/Ubuntu：sudo apt-get install fonts-arphic-uming（make run / make test 会自动安装）。"


@dataclass(frozen=True)
class CjkFont:
    family: str
    path: str
    fontformat: str  # TrueType, CFF, …
    index: int = 0  # the face's index in a collection (.ttc)


def _rank(font):
    try:
        return PREFERRED_FAMILIES.index(font.family)
    except ValueError:
        return len(PREFERRED_FAMILIES) + (0 if font.fontformat == "TrueType" else 1)


def _fc_list_lines(fields):
    """fontconfig's lines (`fc-list -f fields`) for the outline fonts that cover Simplified Chinese,
    or None when fc-list cannot be run."""
    try:
        result = subprocess.run(
            ["fc-list", "-f", fields, ":lang=zh-cn:outline=true"],
            capture_output=True, text=True, timeout=15, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.splitlines()


def _fc_list():
    """Every font fontconfig (hence Pango, hence WeasyPrint) knows to cover Simplified Chinese."""
    lines = _fc_list_lines("%{family[0]}\t%{file}\t%{fontformat}\t%{index}\n")
    if lines is None:
        return None
    fonts = []
    for line in lines:
        parts = line.split("\t")
        if len(parts) in (3, 4) and parts[0] and parts[1]:
            index = parts[3] if len(parts) == 4 else "0"
            fonts.append(CjkFont(*parts[:3], index=int(index) if index.isascii() and index.isdigit() else 0))
    return fonts


@lru_cache(maxsize=1)
def find_cjk_font():
    """The preferred installed font with Chinese glyphs, or None."""
    fonts = _fc_list()
    if fonts is None:
        fonts = [CjkFont(family, path, fmt) for path, family, fmt in KNOWN_FILES if Path(path).exists()]
    return min(fonts, key=_rank) if fonts else None


def font_family_css(font):
    """The CSS font-family list: the font found, then UMing by name, then whatever serif Pango has."""
    families = [font.family] if font else []
    families += [f for f in ("AR PL UMing CN",) if f not in families]
    return ", ".join(f'"{f}"' for f in families) + ", serif"


def harfbuzz_subsetting():
    """Whether WeasyPrint subsets fonts with HarfBuzz (fast) rather than fontTools (several times
    slower for a large CJK font); Debian's libharfbuzz-subset0 provides it."""
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except Exception:  # noqa: BLE001 - any import failure means no
        return False
    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


# --- The faces of an official letter (GB/T 9704-2012: 小标宋 titles, 仿宋_GB2312 text) ----------
# They are not free: used when fontconfig finds them (install them from the department's licensed
# copies, README "Fonts"), otherwise the letters are set in a free Kai face (closest to FangSong)
# or the Song face the Annex 2 uses.
OFFICIAL_TITLE_FAMILIES = ["方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05",
                           "方正小标宋"]
OFFICIAL_BODY_FAMILIES = ["仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "华文仿宋", "STFangsong"]
FREE_BODY_FAMILIES = ["AR PL UKai CN", "AR PL UKai", "AR PL KaitiM GB"]
# What the DOCX names: the clerk's own machine (WPS or Word) picks the face, and an office machine
# has the official ones.
DOCX_TITLE_FONT, DOCX_BODY_FONT = OFFICIAL_TITLE_FAMILIES[0], OFFICIAL_BODY_FAMILIES[0]


@dataclass(frozen=True)
class LetterFonts:
    title: str  # family of the header and the title
    body: str  # family of everything else
    official: bool  # both are the official faces

    def css(self, which):
        """A CSS font-family list: the chosen face, then the Annex 2's fallbacks."""
        family = self.title if which == "title" else self.body
        return f'"{family}", ' + font_family_css(find_cjk_font())


@lru_cache(maxsize=1)
def installed_families():
    """Every family name (all of a font's names, Chinese and English) fontconfig has for Chinese."""
    lines = _fc_list_lines("%{family}\n") or []
    return frozenset(name.strip() for line in lines for name in line.split(",") if name.strip())


def _first(preferred, available):
    return next((family for family in preferred if family in available), None)


@lru_cache(maxsize=1)
def letter_fonts():
    """The letter's faces on this machine, or None when there is no CJK face at all."""
    fallback = find_cjk_font()
    if fallback is None:
        return None
    available = installed_families()
    title = _first(OFFICIAL_TITLE_FAMILIES, available)
    body = _first(OFFICIAL_BODY_FAMILIES, available)
    official = bool(title and body)
    return LetterFonts(
        title=title or fallback.family,
        body=body or _first(FREE_BODY_FAMILIES, available) or fallback.family,
        official=official,
    )
