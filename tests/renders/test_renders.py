"""The province-wide Annex 2 PDF rendered off the request path (intake/renders/): assembled from one
part per city's sheet, the 汇总's head and its list in blocks of a few cities, only changed parts
rendered again, the page that waits for a render with
the previous version, the worker command on django-tasks' database backend and its concurrency."""

import io
import platform
import re
import threading
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from intake.annex2 import sheet as annex2
from intake.entry import services
from intake.models import Nomination, Render
from intake.renders import kinds, pdfwork
from intake.renders import services as renders
from intake.renders.annex2 import PROVINCE_ANNEX2_PDF, SUMMARY_TITLE
from tests.annex2_helpers import fill_qingyuan
from tests.factories import city, nominate, open_campaign, pdf_bytes, user

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "renders"]}}
URL = "/exports/annex2.pdf"


def reader(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf", response.status_code
    return PdfReader(io.BytesIO(response.content))


def texts(pdf):
    return [re.sub(r"\s+", " ", page.extract_text()) for page in pdf.pages]


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_transaction(monkeypatch):
    """The worker's loop closes database connections that are out of autocommit, as Django does
    between requests; inside a test's transaction that would end the test's own (PostgreSQL)."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


@pytest.fixture
def three_cities(seeded):
    fill_qingyuan()  # qingyuan and huizhou
    nominate("guangzhou", "enterprise", name="广州智能制造有限公司")
    nominate("guangzhou", "platform_shared", name="广州共享制造平台", provider="应用服务提供商")
    return open_campaign()


@pytest.fixture
def counted_parts(monkeypatch):
    """Counts the parts WeasyPrint renders (the tests render inline: no pool)."""
    calls = []
    original = pdfwork.render_part

    def counting(document):
        calls.append("".join(document))  # the HTML and its stylesheet
        return original(document)

    monkeypatch.setattr(pdfwork, "render_part", counting)
    return calls


def test_assembled_pdf_has_an_outline_entry_per_city_and_numbers_running_through(client_for, three_cities):
    pdf = reader(client_for("province").get(URL))
    pages = texts(pdf)
    total = len(pages)
    assert total >= 4  # the 汇总, then 广州, 惠州, 清远
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页，共 {total} 页" in text, (number, text[-80:])
    outline = [(item.title, pdf.get_destination_page_number(item)) for item in pdf.outline]
    assert [title for title, _ in outline] == [SUMMARY_TITLE, "广州市", "惠州市", "清远市"]
    starts = [page for _, page in outline]
    assert starts[0] == 0 and starts == sorted(starts) and len(set(starts)) == 4
    for (title, start) in outline[1:]:  # each bookmark opens its city's sheet
        assert pages[start].startswith("附件2") and f"推荐单位（盖章）：{title}工业和信息化局" in pages[start]
    text = " ".join(pages)
    counted = Nomination.objects.filter(campaign=three_cities, status__in=Nomination.COUNTED_STATUSES)
    for nomination in counted:
        assert nomination.name in text
    # Every sheet's and the 汇总's 校验码, as the one-piece document prints them.
    province = annex2.province_annex2(three_cities)
    assert f"校验码：{province.summary.verification_code}" in " ".join(pages[: starts[1]])
    for sheet, (title, start) in zip(province.sheets_to_print(), outline[1:], strict=True):
        assert sheet.label == title and f"校验码：{sheet.verification_code}" in pages[start]
    render = Render.objects.get(kind=PROVINCE_ANNEX2_PDF.name)
    assert render.status == Render.DONE and render.code == province.summary.verification_code
    # the 汇总's head with 广州's rows of its list, 惠州's and 清远's rows, 3 sheets, the 汇总's code
    assert render.pages == total and render.parts_total == 1 + 2 + 3 + 1
    # The parts it is made of, and the page numbers rendered beside the assembly: all kept from pruning.
    assert len(render.part_digests) == render.parts_total + 1
    assert all(default_storage.exists(renders.part_path(render.kind, digest)) for digest in render.part_digests)


def test_every_page_carries_the_code_of_what_it_belongs_to(client_for, three_cities):
    """The 汇总's pages (head and list, rendered as separate parts) each carry the 汇总's 校验码, laid
    over them; a sheet's pages carry the sheet's own."""
    pdf = reader(client_for("province").get(URL))
    pages = texts(pdf)
    starts = [pdf.get_destination_page_number(item) for item in pdf.outline]
    province = annex2.province_annex2(three_cities)
    codes = [province.summary.verification_code] * starts[1]
    for sheet, start, end in zip(province.sheets_to_print(), starts[1:], [*starts[2:], len(pages)], strict=True):
        codes += [sheet.verification_code] * (end - start)
    assert len(codes) == len(pages)
    for page, code in zip(pages, codes, strict=True):
        assert re.findall(r"校验码：\s?([0-9A-Z]{4}-[0-9A-Z]{4})", page)[-1] == code, page[-60:]
    # the 汇总's code is one object drawn over each of its pages, not a copy per page
    marks = [{ref.idnum for ref in page["/Resources"]["/XObject"].values()} for page in pdf.pages[: starts[1]]]
    assert len(set.intersection(*marks)) == 1


def test_the_summary_list_holds_every_nominee_in_order_under_its_header_on_every_page(client_for, seeded):
    """The 汇总's list, in blocks of rows of a few cities, each block on pages of its own: every counted
    nomination once, numbered 1…n in city order, the table's header on each page of the list."""
    from quotas.selectors import limit_for

    campaign = open_campaign()
    for code in ("guangzhou", "huizhou", "qingyuan"):  # every place: a city's block runs over a page
        for category in ("enterprise", "platform_other", "project"):
            for i in range(limit_for(campaign, city(code), category)):
                nominate(code, category, name=f"{code}{category}{i}" + "服务型制造示范" * 6 + "有限公司",
                         **({"provider": "公共服务提供商"} if category == "platform_other" else {}))
    pdf = reader(client_for("province").get(URL))
    pages = texts(pdf)
    starts = [pdf.get_destination_page_number(item) for item in pdf.outline]
    list_pages = pages[next(i for i, page in enumerate(pages) if "二、推荐对象清单" in page) : starts[1]]
    assert len(list_pages) > 3  # 广州's rows after the head, then 惠州's and 清远's blocks, over pages
    for page in list_pages:
        assert "序号 推荐地市 类别 名称" in page
    listed = " ".join(list_pages)
    rows = annex2.province_annex2(campaign).summary.rows
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]
    at = 0
    for row in rows:  # in order: 序号, city, then the name's start
        found = listed.find(f"{row[0]} {row[1]} {row[2]} {row[3][:8]}", at)
        assert found >= at, row[:4]
        at = found + 1


def test_the_font_is_embedded_once_per_part_at_most(client_for, three_cities):
    """Each part (the 汇总, a city's sheet) is rendered with its own subset of the font; the assembly
    replaces them, and the page numbers', by one program holding all their glyphs: the document
    carries the font once, and every glyph it shows is in it."""
    pdf = reader(client_for("province").get(URL))
    programs = {program_id for program_id, _ in font_programs(pdf)}
    assert len(programs) == 1
    program = TTFont(io.BytesIO(next(data for _, data in font_programs(pdf))))
    text = "".join(texts(pdf))
    cmap = program.getBestCmap() or {}
    glyphs = program["glyf"]
    for char in "广州智能制造有限公司第页共校验码清远汇总":  # the outlines are there, not empty boxes
        assert char in text and glyphs[cmap[ord(char)]].numberOfContours != 0, char


def test_the_assembly_compresses_what_the_uncompressed_parts_leave(three_cities):
    """The parts come uncompressed (their fonts are replaced anyway); the assembled document has
    every stream of any size compressed, and shows the same pages as the assembly of the same
    parts compressed by WeasyPrint."""
    from weasyprint import HTML

    kind = PROVINCE_ANNEX2_PDF
    document = kind.describe({"campaign": three_cities.year})
    parts = kind.parts(document)
    datas = [part.renderer(part.payload()) for part in parts]
    assert not any(b"/FlateDecode" in data for data in datas)
    data, _ = kind.assemble(document, parts, datas)
    pdf = PdfReader(io.BytesIO(data))
    streams = [pdf.get_object(number) for number in range(1, len(pdf.xref[0]) + 1)]
    streams = [obj for obj in streams if hasattr(obj, "get_data")]
    assert streams and all(obj.get("/Filter") == "/FlateDecode" for obj in streams if len(obj._data) > 64)
    compressed = [HTML(string=with_style(part.payload())).write_pdf() for part in parts]
    same, _ = kind.assemble(document, parts, compressed)
    assert texts(pdf) == texts(PdfReader(io.BytesIO(same)))
    assert [page.get_contents().get_data() for page in pdf.pages] == [
        page.get_contents().get_data() for page in PdfReader(io.BytesIO(same)).pages]


def font_programs(pdf):
    """(object number, bytes) of the font program of every font on the pages and in their forms."""
    for page in pdf.pages:
        resources = page["/Resources"]
        fonts = list(resources["/Font"].values())
        for form in resources.get("/XObject", {}).values():
            fonts += list(form.get_object()["/Resources"]["/Font"].values())
        for font in fonts:
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            yield descriptor.raw_get("/FontFile2").idnum, descriptor["/FontFile2"].get_data()


def test_only_the_changed_city_and_the_summary_head_are_rendered_again(client_for, three_cities, counted_parts):
    province = client_for("province")
    first = reader(province.get(URL))
    # the 汇总's head (with 广州's rows), its 2 other blocks, three sheets, the page numbers, the
    # 汇总's code laid over its pages
    assert len(counted_parts) == 1 + 2 + 3 + 2
    counted_parts.clear()
    assert province.get(URL).content == b"".join([province.get(URL).content])  # unchanged: nothing rendered
    assert counted_parts == []
    nomination = Nomination.objects.filter(city=city("huizhou")).first()
    services.update_nomination(nomination, user=user("huizhou"), name="惠州服务型制造创新有限公司")
    second = reader(province.get(URL))
    # 惠州's sheet, 惠州's rows of the 汇总's list, the 汇总's head (its counts and code, with 广州's
    # rows), the new code laid over the 汇总's pages; the page numbers are the same pages
    assert len(counted_parts) == 4
    [code] = [html for html in counted_parts if "<table" not in html]
    [head] = [html for html in counted_parts if "推荐名额使用情况" in html]
    [sheet] = [html for html in counted_parts if "推荐单位（盖章）" in html]
    [block] = [html for html in counted_parts if html not in (code, head, sheet)]
    assert "服务型制造示范推荐汇总（全省）" in head and "广州智能制造" in head and "惠州服务型制造创新" not in head
    assert "惠州服务型制造创新" in block and "广州" not in block and "清远" not in block
    assert "惠州服务型制造创新" in sheet and "推荐单位（盖章）：惠州市" in sheet
    new_code = annex2.province_annex2(three_cities).summary.verification_code
    assert new_code in code and "<table" not in code
    render = Render.objects.get(kind=PROVINCE_ANNEX2_PDF.name, status=Render.DONE, parts_rendered=4)
    assert render.parts_total == 7
    assert texts(second)[-1] == texts(first)[-1]  # 清远's sheet is the stored part
    outline = [second.get_destination_page_number(item) for item in second.outline]
    qingyuan_rows = texts(second)[outline[1] - 1]  # the 汇总's last page: 清远's block, stored
    assert "甲智能装备" in qingyuan_rows and f"校验码：{new_code}" in qingyuan_rows


def test_a_new_page_renumbers_without_rendering_the_other_cities(client_for, three_cities, counted_parts):
    province = client_for("province")
    before = len(reader(province.get(URL)).pages)
    counted_parts.clear()
    for i in range(4):  # huizhou's sheet grows by a page; 清远's, after it, moves on
        long_name = f"惠州第{i}家" + "粤港澳大湾区先进制造业协同创新服务型制造示范" * 8 + "有限公司"
        nominate("huizhou", "enterprise", name=long_name)
    pages = texts(reader(province.get(URL)))
    assert len(pages) > before
    # 惠州's sheet and block, the 汇总's head and code, 清远's block (its rows are numbered after
    # 惠州's), and the page numbers of the new page count; 广州's sheet is the stored one
    assert len(counted_parts) == 6
    assert not any("推荐单位（盖章）：广州市" in html for html in counted_parts)
    assert sum("推荐单位（盖章）：惠州市" in html for html in counted_parts) == 1
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页，共 {len(pages)} 页" in text


def test_the_summary_list_in_blocks_of_cities_with_the_widths_of_the_whole_list(three_cities):
    from intake.annex2.exports.pdf import laid_out_summary, summary_blocks

    summary = annex2.province_annex2(three_cities).summary
    whole = laid_out_summary(summary)
    blocks = summary_blocks(summary, cities_per_block=3)  # 广州 (the first), 惠州 (10th city), 清远 (15th)
    assert [block.first for block in blocks] == [True, False, False]
    assert [{row[1][1] for row in block.table.rows} for block in blocks] == [{"广州市"}, {"惠州市"}, {"清远市"}]
    assert [row for block in blocks for row in block.table.rows] == whole.rows  # every row once, in order
    assert all(block.table.layout == whole.layout for block in blocks)
    [one] = summary_blocks(summary)  # the one-piece document: the list in one table
    assert one.first and one.table.rows == whole.rows


def test_parts_go_to_the_pool_largest_first(three_cities, monkeypatch):
    from intake.renders import pool

    sent = []
    monkeypatch.setattr(pool, "run", lambda jobs: sent.extend(jobs) or [pdf_bytes() for _ in jobs])
    document = PROVINCE_ANNEX2_PDF.describe({"campaign": three_cities.year})
    parts = PROVINCE_ANNEX2_PDF.parts(document)
    datas, rendered = renders.render_parts(PROVINCE_ANNEX2_PDF, parts)
    assert rendered == len(parts) == len(sent) and all(datas)
    sizes = [len(html) for _, (html, _css) in sent]
    assert sizes == sorted(sizes, reverse=True) and "推荐名额使用情况" in sent[0][1][0]


def with_style(document):
    """A part's (HTML, stylesheet) as one HTML document, the stylesheet in its <style>."""
    html, css = document
    return html.replace("</head>", f"<style>\n{css}</style>\n</head>", 1)


def test_parts_render_the_same_with_the_processs_shared_font_configuration_and_stylesheets(three_cities):
    """A pool process renders its parts with one font configuration and each stylesheet parsed once:
    the same bytes as each part rendered on its own, its stylesheet in its <style>, whatever was
    rendered before in the process (uncompressed: the assembly compresses what it keeps)."""
    from weasyprint import HTML

    document = PROVINCE_ANNEX2_PDF.describe({"campaign": three_cities.year})
    parts = [part.payload() for part in PROVINCE_ANNEX2_PDF.parts(document)]
    assert len({css for _, css in parts}) < len(parts)  # the parts share stylesheets
    pdfwork._stylesheet.cache_clear()
    shared = [pdfwork.render_part(part) for part in reversed(parts)][::-1]
    assert pdfwork._stylesheet.cache_info().hits > 0
    assert shared == [HTML(string=with_style(part)).write_pdf(uncompressed_pdf=True) for part in parts]


def test_a_sheet_part_is_the_sheets_document_without_its_page_numbers(three_cities):
    """The part of a city's sheet renders as the sheet's own document (the template's <style>), its
    page numbers left out (they are laid over the assembled document)."""
    from weasyprint import HTML

    from intake.annex2.exports import Annex2Pdf

    export = Annex2Pdf()
    sheet = annex2.province_annex2(three_cities).sheets_to_print()[0]
    html, css = export.sheet_part(sheet)
    assert "<style>" not in html and "@page" in css
    inline = export.html([sheet], None, page_numbers=False)
    assert pdfwork.render_part((html, css)) == HTML(string=inline).write_pdf(uncompressed_pdf=True)


def test_a_stylesheet_declaring_fonts_is_parsed_with_its_documents_own_configuration():
    """@font-face adds to the configuration the stylesheet is parsed with: such a stylesheet is not
    shared between parts."""
    pdfwork._stylesheet.cache_clear()
    css = "@font-face { font-family: Local; src: local('AR PL UMing CN'); } body { font-family: Local; }"
    document = ("<html><body>附件</body></html>", css)
    assert pdfwork.render_part(document).startswith(b"%PDF")
    assert pdfwork._stylesheet.cache_info().currsize == 0


def test_a_province_without_nominations_prints_the_summary_alone(client_for, seeded):
    campaign = open_campaign()
    pdf = reader(client_for("province").get(URL))
    pages = texts(pdf)
    code = annex2.province_annex2(campaign).summary.verification_code
    assert [item.title for item in pdf.outline] == [SUMMARY_TITLE]
    assert "二、推荐对象清单" in " ".join(pages) and "（无）" in " ".join(pages)
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页，共 {len(pages)} 页" in page and page.count(f"校验码：{code}") >= 1


def test_stale_then_fresh_through_the_worker(client_for, three_cities, settings):
    settings.TASKS = DATABASE_TASKS
    province = client_for("province")
    waiting = province.get(URL)
    assert waiting.status_code == 202 and "正在按当前数据生成新版本" in waiting.content.decode()
    assert "上一版本" not in waiting.content.decode()  # nothing rendered before
    render = Render.objects.get(kind=PROVINCE_ANNEX2_PDF.name)
    assert render.status == Render.QUEUED
    status = province.get(f"/exports/renders/{render.pk}/status/").json()
    assert status["ready"] is False and status["status"] == "queued"

    call_command("render_worker", "--batch", "--processes", "0", stdout=io.StringIO())
    first = reader(province.get(URL))
    old_code = annex2.province_annex2(three_cities).summary.verification_code
    assert province.get(f"/exports/renders/{render.pk}/status/").json()["ready"] is True

    nominate("guangzhou", "project", name="广州新增的项目")
    page = province.get(URL)
    body = page.content.decode()
    assert page.status_code == 202 and "正在按当前数据生成新版本" in body
    new_code = annex2.province_annex2(three_cities).summary.verification_code
    assert new_code != old_code and new_code in body
    assert "上一版本" in body and f"校验码 {old_code}" in body and f"/exports/renders/{render.pk}/" in body
    assert "render-wait.js" in body and "<script>" not in body  # a static script, as the CSP wants
    previous = reader(province.get(f"/exports/renders/{render.pk}/"))
    assert texts(previous) == texts(first) and "广州新增的项目" not in " ".join(texts(previous))

    call_command("render_worker", "--batch", "--processes", "0", stdout=io.StringIO())
    fresh = texts(reader(province.get(URL)))
    assert "广州新增的项目" in " ".join(fresh) and f"校验码：{new_code}" in " ".join(fresh)
    fresh_render = Render.objects.get(kind=PROVINCE_ANNEX2_PDF.name, code=new_code)
    assert province.get(f"/exports/renders/{fresh_render.pk}/status/").json()["ready"] is True


def test_the_worker_renders_the_data_as_it_is_when_it_runs(client_for, three_cities, settings):
    settings.TASKS = DATABASE_TASKS
    province = client_for("province")
    assert province.get(URL).status_code == 202
    queued = Render.objects.get(kind=PROVINCE_ANNEX2_PDF.name)
    nominate("guangzhou", "project", name="排队后新增的项目")
    call_command("render_worker", "--batch", "--processes", "0", stdout=io.StringIO())
    queued.refresh_from_db()
    assert queued.status == Render.SUPERSEDED and queued.successor.status == Render.DONE
    status = province.get(f"/exports/renders/{queued.pk}/status/").json()  # the waiting page follows it
    assert status["ready"] and status["download"] == f"/exports/renders/{queued.successor.pk}/"
    assert "排队后新增的项目" in " ".join(texts(reader(province.get(status["download"]))))


def test_cities_never_get_the_province_render(client_for, three_cities):
    reader(client_for("province").get(URL))
    render = Render.objects.get(kind=PROVINCE_ANNEX2_PDF.name)
    clerk = client_for("qingyuan")
    assert clerk.get(f"/exports/renders/{render.pk}/").status_code == 404
    assert clerk.get(f"/exports/renders/{render.pk}/status/").status_code == 404
    assert client_for("province").get("/exports/renders/999999/").status_code == 404
    # The clerk's own sheet is still rendered in the request: one part, a tenth of a second.
    pdf = reader(clerk.get(URL))
    assert len(pdf.pages) == 1 and Render.objects.count() == 1


def test_a_failed_render_says_so_and_is_tried_again(client_for, three_cities, settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    province = client_for("province")
    province.get(URL)
    render = Render.objects.get()

    def broken(html):
        raise RuntimeError("字体损坏")

    original = pdfwork.render_part
    monkeypatch.setattr(pdfwork, "render_part", broken)
    with pytest.raises(RuntimeError):  # the task fails; the queue records it
        renders.run_render(render.pk)
    render.refresh_from_db()
    assert render.status == Render.FAILED and "字体损坏" in render.error
    assert province.get(f"/exports/renders/{render.pk}/status/").json()["failed"] is True
    monkeypatch.setattr(pdfwork, "render_part", original)
    assert province.get(URL).status_code == 202  # asked again: queued again
    assert Render.objects.get().status == Render.QUEUED
    call_command("render_worker", "--batch", "--processes", "0", stdout=io.StringIO())
    assert reader(province.get(URL)).pages


# --- The worker: django-tasks' database backend, at most RENDER_CONCURRENCY at a time ------------

BLANK = pdf_bytes()
_running = {"now": 0, "most": 0}
_lock = threading.Lock()


def slow_part(payload):
    with _lock:
        _running["now"] += 1
        _running["most"] = max(_running["most"], _running["now"])
    time.sleep(0.4)
    with _lock:
        _running["now"] -= 1
    return BLANK


class SlowKind(kinds.SinglePartKind):
    name = "test_slow"
    verbose_name = "测试文件"
    renderer = slow_part

    def allowed(self, user, params):
        return True

    def scope(self, params):
        return "one document"

    def describe(self, params):
        return kinds.Document(kinds.digest_of(self.name, params["n"]), f"测试{params['n']}.pdf", "test.pdf",
                              content=params["n"])


@pytest.fixture
def slow_kind(db):
    kind = kinds.register(SlowKind())
    _running.update(now=0, most=0)
    yield kind
    kinds.unregister(kind.name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("concurrency", [1, 2])
def test_the_worker_runs_at_most_the_configured_renders_at_a_time(settings, slow_kind, concurrency, monkeypatch):
    """Four queued renders, RENDER_CONCURRENCY worker threads: never more at once than configured.

    On SQLite the test database lives in memory, shared between threads in SQLite's shared-cache
    mode, where two connections writing at once fail at once instead of waiting (a real SQLite file,
    in WAL mode with a busy timeout, waits): there the threads' loop is stood in for by one that
    only counts, and the real threads run on PostgreSQL (`.ci/run` runs both)."""
    from django.db import connection
    from django_tasks_db.management.commands.db_worker import Worker

    settings.TASKS = DATABASE_TASKS
    settings.RENDER_CONCURRENCY = concurrency
    queued = [renders.request_render(slow_kind, {"n": n})[0] for n in range(4)]
    assert {r.status for r in queued} == {Render.QUEUED}
    shared_cache = connection.vendor == "sqlite" and concurrency > 1
    if shared_cache:
        monkeypatch.setattr(Worker, "run", lambda worker: slow_part(None) and None)
    out = io.StringIO()
    call_command("render_worker", "--batch", "--processes", "0", stdout=out)
    assert f"{concurrency} render(s) at a time" in out.getvalue()
    if not shared_cache:
        assert {r.status for r in Render.objects.filter(kind=slow_kind.name)} == {Render.DONE}
    assert _running["most"] == concurrency


def test_one_task_through_the_database_backends_own_worker_command(settings, slow_kind):
    """django-tasks-db's `db_worker` runs our task as well (the render worker is that worker, on its
    queue, with the pool)."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    render, _ = renders.request_render(slow_kind, {"n": 1})
    task = DBTaskResult.objects.get()
    assert task.queue_name == "renders" and task.status == "READY"
    call_command("db_worker", "--batch", "--queue-name", "renders", "--no-startup-delay", "--no-reload",
                 stdout=io.StringIO())
    task.refresh_from_db()
    render.refresh_from_db()
    assert task.status == "SUCCESSFUL" and render.status == Render.DONE and render.file


def test_without_the_database_backend_the_worker_says_so(settings):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="数据库后端"):
        call_command("render_worker", "--batch", stdout=io.StringIO())


def test_renders_are_kept_old_files_pruned(settings, slow_kind):
    from datetime import timedelta

    from django.utils import timezone

    settings.RENDER_KEEP_DAYS = 1
    done = [renders.request_render(slow_kind, {"n": n})[0] for n in range(4)]
    for age, render in zip((5, 4, 3), done[:3], strict=True):
        Render.objects.filter(pk=render.pk).update(finished_at=timezone.now() - timedelta(days=age))
    renders.prune_files(slow_kind, done[-1])
    rows = {r.pk: r for r in Render.objects.filter(kind=slow_kind.name)}
    assert len(rows) == 4  # no row is deleted
    assert [rows[r.pk].pruned_at is not None for r in done] == [True, True, False, False]


def test_part_files_no_kept_render_is_made_of_are_pruned_after_the_kept_days(settings, slow_kind):
    """A part file stays while a kept render is made of it, or while it is younger than the kept
    days (a render may reuse it); after that it goes."""
    import os
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.utils import timezone

    settings.RENDER_KEEP_DAYS = 1
    done = [renders.request_render(slow_kind, {"n": n})[0] for n in range(4)]
    assert [r.part_digests for r in done] == [[r.digest] for r in done]  # a part of one piece: the document
    stray = renders.part_path(slow_kind.name, kinds.digest_of("a part no render lists"))
    fresh = renders.part_path(slow_kind.name, kinds.digest_of("a part written a moment ago"))
    default_storage.save(stray, io.BytesIO(BLANK))
    default_storage.save(fresh, io.BytesIO(BLANK))
    long_ago = (timezone.now() - timedelta(days=5)).timestamp()
    for path in [stray] + [renders.part_path(slow_kind.name, r.digest) for r in done]:
        os.utime(default_storage.path(path), (long_ago, long_ago))
    for age, render in zip((5, 4, 3), done[:3], strict=True):
        Render.objects.filter(pk=render.pk).update(finished_at=timezone.now() - timedelta(days=age))
    renders.prune_files(slow_kind, done[-1])
    kept = [default_storage.exists(renders.part_path(slow_kind.name, r.digest)) for r in done]
    assert kept == [False, False, True, True]  # the renders pruned, the latest two kept
    assert not default_storage.exists(stray) and default_storage.exists(fresh)
    # a pruned render asked for again is rendered again, its part with it
    again, _ = renders.request_render(slow_kind, {"n": 0})
    assert again.is_done and default_storage.exists(renders.part_path(slow_kind.name, again.digest))


def test_a_part_pruned_while_a_render_reads_it_is_rendered_again(settings, slow_kind, monkeypatch):
    """Another worker's pruning may remove a part file between the look and the read."""
    from django.core.files.storage import FileSystemStorage

    exists = FileSystemStorage.exists
    monkeypatch.setattr(FileSystemStorage, "exists", lambda storage, name: (
        name.startswith("renders/parts/") and name.endswith(".pdf")) or exists(storage, name))
    render, _ = renders.request_render(slow_kind, {"n": 1})
    assert render.is_done and render.parts_rendered == 1


def test_every_city_clerk_gets_a_404_for_the_province_render(client_for, three_cities):
    reader(client_for("province").get(URL))
    render = Render.objects.get(kind=PROVINCE_ANNEX2_PDF.name)
    assert reader(client_for("admin").get(f"/exports/renders/{render.pk}/")).pages
    for clerk in ("qingyuan", "guangzhou", "huizhou"):  # its own data in it or not
        assert client_for(clerk).get(f"/exports/renders/{render.pk}/").status_code == 404
    assert client_for("auditor").get(f"/exports/renders/{render.pk}/").status_code in (403, 404)


def test_the_letter_pdf_is_rendered_by_the_worker_too(client_for, three_cities, settings):
    """A city's recommendation letter: a render kind of one part, queued like the province's PDF and
    rendered by the worker; another city's clerk never gets it by its id."""
    from intake.renders.letters import CITY_LETTER_PDF

    settings.TASKS = DATABASE_TASKS
    clerk = client_for("qingyuan")
    waiting = clerk.get("/letters/recommendation.pdf")
    assert waiting.status_code == 202 and "正在按当前数据生成新版本" in waiting.content.decode()
    render = Render.objects.get(kind=CITY_LETTER_PDF.name)
    assert render.status == Render.QUEUED and render.params["city"] == "441800"

    call_command("render_worker", "--batch", "--processes", "0", stdout=io.StringIO())
    text = " ".join(texts(reader(clerk.get("/letters/recommendation.pdf"))))
    assert "广东省工业和信息化厅" in text and render.code.replace("-", "") in text.replace("-", "").replace(" ", "")
    assert client_for("huizhou").get(f"/exports/renders/{render.pk}/").status_code == 404
    assert client_for("province").get(f"/exports/renders/{render.pk}/").status_code == 200


def test_the_worker_renders_at_a_lower_priority_than_the_web(settings, slow_kind, monkeypatch):
    """The worker lowers its own priority before its pool starts (the pool inherits it), so renders
    take only the CPU pages leave."""
    import os

    from intake.management.commands import render_worker

    niced, grouped = [], []
    monkeypatch.setattr(os, "nice", lambda increment: niced.append(increment) or 0)
    # The test process's own session group is left alone (its test is below).
    monkeypatch.setattr(render_worker, "lower_own_session_group", lambda nice: grouped.append(nice))
    settings.TASKS = DATABASE_TASKS
    settings.RENDER_NICE = 10
    render, _ = renders.request_render(slow_kind, {"n": 1})
    out = io.StringIO()
    call_command("render_worker", "--batch", "--processes", "0", stdout=out)
    render.refresh_from_db()
    assert niced[0] == 10 and grouped == [10] and render.status == Render.DONE


def test_a_worker_leading_its_session_lowers_its_session_group(tmp_path, monkeypatch):
    """Linux shares the CPU between session groups before nice counts: a worker in a session of its
    own lowers its group too; one sharing a session (the web server's) leaves the group alone."""
    import os

    from intake.management.commands.render_worker import lower_own_session_group

    group = tmp_path / "autogroup"
    group.write_text("/autogroup-1 nice 0\n")
    monkeypatch.setattr(os, "getsid", lambda pid: os.getpid() + 1)
    assert lower_own_session_group(10, proc=group) is False
    assert group.read_text() == "/autogroup-1 nice 0\n"
    monkeypatch.setattr(os, "getsid", lambda pid: os.getpid())
    assert lower_own_session_group(10, proc=group) is True
    assert group.read_text() == "10"


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="no autogroups in this kernel")
def test_the_kernel_takes_the_worker_session_group_nice():
    import subprocess
    import sys

    script = ("import django; django.setup(); "
              "from intake.management.commands.render_worker import lower_own_session_group as lower; "
              "print(lower(7)); print(open('/proc/self/autogroup').read())")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            start_new_session=True, check=True)
    changed, group = result.stdout.splitlines()[:2]
    assert changed == "True" and group.endswith("nice 7")


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the settings are glibc's")
def test_pool_processes_keep_large_blocks_for_the_next_part(monkeypatch):
    """Each pool process is warmed with the allocator settings that keep WeasyPrint's copies of the
    font file in its heap between parts; glibc takes them."""
    import subprocess
    import sys

    tuned = []
    monkeypatch.setattr(pdfwork, "tune_allocator", lambda: tuned.append(True) or True)
    assert pdfwork.warm() is True and tuned == [True]
    script = "from intake.renders import pdfwork; print(pdfwork.tune_allocator())"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "True"
