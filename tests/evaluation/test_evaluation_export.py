"""/evaluation/export/: the whole registry with each unit's state, read back from the XLSX."""

import io
from datetime import timedelta

from django.utils import timezone
from openpyxl import load_workbook

from intake.evaluation import services
from intake.models import RecognisedUnit
from tests.factories import open_campaign, pdf_upload, recognised, user


def read(response):
    wb = load_workbook(io.BytesIO(response.content))
    sheet = wb["示范单位"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    return wb, header, {row["名称"]: row for row in rows}


def test_export_content_read_back(client_for, seeded):
    RecognisedUnit.objects.all().update(is_active=False)
    campaign = open_campaign()
    filed = recognised("qingyuan", name="已填报公司", batch=1)
    unable = recognised("qingyuan", "platform", name="已注销平台", batch=4)
    recognised("huizhou", name="=HYPERLINK(\"http://x\")", batch=3)
    recognised("yunfu", "city", batch=2)
    recognised("yunfu", "project", name="示范项目甲")
    clerk = user("qingyuan")
    services.set_evaluation_state(user=clerk, campaign=campaign, unit=filed, state="filed_online",
                                  filed_on=timezone.localdate())
    services.set_evaluation_state(user=clerk, campaign=campaign, unit=unable, state="unable",
                                  unable_reason="other", unable_detail="搬迁省外", explanation=pdf_upload())

    response = client_for("province").get(f"/evaluation/export/?campaign={campaign.year}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert f"-{campaign.year}-" in response["Content-Disposition"] and "attachment" in response["Content-Disposition"]
    wb, header, rows = read(response)
    assert header[:5] == ["名称", "统一社会信用代码", "类别", "批次", "地市"]

    row = rows["已填报公司"]
    assert (row["类别"], row["批次"], row["地市"], row["评估评价状态"], row["进度"]) == (
        "示范企业", 1, "清远市", "已在线填报", "已在线填报")
    assert row["网上填报日期"].date() == timezone.localdate()
    assert row["登录账号"] == "沿用 2022 年发放的账号登录填报" and row["最后修改人"] == "清远市填报员"
    row = rows["已注销平台"]
    assert (row["评估评价状态"], row["无法填报原因"], row["情况说明"], row["书面说明"], row["进度"]) == (
        "无法填报", "其他", "搬迁省外", "已上传", "已书面说明")
    assert row["登录账号"] == "使用 2022 年申报时的账号登录填报"
    row = rows["=HYPERLINK(\"http://x\")"]  # formula-looking text stays text
    assert (row["评估评价状态"], row["进度"], row["地市"]) == ("未填报", "待填报", "惠州市")
    assert wb["示范单位"].cell(row=2, column=1).data_type == "s"
    row = rows["云浮市"]
    assert (row["类别"], row["统一社会信用代码"]) == ("示范城市", None)
    assert rows["示范项目甲"]["评估评价状态"] == "不参加评估"
    demo = [r for name, r in rows.items() if "（演示）" in name]
    assert demo and all(r["在册"] == "否" for r in demo)  # the whole registry, deactivated units too
    deadline = timezone.localtime(campaign.evaluation_online_deadline).strftime("%Y-%m-%d %H:%M")
    assert rows["已填报公司"]["网上填报截止"] == deadline

    progress = {r[0].value: [c.value for c in r[1:6]] for r in wb["各地市进度"].iter_rows(min_row=2)}
    assert progress["清远市"] == [1, 1, 0, 0, 2]
    assert progress["惠州市"] == [0, 0, 1, 0, 1]
    assert progress["云浮市"] == [0, 0, 1, 0, 1]  # the project is not evaluated
    assert len(progress) == 20


def test_overdue_in_export(client_for, seeded):
    RecognisedUnit.objects.all().update(is_active=False)
    late = recognised("qingyuan", name="逾期公司")
    campaign = open_campaign()
    campaign.evaluation_online_deadline = timezone.now() - timedelta(hours=1)
    campaign.save()
    _, _, rows = read(client_for("province").get("/evaluation/export/"))
    assert rows[late.name]["进度"] == "逾期未填报"


def test_cities_cannot_export(client_for, seeded):
    assert client_for("qingyuan").get("/evaluation/export/").status_code == 403
