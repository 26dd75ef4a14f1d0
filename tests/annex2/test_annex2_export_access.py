"""Who gets which Annex 2 (/exports/annex2.xlsx and .pdf), and the cache of unchanged data."""

import pytest
from django.core.cache import cache

from intake.annex2 import sheet as annex2
from intake.annex2.exports import Annex2Xlsx
from intake.entry import services
from intake.models import Category, City, DemoMode, Nomination
from intake.review.services import save_slate_contact
from quotas.models import QuotaRule
from tests.annex2_helpers import sheet_rows, workbook
from tests.factories import city, nominate, open_campaign, user


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.mark.parametrize("extension", ["xlsx", "pdf"])
def test_city_staff_cannot_export_another_city(client_for, extension):
    nominate("huizhou", "project", name="惠州的项目")
    client = client_for("qingyuan")
    assert client.get(f"/exports/annex2.{extension}?city=441300").status_code == 404
    assert client.get(f"/exports/annex2.{extension}?city=441800").status_code == 200


def test_city_staff_get_their_own_city_without_parameter(client_for):
    nominate("huizhou", "project", name="惠州的项目")
    wb = workbook(client_for("qingyuan").get("/exports/annex2.xlsx"))
    assert wb.sheetnames == ["清远市"] and "惠州的项目" not in repr(sheet_rows(wb["清远市"]))


def test_province_picks_one_city_or_gets_all(client_for):
    nominate("huizhou", "project", name="惠州的项目")
    client = client_for("province")
    one = workbook(client.get("/exports/annex2.xlsx?city=441300"))
    assert one.sheetnames == ["惠州市"] and "惠州的项目" in repr(sheet_rows(one["惠州市"]))
    assert len(workbook(client.get("/exports/annex2.xlsx")).sheetnames) == 21
    assert len(workbook(client_for("admin").get("/exports/annex2.xlsx")).sheetnames) == 21


@pytest.mark.parametrize("query", ["city=999999", "city=abc", "city=440300", "campaign=1999", "campaign=x"])
def test_unknown_parameters_are_404(client_for, query):
    assert client_for("province").get(f"/exports/annex2.xlsx?{query}").status_code == 404


def test_campaign_parameter_picks_the_campaign(client_for):
    nominate("qingyuan", "project", name="本年度项目")
    client = client_for("qingyuan")
    old = workbook(client.get("/exports/annex2.xlsx?campaign=2023"))
    assert "本年度项目" not in repr(sheet_rows(old["清远市"]))
    assert "本年度项目" in repr(sheet_rows(workbook(client.get("/exports/annex2.xlsx"))["清远市"]))


def test_login_required_and_get_only(client, client_for):
    assert client.get("/exports/annex2.xlsx").status_code == 302
    assert client_for("qingyuan").post("/exports/annex2.xlsx").status_code == 405


def test_province_builder_uses_a_constant_number_of_queries(seeded, django_assert_num_queries):
    campaign = open_campaign()
    nominate("qingyuan", "enterprise")
    nominate("guangzhou", "project")
    with django_assert_num_queries(5):
        one = annex2.province_annex2(campaign, City.objects.filter(code="441800"))
    with django_assert_num_queries(5):
        every = annex2.province_annex2(campaign)
    assert len(one.sheets) == 1 and len(every.sheets) == 20 and len(every.summary.rows) == 2


def test_second_download_comes_from_the_cache(client_for, monkeypatch):
    nominate("qingyuan", "project")
    renders = []
    original = Annex2Xlsx.render_bytes
    monkeypatch.setattr(Annex2Xlsx, "render_bytes", lambda self, *a: renders.append(1) or original(self, *a))
    client = client_for("qingyuan")
    first = client.get("/exports/annex2.xlsx")
    second = client.get("/exports/annex2.xlsx")
    assert len(renders) == 1 and first.content == second.content and first["ETag"] == second["ETag"]
    assert client.get("/exports/annex2.xlsx", headers={"if-none-match": first["ETag"]}).status_code == 304


def _change_nomination():
    n = Nomination.objects.get(name="待修改的项目")
    services.update_nomination(n, user=user("qingyuan"), name="改过名的项目", credit_code=n.credit_code,
                               contact_name=n.contact_name, contact_phone=n.contact_phone,
                               contact_email=n.contact_email, electronic_no=n.electronic_no)


def _withdraw():
    services.withdraw_nomination(Nomination.objects.get(name="待修改的项目"), user=user("qingyuan"))


def _new_nomination():
    nominate("qingyuan", "enterprise")


def _slate():
    save_slate_contact(user=user("qingyuan"), campaign=open_campaign(), city=city("qingyuan"),
                                filler_name="赵六", filler_phone="13900139000")


def _city():
    City.objects.filter(slug="qingyuan").update(bureau_name="清远市工业和信息化局（新）")


def _tier():
    City.objects.filter(slug="qingyuan").update(is_demo_city=True)


def _category():
    Category.objects.filter(pk="project").update(name_label="项目名称（新）")


def _demo_mode():
    DemoMode.objects.filter(pk=Nomination.objects.get(category="enterprise").demo_mode_id).update(name="新模式")


def _quota_rule():
    QuotaRule.objects.filter(campaign=open_campaign(), scope="other_city", category="project").update(maximum=5)


@pytest.mark.parametrize("change", [
    _change_nomination, _withdraw, _new_nomination, _slate, _city, _tier, _category, _demo_mode, _quota_rule,
])
def test_any_change_of_the_data_gives_a_fresh_file(client_for, change):
    nominate("qingyuan", "project", name="待修改的项目")
    nominate("qingyuan", "enterprise", name="某企业")
    client = client_for("province")
    before = client.get("/exports/annex2.xlsx")
    change()
    after = client.get("/exports/annex2.xlsx")
    assert before["ETag"] != after["ETag"] and before.content != after.content


def test_unchanged_data_elsewhere_keeps_the_cache(client_for):
    nominate("qingyuan", "project")
    client = client_for("qingyuan")
    before = client.get("/exports/annex2.xlsx")
    nominate("huizhou", "project")  # another city's row is not on Qingyuan's sheet
    assert client.get("/exports/annex2.xlsx")["ETag"] == before["ETag"]
