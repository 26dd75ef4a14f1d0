"""What a request carries (intake/common/request_input.py): NUL anywhere in a path, a query or a form is a
404/400 with a message before any view runs (PostgreSQL refuses NUL in any text); integers are read
from ASCII digits only. Every input of this kind that once gave a 500 has its case here; the
generated sweep over every URL is tests/site/test_url_fuzz.py."""

import pytest

from intake.common.request_input import parse_int
from intake.models import Nomination
from tests.factories import nominate, open_campaign, ready_slate, submit


@pytest.fixture
def province(client_for):
    client = client_for("province")
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("method, url", [
    ("get", "/review/%00/"),
    ("get", "/slates/%00/letter.pdf"),
    ("post", "/review/%00/accept/"),
    ("get", "/nominations/new/%00/"),
    ("get", "/evaluation/units/%00/"),
])
def test_nul_in_a_path_is_not_found(province, method, url):
    response = getattr(province, method)(url)
    assert response.status_code == 404 and "没有找到该页面或记录" in response.content.decode()


@pytest.mark.parametrize("path", ["/evaluation/units/", "/evaluation/outstanding/", "/exports/annex2.xlsx",
                                  "/nominations/", "/"])
def test_nul_in_a_query_is_a_bad_request(province, path):
    for query in ["q=%00", "city=%00", "kind=%00", "campaign=%00", "page=1%00", "%00=1"]:
        response = province.get(f"{path}?{query}")
        assert response.status_code == 400, query
        assert "参数含有不可见的控制字符（NUL）" in response.content.decode()


@pytest.mark.parametrize("data", [
    {"reason": "退回\x00"}, {"campaign\x00": "2023"}, {"reason": "x", "x": ["a", "\x00"]},
])
def test_nul_in_a_form_is_a_bad_request_and_writes_nothing(province, data):
    nomination = nominate("huizhou", "project")
    ready_slate("huizhou")
    submit("huizhou")
    before = list(Nomination.objects.values_list("status", "status_reason"))
    for url in ("/review/441300/return/", f"/nominations/{nomination.pk}/reject/"):
        response = province.post(url, data)
        assert response.status_code == 400 and "控制字符（NUL）" in response.content.decode()
    multipart = province.post("/review/441300/return/", {**data, "file": ("a.txt", b"x")}, format="multipart")
    assert multipart.status_code == 400
    assert list(Nomination.objects.values_list("status", "status_reason")) == before


def test_nul_on_the_login_page(client, seeded):
    response = client.post("/accounts/login/", {"username": "province\x00", "password": "x"})
    assert response.status_code == 400


def test_a_cut_off_multipart_body_is_a_bad_request(province):
    body = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7 cut'
    response = province.generic("POST", "/review/441300/paper/", body, content_type="multipart/form-data")
    assert response.status_code in (400, 403)  # refused before any view: no CSRF token could be read either


@pytest.mark.parametrize("value, expected", [
    ("0", 0), ("2023", 2023), (" 12 ", 12), ("²", None), ("١٢", None), ("１２", None), ("-1", None), ("1.0", None),
    ("", None), (None, None), ("9" * 18, 10**18 - 1), ("9" * 19, None), ("12\x00", None),
])
def test_parse_int_reads_ascii_digits_only(value, expected):
    assert parse_int(value) == expected


def test_paper_copies_with_unicode_digits(province):
    nomination = nominate("guangzhou", "project")
    ready_slate("guangzhou")
    submit("guangzhou")
    url = "/review/440100/paper/"
    campaign = open_campaign().year
    response = province.post(url, {"campaign": campaign, "copies-²": "1"}, follow=True)
    assert response.status_code == 200 and "纸质材料登记没有变化" in response.content.decode()
    for copies in ("²", "１", "٢"):
        response = province.post(url, {"campaign": campaign, f"copies-{nomination.pk}": copies}, follow=True)
        assert "纸质申报书份数应为 0 到 2 之间的整数" in response.content.decode()
    assert Nomination.objects.get(pk=nomination.pk).paper_copies == 0
    province.post(url, {"campaign": campaign, f"copies-{nomination.pk}": "2"})
    assert Nomination.objects.get(pk=nomination.pk).paper_copies == 2


@pytest.mark.parametrize("url", ["/?campaign=２０２３", "/?campaign=²", "/nominations/?campaign=٢٠٢٣",
                                 "/exports/annex2.xlsx?campaign=２０２３", "/evaluation/?campaign=¹"])
def test_years_in_other_digits_are_not_found(province, url):
    assert province.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/evaluation/units/?batch=²", "/evaluation/units/?batch=٣&page=²",
                                 "/nominations/?page=٢", "/evaluation/outstanding/?page=¹"])
def test_filters_and_pages_in_other_digits_are_ignored(province, url):
    assert province.get(url).status_code == 200


def test_ids_in_a_select_must_be_ascii_digits(client_for):
    from intake.models import City, DemoMode
    from tests.factories import post_data

    clerk = client_for("qingyuan")
    data = post_data("enterprise", City.objects.get(slug="qingyuan"))
    pk = DemoMode.objects.get(pk=data["demo_mode"]).pk
    arabic = str(pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = clerk.post("/nominations/new/enterprise/", {**data, "demo_mode": arabic})
    assert response.status_code == 200 and "demo_mode" in response.context["form"].errors
    assert not Nomination.objects.filter(city__slug="qingyuan").exists()
