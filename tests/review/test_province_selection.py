"""/selection/ and /nominations/<id>/select|unselect/: the province's own list for the ministry,
within the province-scope quota rules, and its Annex 2 content (推荐单位 = the department)."""

from intake.models import Nomination, SlateEvent
from intake.review import services as review_services
from intake.review.selectors import province_selection_sheet
from quotas.models import QuotaRule
from tests.factories import accepted, nominate, open_campaign, ready_slate, submit, user


def select(client, n):
    return client.post(f"/nominations/{n.pk}/select/", follow=True).content.decode()


def test_select_and_unselect(client_for):
    n = nominate("qingyuan", "enterprise", name="甲企业")
    accepted("qingyuan")
    province = client_for("province")
    assert "已将“甲企业”列入省推荐名单" in select(province, n)
    n.refresh_from_db()
    assert n.province_selected and n.history.first().history_user.username == "province"
    page = province.get(f"/selection/?campaign={open_campaign().year}").content.decode()
    assert "已选 1/10" in page
    response = province.post(f"/nominations/{n.pk}/unselect/", follow=True).content.decode()
    assert "移出省推荐名单" in response
    n.refresh_from_db()
    assert not n.province_selected
    kinds = list(SlateEvent.objects.filter(nomination=n).values_list("kind", flat=True))
    assert kinds == ["selected", "unselected"]


def test_province_limit_is_enforced(client_for):
    shared = [nominate(slug, "platform_shared") for slug in ("qingyuan", "huizhou")]
    accepted("qingyuan")
    accepted("huizhou")
    province = client_for("province")
    select(province, shared[0])
    page = select(province, shared[1])
    assert "示范平台（共享制造类）已选 1 个，上限 1 个（1/1），不能再增加" in page
    assert Nomination.objects.filter(province_selected=True).count() == 1


def test_limit_is_the_admins_rule(client_for):
    shared = [nominate(slug, "platform_shared") for slug in ("qingyuan", "huizhou")]
    accepted("qingyuan")
    accepted("huizhou")
    QuotaRule.objects.filter(scope=QuotaRule.PROVINCE, category="platform_shared").update(maximum=2)
    province = client_for("province")
    for n in shared:
        select(province, n)
    assert Nomination.objects.filter(province_selected=True).count() == 2


def test_category_without_a_province_rule_is_not_capped(client_for):
    projects = [nominate("qingyuan", "project"), nominate("qingyuan", "project")]
    accepted("qingyuan")
    province = client_for("province")
    for n in projects:
        select(province, n)
    assert Nomination.objects.filter(province_selected=True).count() == 2


def test_only_accepted_slates(client_for):
    n = nominate("qingyuan", "enterprise")
    ready_slate("qingyuan")
    submit("qingyuan")
    assert "清远市的推荐材料尚未受理" in select(client_for("province"), n)
    n.refresh_from_db()
    assert not n.province_selected


def test_rejected_nomination_leaves_the_selection(client_for):
    n = nominate("qingyuan", "enterprise")
    accepted("qingyuan")
    province = client_for("province")
    select(province, n)
    province.post(f"/nominations/{n.pk}/reject/", {"confirm": "yes", "reason": "现场核查不属实"})
    n.refresh_from_db()
    assert n.status == Nomination.REJECTED and not n.province_selected
    assert province_selection_sheet(open_campaign()).row_count == 0
    assert "当前为“不予受理”，不能列入省推荐名单" in select(province, n)


def test_selection_sheet(seeded):
    a = nominate("qingyuan", "enterprise", name="清远企业")
    b = nominate("huizhou", "enterprise", name="惠州企业")
    c = nominate("huizhou", "city", city_kind="industrial_design")
    nominate("huizhou", "project", name="未选项目")
    accepted("qingyuan")
    accepted("huizhou")
    for n in (b, a, c):
        review_services.select_for_ministry(n, user=user("province"))
    review_services.save_province_contact(user=user("province"), campaign=open_campaign(), filler_name="王审核",
                                          filler_phone="020-83133359")
    sheet = province_selection_sheet(open_campaign())
    header = (sheet.recommender, sheet.filler_name, sheet.filler_phone)
    assert header == ("广东省工业和信息化厅", "王审核", "020-83133359")
    assert sheet.city is None and sheet.campaign == open_campaign()
    enterprises = sheet.sections[0].tables[0].rows
    assert [r[:2] for r in enterprises] == [["1", "惠州企业"], ["2", "清远企业"]]  # by city code
    assert sheet.sections[3].tables[0].rows[0][1] == "惠州市（工业设计特色类）"
    assert sheet.sections[2].tables[0].rows == []  # not selected
    assert sheet.row_count == 3


def test_reviewer_only(client_for):
    n = nominate("qingyuan", "enterprise")
    accepted("qingyuan")
    assert client_for("qingyuan").get("/selection/").status_code == 403
    assert client_for("qingyuan").post(f"/nominations/{n.pk}/select/").status_code == 403
    assert client_for("huizhou").post(f"/nominations/{n.pk}/select/").status_code == 404
    n.refresh_from_db()
    assert not n.province_selected


def test_page_lists_only_accepted_candidates(client_for):
    a = nominate("qingyuan", "enterprise", name="已受理企业")
    b = nominate("huizhou", "enterprise", name="未受理企业")
    accepted("qingyuan")
    page = client_for("province").get("/selection/").content.decode()
    assert a.name in page and b.name not in page
    assert "附件2 预览" in page and "广东省工业和信息化厅" in page


def test_selecting_twice_and_unselecting_what_is_not_selected(client_for):
    n = nominate("qingyuan", "enterprise")
    accepted("qingyuan")
    province = client_for("province")
    assert "不在省推荐名单中" in province.post(f"/nominations/{n.pk}/unselect/", follow=True).content.decode()
    select(province, n)
    assert "已在省推荐名单中" in select(province, n)
    assert SlateEvent.objects.filter(kind=SlateEvent.SELECTED).count() == 1


def test_province_keeps_its_own_filler_per_campaign(client_for):
    from intake.models import ProvinceContact

    province = client_for("province")
    page = province.get("/selection/").content.decode()
    assert 'id="province-contact"' in page and 'name="filler_phone"' in page
    data = {"campaign": open_campaign().year, "filler_name": "黄璨", "filler_phone": "０２０－８３１３３３５９"}
    response = province.post("/selection/contact/", data, follow=True)
    assert "已保存省推荐名单附件2的填报人和联系电话" in response.content.decode()
    contact = ProvinceContact.objects.get(campaign=open_campaign())
    assert (contact.filler_name, contact.filler_phone, contact.updated_by) == ("黄璨", "020-83133359", user("province"))
    assert contact.history.first().history_user == user("province")
    sheet = province_selection_sheet(open_campaign())
    assert (sheet.filler_name, sheet.filler_phone) == ("黄璨", "020-83133359")
    # Another campaign has its own (none yet).
    from intake.models import Campaign

    assert province_selection_sheet(Campaign.objects.get(year=2023)).filler_name == ""


def test_refused_filler_keeps_what_was_typed(client_for):
    import re

    from intake.models import ProvinceContact

    response = client_for("province").post("/selection/contact/", {
        "campaign": open_campaign().year, "filler_name": "黄璨", "filler_phone": "83133359"})
    page = response.content.decode()
    assert response.status_code == 200 and 'value="黄璨"' in page and 'value="83133359"' in page
    assert "is-invalid" in re.search(r'<input[^>]*name="filler_phone"[^>]*>', page).group(0)
    assert not ProvinceContact.objects.exists()


def test_only_reviewers_set_the_province_filler(client_for):
    from intake.models import ProvinceContact

    data = {"campaign": open_campaign().year, "filler_name": "x", "filler_phone": "13800138000"}
    assert client_for("qingyuan").post("/selection/contact/", data).status_code == 403
    assert client_for("qingyuan").get("/selection/contact/").status_code in (403, 405)
    assert not ProvinceContact.objects.exists()
