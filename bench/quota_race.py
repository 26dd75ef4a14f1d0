#!/usr/bin/env python3
"""Quota under load: many clerks of one city submit at once for its last places.

PostgreSQL database `gdsm_proof_bench`, production settings, gunicorn with several workers on
loopback: one city's enterprise quota is filled but for the last places, then N requests
(default 50) are released together. Prints how many got in, how many got the quota message, and
anything else (there must be nothing else: no 500, no "busy" timeout); exits non-zero otherwise.

    .venv/bin/python bench/quota_race.py [--requests 50] [--left 2] [--workers 3 --threads 2]

The same race runs as a test against the test database: tests/quotas/test_quota_under_load.py.
"""

import argparse
import collections
import re
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stdnum.cn import uscc  # noqa: E402

from bench.harness import (  # noqa: E402
    Gunicorn,
    Session,
    manage,
    production_env,
    recreate_postgres_database,
    workdir,
)

PASSWORD = "bench-pass-2023"
CATEGORY = "enterprise"


def credit_code(city_code, serial):
    body = f"91{city_code}MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def enterprise_form(session, serial, city_code, demo_mode):
    return {
        "name": f"并发测试企业{serial}", "credit_code": credit_code(city_code, serial), "demo_mode": demo_mode,
        "service_revenue_share": "35", "contact_name": "张三", "contact_phone": "13800138000",
        "contact_email": "zhang@example.cn", "electronic_no": f"FWRACE{serial:05d}",
    }


def classify(status, body):
    if status == 302:
        return "entered"
    if status == 200 and "名额上限" in body and "不能再增加" in body:
        return "quota message"
    if status == 200 and "系统正忙" in body:
        return "busy, try again"
    return f"other ({status})"


def race(sessions, requests, *, city_code, first_serial=1000):
    """Release `requests` POSTs for new enterprises at the same moment, spread over `sessions`;
    returns a Counter of outcomes (see `classify`)."""
    page = sessions[0].get(f"/nominations/new/{CATEGORY}/")[2]
    demo_mode = re.search(r'name="demo_mode"[^>]*>.*?<option value="(\d+)"', page, re.S).group(1)
    for session in sessions:
        session.csrf_token()
    barrier = threading.Barrier(requests)
    outcomes = [None] * requests

    def submit(i):
        session = sessions[i % len(sessions)]
        data = enterprise_form(session, first_serial + i, city_code, demo_mode)
        barrier.wait()
        try:
            status, _, body = session.post(f"/nominations/new/{CATEGORY}/", data)
            outcomes[i] = classify(status, body)
        except OSError as exc:
            outcomes[i] = f"connection error ({exc.__class__.__name__})"

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return collections.Counter(outcomes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--left", type=int, default=2, help="places left before the race (default 2)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (default 2)")
    parser.add_argument("--port", type=int, default=8305)
    args = parser.parse_args()
    with workdir() as tmp:
        env = production_env(tmp, database_url=recreate_postgres_database(), DEMO_PASSWORD=PASSWORD)
        print("Preparing PostgreSQL database gdsm_proof_bench …", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--noinput")
        with Gunicorn(env, port=args.port, workers=args.workers, threads=args.threads,
                      log=tmp / "gunicorn.log") as server:
            sessions = [Session(server.base_url).login("qingyuan", PASSWORD) for _ in range(5)]
            allowed = 4  # qingyuan is not a demonstration city: 4 enterprises
            for i in range(allowed - args.left):
                page = sessions[0].get(f"/nominations/new/{CATEGORY}/")[2]
                demo_mode = re.search(r'name="demo_mode"[^>]*>.*?<option value="(\d+)"', page, re.S).group(1)
                status, _, _ = sessions[0].post(
                    f"/nominations/new/{CATEGORY}/", enterprise_form(sessions[0], i + 1, "441800", demo_mode)
                )
                assert status == 302, f"setting up: {status}"
            outcomes = race(sessions, args.requests, city_code="441800")
            listing = sessions[0].get("/")[2]
            shown = re.search(r"示范企业 (\d+)/(\d+)", listing).group(0)
    print(f"gunicorn {args.workers} workers × {args.threads} threads; {args.requests} concurrent requests for "
          f"the last {args.left} enterprise places of 清远市:")
    for outcome, n in sorted(outcomes.items()):
        print(f"  {outcome:28} {n}")
    print(f"city home afterwards: {shown}")
    ok = outcomes == collections.Counter({"entered": args.left, "quota message": args.requests - args.left})
    print("OK: exactly the allowed number got in, every other request got the quota message."
          if ok else "FAILED: see the outcomes above.")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
