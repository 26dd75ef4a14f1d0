"""In Debian's chromium: a city reports a unit unable to file with its PDF, the province imports
a list (preview, confirm). Catches what the test client cannot: forms that do not submit.

The database is touched only outside the `with browser(...)` blocks: inside, Playwright's event
loop would hand the ORM a connection of its own that nobody closes."""

import shutil
from contextlib import contextmanager

import pytest
from django.conf import settings

from intake.models import RecognisedUnit, UnitEvaluation
from tests.browser import Site
from tests.factories import credit_code, pdf_bytes, recognised

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium"),
]


@pytest.fixture
def server(transactional_db, seeded):
    """A server started after the test settings (no HTTPS redirect): pytest-django's session-wide
    live_server loads its middleware before they apply."""
    from pytest_django.live_server_helper import LiveServer

    live = LiveServer("localhost")
    yield live.url
    live.stop()


@contextmanager
def browser(base, username):
    """A chromium page logged in as `username`; axe checks every page it visits (tests/browser.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium"))
        try:
            page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
            site = Site(page, base)
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", settings.DEMO_PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/")
            yield page
            site.check_accessibility()  # the last page
        finally:
            chromium.close()


def test_city_reports_unable_with_pdf(server, tmp_path):
    unit = recognised("qingyuan", name="浏览器测试公司")
    letter = tmp_path / "说明.pdf"
    letter.write_bytes(pdf_bytes())
    with browser(server, "qingyuan") as page:
        page.goto(f"{server}/evaluation/")
        page.click("text=浏览器测试公司")
        page.check("#id_state_2")
        page.select_option("#id_unable_reason", "liquidation")
        page.set_input_files("#id_explanation", str(letter))
        page.click("main form[method=post] button[type=submit]")
        page.wait_for_selector("#explanation-link")
    evaluation = UnitEvaluation.objects.get(unit=unit)
    assert (evaluation.state, evaluation.unable_reason) == ("unable", "liquidation") and evaluation.explanation


def test_province_imports_a_list(server, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["名称", "统一社会信用代码", "类别", "批次", "地市"])
    wb.active.append(["浏览器导入公司", credit_code("441800"), "示范企业", 3, "清远市"])
    path = tmp_path / "名单.xlsx"
    wb.save(path)
    with browser(server, "province") as page:
        page.goto(f"{server}/evaluation/import/")
        page.set_input_files("#id_file", str(path))
        page.click("text=上传并预览")
        page.click("#confirm-form button")
        page.wait_for_selector("#registry-units")
    assert RecognisedUnit.objects.filter(name="浏览器导入公司", batch=3, is_active=True).exists()
