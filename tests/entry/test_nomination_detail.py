"""/nominations/<id>/: detail, edit, category change, and the history shown."""

import pytest

from intake.models import Nomination
from tests.factories import city, nominate, post_data


def edit_data(nomination, **overrides):
    data = post_data(nomination.category_id, nomination.city, name=nomination.name,
                     credit_code=nomination.credit_code)
    data["category"] = nomination.category_id
    data.update(overrides)
    return data


def test_clerk_edits_and_history_shows_before_and_after(client_for):
    n = nominate("qingyuan", "project", name="旧名称")
    client = client_for("qingyuan")
    response = client.post(f"/nominations/{n.pk}/", edit_data(n, name="新名称"))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.name == "新名称" and n.updated_by.username == "qingyuan"
    page = client_for("province").get(f"/nominations/{n.pk}/").content.decode()
    assert "旧名称 → 新名称" in page and "清远市填报员" in page


def test_category_change_within_quota(client_for):
    n = nominate("qingyuan", "platform_shared")
    response = client_for("qingyuan").post(f"/nominations/{n.pk}/", edit_data(n, category="platform_other"))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.category_id == "platform_other"


def test_category_change_beyond_quota_is_refused(client_for):
    nominate("qingyuan", "platform_shared")  # other tier: 1 shared-manufacturing platform
    n = nominate("qingyuan", "platform_other")
    response = client_for("qingyuan").post(f"/nominations/{n.pk}/", edit_data(n, category="platform_shared"))
    assert response.status_code == 200
    assert "清远市示范平台（共享制造类）已推荐 1 个，名额上限 1 个（1/1）" in response.content.decode()
    n.refresh_from_db()
    assert n.category_id == "platform_other"


def test_category_change_to_enterprise_asks_for_its_columns(client_for):
    n = nominate("qingyuan", "project")
    client = client_for("qingyuan")
    response = client.post(f"/nominations/{n.pk}/", edit_data(n, category="enterprise"))
    assert response.status_code == 200
    assert "请选择示范模式。" in response.content.decode()
    assert "请选择示范企业的示范模式" not in response.content.decode()  # said once, by the form
    n.refresh_from_db()
    assert n.category_id == "project"
    from intake.models import DemoMode

    data = edit_data(n, category="enterprise", demo_mode=DemoMode.objects.first().pk)
    assert client.post(f"/nominations/{n.pk}/", data).status_code == 302
    n.refresh_from_db()
    assert n.category_id == "enterprise" and n.demo_mode_id


def test_change_from_platform_clears_platform_columns(client_for):
    n = nominate("qingyuan", "platform_other")
    assert n.provider
    client_for("qingyuan").post(f"/nominations/{n.pk}/", edit_data(n, category="project"))
    n.refresh_from_db()
    assert n.category_id == "project" and n.provider == ""


def test_city_nomination_cannot_change_category(client_for):
    n = nominate("qingyuan", "city")
    page = client_for("qingyuan").get(f"/nominations/{n.pk}/").content.decode()
    assert 'name="category"' not in page
    response = client_for("qingyuan").post(f"/nominations/{n.pk}/", edit_data(n, category="project", name="x"))
    assert response.status_code == 200
    n.refresh_from_db()
    assert n.category_id == "city" and n.name == "清远市"


def test_province_reads_but_cannot_post(client_for):
    n = nominate("qingyuan", "project")
    client = client_for("province")
    assert client.get(f"/nominations/{n.pk}/").status_code == 200
    assert client.post(f"/nominations/{n.pk}/", edit_data(n, name="改")).status_code == 403
    n.refresh_from_db()
    assert n.name != "改"


@pytest.mark.parametrize("bad_category", ["nonsense", "", "city"])
def test_bad_category_in_post_never_500(client_for, bad_category):
    n = nominate("qingyuan", "project")
    response = client_for("qingyuan").post(f"/nominations/{n.pk}/", edit_data(n, category=bad_category))
    assert response.status_code == 200
    assert Nomination.objects.get(pk=n.pk).category_id == "project"


def test_edit_uses_same_duplicate_check(client_for):
    other = nominate("huizhou", "project")
    n = nominate("qingyuan", "project")
    response = client_for("qingyuan").post(f"/nominations/{n.pk}/", edit_data(n, credit_code=other.credit_code))
    assert "已由惠州市推荐" in response.content.decode()


def test_detail_of_missing_id_is_404(client_for):
    assert client_for("qingyuan").get("/nominations/999999/").status_code == 404
    assert city("qingyuan")  # seeded


def test_edit_form_keeps_the_platform_launch_date(client_for):
    """A date input only shows an ISO value; anything else would be lost on the next save."""
    from datetime import date

    n = nominate("qingyuan", "platform_other", platform_launch_date=date(2020, 1, 15))
    page = client_for("qingyuan").get(f"/nominations/{n.pk}/").content.decode()
    assert 'value="2020-01-15"' in page


def test_locked_nomination_is_shown_read_only(client_for):
    """While the slate is with the province the page shows the values, not inputs that look editable."""
    from tests.factories import ready_slate, submit

    n = nominate("qingyuan", "project", name="已提交的项目")
    ready_slate("qingyuan")
    submit("qingyuan")
    client = client_for("qingyuan")
    page = client.get(f"/nominations/{n.pk}/").content.decode()
    assert 'id="entry-closed"' in page and "提交省工业和信息化厅" in page
    assert 'name="name"' not in page and "保存修改" not in page and "disabled" not in page
    assert n.credit_code in page and "已提交的项目" in page  # the values, as text
    # A form posted from a page opened before the submission: the state, said once; nothing changed.
    response = client.post(f"/nominations/{n.pk}/", edit_data(n, name="改过的名称"))
    page = response.content.decode()
    assert response.status_code == 200 and page.count("审核期间推荐对象和推荐函不能新增、修改或撤回") == 1
    n.refresh_from_db()
    assert n.name == "已提交的项目"


def test_past_deadline_nomination_is_shown_read_only(client_for):
    from django.utils import timezone

    from intake.models import Campaign
    from tests.factories import open_campaign

    n = nominate("qingyuan", "project")
    yesterday = timezone.now() - timezone.timedelta(days=1)
    Campaign.objects.filter(pk=open_campaign().pk).update(submission_deadline=yesterday)
    page = client_for("qingyuan").get(f"/nominations/{n.pk}/").content.decode()
    assert "已于" in page and "截止" in page and 'name="contact_phone"' not in page


def test_warnings_of_its_own_columns_are_shown_to_the_city(client_for):
    from decimal import Decimal

    from tests.factories import credit_code

    n = nominate("qingyuan", "enterprise", service_revenue_share=Decimal("20"), credit_code=credit_code("441302"),
                 name="某某科技有限公司清远分公司")
    page = client_for("qingyuan").get(f"/nominations/{n.pk}/").content.decode()
    assert 'id="entry-warnings"' in page
    assert "低于 30%" in page and "登记地为惠州市" in page and "不具有独立法人资格" in page


def test_warnings_never_tell_a_city_about_another_citys_nominations(client_for):
    from intake.entry import services
    from tests.factories import credit_code, user

    code = credit_code("441800")
    first = nominate("huizhou", "project", credit_code=code, name="惠州的秘密项目")
    services.withdraw_nomination(first, user=user("huizhou"))
    n = nominate("qingyuan", "project", credit_code=code)
    page = client_for("qingyuan").get(f"/nominations/{n.pk}/").content.decode()
    assert "惠州的秘密项目" not in page and "也曾由惠州市推荐" not in page
    assert "也曾由惠州市推荐" in client_for("province").get("/review/441800/").content.decode()


def test_history_in_words(client_for):
    """是/否 for yes-no columns, people by their display name, every column by its Chinese label."""
    from intake.review import services as review_services
    from tests.factories import accepted, user

    n = nominate("qingyuan", "project")
    accepted("qingyuan")
    review_services.select_for_ministry(n, user=user("province"))
    page = client_for("province").get(f"/nominations/{n.pk}/").content.decode()
    assert "列入省推荐名单：否 → 是" in page
    assert "最后修改人：清远市填报员 → 省工信厅审核员" in page
    assert "False" not in page and "True" not in page and "province_selected" not in page
