"""The wide tables at the widths clerks use (1366 and 1920 px), in chromium: the city's formal
review (slate page), the province's review of a city and its overview of every city. No short
word breaks across lines (保/存, 通/过, 广州/市, an electronic number or a code cut in two), drop-downs
and inputs are wide enough for what they hold, and no table scrolls sideways. Screenshots of each
page at each width are kept in test-artifacts/ to look at."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings

from intake.review import services as review_services
from tests.browser import ARTIFACTS, Site
from tests.factories import accepted, credit_code, nominate, open_campaign, ready_slate, submit, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 1920)
# A CJK run longer than this may wrap (a company's name, a warning's sentence); anything shorter,
# and anything without CJK (codes, numbers, e-mails, dates), must stay on one line.
LONGEST_UNBROKEN_CJK = 10

MEASURE = """(selector) => {
  const problems = [];
  const cjk = /[\\u3400-\\u9fff\\uf900-\\ufaff]/;
  const lines = (rects) => {
    let count = 0, bottom = -Infinity;
    for (const r of [...rects].filter(r => r.width > 0 && r.height > 0).sort((a, b) => a.top - b.top)) {
      if (r.top >= bottom - r.height * 0.4) count += 1;
      bottom = Math.max(bottom, r.bottom);
    }
    return count;
  };
  const tables = document.querySelectorAll(selector);
  if (!tables.length) problems.push(`no table ${selector}`);
  for (const table of tables) {
    const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest("option, script, style, .visually-hidden")) continue;
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        const word = m[0];
        if (cjk.test(word) && [...word].length > %(longest)d) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + word.length);
        if (lines(range.getClientRects()) > 1) problems.push(`“${word}” breaks across lines`);
      }
    }
    const canvas = document.createElement("canvas").getContext("2d");
    for (const select of table.querySelectorAll("select")) {
      const style = getComputedStyle(select);
      canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const longest = Math.max(...[...select.options].map(o => canvas.measureText(o.text).width));
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (longest > room + 1) {
        problems.push(`select ${select.name} needs ${Math.round(longest)}px, has ${Math.round(room)}px`);
      }
    }
    for (const input of table.querySelectorAll("input:not([type=hidden])")) {
      if (input.clientWidth < 80) problems.push(`input ${input.name} only ${input.clientWidth}px wide`);
    }
    const box = table.parentElement;
    if (table.getBoundingClientRect().width > box.clientWidth + 1) {
      problems.push(`${selector} is ${Math.round(table.getBoundingClientRect().width)}px wide in ${box.clientWidth}px`);
    }
  }
  return problems;
}""".replace("%(longest)d", str(LONGEST_UNBROKEN_CJK))


@pytest.fixture
def busy_campaign(seeded):
    """Qingyuan entering (forms on its slate page), Huizhou submitted with warnings, others in
    every state, with the long names, codes and numbers of real data."""
    for name in ("清远市精密智能装备制造股份有限公司", "广东清远高新区新材料科技有限公司"):
        nominate("qingyuan", "enterprise", name=name, electronic_no="FWQY2023000123")
    nominate("qingyuan", "platform_shared", name="清远共享制造服务平台", electronic_no="FWQY2023000124")
    nominate("qingyuan", "platform_other", name="粤北工业互联网服务平台", electronic_no="FWQY2023000125")
    nominate("qingyuan", "project", name="清远市家电全生命周期管理示范项目", electronic_no="FWQY2023000126")
    nominate("qingyuan", "city", city_kind="industrial_design")
    nominate("huizhou", "enterprise", name="惠州某某电子科技有限公司清远分公司", service_revenue_share=Decimal("12.5"),
             credit_code=credit_code("441800"), electronic_no="FWHZ2023000001")
    nominate("huizhou", "platform_other", name="惠州工业设计公共服务平台", platform_launch_date=date.today(),
             electronic_no="FWHZ2023000002")
    nominate("huizhou", "project", name="惠州市新能源汽车零部件供应链管理项目", electronic_no="FWHZ2023000003")
    ready_slate("huizhou")
    submit("huizhou")
    nominate("guangzhou", "enterprise")
    accepted("guangzhou")
    nominate("shaoguan", "project")
    ready_slate("shaoguan")
    submit("shaoguan")
    review_services.return_slate(user=user("province"), campaign=open_campaign(), city=user("shaoguan").city,
                                 reason="附件2未盖章")


PAGES = [  # (name, account, path, table)
    ("slate", "qingyuan", "/slate/", "#review-table"),
    ("review", "province", "/review/441300/", "#review-table"),
    ("overview", "province", "/", "#province-table"),
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name, account, path, table", PAGES, ids=[p[0] for p in PAGES])
def test_tables_are_readable_at_the_clerks_widths(busy_campaign, browser, live_server, width, name, account, path,
                                                  table):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": 900})
    try:
        site = Site(context.new_page(), live_server.url)
        site.login_as(account, settings.DEMO_PASSWORD)
        assert site.open(f"{path}?campaign={open_campaign().year}") == 200
        ARTIFACTS.mkdir(exist_ok=True)
        site.page.screenshot(path=str(ARTIFACTS / f"table-{name}-{width}.png"), full_page=True)
        problems = site.page.evaluate(MEASURE, table)
        assert not problems, f"{name} at {width}px: {problems}"
        assert not site.csp_violations, site.csp_violations
    finally:
        context.close()


def test_the_measure_catches_a_cramped_table(busy_campaign, browser, live_server):
    """The check above can fail: the same overview squeezed to 700 px breaks 广州/市 and friends."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    try:
        site = Site(context.new_page(), live_server.url)
        site.login_as("province", settings.DEMO_PASSWORD)
        site.open("/")
        site.page.evaluate("""() => {
            const kept = document.querySelectorAll("#province-table .text-nowrap");
            for (const el of kept) el.classList.remove("text-nowrap");
            document.querySelector("#province-table").parentElement.style.width = "600px";
        }""")
        problems = site.page.evaluate(MEASURE, "#province-table")
        assert any("breaks across lines" in p for p in problems), problems
    finally:
        context.close()
