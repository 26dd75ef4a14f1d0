"""Drop-downs start with 请选择, never Django's "---------": every form of the site (the fuzz
targets list them all) and the pages that show them."""

import pytest
from django import forms

from tests.site import test_form_fuzz
from tests.site.test_form_fuzz import TARGETS

ctx = test_form_fuzz.ctx  # the objects the targets' forms are built for (a fixture)


@pytest.mark.parametrize("name", [name for name, t in TARGETS.items() if t.form is not None])
def test_every_forms_empty_choice_reads_please_choose(ctx, name):
    form = TARGETS[name].build(ctx)
    for field in form.fields.values():
        if isinstance(field, forms.ChoiceField) and isinstance(field.widget, forms.Select):
            labels = [str(label) for _value, label in field.choices]
            assert "---------" not in labels, (name, field.label)
    assert "---------" not in str(form)


@pytest.mark.parametrize("account, url", [
    ("qingyuan", "/nominations/new/enterprise/"), ("qingyuan", "/nominations/new/city/"),
    ("province", "/evaluation/units/new/"), ("province", "/evaluation/extensions/"),
])
def test_pages_show_please_choose(client_for, account, url):
    page = client_for(account).get(url).content.decode()
    assert "---------" not in page and "请选择" in page


@pytest.mark.parametrize("account, url", [
    ("qingyuan", "/nominations/new/enterprise/"), ("province", "/evaluation/units/new/"),
])
def test_selects_read_their_rows_in_one_plain_query(client_for, monkeypatch, account, url):
    """A select's reference rows come from one query, not Django's streaming iterator (a server-side
    cursor on PostgreSQL: three round trips for a handful of rows); every row is still offered."""
    from django.db.models.query import QuerySet

    from intake.models import City, DemoMode

    streamed = []
    original = QuerySet.iterator
    monkeypatch.setattr(QuerySet, "iterator",
                        lambda self, *a, **k: streamed.append(self.model) or original(self, *a, **k))
    page = client_for(account).get(url).content.decode()
    assert streamed == []
    offered = (City.objects.all() if account == "province" else DemoMode.objects.filter(is_active=True))
    names = list(offered.values_list("name", flat=True))
    assert names and all(f">{name}</option>" in page for name in names)
