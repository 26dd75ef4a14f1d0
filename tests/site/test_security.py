"""Security settings as deployed: `check --deploy` clean, Argon2, a content security policy the
templates keep to, and no secret in the repository. (Login throttling: tests/accounts/test_login.py.)"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "gdsm.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://gdsm.example.gov.cn",
    "SECURE_PROXY": "1",
    "DATABASE_URL": "sqlite:///:memory:",
}


def deploy_check(**env):
    # Only what a production host has: nothing of the test process leaks in.
    environ = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "LC_ALL", "TZ") if k in os.environ}
    environ.update(PRODUCTION_ENV, **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environ, capture_output=True, text=True,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = deploy_check(SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout and "WARNINGS" not in result.stderr


def test_check_deploy_refuses_the_development_key():
    """The only key in the repository is the insecure fallback; production must set its own."""
    result = deploy_check()
    assert result.returncode != 0 and "security.W009" in result.stderr


def test_a_number_setting_out_of_its_range_stops_the_start():
    """RENDER_NICE past what nice allows is refused, as a negative number is, not quietly cut."""
    for wrong in ("25", "-1"):
        result = deploy_check(SECRET_KEY=secrets.token_urlsafe(50), RENDER_NICE=wrong)
        assert result.returncode != 0 and "RENDER_NICE must be a whole number from 0 to 19" in result.stderr


def test_argon2_is_the_hasher_and_older_hashes_still_work():
    import config.settings as production  # the module, not the test overrides (conftest uses MD5)

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        encoded = make_password("长密码-correct horse")
        assert encoded.startswith("argon2$")
        assert check_password("长密码-correct horse", encoded)
        assert not check_password("wrong", encoded)


def test_axes_throttles_logins():
    assert "axes" in settings.INSTALLED_APPS and "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.AXES_FAILURE_LIMIT <= 10


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/nominations/", "/does-not-exist/"])
def test_every_page_carries_the_content_security_policy(client_for, url):
    response = client_for("qingyuan").get(url)
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


# Rendered by WeasyPrint into PDFs, never served to a browser: the policy does not apply to them.
PRINT_ONLY = {
    "templates/intake/annex2/pdf.html",
    "templates/intake/annex2/page_numbers.html",
    "templates/intake/letters/letter.html",
}


def template_files():
    """The templates a browser gets."""
    assert all((ROOT / name).exists() for name in PRINT_ONLY), "PRINT_ONLY names a template that is gone"
    folders = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
    return sorted(
        p for folder in folders for p in folder.rglob("*.html") if str(p.relative_to(ROOT)) not in PRINT_ONLY
    )


INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler (onclick=…)"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_have_no_inline_script_or_style():
    """The policy forbids them, so they would silently not work: put code in static/js, styles in
    static/css (see static/js/forms.js)."""
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in template_files()
        for pattern, what in INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert len(template_files()) > 10
    assert not found, "\n".join(found)


SECRET_PATTERNS = [
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "private key"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "AWS access key"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"), "GitHub token"),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), "Slack token"),
    (re.compile(r"SECRET_KEY\s*=\s*[\"'](?!django-insecure-)[^\"']{20,}[\"']"), "hard-coded SECRET_KEY"),
    (re.compile(r"\b(?:postgres(?:ql)?|mysql|redis)://[^\s:/@\"']+:(?!…|\.\.\.|pass@|password@)[^\s@/\"']+@"),
     "database URL with a password"),
]
NEVER_TRACKED = [re.compile(p) for p in (r"(^|/)\.env$", r"\.sqlite3$", r"^private/", r"^staticfiles/", r"\.pem$",
                                         r"\.key$", r"(^|/)\.venv/")]


def tracked_files():
    result = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if result.returncode != 0:
        pytest.fail(f"git ls-files failed in {ROOT}: {result.stderr.decode()}")
    return [name for name in result.stdout.decode().split("\0") if name]


def test_no_secret_in_the_repository():
    files = tracked_files()
    assert "config/settings.py" in files
    found = [name for name in files for pattern in NEVER_TRACKED if pattern.search(name)]
    for name in files:
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", "ignore")
        found += [f"{name}: {what}" for pattern, what in SECRET_PATTERNS if pattern.search(text)]
    assert not found, "secrets or secret-bearing files tracked by git:\n" + "\n".join(found)


def test_secret_scan_recognises_what_it_looks_for():
    # Assembled here so that this file itself does not contain what the scan looks for.
    samples = {
        "private key": "-----BEGIN RSA " + "PRIVATE KEY-----",
        "hard-coded SECRET_KEY": "SECRET_" + 'KEY = "k2j3h4k5j6h7k8j9h0k1j2h3k4"',
        "database URL with a password": "DATABASE_URL=postgres://gdsm:" + "s3cret@db:5432/gdsm",
    }
    for what, text in samples.items():
        assert any(p.search(text) for p, name in SECRET_PATTERNS if name == what), what
    allowed = "postgres://gdsm:…@db:5432/gdsm SECRET_KEY = \"django-insecure-local-only-never-use-in-production\""
    assert not any(p.search(allowed) for p, _ in SECRET_PATTERNS)


def test_redis_url_selects_a_shared_cache_that_can_be_built():
    """Several app servers share their cache through REDIS_URL (docs/scaling.md); the client
    library must be installed for that to work, not only named in the settings."""
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ.update(REDIS_URL="redis://127.0.0.1:6399/0", DATABASE_URL="sqlite:///:memory:")
    # Building the client imports the redis library; no connection is made.
    code = ("from django.core.cache import caches; c = caches['default']; "
            "print(type(c).__name__, type(c._cache).__name__)")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environ,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "RedisCache RedisCacheClient" in result.stdout
