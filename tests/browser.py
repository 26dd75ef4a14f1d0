"""Browser tests in Debian's chromium, driven by Playwright (loaded by tests/conftest.py).

Fixtures: `browser` (a headless chromium per test), `site` (a fresh browser context on
pytest-django's live server, wrapped in `Site`: what a person does). A failing test keeps a
screenshot and the page's HTML in test-artifacts/ (gitignored). If chromium is missing the tests
FAIL with the command that installs it: CI must never pass by skipping them.

New flows are built from `Site`'s steps: `login_as(role)`, `open(path)`, `fill_nomination(…)`,
`quota_text(category)`, `province_row(city)`, `messages()`; `csp_violations` collects what the
content security policy blocked (a test asserts it stays empty).

Accessibility: every page a test visits is checked with axe-core (static/vendor/axe-core/, loaded
from the site's own origin so the content security policy holds) once it has loaded: after
`open()`, `page.goto()`, `page.wait_for_load_state()`, each of `Site`'s steps, and at the end of the
test. A serious or critical violation (WCAG 2.1 A/AA and axe's best practices) fails the test,
naming the rule, the elements and the page. `Site.axe_seen` lists the pages checked.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TIMEOUT_MS = 15_000
AXE_SCRIPT = "vendor/axe-core/axe.min.js"
AXE_FAILING_IMPACTS = ("serious", "critical")
AXE_RUN = """async (impacts) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations.filter(v => impacts.includes(v.impact)).map(v =>
    `${v.impact} ${v.id} (${v.help}): ` + v.nodes.slice(0, 4).map(n =>
      `${n.target.join(" ")} [${(n.any[0] || n.all[0] || n.none[0] || {}).message || ""}]`).join("; ")
    + (v.nodes.length > 4 ? ` … ${v.nodes.length} elements` : ""));
}"""


class AccessibilityViolation(AssertionError):
    pass


class Site:
    """One person in one browser context."""

    def __init__(self, page, base_url, *, axe=True):
        self.page, self.base_url = page, base_url.rstrip("/")
        self.csp_violations = []
        self.axe_enabled = axe
        self.axe_seen = []  # the pages checked with axe, in order
        self._loaded = False  # a page has loaded since the last check
        self._axe_running = False
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", self._console)
        page.on("load", self._on_load)
        # Tests drive the page directly too (click, then wait for the load): the page is checked
        # when they wait for it or leave it for another.
        for name in ("goto", "wait_for_load_state", "wait_for_url"):
            setattr(page, name, self._checking(getattr(page, name)))

    def _on_load(self, _page):
        self._loaded = True

    def _checking(self, method):
        def run(*args, **kwargs):
            result = method(*args, **kwargs)
            self.check_accessibility()
            return result
        return run

    def check_accessibility(self, *, force=False):
        """Runs axe on the current page if it has not been checked since it loaded; raises on any
        serious or critical violation."""
        if not self.axe_enabled or not (self._loaded or force):
            return
        self._loaded = False
        page = self.page
        if not page.url.startswith(self.base_url) or page.evaluate("() => document.contentType") != "text/html":
            return
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=f"{self.base_url}/{settings.STATIC_URL.strip('/')}/{AXE_SCRIPT}")
        self._axe_running = True
        try:
            violations = page.evaluate(AXE_RUN, list(AXE_FAILING_IMPACTS))
            page.evaluate("() => 0")  # a round trip: the console messages of the run are in
        finally:
            self._axe_running = False
        self.axe_seen.append(page.url.removeprefix(self.base_url))
        if violations:
            raise AccessibilityViolation(
                f"axe: {len(violations)} serious or critical accessibility violation(s) on "
                f"{page.url.removeprefix(self.base_url)}:\n" + "\n".join(violations)
            )

    def _console(self, message):
        # axe's own probes (the inline styles it tries while measuring) are not the site's doing.
        if "Content Security Policy" in message.text and not self._axe_running:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def open(self, path):
        self.check_accessibility()
        response = self.page.goto(self.base_url + path)  # checks the page it lands on
        return response.status if response else None

    def login_as(self, username, password=None):
        """Through the login form, as the person would; lands on the home page."""
        self.open("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password or settings.DEMO_PASSWORD)
        self.page.click("main form button[type=submit]")
        self.page.wait_for_load_state()
        if "/accounts/login/" in self.page.url:
            raise AssertionError(f"login as {username} failed: {self.messages() or self.page.inner_text('main')}")
        return self

    def logout(self):
        self.page.click("nav button:has-text('退出')")
        self.page.wait_for_url(re.compile(r".*/accounts/login/.*"))

    def messages(self):
        self.check_accessibility()
        return [m.strip() for m in self.page.locator("main .alert").all_inner_texts()]

    def form_errors(self):
        self.check_accessibility()
        return [e.strip() for e in self.page.locator("#form-errors, .invalid-feedback").all_inner_texts()]

    def fill_form(self, values):
        """`values`: {field name: value}; selects by option value, everything else typed."""
        for name, value in values.items():
            field = self.page.locator(f"#id_{name}")
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(str(value))
            else:
                field.fill(str(value))

    def fill_nomination(self, values):
        self.check_accessibility()
        self.fill_form(values)
        self.page.click("main button[type=submit]:has-text('保存')")
        self.page.wait_for_load_state()

    def quota_text(self, category_code):
        """The city home's quota row for a category, e.g. "示范项目 1/2  1  新增示范项目"."""
        return self.page.locator(f"#quota-table tr[data-category='{category_code}']").inner_text()

    def province_row(self, city_name):
        return self.page.locator("#province-table tbody tr", has_text=city_name).first


@pytest.fixture
def browser(monkeypatch):
    """Headless chromium, started for each test: Playwright's sync API runs an event loop in this
    thread while it is up, and Django refuses ORM calls "from an async context" for as long as it
    does (the test body's and the database fixtures'). Per test, that stays inside the test."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"chromium is not installed at {CHROMIUM}: the browser tests cannot run. Install it with "
            "`make system-deps` (apt-get install chromium), or set CHROMIUM_PATH.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # nothing here is async: see above
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # Database connections opened by the test body while the loop ran belong to its context
        # (asgiref's Local): close them here, or they outlive the test and block dropping the test database.
        connections.close_all()


@pytest.fixture
def site(browser, live_server, request):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    person = Site(page, live_server.url)
    yield person
    report = getattr(request.node, "rep_call", None) or getattr(request.node, "rep_setup", None)
    try:
        if report is not None and report.passed and report.when == "call":
            person.check_accessibility()  # the page the test ended on
    except AccessibilityViolation:
        keep_artifacts(page, request.node.nodeid)
        raise
    finally:
        if report is not None and report.failed:
            keep_artifacts(page, request.node.nodeid)
        context.close()


def keep_artifacts(page, nodeid):
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", nodeid)
    page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
    (ARTIFACTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so `site` knows at teardown whether it failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
