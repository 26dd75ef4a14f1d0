"""Forms: one nomination form whose fields follow the category's Annex 2 columns."""

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .models import ENTRY_FIELDS, Category, DemoMode, Nomination, Slate
from .request_input import IdChoiceField
from .validators import normalize_credit_code, validate_phone

HELP_TEXTS = {
    "credit_code": "18 位，见营业执照；第 3–8 位为登记地行政区划代码，须为广东省（44 开头）。",
    "contact_phone": "手机号，或带区号的固定电话，如 020-83133359。",
    "electronic_no": "申报主体在“服务型制造公共服务平台”在线填报后获得的编号，地市须核对纸质材料编号与之一致。",
    "service_revenue_share": "服务收入占营业收入的比重，原则上不低于 30%（工信厅政法函〔2023〕42号）。",
    "platform_launch_date": "截至申报日平台应已运营满 2 年。",
    "provider": "平台属于公共服务提供商或应用服务提供商，按申报书填写。",
    "city_kind": "示范城市分为工业设计特色类和其他类。",
}


def normalize_phone(value):
    return re.sub(r"[\s()（）]", "", value or "")


class NominationForm(forms.ModelForm):
    """Built for one category; `allow_category_change` adds the 类别 select used when editing
    (the view then builds the form for the category posted, so its own columns are asked for)."""

    # Wider than the 18 characters stored: a code typed with spaces or dashes is cleaned first.
    credit_code = forms.CharField(label="统一社会信用代码", max_length=30)

    class Meta:
        model = Nomination
        fields = list(dict.fromkeys(f for names in ENTRY_FIELDS.values() for f in names))
        field_classes = {"demo_mode": IdChoiceField}

    def __init__(self, *args, category, allow_category_change=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        wanted = ENTRY_FIELDS[category.code]
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if "name" in self.fields:
            self.fields["name"].label = category.name_label
        if "demo_mode" in self.fields:
            self.fields["demo_mode"].queryset = DemoMode.objects.filter(is_active=True)
            self.fields["demo_mode"].required = True
        if "credit_code" in self.fields:
            self.fields["credit_code"].required = True
        if "provider" in self.fields:
            self.fields["provider"].required = True
        if "city_kind" in self.fields:
            self.fields["city_kind"].required = True
        if "platform_launch_date" in self.fields:
            self.fields["platform_launch_date"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        for name, text in HELP_TEXTS.items():
            if name in self.fields:
                self.fields[name].help_text = text
        for field in self.fields.values():
            verb = "请选择" if isinstance(field, forms.ChoiceField) else "请填写"
            field.error_messages["required"] = f"{verb}{field.label}。"
        if "contact_email" in self.fields:
            self.fields["contact_email"].error_messages["invalid"] = "电子邮箱格式不正确，应类似 name@example.com。"
        if allow_category_change and not category.is_city:
            self.fields["category"] = forms.ModelChoiceField(
                Category.objects.exclude(pk=Category.CITY), label="类别", initial=category, empty_label=None,
                help_text="改为其他类别须该类别仍有名额；保存后表单会按新类别显示应填写的栏目。",
            )
            self.order_fields(["category"])
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data.get("credit_code"))

    def clean_contact_phone(self):
        return normalize_phone(self.cleaned_data.get("contact_phone"))

    def clean_name(self):
        return (self.cleaned_data.get("name") or "").strip()

    def _post_clean(self):
        # The model's clean() knows the category's required columns; let it see the new one.
        chosen = self.cleaned_data.get("category")
        if chosen is not None:
            self.instance.category = chosen
        super()._post_clean()

    def _update_errors(self, errors):
        # The model's clean() repeats "required" for a column the form has already flagged.
        if hasattr(errors, "error_dict"):
            errors = ValidationError({f: e for f, e in errors.error_dict.items() if f not in self._errors})
        super()._update_errors(errors)

    def entry_fields(self):
        """The cleaned values the services take."""
        return {name: self.cleaned_data[name] for name in ENTRY_FIELDS[self.category.code]}

    @staticmethod
    def posted_category(data):
        """The category an edit form posts (the view builds the form for it), or None if it names none."""
        field = forms.ModelChoiceField(Category.objects.all(), required=False)
        try:
            return field.clean(data.get("category"))
        except ValidationError:
            return None


class NominationFilterForm(forms.Form):
    """The nomination list's filters, from the query string. A value that is not one of the choices
    (another city's code for a city clerk, garbage) is ignored rather than sent to the database."""

    category = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", ""), *Nomination.STATUS_CHOICES])
    city = forms.ChoiceField(required=False)

    def __init__(self, data, *, categories, cities=None):
        super().__init__(data)
        self.fields["category"].choices = [("", ""), *((c.code, c.name) for c in categories)]
        self.fields["city"].choices = [("", ""), *((c.code, c.name) for c in cities or ())]

    def filters(self):
        """{field: cleaned value or ""} for every filter, the invalid ones left empty."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回原因", max_length=300, required=False)


class SlateContactForm(forms.ModelForm):
    class Meta:
        model = Slate
        fields = ["filler_name", "filler_phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filler_name"].required = True
        self.fields["filler_phone"].required = True
        self.fields["filler_phone"].help_text = "印在附件2汇总表的表头。"
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_filler_phone(self):
        phone = normalize_phone(self.cleaned_data.get("filler_phone"))
        validate_phone(phone)
        return phone


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入（注意区分大小写）。连续输错多次将暂时锁定。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }


# --- Slate review (issue 4) ------------------------------------------------------------------


class FormalReviewForm(forms.Form):
    """One row of the city's formal review table (its inputs carry the row's `form` attribute).
    A plain form: only these columns are checked here, the service validates the nomination."""

    FIELDS = (*Nomination.CHECK_FIELDS, "site_check_note", "paper_no")

    def __init__(self, *args, nomination, read_only=False, **kwargs):
        kwargs.setdefault("initial", {name: getattr(nomination, name) for name in self.FIELDS})
        kwargs.setdefault("prefix", f"n{nomination.pk}")
        super().__init__(*args, **kwargs)
        for name in self.FIELDS:
            self.fields[name] = Nomination._meta.get_field(name).formfield()
        form_id = f"review-{nomination.pk}"
        for field in self.fields.values():
            field.widget.attrs.update({"form": form_id, "class": "form-select form-select-sm"})
            field.disabled = read_only
        for name in ("site_check_note", "paper_no"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["site_check_note"].widget.attrs["placeholder"] = "未现场核查可不填"
        self.fields["paper_no"].widget.attrs["placeholder"] = "纸质申报书上的编号"

    def clean_paper_no(self):
        return (self.cleaned_data.get("paper_no") or "").strip()


class SlateUploadForm(forms.Form):
    # Type, size and readability are judged by intake.uploads.validate_pdf in the service.
    file = forms.FileField(label="PDF 文件", required=False)


class ReturnSlateForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=500, error_messages={"required": "请填写退回原因。"})
    extend_to = forms.DateTimeField(
        label="延期至（可选）", required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text="推荐已截止时必须填写，否则地市退回后无法修改。北京时间。",
        error_messages={"invalid": "延期时间格式不正确，应类似 2023-05-10 18:00。"},
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label="不予受理原因", max_length=300,
                             error_messages={"required": "请填写不予受理的原因。"})


# --- Annex 2 import (issue 3) ----------------------------------------------------------------


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
