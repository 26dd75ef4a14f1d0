"""Uploads in figures: how long the largest file each limit allows holds a worker. Prints, asserts nothing.

    .venv/bin/python bench/uploads.py            # throwaway SQLite file, removed afterwards
    .venv/bin/python bench/uploads.py --repeat 5

1. `xlsx_reader.read_uploaded_workbook` on the largest file each limit allows (sheets × rows ×
   columns up to the cell limit, the longest texts, the most XML elements, the most unpacked
   bytes) and on the files that held a worker for a minute before the limits existed;
2. `uploads.validate_pdf` on a scan at the size limit and on a PDF of as many objects as allowed;
3. the imports through their views (test client, one process): the Annex 2 preview at its row
   limit, the registry preview and confirmation at theirs, and the size of a preview page when
   every cell is as long as allowed.
The slowest of these bounds how long one upload can hold a gunicorn worker (README, docs/scaling.md).
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def timed(function, repeat):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median and worst printed)")
    from bench.annex2_exports import run_on_scratch_database

    run_on_scratch_database(run, parser.parse_args())


def read(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from intake.common.uploads import UploadRejected
    from intake.common.xlsx_reader import read_uploaded_workbook

    try:
        workbook = read_uploaded_workbook(SimpleUploadedFile("bench.xlsx", data))
    except UploadRejected as exc:
        return f"refused ({exc.code}): {exc.messages[0][:70]}…"
    cells = sum(1 for sheet in workbook.sheets for _n, row in sheet.rows for v in row if v is not None)
    return f"read: {len(workbook.sheets)} sheets, {cells} cells with a value"


def run(args):
    from bench import xlsx_files as files
    from intake.common import xlsx_reader as limits

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"limits: {limits.MAX_SHEETS} sheets, {limits.MAX_ROWS} rows × {limits.MAX_COLUMNS} columns a sheet, "
          f"{limits.MAX_CELLS} cells, {limits.MAX_CELL_CHARS} characters a cell, {limits.MAX_TEXT_CHARS} characters "
          f"in all, {limits.MAX_ELEMENTS} XML elements, {limits.MAX_UNPACKED_MB} MB unpacked, ratio "
          f"{limits.MAX_COMPRESSION_RATIO}, {limits.MAX_PARTS} parts")
    columns = 10
    cases = [
        ("largest allowed: 50 sheets × 100 rows × 10 columns (50,000 cells)",
         files.largest_cells(limits.MAX_SHEETS, limits.MAX_CELLS // limits.MAX_SHEETS // columns, columns)),
        ("largest allowed: 1 sheet × 5,000 rows × 10 columns (50,000 cells)",
         files.largest_cells(1, limits.MAX_ROWS, columns)),
        ("largest allowed: 500 cells of 1,999 characters (text limit)",
         files.longest_texts(limits.MAX_TEXT_CHARS // limits.MAX_CELL_CHARS, limits.MAX_CELL_CHARS - 1)),
        ("largest allowed: 299,900 XML elements", files.most_elements(limits.MAX_ELEMENTS - 100)),
        ("largest allowed: 19 MB of XML", files.most_bytes(limits.MAX_UNPACKED_MB - 1)),
        ("before the limits: 1,500 empty sheets, a cell at row 5,000", files.many_empty_sheets()),
        ("before the limits: one 32,767-character string in 6,000 cells", files.one_long_string_everywhere()),
        ("one over: 51 sheets", files.largest_cells(limits.MAX_SHEETS + 1, 10, 10)),
        ("one over: 50,001 cells",
         files.workbook([("多", files.sheet_xml(files.rows_xml([[1] * 50] * 1000 + [[1]])))])),
    ]
    worst = 0
    for label, data in cases:
        median, slowest, outcome = timed(lambda data=data: read(data), args.repeat)
        worst = max(worst, slowest)
        print(f"{label}: {len(data) / 1024:,.0f} KiB, median {median * 1000:.0f} ms, worst {slowest * 1000:.0f} ms; "
              f"{outcome}")
    print(f"slowest read of any file: {worst * 1000:.0f} ms")
    pdfs(args)
    from django.conf import settings
    from django.test.utils import override_settings

    # Pages render without `collectstatic` (as tests/server_settings.py does for gunicorn).
    unhashed = {**settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=unhashed):
        imports_through_views(args)


def pdfs(args):
    import io
    import random

    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from intake.common.uploads import MAX_PDF_OBJECTS, UploadRejected, validate_pdf

    def check(data):
        try:
            validate_pdf(SimpleUploadedFile("scan.pdf", data))
        except UploadRejected as exc:
            return f"refused ({exc.code})"
        return "accepted"

    rng = random.Random(1)
    pages, limit = [], settings.MAX_UPLOAD_MB * 1024 * 1024
    scan = b""
    while True:  # noise compresses worst: as many A4 pages at 100 dpi as fit under the size limit
        pages.append(Image.frombytes("L", (827, 1169), rng.randbytes(827 * 1169)))
        out = io.BytesIO()
        pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=100)
        if out.tell() > limit:
            break
        scan = out.getvalue()
    body = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    body += [b"<< /N %d >>" % i for i in range(MAX_PDF_OBJECTS - len(body) - 1)]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, item in enumerate(body, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, item)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    for label, data in [(f"a scan of {len(pages) - 1} noise pages", scan),
                        (f"{MAX_PDF_OBJECTS - 1:,} objects (the limit)", bytes(out))]:
        median, slowest, outcome = timed(lambda data=data: check(data), args.repeat)
        print(f"PDF, {label}: {len(data) / 1024 / 1024:.1f} MB, median {median * 1000:.0f} ms, "
              f"worst {slowest * 1000:.0f} ms; {outcome}")


def imports_through_views(args):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from stdnum.cn import uscc

    from bench import xlsx_files as files
    from intake.annex2.importer import MAX_NOMINATIONS
    from intake.evaluation.registry_import import MAX_ROWS
    from intake.models import RecognisedUnit, User

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())

    def codes(region, count):
        return [(lambda body: body + uscc.calc_check_digit(body))(f"91{region}MA{i:07d}") for i in range(count)]

    def annex2_form(rows, chars):
        header = ["序号", "企业名称", "示范模式", "联系人", "联系方式", "电子邮箱", "统一社会信用代码"]
        body = [["一、示范企业"], header] + [
            [i, f"企业{i:03d}" + "甲" * max(chars - 5, 0), "定制化服务", "陈" + "一" * max(chars - 1, 0), "13800138000",
             "a@example.cn", code] for i, code in enumerate(codes("441300", rows), 1)
        ]
        return files.workbook([("附件2", files.sheet_xml(files.rows_xml(body)))])

    clerk, province = Client(), Client()
    clerk.force_login(User.objects.get(username="huizhou"))
    province.force_login(User.objects.get(username="province"))

    def post(client, url, data, name):
        return client.post(url, {"file": SimpleUploadedFile(name, data)})

    for chars, label in ((20, "20-character cells"), (1999, "1,999-character cells")):
        data = annex2_form(MAX_NOMINATIONS, chars)
        median, slowest, response = timed(lambda data=data: post(clerk, "/imports/annex2/", data, "附件2.xlsx"),
                                          args.repeat)
        print(f"Annex 2 preview, {MAX_NOMINATIONS} rows (the limit), {label}: median {median * 1000:.0f} ms, "
              f"worst {slowest * 1000:.0f} ms, page {len(response.content) / 1024:,.0f} KiB "
              f"(status {response.status_code})")

    RecognisedUnit.objects.update(is_active=False)  # the demo registry out of the way
    for chars, label in ((20, "20-character names"), (190, "190-character names")):
        data = files.largest_registry(MAX_ROWS, name_chars=chars, valid_codes=codes("441800", MAX_ROWS))
        median, slowest, response = timed(lambda data=data: post(province, "/evaluation/import/", data, "名单.xlsx"),
                                          args.repeat)
        print(f"registry preview, {MAX_ROWS} rows (the limit), {label}: median {median * 1000:.0f} ms, "
              f"worst {slowest * 1000:.0f} ms, page {len(response.content) / 1024:,.0f} KiB "
              f"(status {response.status_code})")
    token = re.search(r'name="token" value="(\w+)"', response.content.decode())[1]
    start = time.perf_counter()
    done = province.post("/evaluation/import/confirm/", {"token": token})
    print(f"registry confirmation, {MAX_ROWS} new units: {(time.perf_counter() - start) * 1000:.0f} ms "
          f"(status {done.status_code}, {RecognisedUnit.objects.filter(is_active=True).count()} units in the registry)")


if __name__ == "__main__":
    main()
