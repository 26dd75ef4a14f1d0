#!/usr/bin/env python3
"""Throughput and p95 latency of the busiest pages on deadline day, as ratios of a trivial view.

One run: a throwaway database (SQLite file in a temp dir, or PostgreSQL `gdsm_proof_bench` with
--postgres) filled with deadline-day volumes (seed_demo + seed_scale: 20 cities at full quota,
3 campaigns), production settings (DEBUG off, collectstatic, HTTPS behind a proxy), gunicorn on
loopback, and wrk with logged-in session cookies. Each page is driven the same way as /healthz/
(no database, no session: the framework's own cost), measured in the same run; the figure that
matters is each page's requests/s divided by that baseline (target: at least 0.5). Every page
requires login, so each pays for loading the session and the user before its view runs: the
second baseline, /healthz/session/, is the trivial view behind that same login (same settings,
same database, same session cookie), and the ratio to it (ratio*) shows what the pages
themselves cost. (/healthz/ with a session cookie is measured too: Django's login-required
middleware loads the session and the user before it sees that /healthz/ is exempt, so it costs
about the same.) Pages are rendered on every request: there is no page cache (a page never shows
data older than a write the user saw succeed).

    .venv/bin/python bench/load.py                 # SQLite
    .venv/bin/python bench/load.py --postgres      # PostgreSQL at 127.0.0.1:5432 (--pg-name to pick the database)
    .venv/bin/python bench/load.py --duration 5 --rounds 3 --workers 2 --connections 8
"""

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    BENCH_POSTGRES_DB,
    HOST,
    Gunicorn,
    Session,
    prepare_database,
    production_env,
    recreate_postgres_database,
    workdir,
)

LUA = Path(__file__).with_name("wrk_report.lua")
PASSWORD = "bench-pass-2023"
# (label, account, path, text the page must contain): checked once before measuring.
PAGES = [
    ("city home (guangzhou, 15 nominees)", "guangzhou", "/", "推荐名额使用情况"),
    ("nomination list (guangzhou)", "guangzhou", "/nominations/", "推荐对象"),
    ("nomination list (province, 50 of 225)", "province", "/nominations/", "全部地市"),
    ("province overview (20 cities)", "province", "/", "全省推荐情况"),
]


def wrk(url, cookie, *, duration, threads, connections):
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", str(LUA),
        "-H", "X-Forwarded-Proto: https", url,
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    figures = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    bad = figures["non2xx3xx"] + figures["connect"] + figures["read"] + figures["write"] + figures["timeout"]
    return {
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p95_ms": figures["p95_us"] / 1000,
        "p50_ms": figures["p50_us"] / 1000,
        "requests": figures["requests"],
        "errors": bad,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL (database --pg-name)")
    parser.add_argument("--pg-name", default=BENCH_POSTGRES_DB,
                        help=f"PostgreSQL database, dropped and recreated (default {BENCH_POSTGRES_DB})")
    parser.add_argument("--port", type=int, default=8304)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per target and round (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    args = parser.parse_args()

    with workdir() as tmp:
        database_url = recreate_postgres_database(args.pg_name) if args.postgres else None
        # The pages are measured, not the login's second step: the province logs in with its password.
        env = production_env(tmp, database_url=database_url, DEMO_PASSWORD=PASSWORD, REQUIRE_2FA_ROLES="")
        print(f"Preparing {'PostgreSQL' if args.postgres else 'SQLite'} database in {tmp} …", flush=True)
        prepare_database(env)
        server = Gunicorn(env, port=args.port, workers=args.workers, log=tmp / "gunicorn.log")
        with server:
            sessions = {}
            for _label, account, path, must_contain in PAGES:
                session = sessions.get(account) or Session(server.base_url).login(account, PASSWORD)
                sessions[account] = session
                status, _, body = session.get(path)
                if status != 200 or must_contain not in body:
                    sys.exit(f"{account} {path}: status {status}, expected text missing; not measuring")
            opts = {"duration": args.duration, "threads": args.threads, "connections": args.connections}
            print(f"gunicorn {args.workers} sync workers on {HOST}:{args.port}; wrk -t{args.threads} "
                  f"-c{args.connections} -d{args.duration}s per target, {args.rounds} interleaved rounds\n",
                  flush=True)
            targets = [("/healthz/ (baseline: trivial view)", "/healthz/", None)]
            targets += [(label, path, sessions[account].cookie_header()) for label, account, path, _ in PAGES]
            # /healthz/ is exempt from the login, but the login-required middleware looks at the user
            # first: with a session cookie it loads the session and the user too.
            targets.append(("/healthz/ with a session cookie", "/healthz/", sessions["guangzhou"].cookie_header()))
            # The floor of every logged-in page: the trivial view behind the login.
            targets.append(("/healthz/session/ (trivial, logged in)", "/healthz/session/",
                            sessions["guangzhou"].cookie_header()))
            # Rounds, each measuring its own baseline: a machine shared with other work drifts, and
            # a ratio taken within one round is what stays comparable.
            rounds = [
                {label: wrk(server.base_url + path, cookie, **opts) for label, path, cookie in targets}
                for _ in range(args.rounds)
            ]

    baseline_label, logged_in_label = targets[0][0], targets[-1][0]
    print(f"{'page':42} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'ratio':>6} {'ratio*':>6}")
    below, below_logged_in = [], []
    for label, _path, _cookie in targets:
        runs = [r[label] for r in rounds]
        ratio = statistics.median(r[label]["rps"] / r[baseline_label]["rps"] for r in rounds)
        logged_in_ratio = statistics.median(r[label]["rps"] / r[logged_in_label]["rps"] for r in rounds)
        rps = statistics.median(run["rps"] for run in runs)
        p50 = statistics.median(run["p50_ms"] for run in runs)
        p95 = statistics.median(run["p95_ms"] for run in runs)
        errors = sum(run["errors"] for run in runs)
        print(f"{label:42} {rps:8.0f} {p50:8.1f} {p95:8.1f} {errors:7d} {ratio:6.2f} {logged_in_ratio:6.2f}")
        if label in {page[0] for page in PAGES}:
            below += [f"{label} (ratio {ratio:.2f})"] if ratio < 0.5 else []
            below_logged_in += [f"{label} (ratio* {logged_in_ratio:.2f})"] if logged_in_ratio < 0.5 else []
    print("\n(medians over the rounds; ratio = page req/s ÷ /healthz/ req/s of the same round, anonymous;")
    print(" ratio* = the same against /healthz/session/, the trivial view behind the same login: the")
    print(" session and user lookups every logged-in page pays before its view runs. No page cache.)")
    print("Target: every page ≥ 0.50 of the trivial view.")
    print("  against the logged-in trivial view (ratio*): " + ("below: " + "; ".join(below_logged_in)
                                                             if below_logged_in else "all met"))
    print("  against the anonymous /healthz/ (ratio):     " + ("below: " + "; ".join(below) if below else "all met"))


if __name__ == "__main__":
    main()
