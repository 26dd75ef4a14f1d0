"""Without chromium the browser tests fail, loudly and with the fix: CI must never go green by
skipping them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_missing_chromium_fails_the_browser_tests_with_directions():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CHROMIUM_PATH"] = "/nonexistent/chromium"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "browser",
         "tests/entry/test_browser_intake.py", "-k", "picker"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "chromium is not installed at /nonexistent/chromium" in result.stdout
    assert "make system-deps" in result.stdout and "skipped" not in result.stdout.splitlines()[-1]
