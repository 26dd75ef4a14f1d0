"""Uploads cannot take the service down: gunicorn (2 workers, production settings, PostgreSQL) kept
busy by as many uploads at a time as it has workers, one after another, of the largest XLSX files
the reader allows and of the files that held workers for a minute before it had limits; meanwhile
/healthz/ is probed as the proxy does. Every probe is answered, every upload gets its page, and
gunicorn kills no worker although its timeout is a third of the 30 s the deployment documents.
(How long each file takes to read: bench/uploads.py.)"""

import threading
import time

import pytest

from bench import xlsx_files as files
from intake.common.xlsx_reader import MAX_CELLS, MAX_ELEMENTS, MAX_ROWS, MAX_SHEETS
from tests.live import gunicorn, needs_postgres, session_for

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgres]
WORKERS = 2
WORKER_TIMEOUT = 10  # seconds; the deployment uses 30 (README, docs/scaling.md)
LARGEST_SHEETS = files.largest_cells(MAX_SHEETS, MAX_CELLS // MAX_SHEETS // 10, 10)

UPLOADS = [  # (account, URL, file, what its page says)
    ("huizhou", "/imports/annex2/", LARGEST_SHEETS, "无法识别表格格式"),
    ("province", "/evaluation/import/", files.largest_cells(1, MAX_ROWS, 10), "找不到表头"),
    ("huizhou", "/imports/annex2/", files.most_elements(MAX_ELEMENTS - 100), "无法识别表格格式"),
    ("province", "/evaluation/import/", files.many_empty_sheets(), "1500 张工作表"),
    ("huizhou", "/imports/annex2/", files.one_long_string_everywhere(), "32767 个字"),
]


def test_health_checks_are_answered_while_the_largest_files_are_read(seeded, tmp_path):
    with gunicorn(tmp_path, workers=WORKERS, timeout=WORKER_TIMEOUT) as server:
        jobs = [(session_for(server.base_url, account), url, content)  # sessions made here: the threads
                for account, url, content, _said in UPLOADS for _round in range(2)]  # only speak HTTP
        for session, _url, _content in jobs:
            session.csrf_token()
        answers = [None] * len(jobs)

        def uploads(first):  # every WORKERS-th job, one after another: each worker always has one
            for index in range(first, len(jobs), WORKERS):
                session, url, content = jobs[index]
                answers[index] = session.post_file(url, "file", "表.xlsx", content)

        threads = [threading.Thread(target=uploads, args=(first,)) for first in range(WORKERS)]
        for thread in threads:
            thread.start()
        probes, probe = [], session_for(server.base_url, "province")
        probe.timeout = WORKER_TIMEOUT * 3
        while any(thread.is_alive() for thread in threads):
            start = time.monotonic()
            status = probe.get("/healthz/")[0]
            probes.append((status, time.monotonic() - start))
            time.sleep(0.05)
        for thread in threads:
            thread.join()
        log = (tmp_path / "gunicorn.log").read_text(errors="replace") if (tmp_path / "gunicorn.log").exists() else ""
    print(f"{len(probes)} probes, slowest answered in {max(t for _s, t in probes):.2f} s")
    assert probes and all(status == 200 for status, _t in probes)
    for i, (_account, url, _content, said) in enumerate(UPLOADS):
        for answer in answers[i * 2: i * 2 + 2]:
            status, _headers, page = answer
            assert status == 200 and said in page, (url, status, page[:300])
    assert "WORKER TIMEOUT" not in log and "Booting worker" not in log.split("Listening", 1)[-1]
