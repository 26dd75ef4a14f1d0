"""Run the real thing: gunicorn with production settings on loopback, logged-in HTTP sessions.

Used by the scripts in `bench/` and by the tests that need real processes (tests/quotas/test_quota_under_load.py,
tests/site/test_faults.py). Standard library only, so a script runs with nothing but the project's venv.
Every server here listens on 127.0.0.1 only.
"""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
HOST = "127.0.0.1"
BENCH_POSTGRES_DB = "gdsm_proof_bench"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def production_env(workdir, *, database_url=None, secret_key=None, **extra):
    """Environment of a production deployment behind a TLS proxy (see README, "Production"),
    with a throwaway database, static root and upload folder under `workdir`."""
    workdir = Path(workdir)
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "SQLITE_PATH"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secret_key or secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f"{HOST},localhost",
        SECURE_PROXY="1",  # the "proxy" is us: requests carry X-Forwarded-Proto: https
        STATIC_ROOT=str(workdir / "static"),
        PRIVATE_MEDIA_ROOT=str(workdir / "private"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
        env.setdefault("CONN_MAX_AGE", "60")  # what docs/scaling.md recommends with PostgreSQL
    else:
        env["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env, *args, quiet=True):
    subprocess.run([*MANAGE, *args], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)


def prepare_database(env, *, scale=True):
    """Migrate, seed the demo (cities, accounts), add deadline-day volumes, collect static files."""
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    if scale:
        manage(env, "seed_scale")
    manage(env, "collectstatic", "--noinput")


def recreate_postgres_database(name=BENCH_POSTGRES_DB, base="postgres://postgres@127.0.0.1:5432"):
    import psycopg2

    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return f"{base}/{name}"


class Gunicorn:
    """gunicorn serving config.wsgi on loopback; `start()` returns once /healthz/ answers."""

    def __init__(self, env, *, port=None, workers=3, threads=1, timeout=30, log=None):
        self.env, self.port, self.log = env, port or free_port(), log
        self.workers, self.threads, self.timeout = workers, threads, timeout
        self.process = None

    @property
    def base_url(self):
        return f"http://{HOST}:{self.port}"

    def start(self, wait=30):
        command = [
            str(BIN / "gunicorn"), "config.wsgi", "--bind", f"{HOST}:{self.port}",
            "--workers", str(self.workers), "--threads", str(self.threads), "--timeout", str(self.timeout),
            "--graceful-timeout", "5", "--log-level", "warning",
        ]
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115 (kept open while running)
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode} (log: {self.log})")
            try:
                if Session(self.base_url).get("/healthz/")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz/ within {wait} s (log: {self.log})")

    def worker_pids(self):
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def kill(self):
        """The whole server dies at once (power cut, OOM killer): master and workers, no clean-up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Session:
    """A browser-like HTTP session behind the TLS proxy: cookies, CSRF token, X-Forwarded-Proto."""

    def __init__(self, base_url, cookies=None, timeout=60):
        parsed = urllib.parse.urlsplit(base_url)
        self.host, self.port = parsed.hostname, parsed.port
        self.cookies = dict(cookies or {})
        self.timeout = timeout

    @property
    def origin(self):
        return f"https://{self.host}:{self.port}"

    def headers(self, path, extra=None):
        headers = {"X-Forwarded-Proto": "https", "Referer": self.origin + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=self.headers(path, headers))
            response = conn.getresponse()
            content = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), content
        finally:
            conn.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        data = {"csrfmiddlewaretoken": self.csrf_token(), **data}
        body = urllib.parse.urlencode(data)
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_file(self, path, field, filename, content, data=None):
        """A form with one file, as a browser sends it (multipart/form-data)."""
        boundary = f"----gdsm-{secrets.token_hex(8)}"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in {"csrfmiddlewaretoken": self.csrf_token(), **(data or {})}.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def csrf_token(self):
        # Any page with a form sets the cookie: the home page (logout form) when logged in, else the login page.
        for path in ("/", "/accounts/login/"):
            if "csrftoken" not in self.cookies:
                self.get(path)
        return self.cookies["csrftoken"]

    def login(self, username, password):
        status, _, body = self.get("/accounts/login/")
        if status != 200:
            raise RuntimeError(f"login page answered {status}")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        status, headers, body = self.request(
            "POST", "/accounts/login/",
            urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed ({status})")
        return self

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


@contextmanager
def workdir(prefix="gdsm-bench-"):
    with tempfile.TemporaryDirectory(prefix=prefix) as path:
        yield Path(path)
