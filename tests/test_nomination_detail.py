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
