"""Import of the registry of recognised units from an XLSX, through the import pipeline of
`intake/common/imports.py`: preview with per-row problems, then all or nothing.

`RegistryImporter.read(workbook)`: cells → rows and their problems (no database but the city
list); `check(preview)`: problems and actions that depend on the database; `apply(preview,
user=…)`: check again and write every row through the same service as a single edit.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from intake.common.imports import ImportRefused, Preview, excerpt
from intake.common.validators import (
    SHENZHEN_REASON,
    fold_width,
    names_shenzhen,
    normalize_credit_code,
    validate_credit_code,
)
from intake.common.xlsx import SafeWorkbook
from intake.evaluation import services
from intake.models import BATCH_CHOICES, City, ImportPreview, RecognisedUnit
from intake.scoping import has_permission


@dataclass
class Row:
    line: int  # the row number Excel shows
    values: dict  # cleaned values, JSON-serialisable
    problems: list = field(default_factory=list)
    action: str = ""
    target: object = None  # the object `check` matched; not kept with the preview


# ---------------------------------------------------------------------------- the registry

MAX_ROWS = 500  # the four batches hold about a hundred units of the province; every row is previewed and written
HEADER_SCAN_ROWS = 10
NEW, UPDATE, REACTIVATE, UNCHANGED = "新增", "更新", "恢复在册", "不变"

# (key, header written in the template and the export, spellings accepted on import)
COLUMNS = [
    ("name", "名称", ("名称", "单位名称", "示范单位名称")),
    ("credit_code", "统一社会信用代码", ("统一社会信用代码", "信用代码")),
    ("kind", "类别", ("类别", "示范类别")),
    ("batch", "批次", ("批次", "认定批次")),
    ("city", "地市", ("地市", "所在地市", "城市")),
]
HEADERS = [header for _key, header, _spellings in COLUMNS]
KIND_WORDS = {}
for _code, _label in RecognisedUnit.KIND_CHOICES:
    KIND_WORDS[_label] = KIND_WORDS[_label.removeprefix("示范")] = _code
BATCH_WORDS = {}
for _number, _label in BATCH_CHOICES:
    for _word in (str(_number), _label, f"第{_number}批", _label[1]):
        BATCH_WORDS[_word] = _number
KIND_LABELS = dict(RecognisedUnit.KIND_CHOICES)
BATCH_LABELS = dict(BATCH_CHOICES)


def _header(value):
    """A header cell without spaces, asterisks or a note in brackets: “地市（必填）” → “地市”."""
    return re.sub(r"[\s*＊]|[（(].*?[)）]", "", str(value or ""))


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def unit_key(kind, credit_code, city_id):
    """What names a unit: its kind and credit code, or for a city unit, its city."""
    return (kind, city_id) if kind == RecognisedUnit.CITY else (kind, credit_code)


class RegistryImporter:
    kind = ImportPreview.REGISTRY

    def __init__(self):
        cities = list(City.objects.all())
        self.cities = {}
        for city in cities:
            for word in (city.name, city.name.removesuffix("市"), city.code):
                self.cities[word] = city

    # -- read: cells to rows, no database beyond the city list
    def read(self, workbook):
        rows = iter(workbook.sheets[0].rows if workbook.sheets else ())
        columns = None
        for header_line, cells in rows:
            if header_line > HEADER_SCAN_ROWS:
                break
            names = [_header(c) for c in cells]
            found = {key: names.index(s) for key, _h, spellings in COLUMNS for s in spellings if s in names}
            if len(found) == len(COLUMNS):
                columns = found
                break
        if columns is None:
            return Preview(rows=[], problems=[
                f"前 {HEADER_SCAN_ROWS} 行中找不到表头。第一个工作表应有一行表头："
                f"{'、'.join(HEADERS)}。请下载模板，按模板填写后重新上传。"
            ])
        preview = Preview(rows=[])
        seen = {}
        for line, cells in rows:
            raw = {key: cells[index] if index < len(cells) else None for key, index in columns.items()}
            if all(_text(v) == "" for v in raw.values()):
                continue
            if len(preview.rows) >= MAX_ROWS:
                preview.problems.append(f"数据超过 {MAX_ROWS} 行，请分成几个文件分别导入。")
                break
            row = self._read_row(line, raw)
            if not row.problems:
                key = unit_key(row.values["kind"], row.values["credit_code"], row.values["city_id"])
                if key in seen:
                    row.problems.append(
                        f"与第 {seen[key]} 行是同一单位（{self._key_words(row.values)}相同），请合并为一行。"
                    )
                else:
                    seen[key] = line
            preview.rows.append(row)
        if not preview.rows and not preview.problems:
            preview.problems.append("表头下面没有任何数据行，请填写示范单位后重新上传。")
        return preview

    @staticmethod
    def _key_words(values):
        return "地市和类别" if values["kind"] == RecognisedUnit.CITY else "类别和统一社会信用代码"

    def _read_row(self, line, raw):
        problems = []
        kind_text = _text(raw["kind"])
        kind = KIND_WORDS.get(kind_text)
        if kind is None:
            problems.append(
                f"类别“{excerpt(kind_text)}”无法识别，应为 {'、'.join(KIND_LABELS.values())} 之一。" if kind_text
                else "请填写类别（示范企业、示范平台、示范项目或示范城市）。"
            )
        batch_text = _text(raw["batch"])
        batch = BATCH_WORDS.get(batch_text)
        if batch is None:
            problems.append(
                f"批次“{excerpt(batch_text)}”无法识别，应为 1、2、3、4 或 第一批 至 第四批。" if batch_text
                else "请填写认定批次（1–4 或 第一批 至 第四批）。"
            )
        city_text = re.sub(r"\s", "", fold_width(_text(raw["city"])))
        city = self.cities.get(city_text)
        if city is None:
            if names_shenzhen(city_text):
                problems.append(f"深圳市不在本系统的推荐地市之列：{SHENZHEN_REASON}。请删除该行。")
            elif city_text:
                problems.append(
                    f"地市“{excerpt(city_text)}”无法识别，请填写地市名称（如 清远市）或行政区划代码（如 441800）。"
                )
            else:
                problems.append("请填写所在地市（如 清远市）。")
        name = _text(raw["name"])
        if len(name) > RecognisedUnit._meta.get_field("name").max_length:
            problems.append("名称超过 200 个字，请核对。")
        code_cell = raw["credit_code"]
        credit_code = normalize_credit_code(_text(code_cell))
        if kind == RecognisedUnit.CITY:
            if credit_code:
                problems.append("示范城市不填写统一社会信用代码，请清空该格。")
            if city is not None:
                name = city.name
        elif kind is not None:
            if not name:
                problems.append("请填写示范单位名称。")
            if isinstance(code_cell, int | float):
                problems.append(
                    "统一社会信用代码被 Excel 存成了数字，末几位可能已经丢失。请把该列设为“文本”格式，"
                    "重新填写后上传。"
                )
            elif not credit_code:
                problems.append("请填写统一社会信用代码（18 位，见营业执照）。")
            else:
                try:
                    validate_credit_code(credit_code)
                except ValidationError as exc:
                    problems.extend(exc.messages)
        return Row(line, {
            "name": name, "credit_code": credit_code if kind != RecognisedUnit.CITY else "",
            "kind": kind, "kind_label": KIND_LABELS.get(kind, kind_text),
            "batch": batch, "batch_label": BATCH_LABELS.get(batch, batch_text),
            "city_id": city.pk if city else None, "city_name": city.name if city else city_text,
        }, problems)

    # -- check: what the database says about each row
    def check(self, preview):
        rows = [row for row in preview.rows if not row.problems]
        codes = {row.values["credit_code"] for row in rows if row.values["credit_code"]}
        city_ids = {row.values["city_id"] for row in rows if row.values["kind"] == RecognisedUnit.CITY}
        existing = {}
        # Active units win over deactivated ones of the same key; the newest deactivated one next.
        candidates = RecognisedUnit.objects.filter(
            Q(credit_code__in=codes) | Q(kind=RecognisedUnit.CITY, city_id__in=city_ids)
        ).order_by("is_active", "pk")
        for unit in candidates:
            existing[unit_key(unit.kind, unit.credit_code, unit.city_id)] = unit
        for row in rows:
            values = row.values
            unit = existing.get(unit_key(values["kind"], values["credit_code"], values["city_id"]))
            row.target = unit
            if unit is None:
                row.action = NEW
            elif not unit.is_active:
                row.action = REACTIVATE
            elif (unit.name, unit.batch, unit.city_id) == (values["name"], values["batch"], values["city_id"]):
                row.action = UNCHANGED
            else:
                row.action = UPDATE

    # -- apply: check again (the registry may have changed since the preview), then the writes,
    # through the same service as a single edit; any problem raises ImportRefused, nothing written
    def apply(self, preview, *, user):
        has_permission("oversee_evaluation", user, raise_exception=True)
        for row in preview.rows:
            row.problems, row.action, row.target = [], "", None
        try:
            with transaction.atomic():
                self.check(preview)
                if not preview.ok:
                    raise ImportRefused(preview)
                return self._write(preview, user)
        except ImportRefused:
            raise
        except (ValidationError, IntegrityError):
            preview.problems.append("导入时名单已被他人修改，没有写入任何数据。请重新上传预览后再确认。")
            raise ImportRefused(preview)

    def _write(self, preview, user):
        cities = {city.pk: city for city in self.cities.values()}
        counts = dict.fromkeys((NEW, UPDATE, REACTIVATE, UNCHANGED), 0)
        for row in preview.rows:
            counts[row.action] += 1
            if row.action == UNCHANGED:
                continue
            v = row.values
            try:
                services.save_unit(
                    user=user, unit=row.target, reason=f"导入：{preview.source}"[:100],
                    name=v["name"], credit_code=v["credit_code"], kind=v["kind"], batch=v["batch"],
                    city=cities[v["city_id"]], is_active=True,
                )
            except ValidationError as exc:
                row.problems.extend(exc.messages)
                raise ImportRefused(preview)
        return counts

    # -- the rows as they wait for the confirmation
    @staticmethod
    def dump(preview):
        return {"rows": [{"line": r.line, "values": r.values, "action": r.action} for r in preview.rows]}

    @staticmethod
    def load(payload):
        return Preview(rows=[Row(r["line"], r["values"], action=r["action"]) for r in payload["rows"]])


def template_workbook():
    """The empty list to fill in, with a sheet explaining each column."""
    wb = SafeWorkbook()
    sheet = wb.active
    sheet.title = "示范单位名单"
    sheet.append(HEADERS)
    for letter, width in zip("ABCDE", (40, 24, 12, 10, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    notes = wb.create_sheet("填写说明")
    for line in [
        ("栏目", "填写要求"),
        ("名称", "示范企业、平台、项目的名称；示范城市可不填（自动取地市名称）。"),
        ("统一社会信用代码", "18 位，请把该列设为“文本”格式；示范城市不填。"),
        ("类别", "示范企业、示范平台、示范项目或示范城市。"),
        ("批次", "1、2、3、4，或 第一批 至 第四批。"),
        ("地市", "所在地市名称（如 清远市）或行政区划代码（如 441800）。"),
        ("说明", "类别和统一社会信用代码（示范城市为地市）相同的单位视为同一单位：已有的更新，没有的新增。"
                 "有任何一行有问题时整个文件都不导入。"),
    ]:
        notes.append(line)
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 90
    return wb
