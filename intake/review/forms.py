"""Forms of the city's slate (填报人, stamped uploads, 发文字号, formal review) and of the
province's decisions (return, reject) and its own selection sheet's contact."""

from django import forms

from intake.common.forms import PhoneField
from intake.common.validators import normalize_form_no, validate_phone
from intake.models import Nomination, ProvinceContact, Slate


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
