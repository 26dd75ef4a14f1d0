"""The import pipeline's previews (intake/common/imports.py): kept in the database, not the session, for one
user and one kind of import, under a token, until confirmed, replaced or expired; a preview page
stays small however long the cells, and the data keeps every character."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bench import xlsx_files as files
from intake.models import ImportPreview, Nomination, RecognisedUnit
from tests.annex2_helpers import official_form
from tests.factories import credit_code, xlsx_upload

ANNEX2, ANNEX2_CONFIRM = "/imports/annex2/", "/imports/annex2/confirm/"
REGISTRY, REGISTRY_CONFIRM = "/evaluation/import/", "/evaluation/import/confirm/"


def annex2_file(*names):
    rows = [[name, "定制化服务", "陈一", "13800138001", "a@example.cn", credit_code("441300")] for name in names]
    return SimpleUploadedFile("附件2.xlsx", official_form({"enterprise": rows}))


def registry_file(name="清远甲公司"):
    return xlsx_upload([(name, credit_code("441800"), "示范企业", 1, "清远市")])


def token_of(response):
    match = re.search(r'name="token" value="(\w+)"', response.content.decode())
    return match and match.group(1)


@pytest.fixture
def registry(client_for):
    RecognisedUnit.objects.all().update(is_active=False)  # the demo registry out of the way
    return client_for("province")


def test_previews_wait_in_the_database_not_the_session(client_for, registry):
    clerk = client_for("huizhou")
    annex2_token = token_of(clerk.post(ANNEX2, {"file": annex2_file("企业一")}))
    registry_token = token_of(registry.post(REGISTRY, {"file": registry_file()}))
    stored = {p.kind: p for p in ImportPreview.objects.select_related("user")}
    assert stored["annex2"].token == annex2_token and stored["annex2"].user.username == "huizhou"
    assert stored["registry"].token == registry_token and stored["registry"].user.username == "province"
    assert stored["annex2"].payload["rows"][0]["values"]["name"] == "企业一"
    assert stored["annex2"].source == "附件2.xlsx" and stored["annex2"].expires_at > timezone.now()
    for client in (clerk, registry):
        assert not [key for key in client.session.keys() if not key.startswith("_") and key != "last_activity"]
    clerk.post(ANNEX2_CONFIRM, {"token": annex2_token})
    registry.post(REGISTRY_CONFIRM, {"token": registry_token})
    assert not ImportPreview.objects.exists()  # a confirmed preview is gone
    assert Nomination.objects.filter(name="企业一").exists()
    assert RecognisedUnit.objects.filter(is_active=True).count() == 1


@pytest.mark.parametrize("url, confirm, make", [(ANNEX2, ANNEX2_CONFIRM, lambda: annex2_file("企业一")),
                                                (REGISTRY, REGISTRY_CONFIRM, registry_file)])
def test_a_token_is_only_good_for_its_own_user_and_until_it_expires(client_for, registry, url, confirm, make):
    if url == ANNEX2:
        owner, stranger = client_for("huizhou"), client_for("qingyuan")
    else:
        owner, stranger = registry, client_for("admin")
    token = token_of(owner.post(url, {"file": make()}))
    before = Nomination.objects.count(), RecognisedUnit.objects.filter(is_active=True).count()
    response = stranger.post(confirm, {"token": token}, follow=True)
    assert "预览已失效" in response.content.decode()
    ImportPreview.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = owner.post(confirm, {"token": token}, follow=True)
    assert "预览已失效" in response.content.decode()
    assert (Nomination.objects.count(), RecognisedUnit.objects.filter(is_active=True).count()) == before
    for bad in ("", "\u0661" * 64, "x" * 10_000, "' OR 1=1 --"):
        assert "预览已失效" in owner.post(confirm, {"token": bad}, follow=True).content.decode()


def test_expired_previews_are_removed_when_the_next_is_stored(client_for, registry):
    token_of(client_for("huizhou").post(ANNEX2, {"file": annex2_file("企业一")}))
    ImportPreview.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    token_of(registry.post(REGISTRY, {"file": registry_file()}))
    assert list(ImportPreview.objects.values_list("kind", flat=True)) == ["registry"]


def test_a_new_upload_replaces_the_users_preview_of_that_kind(client_for):
    clerk = client_for("huizhou")
    first = token_of(clerk.post(ANNEX2, {"file": annex2_file("企业一")}))
    second = token_of(clerk.post(ANNEX2, {"file": annex2_file("企业二")}))
    assert ImportPreview.objects.get().token == second != first
    assert "预览已失效" in clerk.post(ANNEX2_CONFIRM, {"token": first}, follow=True).content.decode()
    clerk.post(ANNEX2_CONFIRM, {"token": second})
    assert list(Nomination.objects.filter(city__slug="huizhou").values_list("name", flat=True)) == ["企业二"]
    # A file with problems keeps no preview: nothing to confirm.
    clerk.post(ANNEX2, {"file": annex2_file("企业一")})
    clerk.post(ANNEX2, {"file": SimpleUploadedFile("附件2.xlsx", official_form({"enterprise": [["企业三"]]}))})
    assert not ImportPreview.objects.exists()


def test_long_texts_are_cut_in_the_page_never_in_the_data(client_for):
    name = "广东" + "长名称" * 60 + "有限公司"  # 186 characters: a valid name, longer than a preview shows
    clerk = client_for("huizhou")
    response = clerk.post(ANNEX2, {"file": annex2_file(name)})
    page = response.content.decode()
    assert name not in page and name[:99] + "…" in page
    clerk.post(ANNEX2_CONFIRM, {"token": token_of(response)})
    assert Nomination.objects.get(city__slug="huizhou").name == name


@pytest.mark.parametrize("kind", ["annex2", "registry"])
def test_a_preview_page_stays_small_however_long_the_cells(client_for, registry, kind):
    def page(chars):
        if kind == "annex2":
            header = ["序号", "企业名称", "示范模式", "联系人", "联系方式", "电子邮箱", "统一社会信用代码"]
            body = [["一、示范企业"], header] + [
                [i, "名" * chars, "模" * chars, "人" * chars, "1" * chars, "邮" * chars, "码" * chars]
                for i in range(1, 41)]
            data = files.workbook([("附件2", files.sheet_xml(files.rows_xml(body)))])
            return client_for("huizhou").post(ANNEX2, {"file": SimpleUploadedFile("附件2.xlsx", data)})
        data = files.largest_registry(400, name_chars=chars)
        return registry.post(REGISTRY, {"file": SimpleUploadedFile("名单.xlsx", data)})

    short, long = page(30), page(1999)
    assert short.status_code == long.status_code == 200
    assert len(long.content) < 2 * len(short.content), (len(short.content), len(long.content))
