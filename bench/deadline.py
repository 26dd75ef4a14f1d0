"""Deadline day, measured: the locust profile of bench/deadline_locust.py (20 cities × 3 clerks and
3 provincial reviewers per 63 users, think time 1–5 s) against gunicorn on PostgreSQL with
deadline-day data. Prints per endpoint the requests, failures, p50/p95/p99 (ms) and the aggregate,
for each load level. Figures, no assertions.

Each level starts its users over --ramp seconds (each logs in: Argon2, the login's cost), lets them
run --settle seconds more (the ramp's last logins leave a queue: at 315 users it took ~15 s to
drain, and without the settle the window measured its tail as much as the level), then measures
--duration seconds of traffic; the logins' own times are printed on a line of their own
(--include-ramp counts the ramp in the table instead, --settle 0 starts the window at the ramp's end).

    make bench-deadline                                          # 63 and 315 users, 60 s each after ramp and settle
    .venv/bin/python bench/deadline.py --users 63,315 --duration 60 --workers 4
    .venv/bin/python bench/deadline.py --users 63 --duration 20 --database gdsm_mine_deadline

The database named by --database (default gdsm_deadline_bench) on the local PostgreSQL server
(--postgres, default postgres://postgres@127.0.0.1:5432) is DROPPED and created afresh, then
migrated and seeded (`seed_demo`, `seed_scale`). The server runs with production settings (DEBUG
off, Argon2, WhiteNoise, CONN_MAX_AGE=60) except: plain HTTP on loopback (no TLS proxy in front, so
no secure-only cookies), no second factor for any role (the demo accounts have none), and the demo
accounts' password. Locust runs on the same machine and takes some of its CPU.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    BIN,
    ROOT,
    Gunicorn,
    prepare_database,
    production_env,
    recreate_postgres_database,
    workdir,
)

LOCUSTFILE = ROOT / "bench" / "deadline_locust.py"
PERCENTILES = ("50%", "95%", "99%")
# The default ramp's pace: a morning's logins, spread (all 315 within a minute would need more
# CPU than the machine has for Argon2 alone, bench/password_hash.py).
LOGINS_PER_SECOND = 2.5


def run_level(server, users, duration, ramp, out, *, include_ramp=False, client="fast", settle=0):
    """One load level: `users` start over `ramp` seconds (each logs in), then `duration` seconds of
    traffic. Unless `include_ramp`, the figures are reset once every user has started, or `settle`
    seconds after."""
    prefix = out / f"u{users}"
    logins = out / f"u{users}-logins.json"
    command = [
        str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--only-summary",
        "--users", str(users), "--spawn-rate", f"{users / ramp:.2f}", "--run-time", f"{ramp + settle + duration}s",
        "--host", server.base_url, "--csv", str(prefix), "--loglevel", "WARNING", "--stop-timeout", "10",
    ]
    if include_ramp:
        settle = 0
    elif not settle:
        command.append("--reset-stats")
    with open(out / f"u{users}.log", "w") as log:
        subprocess.run(command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=log,
                       env={**os.environ, "DEADLINE_LOGIN_TIMES": str(logins), "DEADLINE_CLIENT": client,
                            "DEADLINE_SETTLE": str(settle)})
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return rows, json.loads(logins.read_text()) if logins.exists() else []


def report(users, duration, ramp, rows, load, login_ms, *, include_ramp=False, settle=0):
    window = (f"{ramp} s ramp + {duration} s" if include_ramp
              else f"{duration} s after a {ramp} s ramp" + (f" and {settle} s to settle" if settle else ""))
    print(f"\n== {users} users, figures of {window}, load average after: {load}")
    if login_ms:
        login_ms = sorted(login_ms)
        pick = [login_ms[min(len(login_ms) - 1, int(len(login_ms) * q))] for q in (0.5, 0.95, 0.99)]
        print(f"logins during the ramp: {len(login_ms)}, ms p50/p95/p99 {'/'.join(f'{x:.0f}' for x in pick)}")
    print(f"{'endpoint':<32} {'requests':>8} {'failures':>8} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6}")
    rows = sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"]))
    for row in rows:
        name = "ALL (aggregate)" if row["Name"] == "Aggregated" else row["Name"]
        figures = " ".join(f"{_ms(row[p]):>6}" for p in PERCENTILES)
        print(f"{name:<32} {row['Request Count']:>8} {row['Failure Count']:>8} "
              f"{float(row['Requests/s']):>6.1f} {figures}")


def _ms(value):
    return "—" if value in ("N/A", "", None) else str(int(float(value)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="63,315", help="comma-separated load levels (default 63,315)")
    parser.add_argument("--duration", type=int, default=60, help="seconds measured per level (default 60)")
    parser.add_argument("--ramp", type=int, default=None,
                        help="seconds over which a level's users start and log in (default: 2.5 logins a "
                             "second, at least 30 s: each login costs ~0.2 CPU-seconds of Argon2)")
    parser.add_argument("--include-ramp", action="store_true",
                        help="count the ramp (and its logins) in the figures instead of resetting them after it")
    parser.add_argument("--settle", type=int, default=30,
                        help="seconds between the last user's start and the measured window (default 30; 0: "
                             "measure from the ramp's end, with the queue its last logins leave)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--database", default="gdsm_deadline_bench", help="scratch PostgreSQL database: dropped!")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--client", choices=("fast", "requests"), default="fast",
                        help="locust's HTTP client: fast (geventhttpclient, default: less of the shared CPU "
                             "for the load itself) or requests (the classic client, as measured before)")
    args = parser.parse_args()
    levels = [int(u) for u in args.users.split(",") if u.strip()]
    with workdir("gdsm-deadline-") as tmp:
        database_url = recreate_postgres_database(args.database, base=args.postgres)
        env = production_env(tmp, database_url=database_url, SECURE_PROXY="0", SECURE_SSL_REDIRECT="0",
                             SECURE_COOKIES="0", HSTS_SECONDS="0", REQUIRE_2FA_ROLES="",
                             DEMO_PASSWORD=os.environ.get("DEMO_PASSWORD", "demo-pass-2023"))
        started = time.monotonic()
        prepare_database(env)
        seconds = time.monotonic() - started
        print(f"database {args.database}: migrated, seeded with deadline-day data in {seconds:.0f} s")
        print(f"gunicorn: {args.workers} sync workers; locust client: {args.client}; machine: {os.cpu_count()} cores, "
              f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        # The province-wide PDF is rendered by the background worker, beside the app server as in
        # production (README, "Background worker"): one process, its pool over the machine's cores.
        with open(tmp / "render_worker.log", "wb") as worker_log, \
                Gunicorn(env, workers=args.workers, log=tmp / "gunicorn.log") as server:
            worker = subprocess.Popen([str(BIN / "python"), "manage.py", "render_worker"], cwd=ROOT, env=env,
                                      stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True)
            for users in levels:
                ramp = args.ramp or max(30, round(users / LOGINS_PER_SECOND))
                rows, login_ms = run_level(server, users, args.duration, ramp, tmp, include_ramp=args.include_ramp,
                                           client=args.client, settle=args.settle)
                report(users, args.duration, ramp, rows, " ".join(f"{x:.2f}" for x in os.getloadavg()), login_ms,
                       include_ramp=args.include_ramp, settle=args.settle)
            worker.terminate()  # finishes the render under way
            worker.wait(timeout=120)
        errors = [line for line in (tmp / "gunicorn.log").read_text(errors="replace").splitlines()
                  if "Traceback" in line or "WORKER TIMEOUT" in line]
        print(f"\ngunicorn log: {len(errors)} tracebacks or worker timeouts")
        for line in errors[:10]:
            print(f"  {line[:160]}")


if __name__ == "__main__":
    main()
