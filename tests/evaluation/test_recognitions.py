"""The nominee cross-check: a nominee already recognised in batches 1–4 is flagged on the
nomination page, in the nomination list and on the city's home page; the selector takes one query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.evaluation.selectors import recognitions_for
from intake.models import Nomination
from tests.factories import city, credit_code, nominate, recognised


def test_matched_by_credit_code_and_city(seeded):
    code = credit_code("441800")
    unit = recognised("qingyuan", name="清远老示范企业", credit_code=code, batch=2)
    city_unit = recognised("qingyuan", "city", batch=3)
    flagged = nominate("qingyuan", "enterprise", credit_code=code)
    as_city = nominate("qingyuan", "city")
    other_city = nominate("huizhou", "city")
    plain = nominate("qingyuan", "project")
    found = recognitions_for([flagged, as_city, other_city, plain])
    assert found == {flagged.pk: unit, as_city.pk: city_unit}


def test_deactivated_units_do_not_flag(seeded):
    code = credit_code("441800")
    recognised("qingyuan", credit_code=code, is_active=False)
    assert recognitions_for([nominate("qingyuan", "enterprise", credit_code=code)]) == {}


def test_unit_of_the_same_kind_wins(seeded):
    code = credit_code("441800")
    recognised("qingyuan", "enterprise", credit_code=code, batch=1)
    platform = recognised("qingyuan", "platform", credit_code=code, batch=3)
    nomination = nominate("qingyuan", "platform_other", credit_code=code)
    assert recognitions_for([nomination])[nomination.pk] == platform


def test_one_query_whatever_the_number(seeded):
    nominations = []
    for slug in ("qingyuan", "huizhou", "yunfu", "shantou"):
        code = credit_code(city(slug).code)
        recognised(slug, credit_code=code)
        nominations += [nominate(slug, "enterprise", credit_code=code), nominate(slug, "city")]
    nominations = list(Nomination.objects.filter(pk__in=[n.pk for n in nominations]))
    with CaptureQueriesContext(connection) as ctx:
        found = recognitions_for(nominations)
    assert len(ctx.captured_queries) == 1 and len(found) == 4
    with CaptureQueriesContext(connection) as ctx:
        assert recognitions_for([]) == {}
    assert len(ctx.captured_queries) == 0


def test_flag_on_detail_list_and_home(client_for, seeded):
    code = credit_code("441800")
    recognised("qingyuan", name="清远老示范企业", credit_code=code, batch=2)
    flagged = nominate("qingyuan", "enterprise", credit_code=code, name="再次申报的企业")
    plain = nominate("qingyuan", "project", name="新项目")
    client = client_for("qingyuan")
    detail = client.get(f"/nominations/{flagged.pk}/").content.decode()
    assert 'id="recognition-flag"' in detail and "第二批示范企业“清远老示范企业”" in detail
    assert 'id="recognition-flag"' not in client.get(f"/nominations/{plain.pk}/").content.decode()
    for page in (client.get("/nominations/").content.decode(), client.get("/").content.decode(),
                 client_for("province").get("/nominations/").content.decode()):
        assert page.count("已获第二批认定") == 1
        row = page[page.index("再次申报的企业") - 400:page.index("再次申报的企业") + 400]
        assert "已获第二批认定" in row


def test_city_nominating_itself_again_is_flagged(client_for, seeded):
    # guangzhou is a demonstration city in the demo registry
    nomination = nominate("guangzhou", "city")
    detail = client_for("province").get(f"/nominations/{nomination.pk}/").content.decode()
    assert "广州市已于第二批获认定为工业和信息化部服务型制造示范城市" in detail
