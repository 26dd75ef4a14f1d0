"""Lighthouse accessibility scores of the login page, the nomination form and the province
overview. Prints, asserts nothing (axe-core in the browser tests is what guards every page).

    .venv/bin/python bench/lighthouse_a11y.py          # throwaway SQLite file, removed afterwards

Needs Node.js with npm (Lighthouse comes from the npm registry through `npx --yes lighthouse@13`,
into npm's cache, not the project) and Debian's chromium (CHROME_PATH, default /usr/bin/chromium).
Serves the demo with `manage.py runserver` (DEBUG on, so runserver serves the static files) on a
free port of 127.0.0.1 and opens the logged-in pages with session cookies.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PAGES = [  # (what, path, account)
    ("登录", "/accounts/login/", None),
    ("新增示范项目（表单）", "/nominations/new/project/", "qingyuan"),
    ("全省推荐情况（省厅首页）", "/", "province"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{scratch}/db.sqlite3"}
        run = lambda *args: subprocess.run([python, "manage.py", *args], cwd=BASE_DIR, env=env, check=True,  # noqa: E731
                                           capture_output=True, text=True)
        run("migrate", "--noinput")
        run("seed_demo")
        sessions = json.loads(run("shell", "-c", (
            "import json; from django.test import Client; from django.contrib.auth import get_user_model\n"
            "out = {}\n"
            "for name in ('qingyuan', 'province'):\n"
            "    c = Client(); c.force_login(get_user_model().objects.get(username=name))\n"
            "    out[name] = c.cookies['sessionid'].value\n"
            "print(json.dumps(out))")).stdout.strip().splitlines()[-1])
        port = free_port()
        server = subprocess.Popen([python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=BASE_DIR,
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            print(f"Lighthouse accessibility (chromium {os.environ.get('CHROME_PATH', '/usr/bin/chromium')}):")
            for what, path, account in PAGES:
                report = Path(scratch) / "report.json"
                command = ["npx", "--yes", "lighthouse@13", base + path, "--only-categories=accessibility",
                           "--output=json", f"--output-path={report}", "--quiet",
                           "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
                if account:
                    headers = Path(scratch) / "headers.json"
                    headers.write_text(json.dumps({"Cookie": f"sessionid={sessions[account]}"}))
                    command.append(f"--extra-headers={headers}")
                subprocess.run(command, env={"CHROME_PATH": "/usr/bin/chromium", **os.environ}, check=True,
                               capture_output=True, timeout=300)
                result = json.loads(report.read_text())
                score = round(result["categories"]["accessibility"]["score"] * 100)
                failing = [a["id"] for a in result["audits"].values()
                           if a.get("scoreDisplayMode") == "binary" and a.get("score") == 0]
                print(f"  {score:3d}  {what}  {path}  (as {account or 'anonymous'})"
                      + (f"  failing: {', '.join(failing)}" if failing else ""))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
