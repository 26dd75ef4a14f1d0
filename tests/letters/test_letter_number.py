"""/slate/letter-number/ (the city) and the province's contact form: the 发文字号 the drafted
recommendation letter prints, in its official shape (机关代字〔年份〕序号号), written with history."""

import pytest

from intake.common.validators import normalize_letter_number
from intake.models import ProvinceContact, Slate
from intake.review import services as review_services
from tests.factories import nominate, open_campaign, ready_slate, submit, user


def post(client, number, campaign=None):
    campaign = campaign or open_campaign()
    return client.post("/slate/letter-number/", {"campaign": campaign.year, "letter_number": number}, follow=True)


@pytest.mark.parametrize("typed", ["清工信函〔{y}〕12号", "清工信函[{y}]12号", "清工信函（{y}）012号",
                                   "清工信函［２０２３］１２号", " 清工信函【{y}】12 号 "])
def test_typed_shapes_are_stored_in_the_printed_form(typed):
    year = 2023
    assert normalize_letter_number(typed.format(y=year)) == f"清工信函〔{year}〕12号"


def test_number_is_saved_with_history_and_printed(client_for):
    year = open_campaign().year
    clerk = client_for("qingyuan")
    page = post(clerk, f"清工信函[{year}]12号").content.decode()
    assert f"已保存推荐函发文字号 清工信函〔{year}〕12号" in page
    slate = Slate.objects.get(city__slug="qingyuan")
    assert slate.letter_number == f"清工信函〔{year}〕12号"
    latest = slate.history.first()
    assert latest.history_user.username == "qingyuan" and latest.history_change_reason == "填写推荐函发文字号"
    assert latest.letter_number == slate.letter_number
    assert f"（发文字号 清工信函〔{year}〕12号）" in clerk.get("/slate/").content.decode()


@pytest.mark.parametrize("typed", ["清工信函2023年12号", "〔2023〕12号", "清工信函〔23〕12号", "清工信函〔2023〕12",
                                   "清工信函〔2023〕0号", "Qing〔2023〕12号", "清工信函〔2023〕12号；DROP"])
def test_bad_shape_is_refused_with_a_message(client_for, typed):
    page = post(client_for("qingyuan"), typed.replace("2023", str(open_campaign().year))).content.decode()
    assert "发文字号格式不正确" in page and "例如 清工信函〔2023〕12号" in page
    assert not Slate.objects.filter(city__slug="qingyuan").exclude(letter_number="").exists()


def test_another_year_is_refused(client_for):
    year = open_campaign().year
    page = post(client_for("qingyuan"), f"清工信函〔{year - 1}〕12号").content.decode()
    assert f"发文字号中的年份 {year - 1} 与本批次年度 {year} 不一致" in page
    assert not Slate.objects.filter(letter_number__contains="〔").exists()


def test_blank_clears_it(client_for):
    year = open_campaign().year
    clerk = client_for("qingyuan")
    post(clerk, f"清工信函〔{year}〕12号")
    assert "已清除推荐函发文字号" in post(clerk, "").content.decode()
    assert Slate.objects.get(city__slug="qingyuan").letter_number == ""


def test_too_long_is_refused_by_the_form(client_for):
    page = post(client_for("qingyuan"), "清" * 41).content.decode()
    assert "发文字号不能超过 40 个字符（现为 41 个）" in page


def test_only_the_citys_own_clerk_and_not_while_submitted(client_for):
    year = open_campaign().year
    refused = client_for("province").post("/slate/letter-number/", {"letter_number": f"粤〔{year}〕1号"})
    assert refused.status_code == 403
    nominate("qingyuan", "project")
    ready_slate("qingyuan")
    submit("qingyuan")
    page = post(client_for("qingyuan"), f"清工信函〔{year}〕12号").content.decode()
    assert Slate.objects.get(city__slug="qingyuan").letter_number == ""
    assert "审核期间推荐对象和推荐函不能新增、修改或撤回" in page


def test_province_number_on_its_contact_form(client_for):
    year = open_campaign().year
    province = client_for("province")
    data = {"campaign": year, "filler_name": "王五", "filler_phone": "020-83133359"}
    page = province.post("/selection/contact/", {**data, "letter_number": "粤工信函2023"}, follow=True)
    assert "发文字号格式不正确" in page.content.decode() and not ProvinceContact.objects.exists()
    province.post("/selection/contact/", {**data, "letter_number": f"粤工信生产合作函［{year}］30号"})
    contact = ProvinceContact.objects.get()
    assert contact.letter_number == f"粤工信生产合作函〔{year}〕30号"
    assert contact.history.first().history_user.username == "province"


def test_service_refuses_other_citys_clerk(seeded):
    from django.core.exceptions import PermissionDenied

    campaign = open_campaign()
    with pytest.raises(PermissionDenied):
        review_services.save_letter_number(user=user("huizhou"), campaign=campaign, city=user("qingyuan").city,
                                           letter_number=f"清工信函〔{campaign.year}〕12号")
