"""End to end in chromium, a slate's way to the province: the clerk downloads the Annex 2, fills in
the 填报人, does the formal review, uploads the stamped PDFs and submits; the provincial reviewer
opens the city and accepts. Catches what the test client cannot: forms split across a table
(inputs tied to their form by the `form` attribute), file inputs, downloads."""

import pytest
from openpyxl import load_workbook

from intake.models import Nomination, Slate
from tests.factories import nominate, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_submits_its_slate_and_the_province_accepts_it(seeded, site, tmp_path):
    nomination = nominate("qingyuan", "project")
    page = site.login_as("qingyuan").page

    # The Annex 2 the city will stamp, from its home page.
    with page.expect_download() as download:
        page.click("a:has-text('下载 Excel')")
    assert download.value.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "附件2.xlsx"
    download.value.save_as(saved)
    cells = [c.value for row in load_workbook(saved).active.iter_rows() for c in row]
    assert nomination.name in cells and nomination.credit_code in cells

    site.fill_form({"filler_name": "李四", "filler_phone": "0763-3361234"})
    page.click("form[action='/slate/contact/'] button[type=submit]")
    page.wait_for_load_state()

    # The formal review of the one nomination, then the stamped PDFs.
    site.open("/slate/")
    assert page.locator("#problems").count() == 1  # not ready yet: the page says what is missing
    prefix = f"#id_n{nomination.pk}-"
    for check in Nomination.CHECK_FIELDS:
        page.select_option(prefix + check, "pass")
    page.fill(prefix + "paper_no", nomination.electronic_no)
    page.click(f"tr[data-nomination='{nomination.pk}'] button:has-text('保存')")
    page.wait_for_load_state()
    assert any("已保存" in m for m in site.messages()), site.messages()
    # The sheet to stamp is downloaded once the 填报人 line is in: its 校验码 is the page's.
    with page.expect_download() as download:
        page.click("#annex2-code a:has-text('Excel')")
    download.value.save_as(saved)
    printed = load_workbook(saved).active["F1"].value
    assert printed == f"校验码：{page.inner_text('[data-code=current]')}"
    scan = tmp_path / "盖章扫描件.pdf"
    scan.write_bytes(pdf_bytes())
    for kind in ("letter", "annex2"):
        page.set_input_files(f"#upload-{kind} input[type=file]", str(scan))
        # The same code on both papers: the letter lists the Annex 2 by it.
        page.fill(f"#upload-{kind} input[name=code]", printed.removeprefix("校验码：").lower())  # as typed
        page.click(f"#upload-{kind} button[type=submit]")
        page.wait_for_load_state()
    assert page.locator("#problems-none").count() == 1, page.inner_text("main")
    assert page.locator("[data-annex2=match]").count() == 1
    assert page.locator("[data-letter=match]").count() == 1

    page.click("button:has-text('提交省工业和信息化厅')")
    page.wait_for_load_state()
    assert "确认将清远市的推荐材料提交" in page.inner_text("main")  # a step of its own, no script
    assert Slate.objects.get(city__slug="qingyuan").status == Slate.DRAFT
    page.click("#confirm-button")
    page.wait_for_load_state()
    assert any("已提交" in m for m in site.messages()), site.messages()
    assert Slate.objects.get(city__slug="qingyuan").status == Slate.SUBMITTED

    # The province opens the city from its overview and accepts.
    site.logout()
    site.login_as("province")
    site.province_row("清远市").locator("a:has-text('审核')").click()
    page.wait_for_load_state()
    assert nomination.name in page.inner_text("main")
    assert page.locator("[data-annex2=match]").count() == 1  # the stamped sheet is the data's
    page.click("#slate-actions button:has-text('受理')")
    page.wait_for_load_state()
    page.click("#confirm-button")
    page.wait_for_load_state()
    assert any("已受理清远市" in m for m in site.messages()), site.messages()
    assert Slate.objects.get(city__slug="qingyuan").status == Slate.ACCEPTED
    assert not site.csp_violations, site.csp_violations
