"""Import of the registry of recognised units from an XLSX: preview with per-row problems, then
all or nothing.

Two layers, so the Annex 2 import can share the shape later:
- generic: `Row`, `Preview`, `preview_upload` (safe open → read → check), `stash`/`take_stash`
  (the previewed rows wait in the session, named by a digest the confirm form sends back) and
  `confirm` (check again and apply in one transaction, or `ImportRefused` and nothing written);
- specific: `RegistryImporter` with `read(workbook)` (cells → rows and their problems, no
  database), `check(preview)` (problems and actions that depend on the database) and
  `apply(preview, user)` (the writes, through the services).
Moving the generic layer to `intake/imports.py` and giving the Annex 2 importer the same three
methods is all that sharing takes.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from ..models import BATCH_CHOICES, City, RecognisedUnit
from ..scoping import ensure_may_oversee_evaluation
from ..validators import SHENZHEN_REASON, fold_width, names_shenzhen, normalize_credit_code, validate_credit_code
from ..xlsx import SafeWorkbook, open_uploaded_workbook
from . import services

# ---------------------------------------------------------------------------- generic layer


@dataclass
class Row:
    line: int  # the row number Excel shows
    values: dict  # cleaned values, JSON-serialisable
    problems: list = field(default_factory=list)
    action: str = ""
    target: object = None  # the object `check` matched; not kept in the session


@dataclass
class Preview:
    rows: list
    problems: list = field(default_factory=list)  # about the file as a whole
    source: str = ""

    @property
    def rows_with_problems(self):
        return [row for row in self.rows if row.problems]

    @property
    def ok(self):
        return bool(self.rows) and not self.problems and not self.rows_with_problems

    def to_json(self):
        return {
            "source": self.source,
            "rows": [{"line": r.line, "values": r.values, "action": r.action} for r in self.rows],
        }

    @classmethod
    def from_json(cls, data):
        return cls(rows=[Row(r["line"], r["values"], action=r["action"]) for r in data["rows"]], source=data["source"])

    def digest(self):
        payload = json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(payload).hexdigest()


class ImportRefused(ValidationError):
    def __init__(self, preview):
        super().__init__("导入未完成，没有写入任何数据。请按提示修改后重新上传。", code="import_refused")
        self.preview = preview


def preview_upload(importer, uploaded):
    """Read and check an upload without writing anything; UploadRejected for a bad file."""
    workbook = open_uploaded_workbook(uploaded)
    try:
        preview = importer.read(workbook)
    finally:
        workbook.close()
    preview.source = uploaded.name or ""
    if not preview.problems:
        importer.check(preview)
    return preview


def stash(session, importer, preview):
    """Keep a clean preview until it is confirmed; returns the token the confirm form sends."""
    token = preview.digest()
    session[importer.session_key] = {"token": token, "preview": preview.to_json()}
    return token


def take_stash(session, importer, token):
    """The stashed preview named by `token`, or None (expired, replaced by a newer preview)."""
    stashed = session.get(importer.session_key)
    if not stashed or not token or stashed.get("token") != token:
        return None
    return Preview.from_json(stashed["preview"])


def drop_stash(session, importer):
    session.pop(importer.session_key, None)


def confirm(importer, preview, *, user):
    """Check again (the database may have changed since the preview) and apply every row, or
    none: any problem raises ImportRefused with the rows' problems and rolls everything back."""
    for row in preview.rows:
        row.problems, row.action, row.target = [], "", None
    try:
        with transaction.atomic():
            importer.check(preview)
            if not preview.ok:
                raise ImportRefused(preview)
            return importer.apply(preview, user=user)
    except ImportRefused:
        raise
    except (ValidationError, IntegrityError):
        preview.problems.append("导入时名单已被他人修改，没有写入任何数据。请重新上传预览后再确认。")
        raise ImportRefused(preview)


# ---------------------------------------------------------------------------- the registry

MAX_ROWS = 3000
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
    session_key = "evaluation_registry_import"

    def __init__(self):
        cities = list(City.objects.all())
        self.cities = {}
        for city in cities:
            for word in (city.name, city.name.removesuffix("市"), city.code):
                self.cities[word] = city

    # -- read: cells to rows, no database beyond the city list
    def read(self, workbook):
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        columns = None
        for header_line, cells in enumerate(rows, start=1):
            names = [_header(c) for c in cells]
            found = {key: names.index(s) for key, _h, spellings in COLUMNS for s in spellings if s in names}
            if len(found) == len(COLUMNS):
                columns = found
                break
            if header_line >= HEADER_SCAN_ROWS:
                break
        if columns is None:
            return Preview(rows=[], problems=[
                f"前 {HEADER_SCAN_ROWS} 行中找不到表头。第一个工作表应有一行表头："
                f"{'、'.join(HEADERS)}。请下载模板，按模板填写后重新上传。"
            ])
        preview = Preview(rows=[])
        seen = {}
        for line, cells in enumerate(rows, start=header_line + 1):
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
                f"类别“{kind_text}”无法识别，应为 {'、'.join(KIND_LABELS.values())} 之一。" if kind_text
                else "请填写类别（示范企业、示范平台、示范项目或示范城市）。"
            )
        batch_text = _text(raw["batch"])
        batch = BATCH_WORDS.get(batch_text)
        if batch is None:
            problems.append(
                f"批次“{batch_text}”无法识别，应为 1、2、3、4 或 第一批 至 第四批。" if batch_text
                else "请填写认定批次（1–4 或 第一批 至 第四批）。"
            )
        city_text = re.sub(r"\s", "", fold_width(_text(raw["city"])))
        city = self.cities.get(city_text)
        if city is None:
            if names_shenzhen(city_text):
                problems.append(f"深圳市不在本系统的推荐地市之列：{SHENZHEN_REASON}。请删除该行。")
            elif city_text:
                problems.append(f"地市“{city_text}”无法识别，请填写地市名称（如 清远市）或行政区划代码（如 441800）。")
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

    # -- apply: the writes, through the same service as a single edit
    def apply(self, preview, *, user):
        ensure_may_oversee_evaluation(user)
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
