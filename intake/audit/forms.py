"""The auditor's filters (query string). A value that is not valid is ignored, never sent to the
database."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from intake.audit.selectors import history_models
from intake.models import City, SecurityEvent

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "required": False}


class FilterMixin:
    """Bootstrap classes on every field; dates outside 2000–2100 and other invalid values ignored."""

    def __init__(self, data=None):
        super().__init__(data)
        for field in self.fields.values():
            select = isinstance(field, forms.ChoiceField)
            field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if hasattr(value, "year") and not 2000 <= value.year <= 2100:
                self.add_error(name, "日期应在 2000 年至 2100 年之间。")
        return cleaned

    def filters(self):
        self.is_valid()
        return {name: self.cleaned_data.get(name) or None for name in self.fields}


class AuditFilterForm(FilterMixin, forms.Form):
    date_from = forms.DateField(label="起始日期", **DATE)
    date_to = forms.DateField(label="截止日期", **DATE)
    account = forms.CharField(label="账号", max_length=150, required=False)
    city = forms.ChoiceField(label="地市", required=False)
    kind = forms.ChoiceField(label="事件", required=False, choices=[("", "全部"), *SecurityEvent.KIND_CHOICES])

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["city"].choices = [("", "全部"), *City.objects.values_list("code", "name")]


class HistoryFilterForm(FilterMixin, forms.Form):
    date_from = forms.DateField(label="起始日期", **DATE)
    date_to = forms.DateField(label="截止日期", **DATE)
    model = forms.ChoiceField(label="数据类别", required=False)
    account = forms.CharField(label="操作人", max_length=150, required=False)

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["model"].choices = [
            ("", "全部"), *((label, model._meta.verbose_name) for label, model in history_models().items())
        ]

    def filters(self):
        values = super().filters()
        today = timezone.localdate()
        values["date_to"] = values["date_to"] or today
        values["date_from"] = values["date_from"] or values["date_to"] - timedelta(days=30)
        return values
