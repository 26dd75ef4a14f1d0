"""/evaluation/units/new/ and /evaluation/units/<id>/edit/: the province keeps the registry by
hand (admins in the admin too); units are deactivated, never deleted; every change is recorded."""

import pytest

from intake.models import RecognisedUnit
from tests.factories import city, credit_code, recognised


def form(**overrides):
    data = {"kind": "enterprise", "batch": 2, "city": city("qingyuan").pk, "name": "清远新录入公司",
            "credit_code": credit_code("441800"), "is_active": "on"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_province_adds_a_unit(client_for, seeded):
    code = credit_code("441800")
    spaced = f"{code[:6]} {code[6:12]}-{code[12:]}"
    response = client_for("province").post("/evaluation/units/new/", form(credit_code=spaced))
    assert response.status_code == 302
    unit = RecognisedUnit.objects.get(name="清远新录入公司")
    assert unit.credit_code == code and unit.is_active
    assert unit.history.latest().history_user.username == "province"


@pytest.mark.parametrize("overrides, message", [
    ({"credit_code": "91441800MA0000001A"}, "校验位（第 18 位）不正确"),
    ({"credit_code": ""}, "请填写该示范单位的统一社会信用代码"),
    ({"name": ""}, "请填写示范单位名称"),
    ({"kind": "city"}, "示范城市由市人民政府认定，不填写统一社会信用代码"),
    ({"batch": 5}, "选择一个有效的选项"),
    ({"city": None}, "请选择所在地市"),
])
def test_bad_units_refused(client_for, seeded, overrides, message):
    before = RecognisedUnit.objects.count()
    response = client_for("province").post("/evaluation/units/new/", form(**overrides))
    assert response.status_code == 200 and message in response.content.decode()
    assert RecognisedUnit.objects.count() == before


def test_same_code_twice_refused_unless_deactivated(client_for, seeded):
    code = credit_code("441800")
    old = recognised("qingyuan", credit_code=code)
    province = client_for("province")
    response = province.post("/evaluation/units/new/", form(credit_code=code))
    assert "已有使用同一统一社会信用代码的在册示范单位" in response.content.decode()
    old_data = form(name=old.name, credit_code=code, batch=old.batch)
    del old_data["is_active"]  # unticked: deactivate
    assert province.post(f"/evaluation/units/{old.pk}/edit/", old_data).status_code == 302
    old.refresh_from_db()
    assert not old.is_active and RecognisedUnit.objects.filter(pk=old.pk).exists()
    assert province.post("/evaluation/units/new/", form(credit_code=code)).status_code == 302


def test_city_unit_takes_the_city_name_once_per_city(client_for, seeded):
    province = client_for("province")
    assert province.post("/evaluation/units/new/", form(kind="city", name="", credit_code="")).status_code == 302
    assert RecognisedUnit.objects.filter(kind="city", city=city("qingyuan")).get().name == "清远市"
    response = province.post("/evaluation/units/new/", form(kind="city", name="", credit_code=""))
    assert "该地市已登记为示范城市" in response.content.decode()


def test_registry_changes_shown_to_the_province(client_for, seeded):
    unit = recognised("qingyuan", name="旧称")
    province = client_for("province")
    province.post(f"/evaluation/units/{unit.pk}/edit/", form(name="新称", credit_code=unit.credit_code))
    page = province.get(f"/evaluation/units/{unit.pk}/").content.decode()
    assert "名单修改记录" in page and "旧称 → 新称" in page
    assert "名单修改记录" not in client_for("qingyuan").get(f"/evaluation/units/{unit.pk}/").content.decode()


def test_registry_filters(client_for, seeded):
    recognised("qingyuan", name="在册甲", batch=4)
    recognised("qingyuan", name="停用乙", is_active=False)
    province = client_for("province")
    page = province.get("/evaluation/units/?city=441800&active=0").content.decode()
    assert "停用乙" in page and "在册甲" not in page
    page = province.get("/evaluation/units/?batch=4&q=在册").content.decode()
    assert "在册甲" in page and "停用乙" not in page
    assert province.get("/evaluation/units/?batch=abc&page=zz").status_code == 200


def test_admin_edits_with_history_and_cannot_delete(client_for, seeded):
    admin = client_for("admin")
    code = credit_code("441300")
    response = admin.post("/admin/intake/recognisedunit/add/", {
        "name": "管理员录入", "credit_code": code, "kind": "platform", "batch": 3, "city": city("huizhou").pk,
        "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = RecognisedUnit.objects.get(credit_code=code)
    assert unit.history.latest().history_user.username == "admin"
    assert admin.post(f"/admin/intake/recognisedunit/{unit.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin.get("/admin/intake/unitevaluation/").status_code == 200
    assert admin.get("/admin/intake/unitevaluation/add/").status_code == 403
