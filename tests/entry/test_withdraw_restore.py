"""Withdrawing is a status change that frees the place; restoring takes it back if still free."""

from intake.models import Nomination
from tests.factories import credit_code, nominate


def test_withdraw_keeps_the_row_and_frees_the_place(client_for):
    first, second = nominate("qingyuan", "project"), nominate("qingyuan", "project")
    client = client_for("qingyuan")
    response = client.post(f"/nominations/{first.pk}/withdraw/", {"reason": "企业主动放弃"}, follow=True)
    assert "已撤回" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Nomination.WITHDRAWN and first.status_reason == "企业主动放弃"
    assert Nomination.objects.filter(pk=first.pk).exists()
    assert "已推荐 1/2" in client.get("/nominations/new/project/").content.decode()
    assert nominate("qingyuan", "project").status == Nomination.ENTERED
    assert second.pk


def test_restore_when_place_is_free(client_for):
    n = nominate("qingyuan", "project")
    client = client_for("qingyuan")
    client.post(f"/nominations/{n.pk}/withdraw/", {"reason": ""})
    client.post(f"/nominations/{n.pk}/restore/", follow=True)
    n.refresh_from_db()
    assert n.status == Nomination.ENTERED


def test_restore_refused_when_the_place_was_taken(client_for):
    n = nominate("qingyuan", "project")
    client = client_for("qingyuan")
    client.post(f"/nominations/{n.pk}/withdraw/")
    nominate("qingyuan", "project")
    nominate("qingyuan", "project")
    response = client.post(f"/nominations/{n.pk}/restore/", follow=True)
    assert "清远市示范项目已推荐 2 个，名额上限 2 个（2/2）" in response.content.decode()
    n.refresh_from_db()
    assert n.status == Nomination.WITHDRAWN


def test_restore_refused_when_code_was_taken_by_another_city(client_for):
    code = credit_code("441800")
    n = nominate("qingyuan", "project", credit_code=code)
    client = client_for("qingyuan")
    client.post(f"/nominations/{n.pk}/withdraw/")
    nominate("huizhou", "project", credit_code=code)
    response = client.post(f"/nominations/{n.pk}/restore/", follow=True)
    assert "已由惠州市推荐" in response.content.decode()
    n.refresh_from_db()
    assert n.status == Nomination.WITHDRAWN


def test_withdraw_twice_is_a_message_not_an_error(client_for):
    n = nominate("qingyuan", "project")
    client = client_for("qingyuan")
    client.post(f"/nominations/{n.pk}/withdraw/")
    response = client.post(f"/nominations/{n.pk}/withdraw/", follow=True)
    assert response.status_code == 200 and "只有“已录入”的推荐对象可以撤回" in response.content.decode()


def test_withdraw_and_restore_need_post(client_for):
    n = nominate("qingyuan", "project")
    assert client_for("qingyuan").get(f"/nominations/{n.pk}/withdraw/").status_code == 405
    assert client_for("qingyuan").get(f"/nominations/{n.pk}/restore/").status_code == 405


def test_province_cannot_withdraw(client_for):
    n = nominate("qingyuan", "project")
    assert client_for("province").post(f"/nominations/{n.pk}/withdraw/").status_code == 403
    n.refresh_from_db()
    assert n.status == Nomination.ENTERED
