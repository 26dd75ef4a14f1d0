"""The upload form of an Annex 2 workbook to import."""

from crispy_forms.helper import FormHelper
from django import forms


class Annex2ImportForm(forms.Form):
    file = forms.FileField(
        label="附件2 汇总表（XLSX）",
        help_text="本系统导出的附件2，或官方空白表填写后另存为 .xlsx；须有“统一社会信用代码”列。",
        error_messages={"required": "请选择要上传的 XLSX 文件。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
