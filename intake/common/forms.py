"""Form pieces every stage's forms use: 请选择 in drop-downs, and fields that fold what an input
method typed before any check runs."""

from django import forms

from intake.common.validators import normalize_credit_code, normalize_email, normalize_form_no, normalize_phone

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


class ReadInOneQuery(forms.models.ModelChoiceIterator):
    """A select's rows read by one plain query. Django's own iterator streams them through a
    server-side cursor on PostgreSQL: three round trips (DECLARE, FETCH, CLOSE) for the handful of
    reference rows a select offers."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


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
