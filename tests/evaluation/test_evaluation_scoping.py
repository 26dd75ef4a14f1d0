"""A city sees and touches only its own units: every evaluation view with a unit id answers 404
for another city's unit (routes taken from the URL configuration, so new views are covered);
the province's own pages are refused to cities."""

import pytest
from django.urls import get_resolver, reverse

from intake.models import RecognisedUnit, UnitEvaluation
from tests.factories import pdf_upload, recognised


def unit_routes():
    routes = []
    for name, entries in get_resolver().reverse_dict.lists():
        if isinstance(name, str):
            routes += [name for _p, _pattern, _d, converters in entries if "unit" in converters]
    return sorted(set(routes))


def test_routes_found():
    assert {"evaluation_unit", "evaluation_unit_edit", "evaluation_explanation"} <= set(unit_routes())


@pytest.mark.parametrize("method", ["get", "post"])
def test_foreign_unit_is_404_everywhere(client_for, method):
    foreign = recognised("huizhou", name="惠州乙公司")
    client = client_for("qingyuan")
    for name in unit_routes():
        url = reverse(name, kwargs={"unit": foreign.pk})
        response = getattr(client, method)(url, {
            "state": "unable", "unable_reason": "revoked", "explanation": pdf_upload(), "name": "改",
            "kind": "enterprise", "batch": 1, "city": foreign.city_id, "credit_code": foreign.credit_code,
        })
        assert response.status_code == 404, f"{method.upper()} {url} answered {response.status_code}"
    foreign.refresh_from_db()
    assert foreign.name == "惠州乙公司" and not UnitEvaluation.objects.filter(unit=foreign).exists()


def test_city_lists_show_only_own_units(client_for, seeded):
    own, foreign = recognised("qingyuan", name="清远自己的公司"), recognised("huizhou", name="惠州别人的公司")
    client = client_for("qingyuan")
    for url in ("/evaluation/", "/evaluation/outstanding/", "/evaluation/outstanding/?city=441300"):
        page = client.get(url).content.decode()
        assert own.name in page and foreign.name not in page, url


def test_deactivated_unit_disappears_for_its_city(client_for, seeded):
    gone = recognised("qingyuan", name="已停用公司", is_active=False)
    client = client_for("qingyuan")
    assert client.get(f"/evaluation/units/{gone.pk}/").status_code == 404
    assert gone.name not in client.get("/evaluation/").content.decode()
    assert client_for("province").get(f"/evaluation/units/{gone.pk}/").status_code == 200


@pytest.mark.parametrize("url", [
    "/evaluation/units/", "/evaluation/units/new/", "/evaluation/export/", "/evaluation/import/",
    "/evaluation/import/template/", "/evaluation/extensions/",
])
def test_province_pages_refused_to_cities(client_for, seeded, url):
    assert client_for("qingyuan").get(url).status_code == 403
    assert client_for("province").get(url).status_code == 200
    assert client_for("admin").get(url).status_code == 200


def test_city_cannot_edit_its_own_unit_in_the_registry(client_for, seeded):
    own = recognised("qingyuan")
    response = client_for("qingyuan").post(f"/evaluation/units/{own.pk}/edit/", {
        "name": "改", "kind": "enterprise", "batch": 1, "city": own.city_id, "credit_code": own.credit_code,
    })
    assert response.status_code == 403
    assert RecognisedUnit.objects.get(pk=own.pk).name != "改"


def test_province_reads_every_unit(client_for, seeded):
    a, b = recognised("qingyuan"), recognised("huizhou")
    province = client_for("province")
    assert province.get(f"/evaluation/units/{a.pk}/").status_code == 200
    page = province.get("/evaluation/units/").content.decode()
    assert a.name in page and b.name in page


@pytest.mark.parametrize("url", ["/evaluation/", "/evaluation/units/1/", "/evaluation/export/"])
def test_login_required(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_campaign_garbage_is_404(client_for, seeded):
    unit = recognised("qingyuan")
    client = client_for("qingyuan")
    assert client.get("/evaluation/?campaign=abc").status_code == 404
    assert client.get(f"/evaluation/units/{unit.pk}/?campaign=1999").status_code == 404
    assert client.get(f"/evaluation/units/{unit.pk}/explanation/").status_code == 404  # nothing uploaded
