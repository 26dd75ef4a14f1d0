"""Exports of the evaluation, behind the exporter interface (`intake/common/exports.py`)."""

from django.utils import timezone

from intake.common.exports import XlsxExporter
from intake.common.localtime import local_time
from intake.common.xlsx import SafeWorkbook
from intake.evaluation import selectors
from intake.evaluation.registry_import import HEADERS, template_workbook
from intake.models import City, RecognisedUnit


class RegistryExport(XlsxExporter):
    """The whole registry with each unit's state in `campaign`, and the progress per city.

    The first columns are the import's, so the file can be edited and imported again."""

    identifier = "evaluation_registry"
    verbose_name = "前四批示范单位评估评价情况"
    COLUMNS = HEADERS + [
        "登录账号", "评估评价状态", "网上填报日期", "无法填报原因", "情况说明", "书面说明", "进度",
        "网上填报截止", "书面说明截止", "在册", "最后修改人", "修改时间",
    ]

    def __init__(self, campaign, now=None):
        self.campaign = campaign
        self.now = now or timezone.now()

    def render(self):
        wb = SafeWorkbook()
        sheet = wb.active
        sheet.title = "示范单位"
        sheet.append(self.COLUMNS)
        units = RecognisedUnit.objects.all()
        for row in selectors.unit_rows(self.campaign, units, self.now):
            unit, evaluation = row.unit, row.evaluation
            evaluated = unit.is_active and unit.is_evaluated
            sheet.append([
                unit.name, unit.credit_code, unit.get_kind_display(), unit.batch, unit.city.name,
                unit.account_note,
                evaluation.get_state_display() if evaluated else "不参加评估",
                evaluation.filed_on,
                evaluation.get_unable_reason_display() if evaluation.unable_reason else "",
                evaluation.unable_detail,
                "已上传" if evaluation.explanation else "",
                row.standing_label if evaluated else "",
                local_time(row.deadlines.online, empty=""), local_time(row.deadlines.explanation, empty=""),
                "是" if unit.is_active else "否",
                self._who(evaluation), local_time(evaluation.updated_at, empty="") if evaluation.pk else "",
            ])
        for letter, width in zip("ABCDEFGHIJ", (40, 22, 10, 6, 10, 30, 12, 12, 12, 30), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
        self._progress_sheet(wb.create_sheet("各地市进度"), units)
        filename = f"{self.verbose_name}-{self.campaign.year}-{timezone.localdate(self.now):%Y%m%d}.xlsx"
        return filename, self.mimetype, wb.to_bytes()

    def ascii_filename(self):
        return f"{self.identifier}_{self.campaign.year}.xlsx"

    def _progress_sheet(self, sheet, units):
        sheet.append(["地市", *[label for _key, label in selectors.STANDINGS], "合计", "网上填报截止", "书面说明截止"])
        for p in selectors.progress_by_city(self.campaign, City.objects.all(), units, self.now):
            sheet.append([
                p.city.name, p.done, p.explained, p.outstanding, p.overdue, p.total,
                local_time(p.deadlines.online, empty=""), local_time(p.deadlines.explanation, empty=""),
            ])

    @staticmethod
    def _who(evaluation):
        user = evaluation.updated_by if evaluation.updated_by_id else None
        return (user.get_full_name() or user.username) if user else ""


class RegistryImportTemplate(XlsxExporter):
    """An empty registry list with the import's columns, to fill in and import."""

    identifier = "evaluation_import_template"
    verbose_name = "前四批示范单位名单（导入模板）"

    def render(self):
        return f"{self.verbose_name}.xlsx", self.mimetype, template_workbook().to_bytes()
