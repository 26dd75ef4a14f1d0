"""Forms: one nomination form whose fields follow the category's Annex 2 columns."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from intake.common.forms import (
    CreditCodeField,
    EmailField,
    FormNoField,
    PhoneField,
    ReadInOneQuery,
    label_empty_choices,
)
from intake.common.request_input import IdChoiceField, parse_int
from intake.models import (
    ENTRY_FIELDS,
    MINISTRY_PLATFORM,
    MINISTRY_PLATFORM_URL,
    Category,
    DemoMode,
    Nomination,
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


class ListedChoices:
    """A select of reference rows (categories, demo modes) read once per form: `list_choices()` reads
    the options the page shows (left lazy, Django reads the table again to decide the select's
    `required` attribute), and a posted value is then found among those rows rather than read
    from the table again; a value that is not among them is refused as Django refuses it."""

    _listed = None

    def list_choices(self):
        self.choices = list(iter(self.choices))  # iter: no COUNT first
        self._listed = {str(value): value.instance for value, _ in self.choices if hasattr(value, "instance")}

    def to_python(self, value):
        if self._listed is None or value in self.empty_values or isinstance(value, self.queryset.model):
            return super().to_python(value)
        key = str(value)
        if isinstance(self.queryset.model._meta.pk, models.IntegerField):
            key = str(parse_int(key))  # ASCII digits, as IdChoiceField reads an id
        try:
            return self._listed[key]
        except KeyError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class ListedModelChoiceField(ListedChoices, forms.ModelChoiceField):
    iterator = ReadInOneQuery


class ListedIdChoiceField(ListedChoices, IdChoiceField):
    pass


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
            "demo_mode": ListedIdChoiceField,
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
            self.fields["category"] = ListedModelChoiceField(
                Category.objects.exclude(pk=Category.CITY), label="类别", initial=category, empty_label=None,
                help_text="改为其他类别须该类别仍有名额；保存后表单会按新类别显示应填写的栏目。",
            )
            self.order_fields(["category"])
        label_empty_choices(self)
        for name in ("category", "demo_mode"):
            if name in self.fields:
                self.fields[name].list_choices()

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
    def posted_category(data, current=None):
        """The category an edit form posts (the view builds the form for it), or None if it names none;
        `current`: the nominee's own category, given back as it is when posted unchanged (most saves)."""
        if current is not None and data.get("category") == current.pk:
            return current
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


# --- Slate review ---------------------------------------------------------------------------------


# --- Annex 2 import -------------------------------------------------------------------------------


