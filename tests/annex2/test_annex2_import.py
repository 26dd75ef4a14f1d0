"""/imports/annex2/: preview every row with its problems, confirm writes all rows or none, and
every kind of bad file gets a clear message and writes nothing."""

import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from intake.annex2 import sheet as annex2
from intake.common.xlsx import SafeWorkbook
from intake.entry import services
from intake.models import Campaign, Nomination
from tests.annex2_helpers import FORMULA_NAMES, official_form
from tests.factories import city, credit_code, nominate, open_campaign, pdf_bytes, user, zip_bomb

URL = "/imports/annex2/"
CONFIRM = "/imports/annex2/confirm/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def xlsx_upload(content, name="附件2.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def counted(slug):
    return Nomination.objects.filter(city__slug=slug, status=Nomination.ENTERED).count()


def preview(client, content, name="附件2.xlsx"):
    return client.post(URL, {"file": xlsx_upload(content, name)})


def confirm(client, response):
    return client.post(CONFIRM, {"token": response.context["token"]}, follow=True)


def problems_of(response):
    return {row.raw.row: row.problems for row in response.context["rows"]}


def test_round_trip_export_then_import_again(client_for):
    for name in ("甲智能装备有限公司", FORMULA_NAMES[0]):
        nominate("qingyuan", "enterprise", name=name)
    nominate("qingyuan", "platform_shared", name="共享工厂平台", provider="公共服务提供商")
    nominate("qingyuan", "platform_other", name="乙工业互联网平台", provider="应用服务提供商")
    nominate("qingyuan", "project", name="丙项目", contact_phone="0763-3361234")
    nominate("qingyuan", "city", city_kind="industrial_design")
    campaign = open_campaign()
    client = client_for("qingyuan")
    exported = client.get("/exports/annex2.xlsx").content
    before = annex2.city_sheet(campaign, city("qingyuan"))
    for n in Nomination.objects.filter(city__slug="qingyuan"):  # frees the places and the credit codes
        services.withdraw_nomination(n, user=user("qingyuan"))

    response = preview(client, exported)
    assert response.status_code == 200 and response.context["problem_count"] == 0
    assert counted("qingyuan") == 0  # a preview writes nothing
    assert "确认导入以上 6 个推荐对象" in response.content.decode()
    done = confirm(client, response)
    assert "已从“附件2.xlsx”导入 6 个推荐对象" in done.content.decode()

    after = annex2.city_sheet(campaign, city("qingyuan"))
    for old, new in zip(before.sections, after.sections, strict=True):
        for old_table, new_table in zip(old.tables, new.tables, strict=True):
            assert new_table.rows == old_table.rows
            assert new_table.extras == old_table.extras
    created = Nomination.objects.get(city__slug="qingyuan", name=FORMULA_NAMES[0], status=Nomination.ENTERED)
    assert created.category_id == "enterprise"
    assert created.history.first().history_user == user("qingyuan")


def test_another_citys_sheet_is_refused(client_for):
    """Guangzhou uploading Qingyuan's Annex 2 (推荐单位 清远市工业和信息化局) would enter Qingyuan's nominees
    and Qingyuan's city nomination as Guangzhou's."""
    nominate("qingyuan", "project", name="清远项目")
    nominate("qingyuan", "city", city_kind="other")
    exported = client_for("qingyuan").get("/exports/annex2.xlsx").content
    client = client_for("guangzhou")
    response = preview(client, exported)
    page = response.content.decode()
    assert "推荐单位为“清远市工业和信息化局”" in page and "不是广州市的" in page
    assert response.context.get("rows") is None and "annex2_import" not in client.session
    assert counted("guangzhou") == 0


@pytest.mark.parametrize("recommender", ["清远市工信局", "深圳市工业和信息化局", "广东省工业和信息化厅"])
def test_hand_filled_sheet_naming_another_recommender_is_refused(client_for, recommender):
    content = official_form({"project": [["手填项目", "陈三", 13800138003, "c@example.cn", credit_code("441300")]]},
                            recommender=recommender)
    response = preview(client_for("huizhou"), content)
    assert "只能导入本市的汇总表" in response.content.decode() and counted("huizhou") == 0


@pytest.mark.parametrize("recommender", ["", "惠州市工业和信息化局", "惠州市工信局"])
def test_own_or_blank_recommender_is_accepted(client_for, recommender):
    content = official_form({"project": [["手填项目", "陈三", 13800138003, "c@example.cn", credit_code("441300")]]},
                            recommender=recommender)
    response = preview(client_for("huizhou"), content)
    assert response.context["problem_count"] == 0, problems_of(response)


@pytest.mark.parametrize("named", ["清远市（其他类）", "广州市（工业设计特色类）", "深圳市（其他类）"])
def test_city_row_naming_another_city_is_a_problem(client_for, named):
    response = preview(client_for("huizhou"), official_form({"city": [[named, "陈四", 13800138004, "d@example.cn"]]}))
    (problems,) = problems_of(response).values()
    assert any("不是惠州市" in p and "只能推荐本市自身" in p for p in problems)
    assert 'id="confirm-form"' not in response.content.decode()


@pytest.mark.parametrize("named", ["惠州市（其他类）", "惠州（工业设计特色类）", "惠州市人民政府（其他类）"])
def test_city_row_naming_the_own_city_is_fine(client_for, named):
    response = preview(client_for("huizhou"), official_form({"city": [[named, "陈四", 13800138004, "d@example.cn"]]}))
    assert response.context["problem_count"] == 0, problems_of(response)


def test_full_width_values_of_a_hand_filled_sheet_are_normalised(client_for):
    code = credit_code("441300")
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in code)  # as a Chinese input method types it
    rows = [["手填项目", "陈三", "１３８００１３８００３", "ｃ＠ｅｘａｍｐｌｅ．ｃｎ", wide]]
    client = client_for("huizhou")
    response = preview(client, official_form({"project": rows}))
    assert response.context["problem_count"] == 0, problems_of(response)
    confirm(client, response)
    n = Nomination.objects.get(city__slug="huizhou")
    assert (n.credit_code, n.contact_phone, n.contact_email) == (code, "13800138003", "c@example.cn")


def test_hand_filled_official_form(client_for):
    content = official_form({
        "enterprise": [["手填企业有限公司", "供应链管理", "陈一", 13800138001, "a@example.cn", credit_code("441300")]],
        "platform_other": [["手填平台", "应用服务提供商", "陈二", "020-83133359", "b@example.cn",
                            credit_code("441300")]],
        "project": [["手填项目", "陈三", 13800138003, "c@example.cn", credit_code("441300")]],
        "city": [["惠州市（其他类）", "陈四", 13800138004, "d@example.cn"]],
    })
    client = client_for("huizhou")
    response = preview(client, content)
    assert response.context["problem_count"] == 0, problems_of(response)
    assert [row.category.code for row in response.context["rows"]] == [
        "enterprise", "platform_other", "project", "city"]
    confirm(client, response)
    created = {n.category_id: n for n in Nomination.objects.filter(city__slug="huizhou")}
    assert created["enterprise"].demo_mode.name == "供应链管理"
    assert created["enterprise"].contact_phone == "13800138001"
    assert created["platform_other"].provider == "应用服务提供商"
    assert (created["city"].name, created["city"].city_kind) == ("惠州市", "other")


def test_preview_lists_each_rows_problems_and_writes_nothing(client_for):
    taken = nominate("guangzhou", "enterprise", name="广州已推荐的企业").credit_code
    good = [credit_code("441300") for _ in range(4)]
    bad_checksum = good[0][:17] + ("0" if good[0][17] != "0" else "1")
    rows = [
        ["企业一", "定制化服务", "陈一", "13800138001", "a@example.cn", good[0]],
        ["企业二", "定制化服务", "陈二", "13800138002", "b@example.cn", bad_checksum],
        ["企业三", "定制化服务", "", "13800138003", "c@example.cn", good[1]],
        ["企业四", "定制化服务", "陈四", "13800138004", "d@example.cn", taken],
        ["企业五", "不存在的模式", "陈五", "13800138005", "e@example.cn", good[2]],
        ["企业六", "定制化服务", "陈六", "13800138006", "f@example.cn", good[3]],
    ]
    client = client_for("huizhou")
    response = preview(client, official_form({"enterprise": rows}))
    found = list(problems_of(response).values())
    page = response.content.decode()
    assert found[0] == []
    assert any("校验位" in p for p in found[1])  # bad credit code
    assert found[2] == ["未填写联系人。"]  # missing contact
    assert any("已由广州市推荐" in p for p in found[3])  # already nominated elsewhere
    assert any("示范模式“不存在的模式”不在可选范围内" in p for p in found[4])
    # Huizhou may nominate 4 enterprises: rows 1–4 take the places (even those with problems), 5 and 6 are over.
    assert any("名额上限 4 个" in p for p in found[4]) and any("名额上限 4 个" in p for p in found[5])
    assert response.context["problem_count"] == 5
    assert 'id="confirm-form"' not in page and "不会导入任何一行" in page
    assert counted("huizhou") == 0


def test_confirm_is_all_or_nothing(client_for):
    codes = [credit_code("441300") for _ in range(2)]
    rows = [[f"企业{i}", "定制化服务", "陈一", "13800138001", "a@example.cn", code] for i, code in enumerate(codes)]
    client = client_for("huizhou")
    response = preview(client, official_form({"enterprise": rows}))
    assert response.context["problem_count"] == 0
    # Between preview and confirm, another city nominates the second row's company.
    nominate("guangzhou", "enterprise", credit_code=codes[1])
    done = confirm(client, response)
    page = done.content.decode()
    assert "未导入任何一行" in page and "已由广州市推荐" in page
    assert counted("huizhou") == 0
    # Fixed on the other side: the same preview can now be confirmed, and writes both rows.
    Nomination.objects.filter(credit_code=codes[1]).update(status=Nomination.WITHDRAWN)
    confirm(client, response)
    assert counted("huizhou") == 2


def test_confirm_needs_the_preview_token(client_for):
    client = client_for("huizhou")
    response = client.post(CONFIRM, {"token": "forged"}, follow=True)
    assert "导入预览已失效" in response.content.decode() and counted("huizhou") == 0


def test_closed_entry_is_said_and_nothing_written(client_for):
    yesterday = timezone.now() - timezone.timedelta(days=1)
    Campaign.objects.filter(pk=open_campaign().pk).update(submission_deadline=yesterday)
    rows = [["企业一", "定制化服务", "陈一", "13800138001", "a@example.cn", credit_code("441300")]]
    response = preview(client_for("huizhou"), official_form({"enterprise": rows}))
    assert "已于" in response.context["error"] and "截止" in response.context["error"]
    assert 'id="confirm-form"' not in response.content.decode() and counted("huizhou") == 0


def test_province_cannot_import(client_for):
    assert client_for("province").get(URL).status_code == 403
    assert client_for("province").post(CONFIRM, {"token": "x"}).status_code == 403


def test_form_without_credit_code_column_says_how_to_fix(client_for):
    rows = [["企业一", "定制化服务", "陈一", "13800138001", "a@example.cn"]]
    response = preview(client_for("huizhou"), official_form({"enterprise": rows}, credit_column=False))
    assert any("增加一列“统一社会信用代码”" in p for p in problems_of(response)[6])


def unknown_layout():
    wb = SafeWorkbook()
    wb.active.append(["编号", "单位", "金额"])
    wb.active.append([1, "某公司", 100])
    return wb.to_bytes()


def empty_form():
    return official_form({})


def damaged_sheet():
    """A workbook that opens, with a worksheet cut off halfway (read only when parsed)."""
    source = zipfile.ZipFile(io.BytesIO(official_form({"project": [["项目", "陈", "13800138000", "a@b.cn"]]})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in source.infolist():
            body = source.read(info.filename)
            z.writestr(info, body[: len(body) // 2] if info.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


@pytest.mark.parametrize(("content", "name", "message"), [
    (pdf_bytes(), "附件2.xlsx", "不是 XLSX"),
    (b"PK\x03\x04 broken", "附件2.xlsx", "不是 XLSX"),
    ("zip_bomb", "附件2.xlsx", "压缩炸弹"),
    ("unknown_layout", "其他表.xlsx", "无法识别表格格式"),
    ("empty_form", "空表.xlsx", "没有填写任何推荐对象"),
    ("damaged_sheet", "附件2.xlsx", "已损坏"),
])
def test_bad_files_get_a_clear_message_and_write_nothing(client_for, content, name, message):
    makers = {"zip_bomb": zip_bomb, "unknown_layout": unknown_layout, "empty_form": empty_form,
              "damaged_sheet": damaged_sheet}
    content = makers.get(content, lambda: content)()
    client = client_for("huizhou")
    response = preview(client, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context.get("rows") is None and "annex2_import" not in client.session
    assert counted("huizhou") == 0


def test_too_large(client_for, settings):
    settings.MAX_XLSX_UPLOAD_MB = 1
    response = preview(client_for("huizhou"), b"0" * (1024 * 1024 + 1))
    assert "超过 1 MB 的上限" in response.content.decode() and counted("huizhou") == 0


def test_no_file(client_for):
    response = client_for("huizhou").post(URL, {})
    assert "请选择要上传的 XLSX 文件" in response.content.decode()


def test_province_workbook_uploaded_by_a_city_takes_its_own_sheet(client_for):
    nominate("qingyuan", "project", name="清远项目")
    exported = client_for("province").get("/exports/annex2.xlsx").content
    services.withdraw_nomination(Nomination.objects.get(name="清远项目"), user=user("qingyuan"))
    response = preview(client_for("qingyuan"), exported)
    assert response.context["sheet_title"] == "清远市"
    assert [row.raw.values["name"] for row in response.context["rows"]] == ["清远项目"]
