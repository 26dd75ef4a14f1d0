"""A 404 shows the site's own page, with DEBUG on too (make run), unless a developer asks for
Django's technical page (DEBUG_TECHNICAL_404=1, settings.TECHNICAL_404)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import nominate

SITE_PAGE = "没有找到该页面或记录"
TECHNICAL = ("Django tried these URL patterns", "Using the URLconf", "DEBUG = True")


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.TECHNICAL_404 = False
    return settings


def assert_site_page(response):
    page = response.content.decode()
    assert response.status_code == 404
    assert SITE_PAGE in page and not any(t in page for t in TECHNICAL)


def test_another_citys_nomination_under_debug(client_for, debug):
    n = nominate("huizhou", "project")
    assert_site_page(client_for("qingyuan").get(f"/nominations/{n.pk}/"))


@pytest.mark.parametrize("url", [
    "/no-such-page/", "/nominations/abc/", "/review/999999/", "/exports/annex2.pdf?city=1",
])
def test_any_404_under_debug(client_for, debug, url):
    assert_site_page(client_for("qingyuan").get(url))


def test_an_address_without_its_slash_is_still_redirected(client_for, debug):
    response = client_for("qingyuan").get("/nominations")
    assert response.status_code == 301 and response["Location"] == "/nominations/"


def test_developers_get_the_technical_page_when_they_ask(client_for, debug):
    debug.TECHNICAL_404 = True
    response = client_for("qingyuan").get("/no-such-page/")
    assert response.status_code == 404 and "Django tried these URL patterns" in response.content.decode()


def test_without_debug_nothing_changes(client_for):
    assert_site_page(client_for("qingyuan").get("/no-such-page/"))


@pytest.mark.parametrize("env, expected", [
    ({"DEBUG": "1"}, "False"), ({"DEBUG": "1", "DEBUG_TECHNICAL_404": "1"}, "True"),
    ({"DEBUG": "0", "DEBUG_TECHNICAL_404": "1"}, "False"),
])
def test_the_setting_comes_from_the_environment(env, expected):
    root = Path(__file__).resolve().parents[2]
    environ = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DEBUG_TECHNICAL_404")} | env
    code = "import config.settings as s; print(s.TECHNICAL_404)"
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=environ, capture_output=True, text=True)
    assert result.stdout.strip() == expected, result.stderr
