"""The city home: used / allowed / remaining per category, the deadline, links where there is room."""

from tests.factories import nominate


def test_quota_table_and_add_links(client_for):
    for _ in range(3):
        nominate("qingyuan", "enterprise")
    nominate("qingyuan", "platform_shared")
    page = client_for("qingyuan").get("/").content.decode()
    assert "示范企业 3/4" in page
    assert "示范平台（共享制造类） 1/1" in page
    assert 'href="/nominations/new/enterprise/"' in page
    assert 'href="/nominations/new/platform_shared/"' not in page and "名额已满" in page
    assert "推荐截止时间" in page and "剩余" in page


def test_slate_contact_saved_and_validated(client_for):
    from intake.models import Slate

    client = client_for("qingyuan")
    response = client.post("/slate/contact/", {"filler_name": "李四", "filler_phone": "123"}, follow=True)
    assert "11 位手机号" in response.content.decode() and not Slate.objects.exists()
    client.post("/slate/contact/", {"filler_name": "李四", "filler_phone": "0763-3361234"})
    slate = Slate.objects.get()
    assert (slate.city.slug, slate.filler_name, slate.filler_phone) == ("qingyuan", "李四", "0763-3361234")
    province = client_for("province")
    assert province.post("/slate/contact/", {"filler_name": "x", "filler_phone": "13800138000"}).status_code == 403
