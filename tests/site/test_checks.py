"""The system check that says when the PDFs would have no Chinese font."""

from django.core.checks import run_checks

from intake.common import fonts


def ids():
    return {message.id for message in run_checks()}


def test_no_cjk_font_is_reported(monkeypatch):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    messages = [m for m in run_checks() if m.id == "intake.W001"]
    assert messages and "没有找到中文字体" in messages[0].msg and "fonts-arphic-uming" in messages[0].hint


def test_installed_font_is_found_and_not_reported():
    font = fonts.find_cjk_font()
    assert font is not None and font.fontformat == "TrueType"  # the Makefile installs AR PL UMing
    assert "intake.W001" not in ids()


def test_font_found_from_known_files_without_fontconfig(monkeypatch):
    monkeypatch.setattr(fonts, "_fc_list", lambda: None)
    fonts.find_cjk_font.cache_clear()
    try:
        assert fonts.find_cjk_font().family == "AR PL UMing CN"
    finally:
        fonts.find_cjk_font.cache_clear()


def test_fc_list_output_is_ranked(monkeypatch):
    class Result:
        stdout = (
            "Noto Sans CJK SC\t/x/NotoSansCJK.ttc\tCFF\n"
            "AR PL UMing CN\t/usr/share/fonts/truetype/arphic/uming.ttc\tTrueType\n"
        )

    monkeypatch.setattr(fonts.subprocess, "run", lambda *a, **k: Result())
    assert fonts._fc_list()[1].family == "AR PL UMing CN"
    assert min(fonts._fc_list(), key=fonts._rank).family == "AR PL UMing CN"
