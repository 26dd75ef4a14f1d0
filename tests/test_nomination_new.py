"""/nominations/new/<category>/: the form per category, its messages, and the quota refusal."""

import pytest

from intake.models import Category, Nomination
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
    from intake import services
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
