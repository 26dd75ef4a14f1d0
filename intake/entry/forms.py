"""Forms: one nomination form whose fields follow the category's Annex 2 columns."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

from intake.common.request_input import IdChoiceField
from intake.common.validators import (
    normalize_credit_code,
    normalize_email,
    normalize_form_no,
    normalize_phone,
    validate_phone,
)
from intake.models import (
    ENTRY_FIELDS,
    MINISTRY_PLATFORM,
    MINISTRY_PLATFORM_URL,
    Category,
    DemoMode,
    Nomination,
    ProvinceContact,
    Slate,
)
from intake.review.crosschecks import percent

HELP_TEXTS = {
    "credit_code": "18 位，见营业执照；第 3–8 位为登记地行政区划代码，须为广东省（44 开头），深圳市注册的除外。",
    "contact_phone": "手机号，或带区号的固定电话，如 020-83133359。",
    "electronic_no": f"申报主体在“{MINISTRY_PLATFORM}”（{MINISTRY_PLATFORM_URL}）在线填报后获得的编号，"
                     "地市须核对纸质材料编号与之一致。",
    "provider": "平台属于公共服务提供商或应用服务提供商，按申报书填写。",
    "city_kind": "示范城市分为工业设计特色类和其他类。",
}
EMPTY_CHOICE = "请选择"


def label_empty_choices(form):
    """Drop-downs start with 请选择, not Django's "---------" (every form of the site calls this)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = EMPTY_CHOICE
        elif isinstance(field, forms.ChoiceField) and not isinstance(field.widget, forms.RadioSelect):
            field.choices = [(value, EMPTY_CHOICE if value == "" and label == "---------" else label)
                             for value, label in field.choices]


# Fields that fold what an input method typed (full-width digits, ideographic spaces) before any
# check runs: the same functions the models' own validation uses (validators.py).
class _Normalised:
    normalize = staticmethod(lambda value: value)

    def to_python(self, value):
        return super().to_python(self.normalize(value) if isinstance(value, str) else value)


class CreditCodeField(_Normalised, forms.CharField):
    normalize = staticmethod(normalize_credit_code)


class PhoneField(_Normalised, forms.CharField):
    normalize = staticmethod(normalize_phone)


class EmailField(_Normalised, forms.EmailField):
    normalize = staticmethod(normalize_email)


class FormNoField(_Normalised, forms.CharField):
    normalize = staticmethod(normalize_form_no)


class NominationForm(forms.ModelForm):
    """Built for one category; `allow_category_change` adds the 类别 select used when editing
    (the view then builds the form for the category posted, so its own columns are asked for)."""

    # Wider than the 18 characters stored: a code typed with spaces or dashes is cleaned first.
    credit_code = CreditCodeField(label="统一社会信用代码", max_length=30)

    class Meta:
        model = Nomination
        fields = list(dict.fromkeys(f for names in ENTRY_FIELDS.values() for f in names))
        field_classes = {
            "contact_phone": PhoneField, "contact_email": EmailField, "electronic_no": FormNoField,
            "demo_mode": IdChoiceField,
        }

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
        if "service_revenue_share" in self.fields:
            self.fields["service_revenue_share"].widget.attrs.update(min="0", max="100", step="0.01")
        for name, text in {**HELP_TEXTS, **self._condition_help()}.items():
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
        label_empty_choices(self)
        # The options of the reference selects read once per form: left lazy, Django reads the
        # table again to decide the select's `required` attribute.
        for name in ("category", "demo_mode"):
            if name in self.fields:
                self.fields[name].choices = list(iter(self.fields[name].choices))  # iter: no COUNT first
        self.helper = FormHelper()
        self.helper.form_tag = False

    def _condition_help(self):
        """The campaign's own thresholds (admins edit them with the campaign)."""
        campaign = self.instance.campaign if self.instance.campaign_id else None
        if campaign is None:
            return {}
        return {
            "service_revenue_share": f"填写百分数（0–100），原则上不低于 {percent(campaign.min_service_revenue_share)}%"
                                     "；低于时可以保存，省厅审核时会看到提示。",
            "platform_launch_date": f"截至申报日（{campaign.cutoff_date:%Y-%m-%d}）平台应已运营满 "
                                    f"{campaign.min_platform_years} 年；不满时可以保存，省厅审核时会看到提示。",
        }

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
    """填报人 and 联系电话 of an Annex 2 header: a city's on its slate."""

    class Meta:
        model = Slate
        fields = ["filler_name", "filler_phone"]
        field_classes = {"filler_phone": PhoneField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filler_name"].required = True
        self.fields["filler_phone"].required = True
        self.fields["filler_name"].error_messages["required"] = "请填写填报人。"
        self.fields["filler_phone"].error_messages["required"] = "请填写联系电话。"
        self.fields["filler_phone"].help_text = "印在附件2汇总表的表头。"
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_filler_name(self):
        return (self.cleaned_data.get("filler_name") or "").strip()

    def clean_filler_phone(self):
        phone = self.cleaned_data.get("filler_phone")
        validate_phone(phone)
        return phone


class ProvinceContactForm(SlateContactForm):
    """The same two fields for the province's own selection sheet, and the 发文字号 of the
    department's recommendation letter (its shape judged by the service, with the campaign's year)."""

    class Meta:
        model = ProvinceContact
        fields = ["filler_name", "filler_phone", "letter_number"]
        field_classes = {"filler_phone": PhoneField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filler_phone"].help_text = "印在附件2汇总表的表头和推荐函的附注。"



# --- Slate review ---------------------------------------------------------------------------------


class FormalReviewForm(forms.Form):
    """One row of the city's formal review table (its inputs carry the row's `form` attribute).
    A plain form: only these columns are checked here, the service validates the nomination."""

    FIELDS = Nomination.FORMAL_REVIEW_FIELDS
    COLUMN_NAMES = {"site_check_note": "现场核查情况", "paper_no": "纸质材料编号"}

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
        # The table's column heads are not labels: each input names its column and its nominee.
        for name, field in self.fields.items():
            field.widget.attrs["aria-label"] = f"{nomination.name}：{self.COLUMN_NAMES.get(name, field.label)}"

    def clean_paper_no(self):
        return normalize_form_no(self.cleaned_data.get("paper_no"))


class SlateUploadForm(forms.Form):
    # Type, size and readability are judged by intake.common.uploads.validate_pdf in the service; the
    # Annex 2 校验码 the stamped paper prints (the Annex 2, or the letter that lists it) by the service
    # too, against the data under the city's lock.
    file = forms.FileField(label="PDF 文件", required=False)
    code = forms.CharField(label="盖章材料上印的附件2校验码", max_length=20, required=False)


class LetterNumberForm(forms.Form):
    # The shape (机关代字〔年份〕序号号) is judged by the service, with the campaign's year.
    letter_number = forms.CharField(
        label="推荐函发文字号", max_length=40, required=False,
        error_messages={"max_length": "发文字号不能超过 %(limit_value)d 个字符（现为 %(show_value)d 个）。"},
    )


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


# --- Annex 2 import -------------------------------------------------------------------------------


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
