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


def _fc_list():
    """Every font fontconfig (hence Pango, hence WeasyPrint) knows to cover Simplified Chinese."""
    try:
        result = subprocess.run(
            ["fc-list", "-f", "%{family[0]}\t%{file}\t%{fontformat}\t%{index}\n", ":lang=zh-cn:outline=true"],
            capture_output=True, text=True, timeout=15, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    fonts = []
    for line in result.stdout.splitlines():
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
