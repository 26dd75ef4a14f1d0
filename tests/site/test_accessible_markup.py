"""Accessibility in the HTML itself (the browser tests run axe-core on the rendered pages, see
tests/site/test_accessibility.py): names for the controls axe cannot judge by context, the error
summary, announced messages, the skip link, the campaign picker that waits for its button."""

import re

import pytest
from django.test import Client

from tests.factories import nominate, user

pytestmark = pytest.mark.django_db


def test_a_failed_login_is_announced_and_titled(seeded):
    page = Client().post("/accounts/login/", {"username": "qingyuan", "password": "wrong"}).content.decode()
    summary = re.search(r'<div class="alert alert-danger" id="form-errors"[^>]*>', page)
    assert summary, page
    assert 'role="alert"' in summary[0] and 'tabindex="-1"' in summary[0] and "data-error-summary" in summary[0]
    assert re.search(r"<title>错误：登录", page)
    assert Client().get("/accounts/login/").content.decode().count("错误：") == 0


def test_the_error_summary_links_each_field_error_to_its_field(client_for):
    response = client_for("qingyuan").post("/nominations/new/project/", {"name": "", "contact_phone": "123"})
    page = response.content.decode()
    summary = page[page.index('id="form-errors"'):]
    summary = summary[:summary.index("</div>")]
    assert '<a class="alert-link" href="#id_contact_phone">联系方式：' in summary
    assert '<a class="alert-link" href="#id_name">' in summary
    assert "<title>错误：" in page


def test_every_page_has_a_skip_link_and_one_labelled_navigation(client_for):
    page = client_for("qingyuan").get("/nominations/").content.decode()
    assert '<a class="skip-link visually-hidden-focusable" href="#main">跳到主要内容</a>' in page
    assert '<main class="container-fluid px-4" id="main" tabindex="-1">' in page
    navs = re.findall(r"<nav\b[^>]*>", page)
    assert all("aria-label=" in nav for nav in navs)
    assert len({re.search(r'aria-label="([^"]+)"', n)[1] for n in navs}) == len(navs)  # each landmark its own name
    assert 'data-bs-toggle="collapse" data-bs-target="#main-nav"' in page  # collapses on a narrow screen


def test_messages_are_live_regions(client_for):
    client = client_for("qingyuan")
    n = nominate("qingyuan", "project")
    page = client.post(f"/nominations/{n.pk}/withdraw/", follow=True).content.decode()
    assert re.search(r'<div class="alert alert-success" role="status">[^<]*撤回', page)


def test_the_formal_review_controls_name_their_nominee(client_for):
    n = nominate("qingyuan", "project", name="标签测试示范项目")
    page = client_for("qingyuan").get("/slate/").content.decode()
    for column in ("真实性", "准确性", "完整性", "现场核查情况", "纸质材料编号"):
        assert f'aria-label="标签测试示范项目：{column}"' in page, column
    assert f'form="review-{n.pk}">保存<span class="visually-hidden">标签测试示范项目的形式审查</span></button>' in page
    assert "<th></th>" not in page


def test_the_campaign_picker_changes_page_only_on_its_button(client_for):
    page = client_for("qingyuan").get("/").content.decode()
    picker = page[page.index('id="campaign-picker-form"'):]
    picker = picker[:picker.index("</form>")]
    assert "data-submit-on-change" not in picker
    assert '<button class="btn btn-sm btn-outline-secondary text-nowrap" type="submit">切换</button>' in picker
    assert "<noscript>" not in picker


def test_the_admin_list_inputs_and_date_times_are_named():
    admin = Client()
    admin.force_login(user("admin"))
    page = admin.get("/admin/quotas/quotarule/").content.decode()
    assert re.search(r'<input[^>]*name="form-0-maximum"[^>]*aria-label="名额上限（\d{4} [^"]+示范企业：≤ \d+）"', page)
    page = admin.get("/admin/intake/campaign/add/").content.decode()
    assert 'aria-label="推荐截止时间：日期"' in page and 'aria-label="推荐截止时间：时间"' in page
    assert 'href="/static/css/admin.css"' in page and 'src="/static/js/admin.js"' in page
