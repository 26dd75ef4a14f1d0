"""/evaluation/ and /evaluation/outstanding/: the province's progress per city (done, explained,
outstanding, overdue) with its chart, the list of what is outstanding, and a city's own list."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intake.evaluation import services
from intake.models import DeadlineExtension, RecognisedUnit
from tests.factories import city, open_campaign, pdf_upload, recognised, user


@pytest.fixture
def registry(seeded):
    """qingyuan: one filed, one explained, one outstanding; huizhou: two outstanding, whose online
    deadline has passed (everyone's has; qingyuan holds an extension)."""
    RecognisedUnit.objects.all().update(is_active=False)
    campaign = open_campaign()
    clerk = user("qingyuan")
    q = [recognised("qingyuan", name=f"清远{i}") for i in range(3)]
    h = [recognised("huizhou", name=f"惠州{i}") for i in range(2)]
    services.set_evaluation_state(user=clerk, campaign=campaign, unit=q[0], state="filed_online",
                                  filed_on=timezone.localdate())
    services.set_evaluation_state(user=clerk, campaign=campaign, unit=q[1], state="unable",
                                  unable_reason="revoked", explanation=pdf_upload())
    campaign.evaluation_online_deadline = timezone.now() - timedelta(minutes=5)
    campaign.save()
    DeadlineExtension.objects.create(campaign=campaign, city=city("qingyuan"), kind="evaluation_online",
                                     deadline=timezone.now() + timedelta(days=2))
    return q, h


def row_of(page, code):
    start = page.index(f'<tr data-city="{code}">')
    return page[start:page.index("</tr>", start)]


def cells(row):
    import re

    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


def test_province_progress_per_city_with_chart(client_for, registry):
    page = client_for("province").get("/evaluation/").content.decode()
    assert cells(row_of(page, "441800"))[:6] == ["清远市", "1", "1", "1", "0", "3"]
    assert cells(row_of(page, "441300"))[:6] == ["惠州市", "0", "0", "0", "2", "2"]
    assert cells(row_of(page, "445300"))[:6] == ["云浮市", "0", "0", "0", "0", "0"]
    assert "共 5 个单位" in page
    chart = page[page.index("<svg"):page.index("</svg>")]
    assert "清远市 已在线填报：1" in chart and "惠州市 逾期未填报：2" in chart and "云浮市" in chart


def test_outstanding_list_overdue_first_and_city_filter(client_for, registry):
    province = client_for("province")
    page = province.get("/evaluation/outstanding/").content.decode()
    assert page.index("惠州0") < page.index("清远2")
    assert "清远0" not in page and "清远1" not in page  # done and explained are not outstanding
    assert "逾期未填报" in page and "待填报" in page
    page = province.get("/evaluation/outstanding/?city=441800").content.decode()
    assert "清远2" in page and "惠州0" not in page
    assert province.get("/evaluation/outstanding/?page=zz&city=nowhere").status_code == 200


def test_city_overview(client_for, registry):
    page = client_for("qingyuan").get("/evaluation/").content.decode()
    assert "已在线填报：<strong>1</strong>" in page and "待填报：<strong>1</strong>" in page
    assert "清远0" in page and "惠州0" not in page
    assert "沿用 2022 年发放的账号登录填报" in page
    assert "网上填报截止" in page and "剩余 1 天" in page  # its own extension, not the campaign's


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/evaluation/", "/evaluation/outstanding/", "/evaluation/export/"])
def test_province_pages_take_a_constant_number_of_queries(client_for, registry, url):
    province = client_for("province")
    before = queries(province, url)
    for slug in ("yunfu", "shantou", "meizhou"):  # more units, cities and reported states
        services.set_evaluation_state(user=user(slug), campaign=open_campaign(), unit=recognised(slug),
                                      state="unable", unable_reason="revoked", explanation=pdf_upload())
        recognised(slug, "platform")
    assert queries(province, url) == before


def test_city_and_province_pages_name_the_platform_and_the_bureaus_account(client_for, registry):
    for account in ("qingyuan", "province"):
        page = client_for(account).get("/evaluation/").content.decode()
        assert 'href="https://selection.csoma.org.cn"' in page and "服务型制造公共服务平台" in page
        assert "各地市工业和信息化局沿用 2022 年发放的账号登录" in page
