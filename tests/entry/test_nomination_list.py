"""The nomination list's filters: real choices filter, anything else is ignored (never a 500,
never sent to the database); a NUL character, which PostgreSQL refuses outright, is a 400 before
the view runs (intake/common/request_input.py)."""

import pytest

from tests.factories import nominate


@pytest.mark.parametrize("query", ["category=nope", "status=x", "city=999999", "page=nope", "page=-1"])
def test_garbage_filters_are_ignored(client_for, query):
    own = nominate("qingyuan", "project")
    response = client_for("province").get(f"/nominations/?{query}")
    assert response.status_code == 200 and own.name in response.content.decode()


@pytest.mark.parametrize("query", ["city=%00", "category=a%00b", "status=%00", "page=%00"])
def test_nul_in_a_filter_is_a_bad_request(client_for, query):
    response = client_for("province").get(f"/nominations/?{query}")
    assert response.status_code == 400 and "控制字符（NUL）" in response.content.decode()


def test_filters_filter(client_for):
    project, enterprise = nominate("qingyuan", "project"), nominate("huizhou", "enterprise")
    client = client_for("province")
    page = client.get("/nominations/?category=project").content.decode()
    assert project.name in page and enterprise.name not in page
    page = client.get("/nominations/?city=441300").content.decode()
    assert enterprise.name in page and project.name not in page


def test_edit_with_garbage_category_keeps_the_nominations_own(client_for):
    nomination = nominate("qingyuan", "project")
    response = client_for("qingyuan").post(f"/nominations/{nomination.pk}/", {"category": "nope", "name": ""})
    assert response.status_code == 200 and "请填写项目名称" in response.content.decode()
