"""System checks (`manage.py check`, run before `runserver` and `migrate`)."""

from django.core.checks import Warning, register


@register()
def cjk_font_installed(app_configs=None, **kwargs):
    """Without a font that has Chinese glyphs, WeasyPrint still makes the Annex 2 PDF, with every
    character an empty box: say so before anyone downloads one."""
    from .exports.fonts import INSTALL_HINT, find_cjk_font, harfbuzz_subsetting

    problems = []
    if find_cjk_font() is None:
        problems.append(Warning(
            "没有找到中文字体：附件2 PDF 无法生成（否则汉字会显示为空白方框）。",
            hint=INSTALL_HINT, id="intake.W001",
        ))
    elif not harfbuzz_subsetting():
        problems.append(Warning(
            "WeasyPrint 找不到 HarfBuzz 子集化库，改用 fontTools 嵌入中文字体，每份附件2 PDF 会慢数倍。",
            hint="Debian/Ubuntu：sudo apt-get install libharfbuzz-subset0", id="intake.W002",
        ))
    return problems
