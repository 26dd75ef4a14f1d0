"""Forms of the evaluation pages. What each state requires is checked once, in `services`."""

from crispy_forms.helper import FormHelper
from django import forms

from intake.common.forms import EMPTY_CHOICE, CreditCodeField, label_empty_choices
from intake.common.request_input import IdChoiceField
from intake.models import MINISTRY_PLATFORM, City, DeadlineExtension, RecognisedUnit, UnitEvaluation


def _helper(form):
    label_empty_choices(form)
    helper = FormHelper()
    helper.form_tag = False
    return helper


class EvaluationStateForm(forms.Form):
    state = forms.ChoiceField(label="填报状态", choices=UnitEvaluation.STATE_CHOICES, widget=forms.RadioSelect)
    filed_on = forms.DateField(
        label="网上填报日期", required=False,
        # ISO, the only value an <input type="date"> shows (the locale's 2023/05/18 stays blank)
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=f"选择“已在线填报”时填写：该单位在{MINISTRY_PLATFORM}完成填报的日期。",
        error_messages={"invalid": "日期格式不正确，应类似 2023-05-18。"},
    )
    unable_reason = forms.ChoiceField(
        label="无法填报原因", required=False, choices=[("", EMPTY_CHOICE)] + UnitEvaluation.REASON_CHOICES,
        help_text="选择“无法填报”时填写，如公司经营状态变更为吊销、注销、停业、清算。",
    )
    unable_detail = forms.CharField(
        label="情况说明", required=False, max_length=300, help_text="原因为“其他”时必填。"
    )
    explanation = forms.FileField(
        label="书面说明（盖章扫描件，PDF）", required=False,
        help_text="选择“无法填报”时上传；已上传过的可不再上传，重新上传则替换。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(self)
        self.fields["state"].error_messages["required"] = "请选择填报状态。"

    @classmethod
    def for_evaluation(cls, evaluation, data=None, files=None):
        return cls(data, files, initial={
            "state": evaluation.state, "filed_on": evaluation.filed_on,
            "unable_reason": evaluation.unable_reason, "unable_detail": evaluation.unable_detail,
        })


class RecognisedUnitForm(forms.ModelForm):
    # Wider than the 18 characters stored: a code typed with spaces or dashes is cleaned first.
    credit_code = CreditCodeField(label="统一社会信用代码", max_length=30, required=False,
                                  help_text="示范城市不填；其他类别必填（18 位，见营业执照）。")

    class Meta:
        model = RecognisedUnit
        fields = ["kind", "batch", "city", "name", "credit_code", "is_active"]
        field_classes = {"city": IdChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(self)
        self.fields["city"].queryset = City.objects.all()
        for field in self.fields.values():
            verb = "请选择" if isinstance(field, forms.ChoiceField) else "请填写"
            field.error_messages["required"] = f"{verb}{field.label}。"


class ExtensionForm(forms.Form):
    city = IdChoiceField(City.objects.all(), label="地市", empty_label="请选择地市")
    kind = forms.ChoiceField(
        label="截止类型",
        choices=[(k, v) for k, v in DeadlineExtension.KIND_CHOICES if k != DeadlineExtension.SUBMISSION],
    )
    deadline = forms.DateTimeField(
        label="延至（北京时间）", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"invalid": "时间格式不正确，应类似 2023-05-27 23:59。"},
    )
    reason = forms.CharField(label="延期原因", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(self)
        for field in self.fields.values():
            verb = "请选择" if isinstance(field, forms.ChoiceField) else "请填写"
            field.error_messages["required"] = f"{verb}{field.label}。"


class RegistryUploadForm(forms.Form):
    file = forms.FileField(label="示范单位名单（XLSX）", error_messages={"required": "请选择要上传的 XLSX 文件。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(self)
