"""The security log: every kind of entry through the path that writes it, with who, role,
address, what, object and outcome; append-only in the database (UPDATE always refused, DELETE
refused inside the retention); the purge's boundary."""

import io
import re
import time
from binascii import unhexlify
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP

from intake.accounts import twofactor
from intake.audit.purge import purge
from intake.models import SecurityEvent
from tests.factories import annex2_code, nominate, open_campaign, pdf_upload, ready_slate, user

ADDRESS = "127.0.0.1"
COVERED = set()


def covers(*kinds):
    def mark(test):
        COVERED.update(kinds)
        return test
    return mark


def latest(kind, **filters):
    return SecurityEvent.objects.filter(kind=kind, **filters).order_by("-pk").first()


@covers(SecurityEvent.LOGIN, SecurityEvent.LOGIN_FAILED, SecurityEvent.LOGOUT)
def test_login_failure_and_logout(seeded, settings):
    client = Client()
    client.post("/accounts/login/", {"username": "qingyuan", "password": "wrong"})
    failed = latest(SecurityEvent.LOGIN_FAILED)
    assert (failed.username, failed.user, failed.address, failed.outcome) == ("qingyuan", None, ADDRESS, "failure")
    client.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    login = latest(SecurityEvent.LOGIN)
    assert (login.user, login.role, login.address, login.city.slug) == (user("qingyuan"), "city", ADDRESS, "qingyuan")
    client.post("/accounts/logout/")
    assert latest(SecurityEvent.LOGOUT, user=user("qingyuan")) is not None


@covers(SecurityEvent.CAPTCHA_FAILED, SecurityEvent.LOCKED_OUT)
def test_captcha_and_lock_out(seeded, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/accounts/login/", {"username": "shaoguan", "password": "wrong"})
    assert latest(SecurityEvent.LOCKED_OUT, username="shaoguan").outcome == "refused"
    settings.CAPTCHA_AFTER_FAILURES = 1
    Client().post("/accounts/login/", {"username": "shaoguan", "password": "x", "captcha_0": "k", "captcha_1": "y"})
    assert latest(SecurityEvent.CAPTCHA_FAILED, username="shaoguan").outcome == "failure"


@covers(SecurityEvent.SESSION_EXPIRED, SecurityEvent.LOGOUT_ALL)
def test_idle_expiry_and_logout_everywhere(client_for, settings):
    settings.SESSION_IDLE_MINUTES = 1
    client = client_for("qingyuan")
    session = client.session
    session["last_activity"] = int(time.time()) - 120
    session.save()
    client.get("/")
    assert latest(SecurityEvent.SESSION_EXPIRED, user=user("qingyuan")) is not None
    client_for("huizhou").post("/accounts/logout/all/")
    assert latest(SecurityEvent.LOGOUT_ALL, user=user("huizhou")) is not None


@covers(SecurityEvent.PASSWORD_CHANGED, SecurityEvent.PASSWORD_RESET, SecurityEvent.ACCOUNT_CREATED,
        SecurityEvent.ACCOUNT_DISABLED, SecurityEvent.ACCOUNT_ENABLED, SecurityEvent.OTP_RESET)
def test_password_and_account_management(client_for, settings):
    client_for("qingyuan").post("/accounts/password/change/", {
        "old_password": settings.DEMO_PASSWORD, "new_password1": "Gd-new-2025x", "new_password2": "Gd-new-2025x"})
    assert latest(SecurityEvent.PASSWORD_CHANGED).user == user("qingyuan")
    province = client_for("province")
    target = user("huizhou").pk
    for action in ("reset-password", "disable", "enable", "reset-2fa"):
        province.post(f"/users/{target}/{action}/")
    province.post("/users/new/", {"username": "newclerk", "full_name": "新人", "role": "city",
                                  "city": user("huizhou").city_id})
    for kind in (SecurityEvent.PASSWORD_RESET, SecurityEvent.ACCOUNT_DISABLED, SecurityEvent.ACCOUNT_ENABLED,
                 SecurityEvent.OTP_RESET, SecurityEvent.ACCOUNT_CREATED):
        entry = latest(kind)
        assert entry.user == user("province") and entry.role == "province" and entry.city.slug == "huizhou"
        assert "huizhou" in entry.target or "newclerk" in entry.target


@covers(SecurityEvent.OTP_ENROLLED, SecurityEvent.OTP_FAILED, SecurityEvent.RECOVERY_USED,
        SecurityEvent.RECOVERY_RENEWED)
def test_second_factor_events(client_for, settings):
    clerk = client_for("qingyuan")
    clerk.get("/accounts/two-factor/setup/")
    key = clerk.session["otp_setup_key"]
    totp = TOTP(unhexlify(key), digits=6)
    clerk.post("/accounts/two-factor/setup/", {"code": f"{totp.token():06d}"})
    assert latest(SecurityEvent.OTP_ENROLLED).user == user("qingyuan")
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", clerk.get("/accounts/two-factor/recovery/").content.decode())
    login = Client()
    login.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    login.post("/accounts/two-factor/", {"code": "999999x"})
    assert latest(SecurityEvent.OTP_FAILED).user == user("qingyuan")
    twofactor.TOTPDevice.objects.update(throttling_failure_count=0)
    twofactor.StaticDevice.objects.update(throttling_failure_count=0)
    login.post("/accounts/two-factor/", {"code": codes[0]})
    assert latest(SecurityEvent.RECOVERY_USED).user == user("qingyuan")
    totp.time = time.time() + 30
    clerk.post("/accounts/two-factor/recovery/renew/", {"code": f"{totp.token():06d}"})
    assert latest(SecurityEvent.RECOVERY_RENEWED).user == user("qingyuan")


@covers(SecurityEvent.DOWNLOAD)
def test_downloads_say_who_which_city_campaign_and_format(client_for):
    campaign = open_campaign()
    client_for("qingyuan").get(f"/exports/annex2.xlsx?campaign={campaign.year}")
    entry = latest(SecurityEvent.DOWNLOAD)
    assert (entry.user, entry.role, entry.address, entry.city.slug) == (user("qingyuan"), "city", ADDRESS, "qingyuan")
    assert "格式 xlsx" in entry.detail and f"批次 {campaign.year}" in entry.detail and ".xlsx" in entry.target
    ready_slate("huizhou")
    code = user("huizhou").city.code
    client_for("province").get(f"/slates/{code}/letter.pdf")
    entry = latest(SecurityEvent.DOWNLOAD)
    assert entry.user == user("province") and entry.city.slug == "huizhou" and "格式 pdf" in entry.detail
    client_for("province").get("/exports/annex2.pdf")
    assert "全省" in latest(SecurityEvent.DOWNLOAD).detail or latest(SecurityEvent.DOWNLOAD).city is None


@covers(SecurityEvent.UPLOAD)
def test_uploads_accepted_and_refused(client_for):
    clerk = client_for("qingyuan")
    clerk.post("/slate/upload/letter/", {"file": pdf_upload("盖章推荐函.pdf"), "code": annex2_code("qingyuan")})
    entry = latest(SecurityEvent.UPLOAD)
    assert entry.outcome == "success" and "盖章推荐函.pdf" in entry.detail and entry.city.slug == "qingyuan"
    clerk.post("/slate/upload/letter/", {"file": pdf_upload("假的.pdf", content=b"not a pdf")})
    assert latest(SecurityEvent.UPLOAD).outcome == "failure"


@covers(SecurityEvent.DENIED)
def test_refusals_403_and_another_citys_object(client_for):
    nomination = nominate("huizhou", "project")
    clerk = client_for("qingyuan")
    assert clerk.get(f"/nominations/{nomination.pk}/").status_code == 404
    entry = latest(SecurityEvent.DENIED)
    assert entry.user == user("qingyuan") and entry.city.slug == "huizhou" and entry.outcome == "refused"
    assert f"/nominations/{nomination.pk}/" in entry.target
    before = SecurityEvent.objects.filter(kind=SecurityEvent.DENIED).count()
    assert clerk.get("/nominations/99999999/").status_code == 404  # does not exist: not a refusal
    assert SecurityEvent.objects.filter(kind=SecurityEvent.DENIED).count() == before
    code = user("huizhou").city.code
    assert clerk.post(f"/review/{code}/accept/").status_code in (403, 404)
    assert clerk.get("/users/").status_code == 403
    assert "账号管理仅限" in latest(SecurityEvent.DENIED).detail


@covers(SecurityEvent.ADMIN_CHANGE)
def test_admin_changes(client_for):
    response = client_for("admin").post("/admin/intake/demomode/add/",
                                        {"name": "新模式", "order": 9, "is_active": "on"})
    assert response.status_code == 302
    entry = latest(SecurityEvent.ADMIN_CHANGE)
    assert entry.user == user("admin") and entry.address == ADDRESS and "新模式" in entry.target


@covers(SecurityEvent.BACKUP, SecurityEvent.PURGE)
@pytest.mark.django_db(transaction=True)  # a backup is taken outside any transaction, as by cron
def test_backup_and_purge_are_logged(seeded, tmp_path):
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    assert latest(SecurityEvent.BACKUP).target == str(tmp_path / "b")
    call_command("purge_security_log", stdout=io.StringIO())
    assert "删除 0 条" in latest(SecurityEvent.PURGE).detail


def test_every_kind_has_a_test():
    assert {k for k, _ in SecurityEvent.KIND_CHOICES} == COVERED


def refused(statement):
    with pytest.raises(DatabaseError), transaction.atomic():
        statement()


def raw(sql, *params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    return run


def old_entry(days):
    at = timezone.now() - timedelta(days=days)
    return SecurityEvent.objects.create(kind=SecurityEvent.LOGIN, username="old", at=at)


def test_the_database_refuses_to_change_or_remove_young_entries(seeded):
    entry = SecurityEvent.objects.create(kind=SecurityEvent.LOGIN, username="qingyuan")
    refused(lambda: SecurityEvent.objects.filter(pk=entry.pk).update(outcome="failure"))
    entry.detail = "edited"
    refused(entry.save)
    refused(raw("UPDATE intake_securityevent SET username = 'x' WHERE id = %s", entry.pk))
    refused(lambda: SecurityEvent.objects.filter(pk=entry.pk).delete())
    refused(raw("DELETE FROM intake_securityevent WHERE id = %s", entry.pk))
    refused(raw("DELETE FROM intake_securityevent"))
    ancient = old_entry(400)
    refused(raw("UPDATE intake_securityevent SET detail = 'x' WHERE id = %s", ancient.pk))  # even old ones
    assert SecurityEvent.objects.filter(pk=entry.pk, detail="", outcome="success").exists()


def test_purge_removes_only_entries_older_than_the_retention(seeded):
    older = [old_entry(181), old_entry(365)]
    kept = [old_entry(179), old_entry(180 - 1 / 24), SecurityEvent.objects.create(kind=SecurityEvent.LOGOUT)]
    out = io.StringIO()
    call_command("purge_security_log", stdout=out)
    assert "已删除" in out.getvalue() and "2 条" in out.getvalue()
    assert not SecurityEvent.objects.filter(pk__in=[e.pk for e in older]).exists()
    assert SecurityEvent.objects.filter(pk__in=[e.pk for e in kept]).count() == 3
    entry = latest(SecurityEvent.PURGE)
    assert "删除 2 条" in entry.detail and "180 天" in entry.detail


def test_purge_never_takes_a_shorter_retention(seeded):
    young = old_entry(100)
    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("purge_security_log", "--days", "30", stdout=io.StringIO())
    with pytest.raises(ValueError):
        purge(days=90)
    # Even asked directly, the database keeps it.
    refused(lambda: SecurityEvent.objects.filter(pk=young.pk).delete())
    assert SecurityEvent.objects.filter(pk=young.pk).exists()
