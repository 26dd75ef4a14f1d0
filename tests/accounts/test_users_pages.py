"""/users/: the province manages city clerks, admins manage every role, a city clerk or the auditor
never sees the page; one-time passwords, forced change, disable, enable, second-factor reset,
each in the security log."""

import re

import pytest
from django.test import Client

from intake.accounts import twofactor
from intake.models import City, SecurityEvent, User
from tests.factories import user


def create(client, **fields):
    data = {"username": "qingyuan2", "full_name": "清远新填报员", "role": "city",
            "city": City.objects.get(slug="qingyuan").pk, **fields}
    return client.post("/users/new/", data)


def one_time_password(response):
    return re.search(r'id="one-time-password"[^>]*>([^<]+)<', response.content.decode())[1]


@pytest.mark.parametrize("username", ["qingyuan", "auditor"])
def test_city_clerks_and_the_auditor_never_see_the_pages(client_for, username):
    client = client_for(username)
    target = user("huizhou").pk
    for path in ("/users/", "/users/new/", f"/users/{target}/"):
        assert client.get(path).status_code == 403
    assert client.post(f"/users/{target}/disable/").status_code == 403
    assert user("huizhou").is_active
    assert "账号管理" not in client_for(username).get("/audit/" if username == "auditor" else "/").content.decode()


def test_the_province_creates_a_city_clerk_who_must_change_the_password(client_for, settings):
    province = client_for("province")
    listing = province.get("/users/").content.decode()
    assert "qingyuan" in listing and 'data-username="admin"' not in listing and 'data-username="auditor"' not in listing
    response = create(province)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = one_time_password(response)
    clerk = user("qingyuan2")
    assert clerk.role == "city" and clerk.city.slug == "qingyuan" and clerk.must_change_password
    assert SecurityEvent.objects.filter(kind=SecurityEvent.ACCOUNT_CREATED, user=user("province"),
                                        target__contains="qingyuan2").exists()
    new = Client()
    new.post("/accounts/login/", {"username": "qingyuan2", "password": password})
    assert new.get("/")["Location"] == "/accounts/password/change/"
    new.post("/accounts/password/change/", {"old_password": password, "new_password1": "Gd-clerk-2025",
                                            "new_password2": "Gd-clerk-2025"})
    assert new.get("/").status_code == 200


def test_nobody_gives_more_than_their_role_allows(client_for):
    province = client_for("province")
    for role in ("province", "admin", "auditor"):
        response = create(province, username=f"x{role}", role=role, city="")
        assert response.status_code == 200 and not User.objects.filter(username=f"x{role}").exists()
    # The province does not even find other roles' accounts.
    for username in ("admin", "auditor"):
        assert province.get(f"/users/{user(username).pk}/").status_code == 404
        assert province.post(f"/users/{user(username).pk}/reset-password/").status_code == 404
    admin = client_for("admin")
    assert create(admin, username="auditor2", role="auditor", city="").status_code == 200
    assert user("auditor2").role == "auditor" and user("auditor2").city is None


def test_a_city_role_needs_its_city_and_other_roles_none(client_for):
    admin = client_for("admin")
    assert "必须选择所属地市" in create(admin, city="").content.decode()
    assert "其他角色请不选" in create(admin, role="province").content.decode()
    assert "已被使用" in create(admin, username="QINGYUAN").content.decode()


def test_disable_enable_reset_password_and_second_factor(client_for, settings):
    province = client_for("province")
    target = user("qingyuan")
    clerk = Client()
    clerk.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    assert clerk.get("/").status_code == 200

    assert province.post(f"/users/{target.pk}/disable/").status_code == 302
    assert not user("qingyuan").is_active
    assert clerk.get("/").status_code == 302  # the clerk's session ended
    refused = Client().post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in refused.wsgi_request.session

    province.post(f"/users/{target.pk}/enable/")
    assert user("qingyuan").is_active

    response = province.post(f"/users/{target.pk}/reset-password/")
    password = one_time_password(response)
    assert user("qingyuan").must_change_password and user("qingyuan").check_password(password)

    twofactor.enrol(user("qingyuan"), twofactor.new_key(), 0)
    province.post(f"/users/{target.pk}/reset-2fa/")
    assert not twofactor.enrolled(user("qingyuan"))

    kinds = set(SecurityEvent.objects.filter(user=user("province")).values_list("kind", flat=True))
    assert {SecurityEvent.ACCOUNT_DISABLED, SecurityEvent.ACCOUNT_ENABLED, SecurityEvent.PASSWORD_RESET,
            SecurityEvent.OTP_RESET} <= kinds
    assert province.post(f"/users/{target.pk}/delete/").status_code == 404


def test_a_reset_password_lifts_the_lock_out(client_for, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/accounts/login/", {"username": "qingyuan", "password": "wrong"})
    password = one_time_password(client_for("province").post(f"/users/{user('qingyuan').pk}/reset-password/"))
    response = Client().post("/accounts/login/", {"username": "qingyuan", "password": password})
    assert response.status_code == 302


def test_nobody_acts_on_their_own_account_here(client_for):
    admin = client_for("admin")
    own = user("admin").pk
    assert admin.post(f"/users/{own}/disable/").status_code == 403
    assert user("admin").is_active


def test_the_page_shows_the_last_login(client_for, settings):
    Client().post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    body = client_for("province").get(f"/users/{user('qingyuan').pk}/").content.decode()
    assert "从未登录" not in body.split("最近登录")[1][:80]
