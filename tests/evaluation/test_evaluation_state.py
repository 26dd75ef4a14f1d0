"""/evaluation/units/<id>/: a city records each unit's state; each state asks for what it needs,
the written explanation follows the PDF upload rules, every change is in the history."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from intake.common.history import history_of
from intake.evaluation import services
from intake.models import RecognisedUnit, UnitEvaluation
from tests.factories import open_campaign, pdf_bytes, pdf_upload, recognised, user


def url(unit):
    return f"/evaluation/units/{unit.pk}/?campaign={open_campaign().year}"


def post(client, unit, **data):
    return client.post(url(unit), data)


def stored_explanations():
    folder = "intake/unitevaluation"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def evaluation(unit):
    return UnitEvaluation.objects.filter(unit=unit, campaign=open_campaign()).first()


@pytest.fixture
def unit(seeded):
    return recognised("qingyuan", "enterprise", batch=2, name="清远甲公司")


def test_page_shows_state_account_and_deadlines(client_for, unit):
    page = client_for("qingyuan").get(url(unit)).content.decode()
    assert "清远甲公司" in page and "未填报" in page
    assert "沿用 2022 年发放的账号登录填报" in page
    assert "网上填报截止" in page and "书面说明截止" in page


def test_batch_four_uses_its_application_account(client_for, seeded):
    fourth = recognised("qingyuan", "platform", batch=4)
    assert fourth.account_note == "使用 2022 年申报时的账号登录填报"
    assert "使用 2022 年申报时的账号登录填报" in client_for("qingyuan").get(url(fourth)).content.decode()
    assert all(recognised("qingyuan", batch=b).account_note == "沿用 2022 年发放的账号登录填报" for b in (1, 2, 3))


def test_filed_online_needs_a_date(client_for, unit):
    response = post(client_for("qingyuan"), unit, state="filed_online", filed_on="")
    assert response.status_code == 200
    assert "请填写该单位在服务型制造公共服务平台完成网上填报的日期" in response.content.decode()
    assert evaluation(unit) is None


def test_filed_online_date_not_in_the_future_nor_another_year(client_for, unit):
    client = client_for("qingyuan")
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert "不能晚于今天" in post(client, unit, state="filed_online", filed_on=tomorrow.isoformat()).content.decode()
    earlier = timezone.localdate().replace(year=open_campaign().year - 1)
    assert "年内" in post(client, unit, state="filed_online", filed_on=earlier.isoformat()).content.decode()
    assert "日期格式不正确" in post(client, unit, state="filed_online", filed_on="2023-13-45").content.decode()
    assert evaluation(unit) is None


def test_filed_online_saved_with_history(client_for, unit):
    today = timezone.localdate()
    response = post(client_for("qingyuan"), unit, state="filed_online", filed_on=today.isoformat())
    assert response.status_code == 302
    saved = evaluation(unit)
    assert (saved.state, saved.filed_on, saved.updated_by.username) == ("filed_online", today, "qingyuan")
    record = saved.history.latest()
    assert record.history_user.username == "qingyuan"
    assert record.history_change_reason == f"已在线填报（{today:%Y-%m-%d}）"
    page = client_for("province").get(url(unit)).content.decode()
    assert "已在线填报" in page and "清远市填报员" in page
    # the date input shows the saved date (an <input type="date"> only takes ISO dates)
    assert f'value="{today.isoformat()}"' in client_for("qingyuan").get(url(unit)).content.decode()


def test_unable_needs_reason_and_explanation(client_for, unit):
    client = client_for("qingyuan")
    text = post(client, unit, state="unable").content.decode()
    assert "请选择无法填报的原因" in text and "请上传盖章的书面说明（PDF）" in text
    text = post(client, unit, state="unable", unable_reason="other", explanation=pdf_upload()).content.decode()
    assert "原因为“其他”时，请简要写明具体情况" in text
    assert evaluation(unit) is None
    assert stored_explanations() == []


def test_explanation_must_be_a_pdf_by_content(client_for, unit):
    fake = pdf_upload("说明.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    text = post(client_for("qingyuan"), unit, state="unable", unable_reason="revoked", explanation=fake).content
    assert "不是 PDF" in text.decode()
    assert evaluation(unit) is None and stored_explanations() == []


def test_explanation_size_limit(client_for, unit, settings):
    settings.MAX_UPLOAD_MB = 1
    big = pdf_upload("大.pdf", pdf_bytes() + b"%" + b"0" * (1024 * 1024))
    text = post(client_for("qingyuan"), unit, state="unable", unable_reason="revoked", explanation=big).content
    assert "超过 1 MB 的上限" in text.decode()
    assert evaluation(unit) is None


def test_unable_saved_stored_privately_and_downloaded_in_scope(client_for, unit):
    client = client_for("qingyuan")
    response = post(client, unit, state="unable", unable_reason="deregistered", unable_detail="2022 年已注销",
                    explanation=pdf_upload("注销说明.pdf"))
    assert response.status_code == 302
    saved = evaluation(unit)
    assert (saved.state, saved.unable_reason, saved.unable_detail) == ("unable", "deregistered", "2022 年已注销")
    assert saved.explanation.name.startswith("intake/unitevaluation/") and "注销" not in saved.explanation.name
    assert default_storage.exists(saved.explanation.name)
    assert saved.history.latest().history_change_reason == "无法填报：注销"
    download = f"/evaluation/units/{unit.pk}/explanation/?campaign={open_campaign().year}"
    for who in ("qingyuan", "province"):
        got = client_for(who).get(download)
        assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
        assert b"".join(got.streaming_content).startswith(b"%PDF-")
    assert client_for("huizhou").get(download).status_code == 404


def test_unable_again_keeps_or_replaces_the_explanation(client_for, unit):
    client = client_for("qingyuan")
    post(client, unit, state="unable", unable_reason="suspended", explanation=pdf_upload())
    first = evaluation(unit).explanation.name
    assert post(client, unit, state="unable", unable_reason="liquidation").status_code == 302
    assert evaluation(unit).explanation.name == first and evaluation(unit).unable_reason == "liquidation"
    assert post(client, unit, state="unable", unable_reason="liquidation", explanation=pdf_upload()).status_code == 302
    second = evaluation(unit).explanation.name
    assert second != first and default_storage.exists(first) and default_storage.exists(second)  # nothing deleted


def test_back_to_not_filed_clears_the_explanation_and_history_keeps_it(client_for, unit):
    client = client_for("qingyuan")
    post(client, unit, state="unable", unable_reason="revoked", explanation=pdf_upload())
    assert post(client, unit, state="not_filed").status_code == 302
    saved = evaluation(unit)
    assert (saved.state, saved.unable_reason, saved.explanation.name) == ("not_filed", "", "")
    rows = history_of(saved)
    assert [r["record"].history_change_reason for r in rows] == ["未填报", "无法填报：吊销"]
    changes = {(c["field"], c["old"], c["new"]) for c in rows[0]["changes"]}
    assert ("填报状态", "无法填报", "未填报") in changes and ("无法填报原因", "吊销", "（空）") in changes


def test_every_state_change_is_in_the_history(unit):
    clerk, campaign = user("qingyuan"), open_campaign()
    services.set_evaluation_state(user=clerk, campaign=campaign, unit=unit, state="filed_online",
                                  filed_on=timezone.localdate())
    services.set_evaluation_state(user=clerk, campaign=campaign, unit=unit, state="unable",
                                  unable_reason="revoked", explanation=pdf_upload())
    services.set_evaluation_state(user=clerk, campaign=campaign, unit=unit, state="not_filed")
    records = list(evaluation(unit).history.order_by("history_date", "history_id"))
    assert [r.state for r in records] == ["filed_online", "unable", "not_filed"]
    assert {r.history_user for r in records} == {clerk}


def test_state_required_and_unknown_state_refused(client_for, unit):
    client = client_for("qingyuan")
    assert "请选择填报状态" in post(client, unit).content.decode()
    assert post(client, unit, state="done").status_code == 200
    assert evaluation(unit) is None
    with pytest.raises(ValidationError):
        services.set_evaluation_state(user=user("qingyuan"), campaign=open_campaign(), unit=unit, state="done")


def test_only_the_units_city_may_report(client_for, unit):
    assert client_for("province").post(url(unit), {"state": "not_filed"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.set_evaluation_state(user=user("province"), campaign=open_campaign(), unit=unit, state="not_filed")
    assert evaluation(unit) is None


def test_projects_and_deactivated_units_are_not_evaluated(client_for, seeded):
    project = recognised("qingyuan", RecognisedUnit.PROJECT)
    with pytest.raises(ValidationError):
        services.set_evaluation_state(user=user("qingyuan"), campaign=open_campaign(), unit=project,
                                      state="not_filed")
    page = client_for("qingyuan").get("/evaluation/").content.decode()
    assert project.name not in page


def test_database_refuses_a_state_without_what_it_needs(unit):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        UnitEvaluation.objects.create(campaign=open_campaign(), unit=unit, state="unable", unable_reason="revoked")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitEvaluation.objects.create(campaign=open_campaign(), unit=unit, state="filed_online")


def test_unit_page_names_the_ministry_platform_and_every_account_rule(client_for, unit):
    page = client_for("qingyuan").get(url(unit)).content.decode()
    assert "服务型制造公共服务平台" in page and 'href="https://selection.csoma.org.cn"' in page
    assert "各地市工业和信息化局沿用 2022 年发放的账号登录" in page  # the bureau's own, beside the unit's
    assert "第四批示范单位使用 2022 年申报时的账号登录填报" in page


def test_an_explanation_that_could_act_is_refused_and_the_stored_one_is_a_download(client_for, unit):
    from tests.common.test_uploads import ACTIVE

    client = client_for("qingyuan")
    content = ACTIVE["launch action"][0]
    page = post(client, unit, state="unable", unable_reason="other", unable_detail="搬迁",
                explanation=pdf_upload("说明.pdf", content)).content.decode()
    assert "/Launch" in page and evaluation(unit) is None and stored_explanations() == []
    post(client, unit, state="unable", unable_reason="other", unable_detail="搬迁", explanation=pdf_upload())
    response = client_for("province").get(f"/evaluation/units/{unit.pk}/explanation/?campaign={open_campaign().year}")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
