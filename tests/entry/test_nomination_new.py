"""/nominations/new/<category>/: the form per category, its messages, and the quota refusal."""

import pytest

from intake.models import Category, DemoMode, Nomination
from tests.factories import city, credit_code, nominate, post_data


@pytest.mark.parametrize("code", ["enterprise", "platform_shared", "platform_other", "project", "city"])
def test_clerk_creates_in_each_category(client_for, code):
    client = client_for("qingyuan")
    page = client.get(f"/nominations/new/{code}/")
    assert page.status_code == 200
    label = Category.objects.get(pk=code).name_label
    if code != "city":
        assert label in page.content.decode()
    assert "申报条件" in page.content.decode()
    response = client.post(f"/nominations/new/{code}/", post_data(code, city("qingyuan")))
    assert response.status_code == 302, response.content.decode()
    nomination = Nomination.objects.get(city__slug="qingyuan", category_id=code)
    assert nomination.created_by.username == "qingyuan"
    if code == "city":
        assert nomination.name == "清远市"


def test_enterprise_form_asks_for_demo_mode(client_for):
    page = client_for("qingyuan").get("/nominations/new/enterprise/").content.decode()
    assert "示范模式" in page and "定制化服务" in page and "企业名称" in page
    page = client_for("qingyuan").get("/nominations/new/platform_shared/").content.decode()
    assert "公共服务/应用服务提供商" in page and "平台名称（共享制造类）" in page and "示范模式" not in page


def test_quota_refusal_names_city_category_and_counts(client_for):
    client = client_for("qingyuan")
    for _ in range(2):
        nominate("qingyuan", "project")
    page = client.get("/nominations/new/project/").content.decode()
    assert "清远市示范项目已推荐 2 个，名额上限 2 个（2/2）" in page
    response = client.post("/nominations/new/project/", post_data("project", city("qingyuan")))
    assert response.status_code == 200
    assert "（2/2）" in response.content.decode()
    assert Nomination.objects.filter(city__slug="qingyuan", category_id="project").count() == 2


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("credit_code", "91441800MA0000001", "应为 18 位"),
        ("credit_code", "", "统一社会信用代码"),
        ("contact_phone", "12345", "11 位手机号"),
        ("contact_email", "not-an-email", "电子邮箱格式不正确"),
        ("name", "", "请填写企业名称。"),
        ("demo_mode", "", "请选择示范模式。"),
    ],
)
def test_each_field_message_and_nothing_written(client_for, field, value, expected):
    data = post_data("enterprise", city("qingyuan"), **{field: value})
    response = client_for("qingyuan").post("/nominations/new/enterprise/", data)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not Nomination.objects.exists()


def test_same_credit_code_refused_naming_the_holder(client_for):
    held = nominate("huizhou", "enterprise", credit_code=credit_code("441302"))
    data = post_data("enterprise", city("qingyuan"), credit_code=held.credit_code)
    response = client_for("qingyuan").post("/nominations/new/enterprise/", data)
    text = response.content.decode()
    assert "已由惠州市推荐" in text and held.name in text
    assert Nomination.objects.count() == 1


def test_withdrawn_code_can_be_nominated_again(client_for):
    from intake.entry import services
    from tests.factories import user

    held = nominate("huizhou", "enterprise")
    services.withdraw_nomination(held, user=user("huizhou"))
    data = post_data("enterprise", city("qingyuan"), credit_code=held.credit_code)
    assert client_for("qingyuan").post("/nominations/new/enterprise/", data).status_code == 302


def test_code_from_another_guangdong_city_is_a_warning(client_for):
    client = client_for("qingyuan")
    data = post_data("project", city("qingyuan"), credit_code=credit_code("441302"))
    response = client.post("/nominations/new/project/", data, follow=True)
    text = response.content.decode()
    assert "登记地为惠州市" in text
    assert Nomination.objects.filter(credit_code=data["credit_code"]).exists()


def test_code_typed_with_spaces_and_lower_case_is_normalised(client_for):
    code = credit_code("441800")
    spaced = " ".join([code[:6], code[6:12], code[12:]]).lower()
    client_for("qingyuan").post("/nominations/new/project/", post_data("project", city("qingyuan"), credit_code=spaced))
    assert Nomination.objects.get().credit_code == code


def test_city_category_asks_no_credit_code(client_for):
    page = client_for("qingyuan").get("/nominations/new/city/").content.decode()
    assert "统一社会信用代码" not in page and "工业设计特色类" in page


def test_unknown_category_is_404(client_for):
    assert client_for("qingyuan").get("/nominations/new/factory/").status_code == 404


def test_province_cannot_open_entry_form(client_for):
    assert client_for("province").get("/nominations/new/enterprise/").status_code == 403


# --- Domain precision: Shenzhen, full-width input, the notice's conditions ---------------------


def full_width(text):
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@pytest.mark.parametrize("region", ["440300", "440305", "440306"])
def test_shenzhen_unit_is_refused_for_any_city(client_for, region):
    data = post_data("project", city("qingyuan"), credit_code=credit_code(region))
    response = client_for("qingyuan").post("/nominations/new/project/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "深圳市注册的单位由深圳市直接向工业和信息化部推荐，不属于本次地市推荐范围" in page
    assert not Nomination.objects.exists()


def test_full_width_input_is_accepted_and_stored_plain(client_for):
    code = credit_code("441800")
    data = post_data("project", city("qingyuan"), credit_code=full_width(code),
                     contact_phone="０７６３－３３６１２３４", contact_email="ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ",
                     electronic_no="ＦＷ２０２３　０１２")
    response = client_for("qingyuan").post("/nominations/new/project/", data)
    assert response.status_code == 302, response.content.decode()
    n = Nomination.objects.get()
    assert (n.credit_code, n.contact_phone, n.contact_email, n.electronic_no) == (
        code, "0763-3361234", "wang@example.cn", "FW2023012")


@pytest.mark.parametrize("share", ["150", "100.01", "-1", "-0.5"])
def test_service_revenue_share_outside_0_to_100_is_refused(client_for, share):
    data = post_data("enterprise", city("qingyuan"), service_revenue_share=share)
    response = client_for("qingyuan").post("/nominations/new/enterprise/", data)
    assert response.status_code == 200
    assert "服务收入占营业收入比重应在 0 到 100 之间" in response.content.decode()
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("share", ["0", "30", "100"])
def test_service_revenue_share_within_0_to_100_is_saved(client_for, share):
    data = post_data("enterprise", city("qingyuan"), service_revenue_share=share)
    assert client_for("qingyuan").post("/nominations/new/enterprise/", data).status_code == 302


def test_city_sees_the_condition_warnings_when_it_saves(client_for):
    """The same warnings the province sees in review, shown at once (saving is not refused)."""
    client = client_for("qingyuan")
    data = post_data("enterprise", city("qingyuan"), service_revenue_share="12.5", name="某某电器有限公司清远分公司")
    page = client.post("/nominations/new/enterprise/", data, follow=True).content.decode()
    assert "服务收入占营业收入比重为 12.5%，低于 30%" in page
    assert "不具有独立法人资格" in page and "分公司" in page
    from datetime import timedelta

    from django.utils import timezone

    young = timezone.localdate() - timedelta(days=200)
    data = post_data("platform_other", city("qingyuan"), platform_launch_date=young)
    page = client.post("/nominations/new/platform_other/", data, follow=True).content.decode()
    assert "运营不满 2 年" in page and "截至申报日" in page
    assert Nomination.objects.count() == 2


def test_form_shows_the_campaigns_thresholds(client_for):
    from decimal import Decimal

    from tests.factories import open_campaign

    campaign = open_campaign()
    campaign.min_service_revenue_share, campaign.min_platform_years = Decimal("35"), 3
    campaign.save()
    enterprise = client_for("qingyuan").get("/nominations/new/enterprise/").content.decode()
    assert "原则上不低于 35%" in enterprise
    platform = client_for("qingyuan").get("/nominations/new/platform_shared/").content.decode()
    assert "运营满 3 年" in platform and f"{campaign.cutoff_date:%Y-%m-%d}" in platform


def test_conditions_name_the_ministry_platform_and_the_notice_wording(client_for):
    page = client_for("qingyuan").get("/nominations/new/project/").content.decode()
    assert "重大质量、安全、环保事故" in page and "没有违法行为或涉嫌违法正在接受审查" in page
    assert "运营和财务状况良好" in page and "服务型制造公共服务平台" in page
    assert "https://selection.csoma.org.cn" in page
    city_page = client_for("qingyuan").get("/nominations/new/city/").content.decode()
    assert "沿用 2022 年发放的账号" in city_page


def test_quota_refusal_is_said_once(client_for):
    client = client_for("qingyuan")
    for _ in range(2):
        nominate("qingyuan", "project")
    message = "清远市示范项目已推荐 2 个，名额上限 2 个（2/2）"
    page = client.get("/nominations/new/project/").content.decode()
    assert page.count(message) == 1
    response = client.post("/nominations/new/project/", post_data("project", city("qingyuan"), name="第三个项目"))
    page = response.content.decode()
    assert response.status_code == 200 and page.count(message) == 1
    assert 'id="form-errors"' not in page and "alert-block" not in page
    assert 'value="第三个项目"' in page and "<fieldset disabled>" in page  # typed values kept, read-only


def test_other_form_level_errors_are_shown_once(client_for):
    """An error of no single field (quota of another category on a change) is in one box, not two."""
    nominate("qingyuan", "platform_shared")
    n = nominate("qingyuan", "platform_other")
    data = post_data("platform_other", city("qingyuan"), name=n.name, credit_code=n.credit_code,
                     category="platform_shared")
    page = client_for("qingyuan").post(f"/nominations/{n.pk}/", data).content.decode()
    assert page.count("名额上限 1 个（1/1）") == 1 and page.count('id="form-errors"') == 1


def test_drop_downs_start_with_please_choose(client_for):
    page = client_for("qingyuan").get("/nominations/new/enterprise/").content.decode()
    assert "---------" not in page and '<option value="" selected>请选择</option>' in page
    page = client_for("qingyuan").get("/nominations/new/city/").content.decode()
    assert "---------" not in page and "请选择" in page


def test_only_the_demo_modes_offered_are_accepted(client_for):
    # The select's options are the active modes; a posted id is judged against them.
    retired = DemoMode.objects.create(name="已停用的模式", order=99, is_active=False)
    offered = DemoMode.objects.filter(is_active=True).last()
    clerk, qingyuan = client_for("qingyuan"), city("qingyuan")
    for value in (retired.pk, 999_999, f"{offered.pk}.0"):
        response = clerk.post("/nominations/new/enterprise/", post_data("enterprise", qingyuan, demo_mode=value))
        assert response.status_code == 200 and "demo_mode" in response.context["form"].errors, value
    assert not Nomination.objects.exists()
    clerk.post("/nominations/new/enterprise/", post_data("enterprise", qingyuan, demo_mode=offered.pk))
    assert Nomination.objects.get().demo_mode == offered
