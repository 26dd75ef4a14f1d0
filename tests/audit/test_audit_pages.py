"""The auditor's pages: the security log with its filters and XLSX export, and the change history
(who changed which object's which fields, never the values)."""

import io
from datetime import timedelta

from django.utils import timezone
from openpyxl import load_workbook

from intake.entry import services
from intake.models import City, SecurityEvent
from tests.factories import nominate, user


def event(**fields):
    return SecurityEvent.objects.create(**{"kind": SecurityEvent.LOGIN, "username": "someone", **fields})


def rows(response):
    return response.content.decode().split('id="audit-table"')[1]


def test_filters_by_date_account_city_and_kind(client_for):
    guangzhou, qingyuan = City.objects.get(slug="guangzhou"), City.objects.get(slug="qingyuan")
    event(username="guangzhou", city=guangzhou, target="甲-目标")
    event(username="qingyuan", city=qingyuan, kind=SecurityEvent.DOWNLOAD, target="乙-目标")
    event(username="qingyuan", city=qingyuan, target="丙-目标", at=timezone.now() - timedelta(days=10))
    auditor = client_for("auditor")
    assert all(t in rows(auditor.get("/audit/")) for t in ("甲-目标", "乙-目标", "丙-目标"))
    by_city = rows(auditor.get("/audit/?city=440100"))
    assert "甲-目标" in by_city and "乙-目标" not in by_city
    by_kind = rows(auditor.get("/audit/?kind=download"))
    assert "乙-目标" in by_kind and "甲-目标" not in by_kind
    by_account = rows(auditor.get("/audit/?account=qingyuan"))
    assert "乙-目标" in by_account and "甲-目标" not in by_account
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    by_date = rows(auditor.get(f"/audit/?date_from={since}"))
    assert "乙-目标" in by_date and "丙-目标" not in by_date
    until = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert "丙-目标" in rows(auditor.get(f"/audit/?date_to={until}"))
    # Nonsense in a filter is ignored, never an error.
    assert auditor.get("/audit/?date_from=9999-12-31&city=x&kind=x&page=-1").status_code == 200


def test_export_is_an_xlsx_of_the_filtered_log(client_for):
    event(username="qingyuan", kind=SecurityEvent.DOWNLOAD, target="=HYPERLINK(\"http://evil\")")
    event(username="guangzhou", target="不应导出")
    response = client_for("auditor").get("/audit/export.xlsx?kind=download")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:5] == ("时间", "账号", "角色", "来源地址", "事件")
    targets = [row[5] for row in values[1:]]
    assert '=HYPERLINK("http://evil")' in targets and "不应导出" not in targets
    assert sheet.cell(row=2, column=6).data_type == "s"  # text, never a formula
    # The export itself is in the log.
    assert SecurityEvent.objects.filter(kind=SecurityEvent.DOWNLOAD, user=user("auditor")).exists()


def test_change_history_names_objects_and_fields_without_their_values(client_for):
    nomination = nominate("qingyuan", "project", contact_email="hidden-contact@example.cn")
    services.update_nomination(nomination, user=user("qingyuan"), category=None, **{
        "name": nomination.name, "credit_code": nomination.credit_code, "contact_name": "李四",
        "contact_phone": "13900139000", "contact_email": "changed-secret@example.cn",
        "electronic_no": nomination.electronic_no,
    })
    body = client_for("auditor").get("/audit/history/").content.decode()
    table = body.split('id="history-table"')[1]
    assert nomination.name in table and "qingyuan" in table
    assert "电子邮箱" in table and "联系人" in table  # which fields changed
    assert "hidden-contact@example.cn" not in body and "changed-secret@example.cn" not in body and "李四" not in body
    only_users = client_for("auditor").get("/audit/history/?model=intake.user").content.decode()
    assert nomination.name not in only_users.split('id="history-table"')[1]


def test_history_filters_ignore_nonsense(client_for):
    auditor = client_for("auditor")
    for query in ("date_from=0001-01-01", "date_to=9999-12-31", "model=nope", "account=nobody", "date_from=x"):
        assert auditor.get(f"/audit/history/?{query}").status_code == 200


def test_home_sends_the_auditor_to_the_log(client_for):
    response = client_for("auditor").get("/")
    assert response.status_code == 302 and response["Location"] == "/audit/"


def test_only_the_auditor_reads_the_log(client_for):
    for username in ("qingyuan", "province", "admin"):
        assert client_for(username).get("/audit/").status_code == 403
        assert client_for(username).get("/audit/history/").status_code == 403
