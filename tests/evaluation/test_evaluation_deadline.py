"""The evaluation deadlines (online filing, then the written explanation) lock a city's states;
an extension for one city, granted by the province, reopens that city only."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intake.evaluation import services
from intake.evaluation.selectors import deadlines_of
from intake.evaluation.services import EvaluationClosed
from intake.models import DeadlineExtension, UnitEvaluation
from tests.factories import city, open_campaign, pdf_upload, recognised, user

ONLINE, EXPLANATION = DeadlineExtension.EVALUATION_ONLINE, DeadlineExtension.EVALUATION_EXPLANATION


def set_deadlines(online, explanation):
    campaign = open_campaign()
    campaign.evaluation_online_deadline = timezone.now() + online
    campaign.evaluation_explanation_deadline = timezone.now() + explanation
    campaign.save()
    return campaign


def report(slug, unit, state, **fields):
    if state == UnitEvaluation.FILED_ONLINE:
        fields.setdefault("filed_on", timezone.localdate())
    if state == UnitEvaluation.UNABLE:
        fields.setdefault("unable_reason", "revoked")
        fields.setdefault("explanation", pdf_upload())
    return services.set_evaluation_state(user=user(slug), campaign=open_campaign(), unit=unit, state=state, **fields)


@pytest.fixture
def units(seeded):
    return recognised("qingyuan"), recognised("yunfu")


def test_between_the_deadlines_only_an_explanation_is_accepted(client_for, units):
    qingyuan, _ = units
    set_deadlines(online=-timedelta(minutes=1), explanation=timedelta(days=2))
    with pytest.raises(EvaluationClosed) as exc:
        report("qingyuan", qingyuan, "filed_online")
    message = exc.value.messages[0]
    assert "清远市的评估评价网上填报已于" in message and "不能再将状态改为“已在线填报”" in message
    with pytest.raises(EvaluationClosed):
        report("qingyuan", qingyuan, "not_filed")
    assert report("qingyuan", qingyuan, "unable").state == "unable"
    page = client_for("qingyuan").get(f"/evaluation/units/{qingyuan.pk}/").content.decode()
    assert 'id="evaluation-closed"' in page and "评估评价网上填报已于" in page


def test_after_both_deadlines_nothing_changes(client_for, units):
    qingyuan, _ = units
    report("qingyuan", qingyuan, "filed_online")
    set_deadlines(online=-timedelta(days=3), explanation=-timedelta(minutes=1))
    for state in ("not_filed", "unable"):
        with pytest.raises(EvaluationClosed):
            report("qingyuan", qingyuan, state)
    client = client_for("qingyuan")
    page = client.get(f"/evaluation/units/{qingyuan.pk}/").content.decode()
    assert "无法填报书面说明已于" in page and 'type="submit" disabled' in page
    response = client.post(f"/evaluation/units/{qingyuan.pk}/", {"state": "unable", "unable_reason": "revoked",
                                                                   "explanation": pdf_upload()})
    assert response.status_code == 200 and "截止" in response.content.decode()
    assert UnitEvaluation.objects.get(unit=qingyuan).state == "filed_online"


def test_deadline_message_in_beijing_time(units):
    campaign = set_deadlines(online=-timedelta(days=1), explanation=-timedelta(days=1))
    with pytest.raises(EvaluationClosed) as exc:
        report("qingyuan", units[0], "filed_online")
    expected = timezone.localtime(campaign.evaluation_online_deadline).strftime("%Y-%m-%d %H:%M")
    assert expected in exc.value.messages[0]


def test_extension_for_one_city_reopens_only_that_city(units):
    qingyuan, yunfu = units
    campaign = set_deadlines(online=-timedelta(minutes=1), explanation=-timedelta(minutes=1))
    DeadlineExtension.objects.create(campaign=campaign, city=city("qingyuan"), kind=ONLINE,
                                     deadline=timezone.now() + timedelta(days=1), reason="系统故障")
    assert report("qingyuan", qingyuan, "filed_online").state == "filed_online"
    with pytest.raises(EvaluationClosed):
        report("yunfu", yunfu, "filed_online")


def test_explanation_never_closes_before_online_filing(units):
    qingyuan, _ = units
    campaign = set_deadlines(online=-timedelta(days=2), explanation=-timedelta(minutes=1))
    later = timezone.now() + timedelta(days=1)
    DeadlineExtension.objects.create(campaign=campaign, city=city("qingyuan"), kind=ONLINE, deadline=later)
    assert deadlines_of(campaign, city("qingyuan")).explanation == later
    assert report("qingyuan", qingyuan, "unable").state == "unable"


def test_campaign_without_evaluation_deadlines(units):
    campaign = open_campaign()
    campaign.evaluation_online_deadline = None
    campaign.save()
    with pytest.raises(EvaluationClosed) as exc:
        report("qingyuan", units[0], "filed_online")
    assert "尚未设置评估评价的截止时间" in exc.value.messages[0]


def extension_post(**overrides):
    data = {
        "city": city("yunfu").pk, "kind": ONLINE,
        "deadline": timezone.localtime(timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "reason": "云浮市申请延期三天",
    }
    data.update(overrides)
    return data


def test_province_extends_one_city_on_its_page(client_for, units):
    _, yunfu = units
    set_deadlines(online=-timedelta(minutes=1), explanation=-timedelta(minutes=1))
    province = client_for("province")
    response = province.post(f"/evaluation/extensions/?campaign={open_campaign().year}", extension_post())
    assert response.status_code == 302, response.content.decode()[-3000:]
    extension = DeadlineExtension.objects.get(city=city("yunfu"), kind=ONLINE)
    assert extension.reason == "云浮市申请延期三天"
    assert extension.history.latest().history_user.username == "province"
    assert report("yunfu", yunfu, "filed_online").state == "filed_online"
    page = province.get("/evaluation/extensions/").content.decode()
    assert "已延期" in page and "云浮市申请延期三天" in page
    # Moved again: the same row, one more history entry.
    later = timezone.localtime(timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    assert province.post("/evaluation/extensions/", extension_post(deadline=later)).status_code == 302
    assert DeadlineExtension.objects.filter(city=city("yunfu"), kind=ONLINE).count() == 1
    assert extension.history.count() == 2


@pytest.mark.parametrize("overrides, message", [
    ({"deadline": "2000-01-01T00:00"}, "延期后的截止时间应晚于批次原定的"),
    ({"reason": ""}, "请填写延期原因"),
    ({"kind": "submission"}, "选择一个有效的选项"),
    ({"deadline": "明天"}, "时间格式不正确"),
    ({"city": "99999"}, "选择一个有效的选项"),
])
def test_bad_extensions_are_refused_with_a_reason(client_for, units, overrides, message):
    response = client_for("province").post("/evaluation/extensions/", extension_post(**overrides))
    assert response.status_code == 200 and message in response.content.decode()
    assert not DeadlineExtension.objects.exists()


def test_cities_cannot_extend(client_for, units):
    assert client_for("yunfu").post("/evaluation/extensions/", extension_post()).status_code == 403
    assert client_for("yunfu").get("/evaluation/extensions/").status_code == 403
    with pytest.raises(PermissionDenied, match="仅限省工业和信息化厅"):
        services.extend_evaluation_deadline(
            user=user("yunfu"), campaign=open_campaign(), city=city("yunfu"), kind=ONLINE,
            deadline=timezone.now() + timedelta(days=100), reason="自己延期",
        )
