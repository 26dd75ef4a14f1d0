"""In chromium: the province enrols its second factor from the secret shown as text, logs out,
logs in again with a code; a recovery code works once. And a clerk typing a long form loses
nothing when the idle session ends."""

import re
import time
from base64 import b32decode

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from django_otp.oath import TOTP

from intake.accounts.middleware import ACTIVITY_KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code(secret, offset=0):
    totp = TOTP(b32decode(secret + "=" * (-len(secret) % 8)), step=30, digits=6)
    totp.time = time.time() + offset * 30
    return f"{totp.token():06d}"


def password_step(site, username, settings):
    site.open("/accounts/login/")
    site.page.fill("#id_username", username)
    site.page.fill("#id_password", settings.DEMO_PASSWORD)
    site.page.click("main button[type=submit]")
    site.page.wait_for_load_state()


def give_code(site, value):
    site.page.fill("#id_code", value)
    site.page.click("main button[type=submit]")
    site.page.wait_for_load_state()


def test_province_enrols_from_the_text_secret_and_logs_in_with_codes(seeded, site, settings):
    settings.REQUIRE_2FA_ROLES = ["province", "admin"]
    password_step(site, "province", settings)
    assert site.page.url.endswith("/accounts/two-factor/setup/")
    assert site.page.locator("img.totp-qr").get_attribute("src").startswith("data:image/svg+xml")
    secret = site.page.inner_text("#totp-secret").strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    give_code(site, code(secret))
    codes = [c.strip() for c in site.page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    site.page.click("a:has-text('我已保存，继续')")
    assert "全省推荐情况" in site.page.inner_text("main")
    site.logout()

    # Password, then a code (the next one: the enrolment's code cannot be used twice).
    password_step(site, "province", settings)
    assert site.page.url.endswith("/accounts/two-factor/")
    give_code(site, code(secret, offset=1))
    assert "全省推荐情况" in site.page.inner_text("main")
    assert "上次登录" in site.page.inner_text("#login-notice")
    site.logout()

    # A recovery code works once…
    password_step(site, "province", settings)
    give_code(site, codes[3])
    assert "全省推荐情况" in site.page.inner_text("main")
    assert any("还剩 9 个" in m for m in site.messages()), site.messages()
    site.logout()
    # …and not twice.
    password_step(site, "province", settings)
    give_code(site, codes[3])
    assert site.page.url.endswith("/accounts/two-factor/")
    assert "不正确" in site.page.inner_text("main")
    assert not site.csp_violations, site.csp_violations


def test_a_clerk_typing_when_the_session_ends_keeps_what_was_typed(seeded, site, settings):
    settings.SESSION_IDLE_MINUTES = 2  # the page warns a minute before: at once here
    site.login_as("qingyuan")
    site.open("/nominations/new/project/")
    assert site.page.locator("#idle-warning").is_visible()
    site.page.fill("#id_name", "打字打了很久的示范项目")
    site.page.fill("#id_contact_name", "赵六")
    # The server ends the session (the clerk went for tea): set its stamp back.
    key = next(c["value"] for c in site.page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session[ACTIVITY_KEY] = int(timezone.now().timestamp()) - 3600
    session.save()
    site.page.wait_for_url(re.compile(r".*/accounts/login/\?next=.*"), timeout=20_000)
    site.page.fill("#id_username", "qingyuan")
    site.page.fill("#id_password", settings.DEMO_PASSWORD)
    site.page.click("main button[type=submit]")
    site.page.wait_for_url(re.compile(r".*/nominations/new/project/$"))
    assert site.page.locator("#draft-restored").is_visible()
    assert site.page.input_value("#id_name") == "打字打了很久的示范项目"
    assert site.page.input_value("#id_contact_name") == "赵六"
    assert not site.csp_violations, site.csp_violations
