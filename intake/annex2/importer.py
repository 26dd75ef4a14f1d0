"""Reading an Annex 2 XLSX back into nominations: the layout our export writes and the blank
official form filled in by hand.

Tables are found by their column titles, not by fixed positions: a row holding 序号 and a name
column (企业名称, 平台名称（共享制造类）, 平台名称（其他类）, 项目名称, 城市名称…) starts a table of
that category; the rows below it, up to the next title, section heading or the note, are its rows.
Column order, merged cells, wrapped titles and half-width brackets do not matter.

The official form has no column for the 统一社会信用代码 the system needs; our export keeps it in a
folded column beside the form, and a hand-filled form may add a column titled so anywhere.

Steps: `parse_workbook` turns a workbook (from `xlsx_reader`) into plain `RawRow`s (strings
only, so the preview can keep them until the clerk confirms); `prepare_rows` turns them into the
fields `services.import_nominations` takes, with the problems reading alone can find;
`Annex2Importer` runs them through the import pipeline of `intake/common/imports.py`.
"""

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError

from intake.campaigns.selectors import get_campaign
from intake.common.imports import ImportRefused, Preview, excerpt
from intake.common.uploads import UploadRejected
from intake.common.validators import SHENZHEN_NAME, names_shenzhen, normalize_credit_code, normalize_phone
from intake.entry import services
from intake.models import ANNEX2_TITLES, Category, City, DemoMode, ImportPreview, Nomination, annex2_required

MAX_ROWS = 2000  # far more than any city's sheet; stops reading a sheet of junk early
MAX_COLUMNS = 40
MAX_NOMINATIONS = 50  # a city's quotas allow about 15; each row is checked like an entry form
EMPTY_MARKERS = {"", "无", "（无）", "/", "-", "—"}
SECTION_RE = re.compile(r"^[一二三四五六七八九十]+、")

NAME_LABELS = [  # (prefix of the normalized title, category or None when the section decides)
    ("企业名称", Category.ENTERPRISE),
    ("项目名称", Category.PROJECT),
    ("城市名称", Category.CITY),
    ("平台名称", None),
]
COLUMN_TITLES = [  # (test on the normalized title, field)
    (lambda t: t == "序号", "number"),
    (lambda t: t.startswith("示范模式"), "demo_mode"),
    (lambda t: "提供商" in t, "provider"),
    (lambda t: t.startswith("联系人"), "contact_name"),
    (lambda t: t.startswith(("联系方式", "联系电话", "手机")), "contact_phone"),
    (lambda t: "邮箱" in t or t.lower().startswith("email"), "contact_email"),
    (lambda t: "信用代码" in t, "credit_code"),
    (lambda t: "电子编号" in t, "electronic_no"),
]
# How the problems name a column: the form's titles, a name column and a city's kind in words.
FIELD_LABELS = {**ANNEX2_TITLES, "name": "名称", "city_kind": "示范城市类别"}
NO_CREDIT_COLUMN_HINT = "（官方表格没有此列，请在表头行增加一列“统一社会信用代码”并填写）"
UNKNOWN_LAYOUT = (
    "无法识别表格格式：没有找到附件2的表头行（应有“序号”和“企业名称”“平台名称（共享制造类）”“项目名称”"
    "“城市名称（工业设计特色类或其他类）”等列标题）。请使用本系统导出的附件2，或官方空白表填写后上传。"
)


@dataclass
class RawRow:
    sheet: str
    row: int  # as Excel numbers it
    category: str
    values: dict  # field → text as found in the cell


@dataclass
class ParsedSheet:
    title: str
    rows: list
    header_line: str = ""


@dataclass
class PreparedRow:
    raw: RawRow
    category: Category
    fields: dict  # for services.create_nomination
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # worth saying, not blocking
    flagged: set = field(default_factory=set)  # fields a problem was already reported for

    def problem(self, name, message):
        self.problems.append(message)
        if name:
            self.flagged.add(name)

    def add_service_errors(self, errors):
        """Merge what `services.import_nominations` found (`{field: [messages]}`), skipping fields
        this module already reported, and naming the field where the message does not."""
        for name, messages in errors.items():
            if name in self.flagged:
                continue
            label = FIELD_LABELS.get(name) or _model_label(name)
            for message, code in messages:
                if code in ("blank", "required") and label:
                    text = f"未填写{label}。"
                elif label and label not in message:
                    text = f"{label}：{message}"
                else:
                    text = message
                if text not in self.problems:
                    self.problems.append(text)

    @property
    def shown(self):
        """The cells as read, every column present (for the preview)."""
        values = {name: self.raw.values.get(name, "") for name in FIELD_LABELS}
        values["detail"] = values["demo_mode"] or values["provider"]
        return values


def normalize_title(value):
    text = re.sub(r"\s+", "", cell_text(value))
    return text.replace("(", "（").replace(")", "）").replace("／", "/")


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _header(cells, platform_tables_seen):
    """(category code, {field: column index}) when `cells` are a table's column titles, else None."""
    titles = [normalize_title(c) for c in cells]
    if "序号" not in titles:
        return None
    category, columns = None, {}
    for index, title in enumerate(titles):
        if not title:
            continue
        for prefix, code in NAME_LABELS:
            if title.startswith(prefix) and "name" not in columns:
                if code is None:  # 平台名称: its qualifier, or the order of the two platform tables
                    if "共享" in title:
                        code = Category.PLATFORM_SHARED
                    elif "其他" in title:
                        code = Category.PLATFORM_OTHER
                    else:
                        code = Category.PLATFORM_SHARED if platform_tables_seen == 0 else Category.PLATFORM_OTHER
                category, columns["name"] = code, index
                break
        else:
            for test, name in COLUMN_TITLES:
                if test(title) and name not in columns:
                    columns[name] = index
                    break
    if category is None:
        return None
    return category, columns


def parse_sheet(ws):
    """The rows of every Annex 2 table in worksheet `ws`, or None when it holds none."""
    rows, header_line, tables = [], "", 0
    current, platform_tables = None, 0
    for number, values in ws.rows:
        if number > MAX_ROWS:
            break
        cells = list(values[:MAX_COLUMNS])
        header = _header(cells, platform_tables)
        if header:
            current, tables = header, tables + 1
            platform_tables += header[0] in Category.PLATFORMS
            continue
        texts = [t for t in (cell_text(c) for c in cells) if t]
        if not texts:
            continue
        joined = "".join(texts)
        if current is None and not header_line and "推荐单位" in joined:
            header_line = " ".join(texts)
            continue
        if SECTION_RE.match(texts[0]) or joined.startswith(("注：", "注:")):
            current = None  # a section heading or the note ends the table above
            continue
        if current is None:
            continue
        category, columns = current
        found = {
            name: cell_text(cells[index]) if index < len(cells) else ""
            for name, index in columns.items() if name != "number"
        }
        if all(v in EMPTY_MARKERS for v in found.values()):
            continue  # a numbered blank line of the form, or the export's（无）
        rows.append(RawRow(ws.title, number, category, found))
    return ParsedSheet(ws.title, rows, header_line) if tables else None


def parse_workbook(workbook, city):
    """The Annex 2 sheet of `city` in `workbook` (from `xlsx_reader.read_uploaded_workbook`, which
    has already refused damaged sheets), or UploadRejected with what to do."""
    sheets = []
    for ws in workbook.sheets:
        parsed = parse_sheet(ws)
        if parsed is not None:
            sheets.append(parsed)
    if not sheets:
        raise UploadRejected(UNKNOWN_LAYOUT, code="upload_unknown_layout")
    if len(sheets) > 1:
        own = [s for s in sheets if city.name in s.title or city.name in s.header_line
               or city.bureau_name in s.header_line]
        if len(own) != 1:
            raise UploadRejected(
                "工作簿中有 %(n)d 张附件2汇总表（%(names)s），无法确定导入哪一张。"
                "请只保留%(city)s的一张后重新上传。",
                code="upload_several_sheets",
                params={"n": len(sheets), "names": "、".join(s.title for s in sheets), "city": city.name},
            )
        sheets = own
    sheet = sheets[0]
    _ensure_own_recommender(sheet, city)
    if not sheet.rows:
        raise UploadRejected(
            "工作表“%(sheet)s”中的附件2没有填写任何推荐对象，没有可导入的内容。", code="upload_empty",
            params={"sheet": sheet.title},
        )
    return sheet


RECOMMENDER_RE = re.compile(r"推荐单位[^：:]*[：:](.*?)(?=填报人|联系电话|$)")
PROVINCE_WORDS = ("广东省工业和信息化厅", "省工业和信息化厅", "省工信厅")


def _ensure_own_recommender(sheet, city):
    """A sheet whose 推荐单位 names another city (or Shenzhen, or the province's own list) is another
    recommender's Annex 2: importing it would enter that city's nominees as this city's. A blank
    推荐单位 (the official form filled in by hand) is fine."""
    found = RECOMMENDER_RE.search(normalize_title(sheet.header_line))
    recommender = found.group(1) if found else ""
    if not recommender or city.name.removesuffix("市") in recommender:
        return
    other = next((c.name for c in City.objects.exclude(pk=city.pk) if c.name.removesuffix("市") in recommender), None)
    if other is None and names_shenzhen(recommender):
        other = SHENZHEN_NAME
    if other is None and any(word in recommender for word in PROVINCE_WORDS):
        other = "广东省工业和信息化厅（省推荐名单）"
    if other is not None:
        raise UploadRejected(
            "工作表“%(sheet)s”的推荐单位为“%(recommender)s”，是%(other)s的附件2，不是%(city)s的。"
            "只能导入本市的汇总表：请上传%(city)s的附件2，或核对推荐单位后重新上传。",
            code="upload_other_recommender",
            params={"sheet": sheet.title, "recommender": recommender, "other": other, "city": city.name},
        )


def _names_own_city(text, city):
    """A 示范城市 row names the importing city (清远市, 清远, 清远市人民政府…), or only the kind."""
    text = normalize_title(text)
    return not text or text.startswith(city.name.removesuffix("市")) or text in ("工业设计特色类", "其他类")


def prepare_rows(raw_rows, city, *, categories=None, demo_modes=None):
    """Fields for the services, with the problems found by reading alone (unknown 示范模式, a
    missing column, a credit code twice in the file, a city kind not stated)."""
    categories = categories or {c.code: c for c in Category.objects.all()}
    if demo_modes is None:
        demo_modes = {normalize_title(m.name): m for m in DemoMode.objects.filter(is_active=True)}
    seen_codes = {}
    prepared = []
    for raw in raw_rows:
        category = categories[raw.category]
        values = raw.values
        row = PreparedRow(raw, category, {})
        for name in annex2_required(category.code):
            if name not in values:
                hint = NO_CREDIT_COLUMN_HINT if name == "credit_code" else ""
                row.problem(name, f"表中缺少“{FIELD_LABELS[name]}”列{hint}。")
        fields = {
            "contact_name": values.get("contact_name", ""),
            "contact_phone": normalize_phone(values.get("contact_phone", "")),
            "contact_email": values.get("contact_email", ""),
            "electronic_no": values.get("electronic_no", ""),
        }
        if category.is_city:
            kind = _city_kind(values.get("name", ""))
            if kind is None and values.get("name"):
                row.problem("city_kind", "请在城市名称后注明类别，如“清远市（工业设计特色类）”或“清远市（其他类）”。")
            fields["city_kind"] = kind or ""
            named = normalize_title(values.get("name", "")).split("（")[0]
            if not _names_own_city(named, city):
                row.problem(
                    "name", f"表中城市名称为“{excerpt(named)}”，不是{city.name}：示范城市只能推荐本市自身"
                    f"（由本市人民政府申报）。请删除该行，或改为“{city.name}（工业设计特色类）”或“{city.name}（其他类）”。",
                )
        else:
            fields["name"] = values.get("name", "")
            fields["credit_code"] = normalize_credit_code(values.get("credit_code", ""))
            code = fields["credit_code"]
            if code and code in seen_codes:
                row.problem(
                    "credit_code", f"统一社会信用代码 {code} 与表中第 {seen_codes[code]} 行重复，同一批次只能推荐一次。"
                )
            elif code:
                seen_codes[code] = raw.row
        if category.code == Category.ENTERPRISE:
            mode_text = values.get("demo_mode", "")
            mode = demo_modes.get(normalize_title(mode_text))
            if mode_text and mode is None:
                row.problem(
                    "demo_mode",
                    f"示范模式“{excerpt(mode_text)}”不在可选范围内，"
                    f"应为：{'、'.join(m.name for m in demo_modes.values())}。",
                )
            fields["demo_mode"] = mode
        if category.is_platform:
            fields["provider"] = values.get("provider", "")
        row.fields = fields
        prepared.append(row)
    return prepared


def _city_kind(text):
    text = normalize_title(text)
    if "工业设计" in text:
        return Nomination.INDUSTRIAL_DESIGN
    if "其他" in text:
        return Nomination.OTHER_KIND
    return None


def _model_label(name):
    try:
        return str(Nomination._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # NON_FIELD_ERRORS
        return ""


class Annex2Importer:
    """A city's Annex 2 through the import pipeline: rows read and prepared, checked by the same
    service that writes them (`services.import_nominations`, not committed), then written all or none."""

    kind = ImportPreview.ANNEX2

    def __init__(self, user, city, campaign=None):
        self.user, self.city, self.campaign = user, city, campaign

    def read(self, workbook):
        sheet = parse_workbook(workbook, self.city)
        if len(sheet.rows) > MAX_NOMINATIONS:
            raise UploadRejected(
                "工作表“%(sheet)s”中有 %(n)d 个推荐对象，超过 %(limit)d 个的上限（一个地市的名额合计约 15 个）。"
                "请核对后只保留本市的推荐对象再上传。",
                code="upload_too_many_rows",
                params={"sheet": sheet.title, "n": len(sheet.rows), "limit": MAX_NOMINATIONS},
            )
        return Preview(rows=prepare_rows(sheet.rows, self.city), sheet=sheet.title)

    def check(self, preview):
        self._run(preview, commit=False)

    def apply(self, preview, *, user):
        self._run(preview, commit=True)
        if preview.problems or preview.rows_with_problems:
            raise ImportRefused(preview)
        return len(preview.rows)

    def _run(self, preview, *, commit):
        """Every row through the service; written only when `commit` and every row passes."""
        try:
            results = services.import_nominations(
                user=self.user, campaign=self.campaign, city=self.city,
                rows=[(row.category, row.fields) for row in preview.rows],
                commit=commit and not preview.rows_with_problems,
            )
        except ValidationError as exc:  # entry closed, lock busy: the whole import
            preview.problems.append(" ".join(exc.messages))
            return
        for row, errors in zip(preview.rows, results, strict=True):
            row.add_service_errors(errors)

    def dump(self, preview):
        rows = [asdict(row.raw) for row in preview.rows]
        return {"campaign": self.campaign.year, "sheet": preview.sheet, "rows": rows}

    def load(self, payload):
        self.campaign = get_campaign(payload["campaign"])
        rows = [RawRow(**raw) for raw in payload["rows"]]
        return Preview(rows=prepare_rows(rows, self.city), sheet=payload["sheet"])
