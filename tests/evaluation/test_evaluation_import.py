"""/evaluation/import/: the registry from XLSX. Preview first with every row's problems; confirm
writes all rows or none; bad files are refused with a clear message."""

import io
import re

import pytest
from openpyxl import load_workbook

from intake.evaluation import registry_import
from intake.models import RecognisedUnit
from tests.factories import credit_code, damaged_workbook, recognised, xlsx_upload, zip_bomb


@pytest.fixture
def province(client_for):
    RecognisedUnit.objects.all().update(is_active=False)  # the demo registry out of the way
    return client_for("province")


def upload(client, rows, **kwargs):
    return client.post("/evaluation/import/", {"file": xlsx_upload(rows, **kwargs)})


def token_of(response):
    match = re.search(r'name="token" value="([0-9a-f]{64})"', response.content.decode())
    return match and match.group(1)


def active():
    return RecognisedUnit.objects.filter(is_active=True)


GOOD = [
    ("清远甲公司", credit_code("441800"), "示范企业", 1, "清远市"),
    ("惠州乙平台", credit_code("441300"), "平台", "第四批", "惠州"),
    (None, None, "示范城市", "第2批", "441800"),
]


def test_preview_writes_nothing_and_confirm_writes_everything(province):
    response = upload(province, GOOD)
    page = response.content.decode()
    assert response.status_code == 200 and "确认导入 3 行" in page and page.count("新增") >= 3
    assert not active().exists()
    response = province.post("/evaluation/import/confirm/", {"token": token_of(response)}, follow=True)
    assert "新增 3 个" in response.content.decode()
    units = {u.name: u for u in active()}
    assert set(units) == {"清远甲公司", "惠州乙平台", "清远市"}
    platform = units["惠州乙平台"]
    assert (platform.kind, platform.batch, platform.city.name) == ("platform", 4, "惠州市")
    assert (units["清远市"].kind, units["清远市"].credit_code, units["清远市"].batch) == ("city", "", 2)
    record = units["清远甲公司"].history.latest()
    assert record.history_user.username == "province" and record.history_change_reason == "导入：名单.xlsx"


def test_every_bad_row_is_listed_and_nothing_is_written(province):
    good = credit_code("441800")
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        ("好公司", good, "示范企业", 1, "清远市"),                       # 2: fine
        ("坏校验位", bad_check, "示范企业", 1, "清远市"),                 # 3
        ("外省公司", credit_code("110000"), "示范企业", 1, "清远市"),      # 4
        ("未知地市", credit_code("441800"), "示范企业", 1, "火星市"),      # 5
        ("深圳公司", credit_code("440300"), "示范企业", 1, "深圳市"),      # 6
        ("城市带代码", good, "示范城市", 1, "清远市"),                    # 7
        (None, credit_code("441800"), "示范企业", 1, "清远市"),           # 8
        ("数字代码", 914418001234567890, "示范企业", 1, "清远市"),        # 9
        ("重复", good, "企业", 2, "清远"),                               # 10: same as row 2
        ("类别错", credit_code("441800"), "示范园区", 1, "清远市"),        # 11
        ("批次错", credit_code("441800"), "示范企业", 5, "清远市"),        # 12
        ("没代码", "", "示范企业", 1, "清远市"),                          # 13
    ]
    response = upload(province, rows)
    page = response.content.decode()
    assert "共 12 行，其中 11 行有问题，整个文件未导入" in page and token_of(response) is None
    expected = {
        3: "校验位（第 18 位）不正确", 4: "不是广东省（44 开头）", 5: "地市“火星市”无法识别",
        6: "深圳市不在本系统的推荐地市之列", 7: "示范城市不填写统一社会信用代码", 8: "请填写示范单位名称",
        9: "被 Excel 存成了数字", 10: "与第 2 行是同一单位", 11: "类别“示范园区”无法识别",
        12: "批次“5”无法识别", 13: "请填写统一社会信用代码",
    }
    for line, message in expected.items():
        assert re.search(rf"<li>第 {line} 行：[^<]*{message}", page), (line, message)
    assert "<li>第 2 行" not in page
    assert not active().exists()


def test_header_may_sit_below_a_title_and_carry_notes(province):
    response = upload(province, [(1, *GOOD[0])], before=[("前四批示范单位名单",), ("", "")],
                      headers=("序号", "名称", "统一社会信用代码（示范城市不填）", "类别", "批次", "地市*"))
    assert token_of(response)
    assert re.search(r"<td>4</td><td>清远甲公司</td>", response.content.decode())  # the line Excel shows


def test_header_order_does_not_matter(province):
    headers = ("地市", "批次", "类别", "统一社会信用代码", "名称")
    response = upload(province, [tuple(reversed(GOOD[0]))], headers=headers)
    assert token_of(response)
    province.post("/evaluation/import/confirm/", {"token": token_of(response)})
    assert active().get().name == "清远甲公司"


@pytest.mark.parametrize("rows, kwargs, message", [
    ([], {}, "表头下面没有任何数据行"),
    (GOOD, {"headers": ("单位", "代码", "种类", "年份", "市")}, "找不到表头"),
])
def test_file_level_problems(province, rows, kwargs, message):
    response = upload(province, rows, **kwargs)
    assert message in response.content.decode() and token_of(response) is None


def test_too_many_rows(province, monkeypatch):
    monkeypatch.setattr(registry_import, "MAX_ROWS", 2)
    assert "数据超过 2 行" in upload(province, GOOD).content.decode()


def bad_file(province, content, name="名单.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = province.post("/evaluation/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    return response.content.decode()


def test_bad_files_are_refused_clearly(province, settings):
    assert "不是 XLSX" in bad_file(province, b"%PDF-1.7 not a workbook")
    assert "不是 XLSX" in bad_file(province, b"\xd0\xcf\x11\xe0" + b"\0" * 512, name="旧格式.xls")
    assert "已损坏" in bad_file(province, damaged_workbook())
    assert "压缩炸弹" in bad_file(province, zip_bomb())
    settings.MAX_XLSX_UPLOAD_MB = 1
    assert "超过 1 MB 的上限" in bad_file(province, b"0" * (1024 * 1024 + 1))
    assert "请选择要上传的 XLSX 文件" in province.post("/evaluation/import/", {}).content.decode()
    assert not active().exists()


def test_existing_units_are_updated_and_deactivated_ones_restored(province):
    code_a, code_b = credit_code("441800"), credit_code("441300")
    kept = recognised("qingyuan", name="旧名称", credit_code=code_a, batch=1)
    gone = recognised("huizhou", "platform", name="停用平台", credit_code=code_b, batch=4, is_active=False)
    same = recognised("yunfu", name="不变公司", batch=3)
    response = upload(province, [
        ("新名称", code_a, "示范企业", 1, "清远市"),
        ("停用平台", code_b, "示范平台", 4, "惠州市"),
        ("不变公司", same.credit_code, "示范企业", 3, "云浮市"),
    ])
    page = response.content.decode()
    assert "更新" in page and "恢复在册" in page and "不变" in page
    response = province.post("/evaluation/import/confirm/", {"token": token_of(response)}, follow=True)
    assert "新增 0 个，更新 1 个，恢复在册 1 个，未变 1 个" in response.content.decode()
    kept.refresh_from_db(), gone.refresh_from_db()
    assert kept.name == "新名称" and gone.is_active
    assert RecognisedUnit.objects.count() == RecognisedUnit.objects.filter(pk__lte=same.pk).count()  # none added
    assert same.history.count() == 1  # an unchanged unit gets no empty history entry


def test_confirm_is_all_or_nothing(province, monkeypatch):
    response = upload(province, GOOD)
    calls = []
    real = registry_import.services.save_unit

    def failing(**kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 2:
            from django.core.exceptions import ValidationError

            raise ValidationError("模拟的写入失败")
        return real(**kwargs)

    monkeypatch.setattr(registry_import.services, "save_unit", failing)
    response = province.post("/evaluation/import/confirm/", {"token": token_of(response)})
    page = response.content.decode()
    assert "导入未完成，没有写入任何数据" in page and "模拟的写入失败" in page
    assert len(calls) == 2 and not active().exists()


def test_stale_or_replayed_token(province):
    first = token_of(upload(province, GOOD[:1]))
    second = token_of(upload(province, GOOD[1:]))
    response = province.post("/evaluation/import/confirm/", {"token": first}, follow=True)
    assert "预览已失效" in response.content.decode() and not active().exists()
    province.post("/evaluation/import/confirm/", {"token": second})
    assert active().count() == 2
    response = province.post("/evaluation/import/confirm/", {"token": second}, follow=True)
    assert "预览已失效" in response.content.decode() and active().count() == 2
    assert province.get("/evaluation/import/confirm/").status_code == 405


def test_registry_changed_between_preview_and_confirm(province):
    """The check runs again on confirm: a unit added meanwhile is updated, not duplicated."""
    response = upload(province, GOOD[:1])
    recognised("qingyuan", name="他人刚录入", credit_code=GOOD[0][1])
    province.post("/evaluation/import/confirm/", {"token": token_of(response)})
    assert list(active().values_list("name", flat=True)) == ["清远甲公司"]


def test_template_and_export_import_again(province):
    template = province.get("/evaluation/import/template/")
    wb = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in wb.worksheets[0][1]] == ["名称", "统一社会信用代码", "类别", "批次", "地市"]
    assert "填写说明" in wb.sheetnames
    province.post("/evaluation/import/confirm/", {"token": token_of(upload(province, GOOD))})
    exported = province.get("/evaluation/export/").content
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = province.post("/evaluation/import/", {"file": SimpleUploadedFile("导出.xlsx", exported)})
    page = response.content.decode()
    # The export holds the deactivated demo units too: they come back as “恢复在册”; ours are unchanged.
    assert token_of(response) and 'id="row-problems"' not in page
    assert page.count(">不变<") == 3


def test_cities_cannot_import(client_for, seeded):
    assert client_for("qingyuan").post("/evaluation/import/", {"file": xlsx_upload(GOOD)}).status_code == 403
    assert client_for("qingyuan").post("/evaluation/import/confirm/", {"token": "x"}).status_code == 403


@pytest.mark.parametrize("row", [
    ("深圳公司", credit_code("440300"), "示范企业", 1, "深圳"),
    ("深圳区公司", credit_code("440305"), "示范企业", 1, "440305"),
    ("登记在深圳", credit_code("440306"), "示范企业", 1, "清远市"),
])
def test_shenzhen_rows_are_refused_by_the_rule_entry_uses(province, row):
    from intake.common.validators import SHENZHEN_REASON

    page = upload(province, [row]).content.decode()
    assert SHENZHEN_REASON in page and not active().exists()


def test_city_typed_in_full_width_is_recognised(province):
    from intake.models import RecognisedUnit

    response = upload(province, [("全角地市公司", credit_code("441800"), "示范企业", 1, "４４１８００")])
    assert token_of(response) is not None, response.content.decode()
    assert "清远市" in response.content.decode()
    assert not RecognisedUnit.objects.filter(name="全角地市公司").exists()  # a preview writes nothing
