"""Password rules, the self-service change, the change forced after someone else set the
password, and the maximum age."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from intake.accounts import passwords
from intake.models import PasswordHistory, SecurityEvent, User
from tests.factories import user


def refused(password, account):
    try:
        with translation.override("zh-hans"):
            validate_password(password, account)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


@pytest.mark.parametrize(("password", "why"), [
    ("Ab1-xyz", "至少需要 8 个字符"),
    ("abcdefgh12", "至少 3 类"),  # two classes
    ("ABCDEFGH!!", "至少 3 类"),
    ("Qingyuan-2025", "不能包含用户名"),  # the user name, whatever the case
    ("12345678", "至少 3 类"),
])
def test_each_rule_refuses_with_a_chinese_message(seeded, password, why):
    assert why in refused(password, user("qingyuan"))


@pytest.mark.parametrize("password", ["Gd-intake-2025", "Xk8#pq2mw9", "长城Ab12345"])
def test_passwords_that_meet_every_rule(seeded, password):
    assert refused(password, user("qingyuan")) is None


def test_none_of_the_last_five_passwords(seeded):
    account = user("qingyuan")
    used = [f"Gd-intake-{n}x" for n in range(6)]
    for password in used:
        account.set_password(password)
        account.save()
    assert PasswordHistory.objects.filter(user=account).count() >= 6
    for recent in used[1:]:  # the current one and the four before it
        assert "最近使用过的 5 个密码" in refused(recent, account)
    assert refused(used[0], account) is None  # six changes ago: allowed again


def change(client, old, new):
    return client.post("/accounts/password/change/", {"old_password": old, "new_password1": new, "new_password2": new})


def test_self_service_change_for_every_role(client_for, settings):
    for username in ("qingyuan", "province", "admin", "auditor"):
        client = client_for(username)
        assert client.get("/accounts/password/change/").status_code == 200
        response = change(client, settings.DEMO_PASSWORD, "Gd-changed-2025")
        assert response.status_code == 302, response.content.decode()[:500]
        assert user(username).check_password("Gd-changed-2025")
        assert client.get("/accounts/password/change/").status_code == 200  # this session stays
        assert SecurityEvent.objects.filter(kind=SecurityEvent.PASSWORD_CHANGED, user=user(username)).exists()


def test_a_weak_new_password_is_refused_with_the_reason(client_for, settings):
    response = change(client_for("qingyuan"), settings.DEMO_PASSWORD, "password")
    assert response.status_code == 200 and "至少 3 类" in response.content.decode()


def test_change_forced_at_the_first_login_of_an_account_someone_else_set_up(client, seeded, settings):
    account = user("qingyuan")
    account.set_password("Gd-one-time-1")
    account.must_change_password = True
    account.save()
    client.post("/accounts/login/", {"username": "qingyuan", "password": "Gd-one-time-1"})
    for path in ("/", "/nominations/", "/slate/", "/evaluation/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/change/", path
    assert "他人设置" in client.get("/accounts/password/change/").content.decode()
    change(client, "Gd-one-time-1", "Gd-my-own-2025")
    assert not user("qingyuan").must_change_password
    assert client.get("/").status_code == 200


def test_demo_accounts_are_not_forced_to_change(seeded):
    assert not User.objects.filter(must_change_password=True).exists()


def test_maximum_age(client_for, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    account = user("qingyuan")
    assert not passwords.password_expired(account)
    User.objects.filter(pk=account.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    client = client_for("qingyuan")
    response = client.get("/")
    assert response["Location"] == "/accounts/password/change/"
    assert "超过 90 天" in client.get("/accounts/password/change/").content.decode()
    change(client, settings.DEMO_PASSWORD, "Gd-renewed-2025")
    assert client.get("/").status_code == 200
    settings.PASSWORD_MAX_AGE_DAYS = 0  # 0 = no limit
    User.objects.filter(pk=account.pk).update(password_changed_at=timezone.now() - timedelta(days=9999))
    assert not passwords.password_expired(user("qingyuan"))


def test_an_account_with_no_change_time_counts_from_its_creation(seeded, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    account = user("qingyuan")
    account.password_changed_at = None
    account.date_joined = timezone.now() - timedelta(days=100)
    assert passwords.password_expired(account)


def test_a_password_set_in_the_admin_is_changed_at_next_login(client_for, settings):
    admin = client_for("admin")
    target = user("qingyuan")
    response = admin.post(f"/admin/intake/user/{target.pk}/password/",
                          {"password1": "Gd-admin-set-1", "password2": "Gd-admin-set-1", "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:800]
    assert user("qingyuan").must_change_password
    clerk = Client()
    clerk.post("/accounts/login/", {"username": "qingyuan", "password": "Gd-admin-set-1"})
    assert clerk.get("/")["Location"] == "/accounts/password/change/"
