"""End to end in chromium: a city clerk logs in, fills nominees up to the quota and is refused one
more; the provincial reviewer sees the city; the campaign picker works under the content security
policy; nothing is blocked by that policy on any page visited (our pages and the admin's)."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from intake.models import Nomination
from tests.factories import city, credit_code, nominate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def project_fields(n):
    return {
        "name": f"清远浏览器测试项目{n}",
        "credit_code": credit_code("441800"),
        "contact_name": "王五",
        "contact_phone": "0763-3361234",
        "contact_email": f"wang{n}@example.cn",
        "electronic_no": f"FWE2E{n:04d}",
    }


def test_clerk_fills_the_quota_and_is_refused_one_more(seeded, site):
    site.login_as("qingyuan")
    assert "清远市工业和信息化局" in site.page.inner_text("h1")
    assert "示范项目 0/2" in site.quota_text("project")

    for n in (1, 2):
        site.page.click("#quota-table a:has-text('新增示范项目')")
        site.fill_nomination(project_fields(n))
        assert any(f"已录入示范项目“清远浏览器测试项目{n}”" in m for m in site.messages()), site.messages()

    row = site.quota_text("project")
    assert "示范项目 2/2" in row and "名额已满" in row
    assert site.page.locator("#quota-table a:has-text('新增示范项目')").count() == 0

    # One more, by typing the address: the form says why, once, before anything is typed, and
    # is shown read-only.
    site.open("/nominations/new/project/")
    blocked = site.page.inner_text("#entry-blocked")
    assert "（2/2）" in blocked and "不能再增加" in blocked
    assert site.page.inner_text("main").count("名额上限 2 个（2/2）") == 1 and not site.form_errors()
    assert site.page.locator("#id_name").is_disabled()
    assert site.page.locator("main button[type=submit]:has-text('保存')").is_disabled()
    assert Nomination.objects.filter(city=city("qingyuan"), category_id="project", status="entered").count() == 2
    assert not site.csp_violations, site.csp_violations


def test_form_errors_are_shown_next_to_the_fields(seeded, site):
    site.login_as("qingyuan")
    site.open("/nominations/new/project/")
    site.fill_nomination({**project_fields(1), "credit_code": "91441800MA0000001X", "contact_phone": "123"})
    errors = " ".join(site.form_errors())
    assert "校验位" in errors and "11 位手机号" in errors
    assert not Nomination.objects.exists()


def test_reviewer_sees_the_city_and_its_nominations(seeded, site):
    nomination = nominate("qingyuan", "project")
    site.login_as("province")
    assert "全省推荐情况" in site.page.inner_text("h1")
    row = site.province_row("清远市")
    assert "1/2" in row.inner_text()
    row.locator("a:has-text('审核')").click()
    site.page.wait_for_load_state()
    assert "清远市" in site.page.inner_text("h1")
    assert nomination.name in site.page.inner_text("main")
    site.page.click(f"a:has-text('{nomination.name}')")
    site.page.wait_for_load_state()
    assert "清远市" in site.page.inner_text("main") and nomination.credit_code in site.page.inner_text("main")
    assert not site.csp_violations, site.csp_violations


def test_campaign_picker_switches_on_its_button_only(seeded, site):
    site.login_as("qingyuan")
    # Choosing an option (as the arrow keys do) changes nothing; 切换 changes the campaign.
    site.page.focus("#campaign-picker")
    site.page.keyboard.press("ArrowDown")
    site.page.select_option("#campaign-picker", "2023")
    site.page.wait_for_timeout(300)
    assert "campaign=" not in site.page.url
    site.page.click("#campaign-picker-form button[type=submit]")
    try:
        site.page.wait_for_url("**/?campaign=2023")
    except PlaywrightTimeout:
        raise AssertionError(f"the picker did not switch campaigns; blocked by the policy: {site.csp_violations}")
    assert "已截止" in site.page.inner_text("#deadline")
    assert not site.csp_violations, site.csp_violations


def test_admin_pages_work_under_the_content_security_policy(seeded, site):
    nominate("qingyuan", "project")
    site.login_as("admin")
    for path in ["/admin/", "/admin/intake/nomination/", "/admin/intake/city/", "/admin/quotas/quotarule/",
                 "/admin/intake/campaign/", f"/admin/intake/city/{city('qingyuan').pk}/change/"]:
        assert site.open(path) == 200, path
    assert not site.csp_violations, site.csp_violations
