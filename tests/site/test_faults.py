"""Faults during a submission: nothing is written half-way, the user gets the error page (never a
traceback), and the next request works.

- A database error in the middle of any write (after the row, before its history): every
  database, every writing view (WRITES).
- The database connection really lost mid-transaction (PostgreSQL kills the backend), through a
  real server thread (live_server), where Django's own request clean-up must recover.
- The app server killed (SIGKILL, master and workers) in the middle of a submission, then started
  again: gunicorn on PostgreSQL.
- An upload cut off half-way: nothing stored, no temporary file left behind.
"""

import socket
import threading
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from simple_history.models import HistoricalRecords

from intake.models import (
    DeadlineExtension,
    Nomination,
    ProvinceContact,
    RecognisedUnit,
    Slate,
    SlateEvent,
    UnitEvaluation,
)
from intake.review import services as review_services
from tests.annex2_helpers import official_form
from tests.factories import (
    accepted,
    annex2_code,
    city,
    credit_code,
    nominate,
    open_campaign,
    pdf_upload,
    post_data,
    ready_slate,
    recognised,
    submit,
    user,
    xlsx_upload,
)
from tests.live import gunicorn, needs_postgres, session_for, shared_database_url

ERROR_PAGE = "系统暂时出错"


def snapshot():
    """Everything a write could touch: the rows, their history, the stored files."""
    from django.conf import settings

    models = [Nomination, Slate, SlateEvent, RecognisedUnit, UnitEvaluation, DeadlineExtension, ProvinceContact]
    models += [model.history.model for model in models if hasattr(model, "history")]
    rows = {model.__name__: sorted(map(repr, model.objects.values_list())) for model in models}
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return rows | {"files": sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []}


def connection_lost(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


# (name, account, build(ctx, client) -> (url, data)) of every view that writes: a new writing view
# belongs here. `build` may make requests that write nothing (an import's preview) first.
def _new(ctx, client):
    return "/nominations/new/project/", post_data("project", city("qingyuan"))


def _edit(ctx, client):
    n = ctx["own"]
    return f"/nominations/{n.pk}/", post_data("project", n.city, name="改过的名称", category="project")


def _withdraw(ctx, client):
    return f"/nominations/{ctx['own'].pk}/withdraw/", {"reason": "测试"}


def _restore(ctx, client):
    return f"/nominations/{ctx['withdrawn'].pk}/restore/", {}


def _slate(ctx, client):
    return "/slate/contact/", {"filler_name": "李四", "filler_phone": "0763-3361234"}


def _formal_review(ctx, client):
    n = ctx["own"]
    return f"/nominations/{n.pk}/review/", {
        f"n{n.pk}-check_authenticity": "fail", f"n{n.pk}-check_accuracy": "pass",
        f"n{n.pk}-check_completeness": "pass", f"n{n.pk}-paper_no": "ZZ001",
    }


def _upload(ctx, client):
    return "/slate/upload/letter/", {"file": pdf_upload(), "code": annex2_code("qingyuan")}


def _submit(ctx, client):
    return "/slate/submit/", {"confirm": "yes"}


def _annex2_import(ctx, client):
    row = ("清远导入项目", "王五", "13800138000", "w@example.cn", credit_code("441800"))
    content = official_form({"project": [row]})
    preview = client.post("/imports/annex2/", {"file": SimpleUploadedFile("附件2.xlsx", content)})
    return "/imports/annex2/confirm/", {"token": preview.context["token"]}


def _accept(ctx, client):
    return f"/review/{ctx['submitted'].city.code}/accept/", {"confirm": "yes"}


def _return(ctx, client):
    return f"/review/{ctx['submitted'].city.code}/return/", {"confirm": "yes", "reason": "附件2未盖章"}


def _paper(ctx, client):
    return f"/review/{ctx['submitted'].city.code}/paper/", {f"copies-{ctx['submitted'].pk}": "2"}


def _reject(ctx, client):
    return f"/nominations/{ctx['submitted'].pk}/reject/", {"confirm": "yes", "reason": "不符合申报条件"}


def _province_contact(ctx, client):
    return "/selection/contact/", {
        "campaign": open_campaign().year, "filler_name": "黄璨", "filler_phone": "020-83133359",
    }


def _select(ctx, client):
    return f"/nominations/{ctx['accepted'].pk}/select/", {}


def _unselect(ctx, client):
    return f"/nominations/{ctx['selected'].pk}/unselect/", {}


def _evaluation(ctx, client):
    return f"/evaluation/units/{ctx['unit'].pk}/", {
        "state": "unable", "unable_reason": "other", "unable_detail": "搬迁省外", "explanation": pdf_upload(),
    }


def _unit_new(ctx, client):
    return "/evaluation/units/new/", {
        "name": "新增示范单位", "credit_code": credit_code("441800"), "kind": "enterprise", "batch": "2",
        "city": city("qingyuan").pk, "is_active": "on",
    }


def _unit_edit(ctx, client):
    unit = ctx["unit"]
    return f"/evaluation/units/{unit.pk}/edit/", {
        "name": "改名的示范单位", "credit_code": unit.credit_code, "kind": unit.kind, "batch": unit.batch,
        "city": unit.city_id, "is_active": "on",
    }


def _extension(ctx, client):
    later = timezone.localtime(open_campaign().evaluation_online_deadline) + timedelta(days=7)
    return "/evaluation/extensions/", {
        "city": city("qingyuan").pk, "kind": "evaluation_online", "reason": "系统故障",
        "deadline": later.strftime("%Y-%m-%d %H:%M"),
    }


def _registry_import(ctx, client):
    upload = xlsx_upload([("清远导入单位", credit_code("441800"), "示范企业", 1, "清远市")])
    preview = client.post("/evaluation/import/", {"file": upload})
    return "/evaluation/import/confirm/", {"token": preview.context["token"]}


WRITES = [
    ("new", "qingyuan", _new), ("edit", "qingyuan", _edit), ("withdraw", "qingyuan", _withdraw),
    ("restore", "qingyuan", _restore), ("slate", "qingyuan", _slate),
    ("formal-review", "qingyuan", _formal_review), ("upload", "qingyuan", _upload), ("submit", "qingyuan", _submit),
    ("annex2-import", "qingyuan", _annex2_import), ("evaluation", "qingyuan", _evaluation),
    ("accept", "province", _accept), ("return", "province", _return), ("paper", "province", _paper),
    ("reject", "province", _reject), ("select", "province", _select), ("unselect", "province", _unselect),
    ("province-contact", "province", _province_contact),
    ("unit-new", "province", _unit_new), ("unit-edit", "province", _unit_edit), ("extension", "province", _extension),
    ("registry-import", "province", _registry_import),
]


@pytest.fixture
def writes_world(seeded):
    from intake.entry import services

    withdrawn = nominate("qingyuan", "enterprise")
    services.withdraw_nomination(withdrawn, user=user("qingyuan"))
    own = nominate("qingyuan", "project")
    ready_slate("qingyuan")  # so the submission goes through once the database is back
    submitted = nominate("huizhou", "project")
    ready_slate("huizhou")
    submit("huizhou")
    chosen, selected = nominate("shaoguan", "project"), nominate("shaoguan", "enterprise")
    accepted("shaoguan")
    review_services.select_for_ministry(selected, user=user("province"))
    return {"own": own, "withdrawn": withdrawn, "submitted": submitted, "accepted": chosen,
            "selected": selected, "unit": recognised("qingyuan")}


@pytest.mark.parametrize("name,account,build", WRITES, ids=[w[0] for w in WRITES])
def test_database_error_mid_write_leaves_nothing_and_shows_the_error_page(writes_world, name, account, build):
    client = Client(raise_request_exception=False)
    client.force_login(user(account))
    url, data = build(writes_world, client)
    before = snapshot()
    with mock.patch.object(HistoricalRecords, "create_historical_record", side_effect=connection_lost) as hook:
        response = client.post(url, data)
    assert hook.called, f"{name}: the write never reached its history entry (did the request fail earlier?)"
    assert response.status_code == 500
    page = response.content.decode()
    assert ERROR_PAGE in page and "您刚才的操作没有保存" in page and "Traceback" not in page
    assert snapshot() == before, f"{name}: something was written half-way"
    assert client.get("/").status_code == 200
    # …and the same write goes through once the database is back.
    url, data = build(writes_world, client)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert snapshot() != before, f"{name}: the write did nothing once the database was back"


def test_error_page_is_served_for_any_unexpected_error(client_for):
    client = Client(raise_request_exception=False)
    client.force_login(user("qingyuan"))
    with mock.patch("intake.entry.views.selectors.nominations_by_category", side_effect=RuntimeError("bug")):
        response = client.get("/")
    assert response.status_code == 500 and ERROR_PAGE in response.content.decode()
    assert "Content-Security-Policy" in response  # the policy holds on error pages too


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_connection_killed_mid_submission(seeded, live_server):
    """PostgreSQL terminates the server thread's backend between the nomination row and its history."""
    original = HistoricalRecords.create_historical_record

    def kill_own_backend(self, *args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        killer = psycopg2.connect(shared_database_url())
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        killer.close()
        return original(self, *args, **kwargs)

    session = session_for(live_server.url, "qingyuan")
    data = post_data("project", city("qingyuan"))
    before = snapshot()
    with mock.patch.object(HistoricalRecords, "create_historical_record", kill_own_backend):
        status, _, page = session.post("/nominations/new/project/", data)
    assert status == 500 and ERROR_PAGE in page and "Traceback" not in page
    assert snapshot() == before
    assert session.get("/")[0] == 200  # Django dropped the dead connection and opened a new one
    assert session.post("/nominations/new/project/", data)[0] == 302


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_server_killed_mid_submission_then_restarted(seeded, tmp_path):
    """SIGKILL to gunicorn (master and workers) while a submission is inside its transaction."""
    data = post_data("project", city("qingyuan"))
    before = snapshot()
    blocker = psycopg2.connect(shared_database_url())  # holds the history table, so the worker stops mid-write
    try:
        with blocker.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{Nomination.history.model._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
        with gunicorn(tmp_path, workers=2) as server:
            session = session_for(server.base_url, "qingyuan")
            session.csrf_token()
            outcome = {}
            submit = threading.Thread(target=lambda: outcome.update(r=_post_or_error(session, data)))
            submit.start()
            _wait_for_a_backend_waiting_on_a_lock(outcome)
            server.kill()
            submit.join(30)
    finally:
        blocker.rollback()  # release the table: the orphaned transaction now finds its client gone
        blocker.close()
    assert isinstance(outcome["r"], OSError)  # the connection dropped; the proxy would answer 502
    time.sleep(0.5)
    assert snapshot() == before, "a killed server left a partial submission"
    with gunicorn(tmp_path, workers=2) as server:  # "restarted"
        session = session_for(server.base_url, "qingyuan")
        assert session.get("/")[0] == 200
        assert session.post("/nominations/new/project/", data)[0] == 302
    assert Nomination.objects.filter(credit_code=data["credit_code"]).count() == 1


def _post_or_error(session, data):
    try:
        return session.post("/nominations/new/project/", data)
    except OSError as exc:
        return exc


def _wait_for_a_backend_waiting_on_a_lock(outcome, timeout=4):
    """Poll from a connection of its own: inside a transaction pg_stat_activity is a snapshot."""
    deadline = time.monotonic() + timeout  # under intake.common.locking.LOCK_TIMEOUT_MS, after which it gives up
    watcher = psycopg2.connect(shared_database_url())
    watcher.autocommit = True
    try:
        with watcher.cursor() as cursor:
            while time.monotonic() < deadline and not outcome:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                if cursor.fetchone()[0]:
                    return
                time.sleep(0.05)
    finally:
        watcher.close()
    answer = outcome.get("r")
    raise AssertionError(f"the submission never reached the locked history table: {str(answer)[:300]}")


# (URL, file field, account) of the views that take uploads; a new upload view belongs here.
UPLOAD_VIEWS = [
    ("/slate/upload/letter/", "file", "qingyuan"),  # the stamped scans
    ("/imports/annex2/", "file", "qingyuan"),  # Annex 2 XLSX import
    ("/evaluation/units/{unit}/", "explanation", "qingyuan"),  # the written explanation
    ("/evaluation/import/", "file", "province"),  # the registry XLSX
]


@pytest.mark.parametrize("path,field,account", UPLOAD_VIEWS)
@pytest.mark.django_db(transaction=True)
def test_upload_cut_off_half_way_stores_nothing(seeded, live_server, settings, tmp_path, path, field, account):
    """A multipart body that stops before its announced length (the browser closed, the network
    dropped): nothing reaches the upload folder, no temporary file is left, the server carries on."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # spill to a temporary file, as a real scan would
    path = path.format(unit=recognised("qingyuan").pk)
    before = snapshot()
    session = session_for(live_server.url, account)
    token = session.csrf_token()
    boundary = "----gdsm-boundary"
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{token}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"filler_name\"\r\n\r\n李四\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"推荐函.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    announced = len(head) + 2_000_000
    host, port = live_server.thread.host, live_server.thread.port
    with socket.create_connection((host, port), timeout=10) as raw:
        raw.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {announced}\r\n"
            f"Cookie: {session.cookie_header()}\r\nX-Forwarded-Proto: https\r\n"
            f"Referer: {session.origin}/\r\nConnection: close\r\n\r\n".encode()
        )
        raw.sendall(head + b"%PDF-1.7\n" + b"0" * 300_000)  # then the line goes dead
        raw.shutdown(socket.SHUT_WR)
        try:
            answer = raw.recv(65536).decode("utf-8", "replace")
        except OSError:
            answer = ""
    assert not answer.startswith("HTTP/1.1 500"), answer[:200]
    time.sleep(0.3)
    assert snapshot() == before
    assert not [p for p in settings.PRIVATE_MEDIA_ROOT.rglob("*") if p.is_file()]
    assert list((tmp_path / "upload-tmp").iterdir()) == []
    assert session.get("/")[0] == 200


@pytest.mark.django_db
def test_stored_pdf_is_removed_when_the_write_after_it_fails(settings):
    """The service-level contract every upload view relies on (intake/common/uploads.py:stored_pdf): the
    file is stored, the database write fails, the transaction rolls back and the file goes too."""
    from django.core.files.storage import default_storage
    from django.db import transaction
    from django.db.models import FileField
    from django.db.models.fields.files import FieldFile

    from intake.common.uploads import stored_pdf
    from tests.factories import pdf_upload

    field = FileField(upload_to="slates/")
    field.set_attributes_from_name("letter")
    field_file = FieldFile(Slate(), field, None)
    with pytest.raises(OperationalError):
        with transaction.atomic(), stored_pdf(field_file, pdf_upload()):
            stored = field_file.name
            assert default_storage.exists(stored)
            connection_lost()
    assert not default_storage.exists(stored)
    assert not Slate.objects.exists()
