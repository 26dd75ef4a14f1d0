"""The city home: used / allowed / remaining per category, the deadline, links where there is room."""

import re

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


def test_refused_header_keeps_what_was_typed_and_marks_the_field(client_for):
    from intake.models import Slate

    response = client_for("qingyuan").post("/slate/contact/", {"filler_name": "李四", "filler_phone": "0763-33"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="李四"' in page and 'value="0763-33"' in page  # nothing typed is lost
    field = re.search(r'<input[^>]*name="filler_phone"[^>]*>', page).group(0)
    assert "is-invalid" in field and "11 位手机号" in page
    name_field = re.search(r'<input[^>]*name="filler_name"[^>]*>', page).group(0)
    assert "is-invalid" not in name_field
    assert not Slate.objects.exists()
    response = client_for("qingyuan").post("/slate/contact/", {"filler_name": " ", "filler_phone": "13800138000"})
    field = re.search(r'<input[^>]*name="filler_name"[^>]*>', response.content.decode()).group(0)
    assert "is-invalid" in field and "请填写填报人" in response.content.decode()


def test_header_typed_in_full_width_is_saved_plain(client_for):
    from intake.models import Slate

    client_for("qingyuan").post("/slate/contact/", {"filler_name": "李四", "filler_phone": "０７６３－３３６１２３４"})
    assert Slate.objects.get().filler_phone == "0763-3361234"


def test_header_is_shown_as_text_while_the_slate_is_with_the_province(client_for):
    from tests.factories import ready_slate, submit

    nominate("qingyuan", "project")
    ready_slate("qingyuan")
    submit("qingyuan")
    page = client_for("qingyuan").get("/").content.decode()
    block = page[page.index('id="slate-contact"'):]
    assert 'name="filler_name"' not in block and "disabled" not in block and "李四" in block
