"""Property-based fuzzing (hypothesis) of every form, through the view that receives it: whatever
is posted, and whatever is put in the query string of the list pages, the answer is never a 500.

Values per field mix nonsense (any text, NUL and control characters, huge numbers, NaN, odd
dates, markup) with near-valid ones (valid credit codes of any region, real choice values) so
the rules behind validation are reached too. Each example runs in a savepoint that is rolled
back, so every example starts from the same data and failures shrink cleanly.

Every form class defined in the project must have a Target here (test_every_form_is_fuzzed).
"""

import string
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from intake.accounts.forms import (
    AccountCreateForm,
    LoginForm,
    PasswordChangeForm,
    SecondFactorForm,
    TwoFactorSetupForm,
)
from intake.admin import DeadlineExtensionForm, PasswordSetByAdminForm
from intake.annex2.forms import Annex2ImportForm
from intake.audit.forms import AuditFilterForm, HistoryFilterForm
from intake.common.validators import PHONE_RE
from intake.entry.forms import NominationFilterForm, NominationForm, WithdrawForm
from intake.evaluation.forms import EvaluationStateForm, ExtensionForm, RecognisedUnitForm, RegistryUploadForm
from intake.models import Category, City
from intake.review.forms import (
    FormalReviewForm,
    LetterNumberForm,
    ProvinceContactForm,
    RejectForm,
    ReturnSlateForm,
    SlateContactForm,
    SlateUploadForm,
)
from tests.factories import nominate, ready_slate, recognised, submit, user

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = 25

NASTY = [
    "", " ", "\x00", "a\x00b", "\r\n", "\t", "0", "-1", "1e309", "-1e309", "NaN", "Infinity", "-0", "9" * 40,
    "１２３", "٣", "<script>alert(1)</script>", "' OR 1=1 --", "😀", "\u202e", "a" * 1000, "2023-02-30",
    "0000-00-00", "99999-01-01", "2023-13-01", "13800138000", "020-83133359", "x@y", "a@b.c", "None", "null",
    "[]", "{}", "%00", "../../etc/passwd", "../", "//evil.example", "https://evil.example/", "3.14159",
    "100.001", "999.99", "1000", "-0.01",
]


def credit_codes():
    """Valid GB 32100 codes of any region (Guangdong and not), and mutated ones."""
    regions = st.sampled_from(["441800", "441300", "440100", "440000", "110000", "999999"])
    valid = st.builds(
        lambda region, n: (lambda body: body + uscc.calc_check_digit(body))(f"91{region}MA{n:07d}"),
        regions, st.integers(0, 9_999_999),
    )
    mutated = st.builds(lambda code, i, c: code[:i] + c + code[i + 1:], valid, st.integers(0, 17),
                        st.sampled_from(string.ascii_uppercase + string.digits + "-"))
    return st.one_of(valid, mutated, valid.map(lambda c: f" {c[:6]}-{c[6:]} "))


# What breaks databases and parsers: weighted so every field meets them in a modest run.
POISON = ["\x00", "a\x00b", "\x00" * 3, "%00", "\\", "'", '"', "\x1b", "\u2028", "\ufeff", "\U0010ffff"]
poison = st.one_of(st.sampled_from(POISON), st.text(alphabet="\x00\x01\r\n'\"<>&%;\\ a1-", max_size=20))


def anything():
    return st.one_of(poison, st.sampled_from(NASTY), st.text(max_size=60))


def uploads():
    """Files as a browser would send them: junk, empty, a real PDF, a cut-off one, wrong names."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import pdf_bytes

    pdf = pdf_bytes()
    contents = st.one_of(st.binary(max_size=4096), st.just(b""), st.just(pdf), st.integers(1, len(pdf) - 1).map(
        lambda n: pdf[:n]), st.just(b"PK\x03\x04" + b"\0" * 64))
    names = st.one_of(st.sampled_from(["letter.pdf", "附件2.xlsx", "a", ".pdf", "../../x.pdf", "x" * 300]), st.text(
        min_size=1, max_size=40).filter(lambda n: "\x00" not in n and "/" not in n))
    return st.builds(lambda name, content: SimpleUploadedFile(name, content), names, contents)


def values_for(name, field):
    if isinstance(field, forms.FileField):
        return st.one_of(uploads(), anything())
    options = [anything()]
    if isinstance(field, forms.ModelChoiceField):
        pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)]
        options.append(st.sampled_from(pks + ["999999", "-1"]))
    elif isinstance(field, forms.ChoiceField):
        options.append(st.sampled_from([str(k) for k, _ in field.choices if k != ""] + ["other_x"]))
    if isinstance(field, forms.DateField):
        options.append(st.dates().map(str))
    if isinstance(field, forms.DecimalField):
        options += [st.decimals(allow_nan=True, allow_infinity=True).map(str), st.floats().map(str)]
    if isinstance(field, forms.EmailField):
        options.append(st.emails())
    if name == "credit_code":
        options.append(credit_codes())
    if "phone" in name:
        options.append(st.from_regex(PHONE_RE, fullmatch=True))
    return st.one_of(options)


def form_data(draw, form, extra=()):
    fields = {form.add_prefix(name): values_for(name, field) for name, field in (form.fields.items() if form else ())}
    for name, known in extra:
        fields[name] = st.one_of(anything(), st.sampled_from(known)) if known else anything()
    return draw(st.fixed_dictionaries({}, optional=fields))


@dataclass
class Target:
    form: type | None  # None: a page that reads parameters without a form
    url: Callable  # ctx -> URL
    build: Callable  # ctx -> an unbound instance of the form, to learn its fields
    account: str | None = "qingyuan"
    extra: tuple = ()  # (parameter or ctx -> parameter, sensible values) the view reads besides the form's fields
    method: str = "post"
    settings: dict = field(default_factory=dict)  # settings the view needs to reach the form
    prepare: Callable = None  # ctx, client -> None: puts the client where the form is asked for


CAMPAIGN = ("campaign", ["2023", "2026", "1999", "99999999999999999999"])
PAGE = ("page", ["1", "2", "0", "-1", "last", "999"])
TOKEN = ("token", ["", "0" * 32])


def _new(code):
    return Target(NominationForm, lambda c: f"/nominations/new/{code}/",
                  lambda c: NominationForm(category=Category.objects.get(pk=code)))


TARGETS = {
    **{f"new-{code}": _new(code) for code in ["enterprise", "platform_shared", "platform_other", "project", "city"]},
    "edit": Target(NominationForm, lambda c: f"/nominations/{c['own'].pk}/",
                   lambda c: NominationForm(category=c["own"].category, instance=c["own"], allow_category_change=True)),
    "withdraw": Target(WithdrawForm, lambda c: f"/nominations/{c['own'].pk}/withdraw/", lambda c: WithdrawForm()),
    "slate-contact": Target(SlateContactForm, lambda c: "/slate/contact/", lambda c: SlateContactForm(),
                            extra=(CAMPAIGN,)),
    "login": Target(LoginForm, lambda c: "/accounts/login/", lambda c: LoginForm(), account=None,
                    extra=(("next", ["/", "//evil.example/", "https://evil.example/", "/nominations/"]),)),
    # The captcha is asked for at once (CAPTCHA_AFTER_FAILURES = 0), for a real account name too.
    "login-captcha": Target(LoginForm, lambda c: "/accounts/login/", lambda c: LoginForm(), account=None,
                            settings={"CAPTCHA_AFTER_FAILURES": 0},
                            extra=(("username", ["qingyuan", "province"]), ("captcha_0", []), ("captcha_1", []))),
    # Login steps and account pages
    "second-factor": Target(SecondFactorForm, lambda c: "/accounts/two-factor/", lambda c: SecondFactorForm(),
                            account=None, prepare=lambda c, client: _pending_login(client, "province")),
    "two-factor-setup": Target(TwoFactorSetupForm, lambda c: "/accounts/two-factor/setup/",
                               lambda c: TwoFactorSetupForm()),
    "recovery-renew": Target(TwoFactorSetupForm, lambda c: "/accounts/two-factor/recovery/renew/",
                             lambda c: TwoFactorSetupForm(), account="province",
                             prepare=lambda c, client: _enrol("province")),
    "password-change": Target(PasswordChangeForm, lambda c: "/accounts/password/change/",
                              lambda c: PasswordChangeForm(user=user("qingyuan"))),
    "user-new": Target(AccountCreateForm, lambda c: "/users/new/", lambda c: AccountCreateForm(roles=["city"]),
                       account="province"),
    "user-new-admin": Target(AccountCreateForm, lambda c: "/users/new/",
                             lambda c: AccountCreateForm(roles=["city", "province", "auditor", "admin"]),
                             account="admin"),
    "admin-password": Target(PasswordSetByAdminForm, lambda c: f"/admin/intake/user/{user('qingyuan').pk}/password/",
                             lambda c: PasswordSetByAdminForm(user("qingyuan")), account="admin"),
    "audit-log": Target(AuditFilterForm, lambda c: "/audit/", lambda c: AuditFilterForm(), account="auditor",
                        method="get", extra=(PAGE,)),
    "audit-export": Target(AuditFilterForm, lambda c: "/audit/export.xlsx", lambda c: AuditFilterForm(),
                           account="auditor", method="get"),
    "audit-history": Target(HistoryFilterForm, lambda c: "/audit/history/", lambda c: HistoryFilterForm(),
                            account="auditor", method="get"),
    **{
        f"list-{account}": Target(
            NominationFilterForm, lambda c: "/nominations/", method="get", account=account, extra=(CAMPAIGN, PAGE),
            build=lambda c: NominationFilterForm({}, categories=Category.objects.all(), cities=City.objects.all()),
        )
        for account in ("qingyuan", "province")
    },
    **{
        f"home-{account}": Target(None, lambda c: "/", lambda c: None, account=account, extra=(CAMPAIGN,), method="get")
        for account in ("qingyuan", "province")
    },
    # The city's slate and the Annex 2 import
    "formal-review": Target(FormalReviewForm, lambda c: f"/nominations/{c['own'].pk}/review/",
                            lambda c: FormalReviewForm(nomination=c["own"])),
    "slate-upload": Target(SlateUploadForm, lambda c: "/slate/upload/letter/", lambda c: SlateUploadForm(),
                           extra=(CAMPAIGN,)),
    "letter-number": Target(LetterNumberForm, lambda c: "/slate/letter-number/", lambda c: LetterNumberForm(),
                            extra=(CAMPAIGN,)),
    "slate-upload-annex2": Target(SlateUploadForm, lambda c: "/slate/upload/annex2/", lambda c: SlateUploadForm(),
                                  extra=(CAMPAIGN, ("code", ["7K3M-Q9TX", "ＯＯＯＯ-ＩＩＩＩ", "校验码：", "0" * 40]))),
    # The admin's extension form (a ModelForm of the admin, with its split date and time inputs)
    "admin-extension": Target(DeadlineExtensionForm, lambda c: "/admin/intake/deadlineextension/add/",
                              lambda c: DeadlineExtensionForm(), account="admin",
                              extra=(("deadline_0", ["2030-01-01", "2000-01-01", "x"]),
                                     ("deadline_1", ["23:59", "25:61", ""]), ("_save", ["1"]))),
    "annex2-import": Target(Annex2ImportForm, lambda c: "/imports/annex2/", lambda c: Annex2ImportForm()),
    "annex2-confirm": Target(None, lambda c: "/imports/annex2/confirm/", lambda c: None, extra=(TOKEN,)),
    # The province's review of a submitted slate
    "reject": Target(RejectForm, lambda c: f"/nominations/{c['submitted'].pk}/reject/", lambda c: RejectForm(),
                     account="province"),
    "return": Target(ReturnSlateForm, lambda c: f"/review/{c['submitted'].city.code}/return/",
                     lambda c: ReturnSlateForm(), account="province", extra=(CAMPAIGN,)),
    "province-contact": Target(ProvinceContactForm, lambda c: "/selection/contact/", lambda c: ProvinceContactForm(),
                               account="province", extra=(CAMPAIGN,)),
    "paper": Target(None, lambda c: f"/review/{c['submitted'].city.code}/paper/", lambda c: None, account="province",
                    extra=(CAMPAIGN, (lambda c: f"copies-{c['submitted'].pk}", ["1", "2", "0", "-1"]))),
    # Evaluation of batches 1–4
    "evaluation-state": Target(EvaluationStateForm, lambda c: f"/evaluation/units/{c['unit'].pk}/",
                               lambda c: EvaluationStateForm(), extra=(CAMPAIGN,)),
    "unit-new": Target(RecognisedUnitForm, lambda c: "/evaluation/units/new/", lambda c: RecognisedUnitForm(),
                       account="province"),
    "unit-edit": Target(RecognisedUnitForm, lambda c: f"/evaluation/units/{c['unit'].pk}/edit/",
                        lambda c: RecognisedUnitForm(instance=c["unit"]), account="province"),
    "extension": Target(ExtensionForm, lambda c: "/evaluation/extensions/", lambda c: ExtensionForm(),
                        account="province", extra=(CAMPAIGN,)),
    "registry-import": Target(RegistryUploadForm, lambda c: "/evaluation/import/", lambda c: RegistryUploadForm(),
                              account="province"),
    "registry-confirm": Target(None, lambda c: "/evaluation/import/confirm/", lambda c: None, account="province",
                               extra=(TOKEN,)),
}


def project_forms():
    """Every form class defined in the project's own apps (imported through the URLs' views)."""
    get_resolver().url_patterns  # noqa: B018 (imports every view, and so every form it uses)
    installed = Path(sys.prefix).resolve()  # the venv may live inside the project folder
    own = tuple(
        a.name + "." for a in apps.get_app_configs()
        if Path(a.path).resolve().is_relative_to(ROOT) and not Path(a.path).resolve().is_relative_to(installed)
    )

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {cls for cls in subclasses(forms.BaseForm) if cls.__module__.startswith(own)}


def test_every_form_is_fuzzed():
    fuzzed = {t.form for t in TARGETS.values() if t.form}
    missing = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in project_forms() - fuzzed)
    assert not missing, (
        f"forms not fuzzed: {missing}. Add a Target for each to tests/site/test_form_fuzz.py, TARGETS "
        "(the URL that receives it, how to build it, the account that posts it)."
    )
    assert NominationForm in project_forms()


@pytest.fixture
def ctx(seeded):
    submitted = nominate("huizhou", "project")
    ready_slate("huizhou")
    submit("huizhou")
    return {"own": nominate("qingyuan", "project"), "submitted": submitted, "unit": recognised("qingyuan")}


def _pending_login(client, username):
    """Between the password and the second factor: the province has enrolled and typed its password."""
    from django.conf import settings as django_settings

    _enrol(username)
    client.post("/accounts/login/", {"username": username, "password": django_settings.DEMO_PASSWORD})


def _enrol(username):
    from intake.accounts import twofactor

    account = user(username)
    if not twofactor.enrolled(account):
        twofactor.enrol(account, twofactor.new_key(), 0)


def client_for_account(account):
    client = Client()
    if account:
        client.force_login(user(account))
    return client


def request_in_savepoint(client, method, url, data):
    with transaction.atomic():
        response = getattr(client, method)(url, data)
        transaction.set_rollback(True)
    return response


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
@FUZZ
@given(data=st.data())
def test_no_input_yields_a_500(ctx, target, data, settings):
    for name, value in target.settings.items():
        setattr(settings, name, value)
    client = client_for_account(target.account)
    if target.prepare:
        target.prepare(ctx, client)
    extra = [(name(ctx) if callable(name) else name, known) for name, known in target.extra]
    payload = form_data(data.draw, target.build(ctx), extra)
    response = request_in_savepoint(client, target.method, target.url(ctx), payload)
    assert response.status_code < 500


@FUZZ
@given(data=st.data())
def test_file_fields_get_uploads(data):
    """Upload forms (the Annex 2 import, the slate's documents) are fuzzed with files, not only with text."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    class UploadForm(forms.Form):
        letter = forms.FileField()

    value = data.draw(values_for("letter", UploadForm().fields["letter"]))
    assert isinstance(value, (SimpleUploadedFile, str))
