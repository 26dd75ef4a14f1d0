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
from tests.factories import credit_code, user
from tests.site.test_permission_sweep import OWNER, fill, routes
from tests.site.test_permission_sweep import world as world  # noqa: F401 (the sweep's objects, as a fixture)

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
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
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
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  return `${root.scrollWidth}px in ${root.clientWidth}px: ` + wide.slice(0, 5).map(name).join(", ");
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


def tab_to(page, selector, limit=120):
    """Presses Tab until the focus is on `selector`, as a keyboard user moves through a page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab on {page.url}")


def focused(page):
    return page.evaluate("() => document.activeElement.id || document.activeElement.tagName")


def press_and_load(page, key):
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()  # and axe checks the page


def test_a_clerk_enters_a_nominee_with_the_keyboard_alone(seeded, site):
    """No click anywhere: Tab, typing and Enter, as a clerk who cannot use a mouse."""
    page = site.page
    site.open("/accounts/login/")
    tab_to(page, "#id_username")
    page.keyboard.type("qingyuan")
    tab_to(page, "#id_password")
    page.keyboard.type(settings.DEMO_PASSWORD)
    press_and_load(page, "Enter")
    assert "/accounts/login/" not in page.url

    # The first Tab reaches the skip link, which takes the focus past the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "跳到主要内容"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert focused(page) == "main"
    # Focus is visible on the blue bar: a ring of its own colour, not Bootstrap's blue on blue.
    page.keyboard.press("Shift+Tab")
    tab_to(page, ".site-navbar a.nav-link")
    ring = page.evaluate("() => [getComputedStyle(document.activeElement).outlineStyle, "
                         "getComputedStyle(document.activeElement).outlineWidth]")
    assert ring == ["solid", "3px"], ring

    tab_to(page, "#quota-table a[href*='/nominations/new/project/']")
    press_and_load(page, "Enter")
    values = {
        "name": "键盘录入的示范项目", "credit_code": credit_code("441800"), "contact_name": "王五",
        "contact_phone": "123", "contact_email": "wang@example.cn", "electronic_no": "FWKB0001",
    }
    for name, value in values.items():
        tab_to(page, f"#id_{name}")
        page.keyboard.type(value)
    press_and_load(page, "Enter")  # Enter in a text field submits the form

    # The error summary has the focus, is announced, and links to the field; the title says 错误.
    assert focused(page) == "form-errors"
    assert page.get_attribute("#form-errors", "role") == "alert"
    assert page.title().startswith("错误：")
    assert "联系方式" in page.inner_text("#form-errors a[href='#id_contact_phone']")
    assert page.get_attribute("#id_contact_phone", "aria-invalid") == "true"
    tab_to(page, "#form-errors a[href='#id_contact_phone']")
    page.keyboard.press("Enter")
    assert focused(page) == "id_contact_phone"
    page.keyboard.press("Control+A")
    page.keyboard.type("0763-3361234")
    press_and_load(page, "Enter")

    assert Nomination.objects.filter(name="键盘录入的示范项目", contact_phone="0763-3361234").exists()
    assert any("已录入示范项目“键盘录入的示范项目”" in m for m in site.messages()), site.messages()
    assert page.get_attribute("#messages .alert-success", "role") == "status"
    assert not site.csp_violations, site.csp_violations


def test_the_check_fails_on_a_violation(seeded, site):
    """The check every browser test relies on can fail: an unlabelled field and low-contrast text."""
    site.open("/accounts/login/")
    site.page.evaluate("""() => {
      const form = document.querySelector("main form");
      form.insertAdjacentHTML("beforeend", '<input type="text" name="nameless"><p class="low">看不清</p>');
      form.querySelector(".low").style.color = "#bbbbbb";
    }""")
    with pytest.raises(AccessibilityViolation) as failure:
        site.check_accessibility(force=True)
    assert "critical label" in str(failure.value) and "serious color-contrast" in str(failure.value)
    assert "/accounts/login/" in str(failure.value)
    site.open("/accounts/login/")  # a page without them passes (and is checked again at the end)
