"""Settings, all read from the environment (see README, "Configuration").

Local first run: nothing to set; SQLite in the project folder, DEBUG on through `make run`.
Production: SECRET_KEY, DEBUG=0, ALLOWED_HOSTS, DATABASE_URL, and `manage.py check --deploy`.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default, minimum=0, maximum=None):
    """A whole number ≥ minimum (and ≤ maximum); anything else stops the start rather than weakening a control."""
    raw = os.environ.get(name, str(default)).strip()
    if (not raw.isascii() or not raw.isdigit() or int(raw) < minimum
            or (maximum is not None and int(raw) > maximum)):
        bounds = f"≥ {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        raise ImproperlyConfigured(f"{name} must be a whole number {bounds}, not {raw!r}")
    return int(raw)


def env_choices(name, default, allowed):
    values = env_list(name, default)
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ImproperlyConfigured(f"{name}: unknown {unknown}; allowed: {sorted(allowed)}")
    return values


DEBUG = env_bool("DEBUG")
# Under DEBUG a 404 still shows the site's own page (intake/notfound.py); a developer who wants
# Django's technical 404 (every URL pattern) sets DEBUG_TECHNICAL_404=1.
TECHNICAL_404 = DEBUG and env_bool("DEBUG_TECHNICAL_404")
# The fallback key is only good for a laptop: `check --deploy` flags it (security.W009).
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-local-only-never-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap 5 served from our own static files
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "captcha",
    "django_tasks",  # Django's tasks framework (backport): heavy exports are rendered off the request path
    "django_tasks_db",  # its database backend: the queue lives in our own database, no broker
    "intake",
    "quotas",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "intake.notfound.SiteNotFoundMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "intake.common.request_input.RefuseNulMiddleware",  # NUL in a path, query or form: 404/400 before any view
    "intake.common.text.ControlCharactersMiddleware",  # other control characters: removed from posted forms
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "intake.audit.middleware.SecurityLogMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "intake.accounts.middleware.AccountControlsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "intake.accounts.context.account_controls",
            ],
        },
    },
]

# Widgets drawn by Django's own templates in Jinja2, several times faster than in Django's language
# (intake/common/form_renderer.py).
FORM_RENDERER = "intake.common.form_renderer.FormRenderer"

# SQLite is the embedded default; DATABASE_URL (postgres://…) selects PostgreSQL.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}",
        # Kept open between requests (checked before reuse): opening one costs more than most pages'
        # queries together (bench/load.py). 0 closes after every request.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction begins, so two quota checks
    # on SQLite cannot interleave (PostgreSQL uses advisory locks, see quotas/locking.py).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "intake.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading each request's user with its city (intake/accounts/backends.py).
    # Sessions name the backend that logged them in: at the switch from Django's own, open sessions
    # ended once (before going live).
    "intake.accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Passwords (GB/T 22239 identification): at least 8 characters from three of the four classes, not
# containing the user name, not one of the account's last 5 (intake/accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "intake.accounts.passwords.MinimumLength", "OPTIONS": {"min_length": 8}},
    {"NAME": "intake.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"classes": 3}},
    {"NAME": "intake.accounts.passwords.UsernameNotContainedValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "intake.accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"last": 5}},
]
# Days a password may be used (0: no limit); a change is forced at the first login after that.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 0 if DEBUG else 90)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The client's address: REMOTE_ADDR, or with PROXY_COUNT trusted proxies in front the address that
# many hops from the right of X-Forwarded-For (intake/accounts/addresses.py). Used by django-axes
# and the security log alike.
PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Login throttling (django-axes): 5 failures per user name AND real client address, then 15
# minutes; before that, from CAPTCHA_AFTER_FAILURES failures of the account from any address on,
# the login form asks for a graphic captcha (django-simple-captcha), so a stranger cannot lock a
# clerk out and a guesser must read images.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "intake.accounts.addresses.client_address"
AXES_USERNAME_CALLABLE = "intake.accounts.addresses.attempted_username"
CAPTCHA_AFTER_FAILURES = env_int("CAPTCHA_AFTER_FAILURES", 3)
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 5  # minutes a captcha image stays valid
CAPTCHA_IMAGE_SIZE = (120, 40)
CAPTCHA_FONT_SIZE = 30
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.random_char_challenge"

# Second factor (TOTP with one-time recovery codes, django-otp): required for these roles when DEBUG
# is off (`make run` with DEBUG on never forces it); every role may enrol itself.
ROLES = {"city", "province", "admin", "auditor"}
REQUIRE_2FA_ROLES = [] if DEBUG else env_choices("REQUIRE_2FA_ROLES", "province,admin", ROLES)
OTP_TOTP_ISSUER = "广东服务型制造示范推荐系统"
OTP_TOTP_THROTTLE_FACTOR = 1  # 1, 2, 4, 8 … seconds after successive wrong codes
OTP_STATIC_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (stamped letters, explanations) live outside static and public paths and are
# only ever served through views that apply the city scoping.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
MAX_UPLOAD_MB = int(os.environ.get("MAX_UPLOAD_MB", "10"))  # PDFs
MAX_XLSX_UPLOAD_MB = int(os.environ.get("MAX_XLSX_UPLOAD_MB", "5"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Files browsers ask for at the site's root (favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# Source maps are only read by browser developer tools: compressing them (Brotli, slow) made
# collectstatic take over a minute for nothing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "woff", "woff2", "map",
]

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Heavy documents (the province-wide Annex 2 PDF, intake/renders/) are rendered by a background worker,
# `manage.py render_worker` (`make run` starts it beside the web server), from a queue in the database.
# RENDER_CONCURRENCY: renders at a time per worker (each spreads its parts over RENDER_PROCESSES
# processes, at most the machine's cores). TASKS_IMMEDIATE=1 renders inside the request instead (no
# worker; for a quick local try only).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("TASKS_IMMEDIATE")
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default", "renders"],
    }
}
RENDER_CONCURRENCY = env_int("RENDER_CONCURRENCY", 1, minimum=1)
RENDER_PROCESSES = env_int("RENDER_PROCESSES", os.cpu_count() or 1)
# The worker and its pool run this much nicer than the web servers (os.nice, 0–19), so on a machine
# they share the renders take only the CPU the pages leave: a PDF may wait, a page should not. At
# 10 a saturated machine still gave the pool 0.15–0.2 of its 2 cores (bench/deadline.py, 315 users).
RENDER_NICE = env_int("RENDER_NICE", 19, minimum=0, maximum=19)
# A render waiting this long without a worker taking it: the waiting page says the worker may be down.
RENDER_STALL_SECONDS = env_int("RENDER_STALL_SECONDS", 120, minimum=10)
# Files of renders superseded by a newer one of the same document are pruned after this many days.
RENDER_KEEP_DAYS = env_int("RENDER_KEEP_DAYS", 30)

# The admin's "revert to this version" is off for every model (intake/admin_base.py refuses its
# POST as well; this hides the button).
SIMPLE_HISTORY_REVERT_DISABLED = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}  # Bootstrap's name for messages.ERROR

# Behind a TLS-terminating proxy: set SECURE_PROXY=1 (see README, "Production").
if env_bool("SECURE_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SESSION_COOKIE_AGE = 8 * 3600  # one working day at most
# A session unused this long ends on the server (intake/accounts/middleware.py); the page warns a
# minute before and keeps what a clerk was typing (static/js/idle-logout.js).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=2)
X_FRAME_OPTIONS = "DENY"
# The proxy's health check may come over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# Content security policy (django-csp; Django's own only arrives in 6.0): everything from our own
# origin, no inline script or style (templates use static files and classes), no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Bootstrap draws its form icons as data: SVG
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},  # not its progress steps
}

# Demo accounts created by `manage.py seed_demo` (local use only).
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-pass-2023")
