"""/slate/upload/<kind>/ and /slates/<city>/<kind>.pdf: PDF by content, size limit, private storage,
served only to who may see the city; a refused file leaves nothing behind."""

import os

import pytest
from django.conf import settings

from intake.models import Slate, SlateEvent
from tests.factories import annex2_code, nominate, open_campaign, pdf_bytes, pdf_upload, ready_slate, submit


def stored_files():
    root = settings.PRIVATE_MEDIA_ROOT
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files] if os.path.exists(root) else []


def upload(client, kind="letter", name="推荐函.pdf", content=None, code=None, username="qingyuan"):
    """The stamped paper (the Annex 2, or the letter listing it) with the 校验码 of the current data
    unless `code` says otherwise."""
    data = {"campaign": open_campaign().year, "file": pdf_upload(name, content)}
    data["code"] = annex2_code(username) if code is None else code
    return client.post(f"/slate/upload/{kind}/", data, follow=True)


def test_upload_is_stored_privately_and_recorded(client_for):
    client = client_for("qingyuan")
    response = upload(client)
    assert "已上传推荐函" in response.content.decode()
    slate = Slate.objects.get()
    assert slate.letter_pdf.name.startswith("intake/slate/") and slate.letter_pdf.name.endswith(".pdf")
    assert "推荐函" not in slate.letter_pdf.name  # the client's file name never reaches the disk
    path = stored_files()[0]
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT)) and not path.startswith(str(settings.STATIC_ROOT))
    event = SlateEvent.objects.get()
    code = annex2_code("qingyuan")
    note = f"推荐函：推荐函.pdf（校验码 {code}）"
    assert (event.kind, event.actor.username, event.note) == ("uploaded", "qingyuan", note)
    assert slate.history.first().history_user.username == "qingyuan"


def test_replacing_a_file_keeps_the_old_one(client_for):
    client = client_for("qingyuan")
    upload(client, "annex2")
    first = Slate.objects.get().annex2_pdf.name
    upload(client, "annex2")
    slate = Slate.objects.get()
    assert slate.annex2_pdf.name != first and len(stored_files()) == 2
    assert [h.annex2_pdf for h in slate.history.order_by("history_id")][-2:] == [first, slate.annex2_pdf.name]


def test_wrong_type_by_content_is_refused_and_nothing_kept(client_for):
    response = upload(client_for("qingyuan"), name="letter.pdf", content=b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert "不是 PDF（按文件内容判断" in response.content.decode()
    assert stored_files() == [] and not Slate.objects.exists() and not SlateEvent.objects.exists()


def test_pdf_under_another_name_is_accepted(client_for):
    response = upload(client_for("qingyuan"), name="scan.jpg", content=pdf_bytes())
    assert "已上传推荐函" in response.content.decode()


def test_broken_pdf_is_refused(client_for):
    response = upload(client_for("qingyuan"), content=pdf_bytes()[:150])
    assert "已损坏或不完整" in response.content.decode() and stored_files() == []


def test_size_limit(client_for, settings):
    settings.MAX_UPLOAD_MB = 1
    response = upload(client_for("qingyuan"), content=pdf_bytes() + b"%" + b"0" * (1024 * 1024))
    assert "超过 1 MB 的上限" in response.content.decode() and stored_files() == []


def test_no_file_chosen(client_for):
    response = client_for("qingyuan").post("/slate/upload/letter/", {"campaign": open_campaign().year}, follow=True)
    assert "请选择要上传的 PDF 文件" in response.content.decode() and not Slate.objects.exists()


def test_upload_while_submitted_is_refused_and_nothing_kept(client_for):
    nominate("qingyuan", "project")
    ready_slate("qingyuan")
    submit("qingyuan")
    before = set(stored_files())
    response = upload(client_for("qingyuan"))
    assert "不能新增、修改或撤回" in response.content.decode()
    assert set(stored_files()) == before


def test_unknown_kind_and_province_upload(client_for):
    assert upload(client_for("qingyuan"), kind="photo").status_code == 404
    assert client_for("province").post("/slate/upload/letter/", {"file": pdf_upload()}).status_code == 403
    assert stored_files() == []


def test_download_scoping(client_for):
    upload(client_for("huizhou"), username="huizhou")
    year = open_campaign().year
    own = client_for("huizhou").get(f"/slates/441300/letter.pdf?campaign={year}")
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert b"".join(own.streaming_content).startswith(b"%PDF-")
    assert client_for("province").get(f"/slates/441300/letter.pdf?campaign={year}").status_code == 200
    # Another city's file does not exist for a clerk, whatever is asked for.
    qingyuan = client_for("qingyuan")
    assert qingyuan.get(f"/slates/441300/letter.pdf?campaign={year}").status_code == 404
    assert qingyuan.get("/slates/441300/letter.pdf").status_code == 404
    assert qingyuan.get("/slates/441800/letter.pdf").status_code == 404  # own, not uploaded yet
    assert qingyuan.get("/slates/441300/secret.pdf").status_code == 404
    assert client_for("province").get("/slates/999999/letter.pdf").status_code == 404


@pytest.mark.parametrize("url", ["/slates/441300/letter.pdf", "/slate/"])
def test_login_required(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_pdf_that_runs_javascript_is_refused_with_the_reason(client_for):
    from tests.common.test_uploads import ACTIVE

    for case in ("OpenAction runs JavaScript", "a ZIP after the end", "HTML before the header"):
        content, reason, _where = ACTIVE[case]
        response = upload(client_for("qingyuan"), content=content)
        assert reason in response.content.decode(), case
    assert stored_files() == [] and not Slate.objects.exists()


def test_stored_files_are_sent_as_downloads_a_browser_will_not_run(client_for):
    upload(client_for("huizhou"), username="huizhou")
    response = client_for("province").get(f"/slates/441300/letter.pdf?campaign={open_campaign().year}")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy


@pytest.mark.parametrize("name", [
    "../../../etc/推荐函.pdf", "C:\\扫描\\推荐函.pdf", "/tmp/推荐函.pdf", "推荐\u202e函.pdf",
])
def test_only_a_cleaned_file_name_is_kept(client_for, name):
    upload(client_for("qingyuan"), name=name)
    assert SlateEvent.objects.get().note == f"推荐函：推荐函.pdf（校验码 {annex2_code('qingyuan')}）"
