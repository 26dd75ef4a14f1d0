"""The entry forms (nominee, 填报人) are drawn by a template of our own (templates/forms/fields.html)
rather than crispy-forms, for speed: what a clerk and a screen reader get must stay what crispy's
Bootstrap 5 pack gave, field for field (labels, required marks, the widgets and their aria
attributes, errors, help texts), fresh and after a refused save."""

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.utils import render_crispy_form
from django.template.loader import render_to_string
from django.test.html import parse_html

from intake.entry.forms import NominationForm
from intake.models import Category, Nomination, ProvinceContact, Slate
from intake.review.forms import ProvinceContactForm, SlateContactForm
from tests.factories import city, nominate, open_campaign

REFUSED = {"name": " ", "credit_code": "12", "contact_email": "没有@", "service_revenue_share": "x",
           "platform_launch_date": "昨天", "filler_phone": "12"}


def drawn_by_crispy(form):
    helper = FormHelper()
    helper.form_tag = False
    return render_crispy_form(form, helper=helper)


def drawn_by_us(form):
    return render_to_string("forms/fields.html", {"form": form})


def assert_same_markup(make_form):
    ours, theirs = drawn_by_us(make_form()), drawn_by_crispy(make_form())
    assert parse_html(ours) == parse_html(theirs), f"ours:\n{ours}\ncrispy's:\n{theirs}"


@pytest.mark.parametrize("code", [Category.ENTERPRISE, *Category.PLATFORMS, Category.PROJECT, Category.CITY])
@pytest.mark.parametrize("data", [None, REFUSED], ids=["fresh", "refused"])
def test_nominee_form_markup_is_crispys(seeded, code, data):
    category = Category.objects.get(code=code)
    campaign, qingyuan = open_campaign(), city("qingyuan")

    def new():
        return NominationForm(data, category=category,
                              instance=Nomination(campaign=campaign, city=qingyuan, category=category))

    assert_same_markup(new)
    if code != Category.CITY:
        nomination = nominate("qingyuan", code)
        assert_same_markup(lambda: NominationForm(data, category=category, instance=nomination,
                                                  allow_category_change=True))
        nomination.delete()


@pytest.mark.parametrize("data", [None, REFUSED, {"filler_name": "李四", "filler_phone": "020-83133359"}])
def test_contact_forms_markup_is_crispys(seeded, data):
    campaign = open_campaign()
    assert_same_markup(lambda: SlateContactForm(data, instance=Slate(campaign=campaign, city=city("qingyuan"))))
    assert_same_markup(lambda: ProvinceContactForm(data, instance=ProvinceContact(campaign=campaign)))
