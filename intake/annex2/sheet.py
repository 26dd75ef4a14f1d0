"""附件2 服务型制造示范推荐汇总表: what the sheet says, independent of XLSX or PDF.

Renderers (`intake/exports`) take a list of `Annex2Sheet` and, for the province, an
`Annex2Summary`. Builders make them:

- `city_sheet(campaign, city)`: one city's sheet;
- `province_annex2(campaign, cities)`: every city's sheet plus the 汇总 data, in a constant
  number of queries however many cities there are;
- `build_sheet(...)`: a sheet from any list of nominations, e.g. the province's own selection,
  whose 推荐单位 is the department (`PROVINCE_RECOMMENDER`).

`content_digest(sheets, summary)` fingerprints everything a renderer writes; the exports cache
keys on it (see `intake/annex2/exports/__init__.py`).

校验码 (verification code): every sheet, and the 汇总, prints a short code derived from the digest
of exactly what it prints (`sheet_digest`), the same in the XLSX and the PDF: `verification_code`.
A stamped paper sheet is the sheet of the current data when its code is the current one (the city
types it in at upload; `review_selectors.submission_problems` refuses a submission otherwise).
"""

import hashlib
import json
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from intake.models import (
    ANNEX2_EXTRA_COLUMNS,
    ANNEX2_TITLES,
    Category,
    City,
    Nomination,
    Slate,
    annex2_columns,
)

TITLE = "服务型制造示范推荐汇总表"
ANNEX_LABEL = "附件2"
NOTE = "注：申报数量请严格按照推荐名额要求。"
PROVINCE_RECOMMENDER = "广东省工业和信息化厅"
SECTION_ORDER = ["一、示范企业", "二、示范平台", "三、示范项目", "四、示范城市"]
EMPTY_TABLE_TEXT = "（无）"
# Not columns of the printed form: the XLSX keeps them beside it, outside the print area, so that
# an exported sheet can be imported again (the form has no column for the credit code).
EXTRA_HEADERS = [ANNEX2_TITLES[name] for name in ANNEX2_EXTRA_COLUMNS]
SUMMARY_TITLE = "服务型制造示范推荐汇总（全省）"
SUMMARY_HEADERS = [
    "序号", "推荐地市", "类别", "名称", "示范模式或服务提供商", "统一社会信用代码", "联系人", "联系方式", "电子邮箱",
]


def _value(nomination, name):
    """A column's text as the form prints it: a city with its kind, a 示范模式 by its name."""
    if name == "name" and nomination.city_kind:
        return f"{nomination.name}（{nomination.get_city_kind_display()}）"
    value = getattr(nomination, name)
    return str(value) if value is not None else ""


@dataclass
class Annex2Table:
    category: Category
    headers: list  # starting with 序号
    rows: list = field(default_factory=list)  # lists of strings, starting with the 序号 (1, 2, …)
    extras: list = field(default_factory=list)  # per row: [credit code, electronic number] (EXTRA_HEADERS)


@dataclass
class Annex2Section:
    heading: str
    tables: list


# Crockford's base 32: digits and capitals without I, L, O and U, so a code read aloud or typed
# from paper is not mistaken (O is read as 0, I and L as 1).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 40 bits: two different sheets share a code about once in a trillion
CODE_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass
class Annex2Sheet:
    recommender: str  # 推荐单位（盖章）
    filler_name: str
    filler_phone: str
    sections: list
    city: object = None  # the City, or None for the province's own sheet
    campaign: object = None

    @property
    def row_count(self):
        return sum(len(t.rows) for s in self.sections for t in s.tables)

    @property
    def label(self):
        """What the sheet is about, short: the city's name, else the recommender."""
        return self.city.name if self.city is not None else self.recommender

    @property
    def verification_code(self):
        return verification_code(self)


@dataclass
class QuotaRow:
    city: object
    lines: list  # quotas.selectors.QuotaLine per category

    @property
    def used(self):
        return sum(line.used for line in self.lines)

    @property
    def allowed(self):
        return sum(line.allowed for line in self.lines)


@dataclass
class Annex2Summary:
    """The province's 汇总: every nomination with its city, and each city's counts against its quota."""

    campaign: object
    categories: list
    quota_rows: list  # [QuotaRow per city]
    rows: list  # lists of strings, SUMMARY_HEADERS
    headers: list = field(default_factory=lambda: list(SUMMARY_HEADERS))
    title: str = SUMMARY_TITLE

    @property
    def totals(self):
        """[(used, allowed) per category] over every city."""
        return [
            (sum(r.lines[i].used for r in self.quota_rows), sum(r.lines[i].allowed for r in self.quota_rows))
            for i in range(len(self.categories))
        ]

    @property
    def total(self):
        return sum(r.used for r in self.quota_rows), sum(r.allowed for r in self.quota_rows)

    @property
    def cities_without_nominations(self):
        return [r.city for r in self.quota_rows if r.used == 0]

    @property
    def without_nominations_text(self):
        """The 汇总's line naming the cities that recommend nobody (未推荐)."""
        cities = self.cities_without_nominations
        if not cities:
            return ""
        return f"未推荐（{len(cities)} 个地市，无推荐对象）：{'、'.join(c.name for c in cities)}。"

    @property
    def verification_code(self):
        return verification_code(self)


@dataclass
class ProvinceAnnex2:
    summary: Annex2Summary
    sheets: list

    def sheets_to_print(self, *, include_empty=False):
        """The cities' sheets a printed document carries: only those with nominations (the 汇总 names
        the others as 未推荐), or every city's when asked."""
        return list(self.sheets) if include_empty else [s for s in self.sheets if s.row_count]


def build_sheet(*, recommender, filler_name, filler_phone, nominations, categories=None, city=None, campaign=None):
    """Every section and table is present, empty or not; 序号 counts per table."""
    categories = list(categories if categories is not None else Category.objects.all())
    by_category = {}
    for n in nominations:
        by_category.setdefault(n.category_id, []).append(n)
    sections = {heading: Annex2Section(heading, []) for heading in SECTION_ORDER}
    for category in categories:
        columns = annex2_columns(category.code)
        headers = ["序号"] + [ANNEX2_TITLES[name] or category.name_label for name in columns]
        table = Annex2Table(category, headers)
        for number, n in enumerate(by_category.get(category.code, []), start=1):
            table.rows.append([str(number)] + [_value(n, name) for name in columns])
            table.extras.append([_value(n, name) for name in ANNEX2_EXTRA_COLUMNS])
        sections.setdefault(category.annex2_section, Annex2Section(category.annex2_section, [])).tables.append(table)
    return Annex2Sheet(recommender, filler_name, filler_phone, list(sections.values()), city, campaign)


def counted_nominations(campaign, cities):
    """The rows Annex 2 lists (not withdrawn, not rejected), in entry order, for one query."""
    return (
        Nomination.objects.filter(campaign=campaign, city__in=cities, status__in=Nomination.COUNTED_STATUSES)
        .select_related("demo_mode")
        .order_by("city__code", "category__order", "created_at", "pk")
    )


def city_sheet(campaign, city, *, slate=None, categories=None, nominations=None):
    from intake.review.selectors import slate_for

    slate = slate or slate_for(campaign, city)
    if nominations is None:
        nominations = counted_nominations(campaign, [city])
    return build_sheet(
        recommender=city.bureau_name, filler_name=slate.filler_name, filler_phone=slate.filler_phone,
        nominations=nominations, categories=categories, city=city, campaign=campaign,
    )


def province_annex2(campaign, cities=None):
    """Every city's sheet and the 汇总, in five queries whatever the number of cities: cities,
    categories, slates, nominations (with their 示范模式) and quota rules."""
    from quotas.selectors import QuotaLine, resolve_limit, rules_for

    cities = list(cities if cities is not None else City.objects.all())
    categories = list(Category.objects.all())
    slates = {s.city_id: s for s in Slate.objects.filter(campaign=campaign, city__in=cities)}
    nominations = list(counted_nominations(campaign, cities))
    rules = rules_for(campaign)

    by_city = defaultdict(list)
    counts = defaultdict(int)
    for n in nominations:
        by_city[n.city_id].append(n)
        counts[n.city_id, n.category_id] += 1
    sheets = [
        city_sheet(
            campaign, city, slate=slates.get(city.pk) or Slate(campaign=campaign, city=city),
            categories=categories, nominations=by_city[city.pk],
        )
        for city in cities
    ]
    quota_rows = [
        QuotaRow(city, [QuotaLine(c, counts[city.pk, c.code], resolve_limit(rules, city, c.code)) for c in categories])
        for city in cities
    ]
    category_by_code = {c.code: c for c in categories}
    rows = []
    for city in cities:
        for n in by_city[city.pk]:  # already in city, category, entry order
            rows.append([
                str(len(rows) + 1), city.name, category_by_code[n.category_id].name, _value(n, "name"),
                str(n.demo_mode or "") or n.provider, n.credit_code, n.contact_name, n.contact_phone, n.contact_email,
            ])
    summary = Annex2Summary(campaign, categories, quota_rows, rows)
    return ProvinceAnnex2(summary, sheets)


def content_digest(sheets, summary=None):
    """A SHA-256 of everything the renderers print from `sheets` and `summary`.

    The renderers read nothing else from the database, so two calls with equal digests render
    equal documents: a change to a nomination, a slate's 填报人, a city, a category, a 示范模式 or
    a quota rule changes what is built here, hence the digest.
    """
    return hashlib.sha256(
        json.dumps(_canonical(sheets, summary), ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()


def _canonical(sheets, summary):
    def campaign_data(campaign):
        return None if campaign is None else [campaign.pk, campaign.year, campaign.name]

    def city_data(city):
        return None if city is None else [city.pk, city.code, city.name, city.bureau_name, city.is_demo_city]

    data = {"sheets": [
        {
            "header": [s.recommender, s.filler_name, s.filler_phone],
            "city": city_data(s.city),
            "campaign": campaign_data(s.campaign),
            "sections": [
                [sec.heading, [[t.category.code, t.category.name, t.headers, t.rows, t.extras] for t in sec.tables]]
                for sec in s.sections
            ],
        }
        for s in sheets
    ]}
    if summary is not None:
        data["summary"] = {
            "title": summary.title,
            "campaign": campaign_data(summary.campaign),
            "categories": [[c.code, c.name] for c in summary.categories],
            "quota": [[city_data(r.city), [[q.used, q.allowed] for q in r.lines]] for r in summary.quota_rows],
            "headers": summary.headers,
            "rows": summary.rows,
        }
    return data


# --- 校验码 -------------------------------------------------------------------------------------


def sheet_digest(sheet):
    """SHA-256 (hex) of what `sheet` (an Annex2Sheet, or the Annex2Summary) prints, and of nothing
    else: an edit, an import, a withdrawal or restore, a rejection or the 填报人 line change it; the
    city's formal review, its paper numbers or the columns kept beside the form for re-import do not.
    The campaign's year and the city's code name whose sheet it is."""
    if isinstance(sheet, Annex2Summary):
        data = {
            "summary": [sheet.title, sheet.campaign.name if sheet.campaign else ""],
            "quota": [
                [r.city.name, r.city.is_demo_city, [[q.used, q.allowed] for q in r.lines]] for r in sheet.quota_rows
            ],
            "categories": [c.name for c in sheet.categories],
            "headers": sheet.headers,
            "rows": sheet.rows,
            "year": sheet.campaign.year if sheet.campaign else None,
        }
    else:
        data = {
            "sheet": [ANNEX_LABEL, TITLE, NOTE, sheet.recommender, sheet.filler_name, sheet.filler_phone],
            "sections": [[sec.heading, [[t.headers, t.rows] for t in sec.tables]] for sec in sheet.sections],
            "whose": [
                sheet.campaign.year if sheet.campaign is not None else None,
                sheet.city.code if sheet.city is not None else None,
            ],
        }
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def code_of_digest(digest):
    """The 校验码 of a `sheet_digest`: its first 40 bits in Crockford's base 32, as "ABCD-EFGH"."""
    number = int(digest[:10], 16)
    chars = "".join(CODE_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))
    return f"{chars[:4]}-{chars[4:]}"


def verification_code(sheet):
    """The 校验码 printed on `sheet` (an Annex2Sheet or the Annex2Summary), e.g. "7K3M-Q9TX"."""
    return code_of_digest(sheet_digest(sheet))


def normalize_code(text):
    """A code as typed ("7k3m q9tx", "7K3MQ9TX", with O for 0…) in its printed form, or "" when it
    cannot be one."""
    typed = unicodedata.normalize("NFKC", text or "").upper()  # full-width letters from a Chinese IME
    chars = "".join(ch for ch in typed if ch.isascii() and ch.isalnum()).translate(CODE_READ_AS)
    if len(chars) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in chars):
        return ""
    return f"{chars[:4]}-{chars[4:]}"
