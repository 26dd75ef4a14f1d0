"""The province's home (/ for the province): slate status per city, counts against quota, deadlines
and who is late, the bar chart; a fixed number of queries whatever the data."""

import re
from datetime import timedelta
from xml.etree import ElementTree

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intake.models import DeadlineExtension
from intake.review import services as review_services
from tests.factories import city, nominate, open_campaign, ready_slate, submit, user


def row(page, code):
    match = re.search(rf'<tr data-city="{code}"[^>]*>(.*?)</tr>', page, re.S)
    assert match, code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_status_counts_and_quota_per_city(client_for):
    for _ in range(3):
        nominate("qingyuan", "enterprise")
    nominate("qingyuan", "project")
    ready_slate("qingyuan")
    submit("qingyuan")
    nominate("huizhou", "project")
    ready_slate("huizhou")
    submit("huizhou")
    review_services.return_slate(user=user("province"), campaign=open_campaign(), city=city("huizhou"), reason="x")
    nominate("guangzhou", "enterprise")
    page = client_for("province").get("/").content.decode()
    assert row(page, "441800").startswith(" 清远市 其他地市 已提交 3/4 0/1 0/2 1/2 0/1 ")
    assert " 已退回 " in row(page, "441300")
    assert row(page, "440100").startswith(" 广州市 示范城市 未提交 1/6 0/2 0/3 0/3 0/1 ")
    assert "已提交 1" in page and "已退回 1" in page and "未提交 18" in page
    assert "全省合计" in page


def test_late_cities_and_extensions(client_for):
    nominate("qingyuan", "project")
    ready_slate("qingyuan")
    submit("qingyuan")
    campaign = open_campaign()
    campaign.submission_deadline = timezone.now() - timedelta(hours=1)
    campaign.save()
    DeadlineExtension.objects.create(campaign=campaign, city=city("yunfu"), deadline=timezone.now() + timedelta(days=3))
    page = client_for("province").get("/").content.decode()
    assert "逾期未提交" not in row(page, "441800")  # submitted in time
    assert "延期" in row(page, "445300") and "逾期未提交" not in row(page, "445300")
    assert "逾期未提交" in row(page, "441300")
    late = re.search(r'id="late-summary">(.*?)</span>', page).group(1)
    assert "逾期未提交 18" in late and "惠州市" in late and "云浮市" not in late and "清远市" not in late


def test_chart_is_inline_svg_with_a_bar_per_city_and_category(client_for):
    nominate("qingyuan", "enterprise")
    nominate("qingyuan", "enterprise")
    nominate("huizhou", "project")
    page = client_for("province").get("/").content.decode()
    svg = re.search(r'<div id="chart" class="mb-4">(.*?)</div>', page, re.S).group(1)
    root = ElementTree.fromstring(svg)
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "清远市 示范企业：2" in titles and "惠州市 示范项目：1" in titles
    assert "cdn" not in page.lower() and "<script" not in svg


def test_city_staff_get_their_own_home(client_for):
    page = client_for("qingyuan").get("/").content.decode()
    assert "全省推荐情况" not in page and "形式审查与上报" in page


def test_province_quota_summary(client_for):
    page = client_for("province").get("/").content.decode()
    table = re.search(r'<table[^>]*id="province-quota".*?</table>', page, re.S).group(0)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))
    assert "示范企业 0/10" in text and "示范平台（共享制造类） 0/1" in text and "示范平台（其他类） 0/3" in text
    assert "示范项目 0/不限" in text


def count_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_cities_or_nominations(client_for):
    client = client_for("province")
    nominate("qingyuan", "project")
    few = count_queries(client)
    for slug in ["huizhou", "yunfu", "shaoguan", "zhuhai", "shantou", "foshan"]:
        nominate(slug, "enterprise")
        nominate(slug, "project")
        ready_slate(slug)
        submit(slug)
    review_services.accept_slate(user=user("province"), campaign=open_campaign(), city=city("yunfu"))
    DeadlineExtension.objects.create(campaign=open_campaign(), city=city("zhuhai"),
                                     deadline=timezone.now() + timedelta(days=99))
    assert count_queries(client) == few


def test_columns_say_what_they_show(client_for):
    nominate("qingyuan", "project")
    ready_slate("qingyuan")
    submit("qingyuan")
    page = client_for("province").get("/").content.decode()
    assert "推荐材料</span><wbr><span class=\"text-nowrap\">状态" in page and ">收齐</span>" in page
    assert "两份齐全" not in page and ">推荐函<" not in page
    assert "0/1 个" in row(page, "441800") and "一式两份" in page
    # Category titles may break before their bracket only.
    assert '<span class="text-nowrap">示范平台</span><wbr><span class="text-nowrap">（共享制造类）</span>' in page


def test_pdf_link_for_every_city(client_for):
    page = client_for("province").get("/").content.decode()
    assert "/exports/annex2.pdf?campaign=" in page and "&amp;all=1" in page
