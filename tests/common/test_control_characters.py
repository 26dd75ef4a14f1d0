"""C0/C1 control characters never reach the database, whichever way text comes in: a page's form,
the admin, an XLSX import, a management command, a service called from code. Tab and line breaks
stay only in multi-line text (a TextField)."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from intake.common.text import clean_text
from intake.entry import services
from intake.models import Category, City, DemoMode, Nomination
from tests.factories import city, nominate, post_data, user

DIRTY = "\x01\x1b[31m\x7f\x85\x9f"  # C0, an escape sequence, DEL, C1


def test_clean_text():
    assert clean_text(f"甲{DIRTY}乙\t丙\n丁\r\n") == "甲[31m乙丙丁"
    assert clean_text(f"甲{DIRTY}乙\t丙\r\n丁\r戊\x0b", multiline=True) == "甲[31m乙\t丙\n丁\n戊"
    assert clean_text(None) is None and clean_text(3) == 3


def test_a_page_form(client_for):
    data = post_data("project", city("qingyuan"), name=f"控制{DIRTY}字符项目", contact_name=f"张{DIRTY}三")
    response = client_for("qingyuan").post("/nominations/new/project/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    n = Nomination.objects.get()
    assert (n.name, n.contact_name) == ("控制[31m字符项目", "张[31m三")
    assert n.history.get().name == "控制[31m字符项目"  # the history is clean too


def test_a_reason_of_control_characters_only_is_no_reason(client_for):
    from tests.factories import ready_slate, submit

    n = nominate("qingyuan", "project")
    ready_slate("qingyuan")
    submit("qingyuan")
    response = client_for("province").post(f"/nominations/{n.pk}/reject/", {"reason": "\x01\x1b\x7f",
                                                                           "confirm": "yes"}, follow=True)
    assert "请填写不予受理的原因" in response.content.decode()
    n.refresh_from_db()
    assert n.status == Nomination.ENTERED


def test_the_admin(client_for):
    qingyuan = city("qingyuan")
    client_for("admin").post(f"/admin/intake/city/{qingyuan.pk}/change/", {
        "code": qingyuan.code, "name": qingyuan.name, "slug": qingyuan.slug,
        "bureau_name": f"清远市{DIRTY}工业和信息化局", "_save": "保存",
    })
    qingyuan.refresh_from_db()
    assert qingyuan.bureau_name == "清远市[31m工业和信息化局"
    category = Category.objects.get(pk="project")
    client_for("admin").post(f"/admin/intake/category/{category.pk}/change/", {
        "name": category.name, "annex2_section": category.annex2_section, "name_label": category.name_label,
        "order": category.order, "conditions": "第一条\r\n\t第二条\x0b\x1b", "_save": "保存",
    })
    category.refresh_from_db()
    assert category.conditions == "第一条\n\t第二条"  # a text area keeps its lines and tabs


def test_an_xlsx_import(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.annex2_helpers import official_form
    from tests.factories import credit_code

    clerk = client_for("qingyuan")
    # XML keeps no C0 control in a cell; DEL and the C1 controls come through, to the save's hook.
    row = (f"导入{DIRTY}项目", "王五", "13800138000", "w@example.cn", credit_code("441800"))
    upload = SimpleUploadedFile("附件2.xlsx", official_form({"project": [row]}))
    preview = clerk.post("/imports/annex2/", {"file": upload})
    assert preview.context["token"], preview.content.decode()[:2000]
    clerk.post("/imports/annex2/confirm/", {"token": preview.context["token"]})
    assert Nomination.objects.get().name == "导入[31m项目"


def test_a_management_command(seeded, tmp_path):
    fixture = tmp_path / "modes.json"
    fixture.write_text(json.dumps([{"model": "intake.demomode", "pk": 99, "fields": {
        "name": f"新{DIRTY}模式", "order": 99, "is_active": True}}], ensure_ascii=False), encoding="utf-8")
    call_command("loaddata", str(fixture), stdout=io.StringIO())
    assert DemoMode.objects.get(pk=99).name == "新[31m模式"


def test_a_service_called_from_code(seeded):
    n = nominate("qingyuan", "project", name=f"代码{DIRTY}录入")
    assert Nomination.objects.get(pk=n.pk).name == "代码[31m录入"
    with pytest.raises(ValidationError) as refused:
        services.update_nomination(n, user=user("qingyuan"), name="\x01\x02\x1b")
    assert "只含有不可见的控制字符" in " ".join(refused.value.messages)
    assert Nomination.objects.get(pk=n.pk).name == "代码[31m录入"


def test_every_text_field_of_every_model_is_covered(seeded):
    """A row saved with controls in every text field comes back clean (a model added later too)."""
    place = City.objects.get(slug="qingyuan")
    for field in ("name", "bureau_name"):
        setattr(place, field, f"{getattr(place, field)}{DIRTY}")
    place.save()
    place.refresh_from_db()
    assert DIRTY[0] not in place.name + place.bureau_name and "\x85" not in place.bureau_name
