"""A city sees and touches only its own: every view with an object id answers 404 for another
city's object (the ids are taken from the URL configuration, so new views are covered)."""

import pytest
from django.urls import get_resolver, reverse

from intake.models import Nomination
from tests.factories import nominate


def object_routes():
    """Every named route of the site that takes a nomination id."""
    routes = []
    for name, entries in get_resolver().reverse_dict.lists():
        if not isinstance(name, str):
            continue
        for _possibility, pattern, _defaults, converters in entries:
            if "pk" in converters:
                routes.append((name, pattern))
    return sorted(set(routes))


def test_routes_found():
    names = {name for name, _ in object_routes()}
    assert {"nomination_detail", "nomination_withdraw", "nomination_restore"} <= names


@pytest.mark.parametrize("method", ["get", "post"])
def test_foreign_nomination_is_404_everywhere(client_for, method):
    foreign = nominate("huizhou", "project")
    client = client_for("qingyuan")
    for name, _pattern in object_routes():
        url = reverse(name, kwargs={"pk": foreign.pk})
        response = getattr(client, method)(url, {"reason": "x", "name": "改"})
        # A POST-only view answers GET with 405 whoever owns the object: that reveals nothing.
        allowed = {404} if method == "post" else {404, 405}
        assert response.status_code in allowed, f"{method.upper()} {url} answered {response.status_code}"
    foreign.refresh_from_db()
    assert foreign.status == Nomination.ENTERED and foreign.name != "改"


def test_list_shows_only_own_city_even_with_city_filter(client_for):
    own = nominate("qingyuan", "project")
    foreign = nominate("huizhou", "project")
    page = client_for("qingyuan").get("/nominations/?city=441300").content.decode()
    assert own.name in page and foreign.name not in page


def test_home_shows_only_own_city(client_for):
    nominate("huizhou", "project")
    page = client_for("qingyuan").get("/").content.decode()
    assert "清远市工业和信息化局" in page and "惠州" not in page


def test_province_sees_every_city(client_for):
    a, b = nominate("qingyuan", "project"), nominate("huizhou", "project")
    client = client_for("province")
    page = client.get("/nominations/").content.decode()
    assert a.name in page and b.name in page
    assert client.get(f"/nominations/{b.pk}/").status_code == 200
    home = client.get("/").content.decode()
    assert "全省推荐情况" in home and "惠州市" in home and "清远市" in home


@pytest.mark.parametrize("url", ["/", "/nominations/", "/nominations/new/enterprise/", "/nominations/1/"])
def test_login_required(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_campaign_parameter_garbage_is_404(client_for):
    client = client_for("qingyuan")
    assert client.get("/?campaign=abc").status_code == 404
    assert client.get("/nominations/?campaign=1999").status_code == 404
    assert client.get("/?campaign=2023").status_code == 200


@pytest.mark.parametrize(("action", "allowed"), [
    ("enter", {"qingyuan"}),
    ("keep_slate", {"qingyuan", "huizhou"}),
    ("review", {"province", "admin"}),  # the admin account is a superuser
    ("oversee_evaluation", {"province", "admin"}),
])
def test_a_permission_answers_with_its_reason(seeded, action, allowed):
    from django.core.exceptions import PermissionDenied

    from intake import scoping
    from tests.factories import city, user

    qingyuan = city("qingyuan")
    obj = qingyuan if action == "enter" else None
    for username in ("qingyuan", "huizhou", "province", "admin", "auditor"):
        answer = scoping.has_permission(action, user(username), obj)
        assert bool(answer) == (username in allowed), (action, username)
        if answer:
            continue
        assert answer.reason == scoping.RULES[action][1]
        with pytest.raises(PermissionDenied, match=answer.reason):
            scoping.has_permission(action, user(username), obj, raise_exception=True)
