"""Annex 2 exports with all 20 cities at full quota: prints figures, asserts nothing.

    .venv/bin/python bench/annex2_exports.py              # throwaway SQLite file, removed afterwards
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch .venv/bin/python bench/annex2_exports.py
    .venv/bin/python bench/annex2_exports.py --fonttools  # also: font embedding without HarfBuzz

Measures, in one run: building the province's sheets (time, queries); the province-wide XLSX; the
province-wide PDF against WeasyPrint alone on the same HTML (ratio); a second download of unchanged
data through the view, served from the cache. A given DATABASE_URL must be a scratch database: the
script migrates it and adds a campaign of its own (year 2099), and refuses if that exists.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

BENCH_YEAR = 2099
NAMES = [
    "智能装备制造股份有限公司", "新材料科技有限公司", "工业互联网平台", "供应链管理服务有限公司",
    "检验检测认证中心", "精密模具全生命周期管理项目", "节能环保服务集团有限公司", "家电柔性定制化生产平台",
]


def setup_django(scratch_sqlite):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    if "DATABASE_URL" not in os.environ:
        os.environ["SQLITE_PATH"] = scratch_sqlite
    import django

    django.setup()


def fill_full_quota():
    """Seeds reference data and fills every city's every category to its limit through the services."""
    import io
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone
    from stdnum.cn import uscc

    from intake import services
    from intake.models import Campaign, Category, City, DemoMode, User
    from quotas.selectors import limit_for
    from quotas.services import copy_quota_rules

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    if Campaign.objects.filter(year=BENCH_YEAR).exists():
        sys.exit(f"The database already has a {BENCH_YEAR} campaign: give the benchmark a scratch database.")
    campaign = Campaign.objects.create(
        year=BENCH_YEAR, name=f"{BENCH_YEAR}年服务型制造示范遴选（基准测试）",
        submission_deadline=timezone.now() + timedelta(days=30), is_open=True,
    )
    copy_quota_rules(Campaign.objects.get(year=2023), campaign)
    modes = list(DemoMode.objects.all())
    serial = 0
    for city in City.objects.all():
        clerk = User.objects.get(city=city)
        services.save_slate_contact(user=clerk, campaign=campaign, city=city, filler_name="张晓明",
                                    filler_phone="020-83133359")
        for category in Category.objects.all():
            for i in range(limit_for(campaign, city, category.code)):
                serial += 1
                body = f"91{city.code}MA{serial:07d}"
                fields = {"contact_name": "李华", "contact_phone": "13800138000",
                          "contact_email": f"contact{serial}@example.com.cn", "electronic_no": f"FW{serial:06d}"}
                if category.is_city:
                    fields["city_kind"] = "industrial_design"
                else:
                    fields["name"] = f"广东{city.name[:-1]}{NAMES[(serial + i) % len(NAMES)]}"
                    fields["credit_code"] = body + uscc.calc_check_digit(body)
                if category.code == Category.ENTERPRISE:
                    fields["demo_mode"] = modes[serial % len(modes)]
                if category.is_platform:
                    fields["provider"] = "应用服务提供商"
                services.create_nomination(user=clerk, campaign=campaign, city=city, category=category, **fields)
    return campaign


def timed(fn, repeat):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median printed)")
    parser.add_argument("--fonttools", action="store_true", help="also time WeasyPrint with fontTools subsetting")
    run_on_scratch_database(run, parser.parse_args())


def run_on_scratch_database(run, args):
    """`run(args)` with Django set up on a throwaway SQLite file (removed afterwards), or on the
    scratch database DATABASE_URL names."""
    scratch = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
    scratch.close()
    try:
        setup_django(scratch.name)
        run(args)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(scratch.name + suffix).unlink(missing_ok=True)


def run(args):
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from weasyprint import HTML

    from intake import annex2
    from intake.exports import Annex2Pdf, Annex2Xlsx
    from intake.exports.fonts import find_cjk_font, harfbuzz_subsetting
    from intake.models import Nomination, User

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"database: {connection.vendor}; font: {find_cjk_font()}; HarfBuzz subsetting: {harfbuzz_subsetting()}")
    start = time.perf_counter()
    campaign = fill_full_quota()
    rows = Nomination.objects.filter(campaign=campaign).count()
    print(f"data: 20 cities at full quota, {rows} nominations (filled through the services in "
          f"{time.perf_counter() - start:.1f} s)")

    with CaptureQueriesContext(connection) as queries:
        annex2.province_annex2(campaign)
    build, province = timed(lambda: annex2.province_annex2(campaign), args.repeat * 2)
    print(f"build province sheets + 汇总: {build * 1000:.1f} ms, {len(queries)} queries")

    xlsx_render, (_, _, xlsx) = timed(lambda: Annex2Xlsx().render(province.sheets, summary=province.summary),
                                      args.repeat)
    print(f"province XLSX (21 sheets, {len(xlsx) / 1024:.0f} KiB): render {xlsx_render * 1000:.0f} ms, "
          f"build + render {(build + xlsx_render) * 1000:.0f} ms")

    pdf = Annex2Pdf()
    html = pdf.html(province.sheets, province.summary)
    HTML(string=pdf.html(province.sheets[:1])).write_pdf()  # warm-up: fonts and WeasyPrint's own stylesheets
    ours, alone, own_work = [], [], []
    for _ in range(args.repeat):  # interleaved, so both see the same machine load
        start = time.perf_counter()
        HTML(string=html).write_pdf()
        alone.append(time.perf_counter() - start)
        t0 = time.perf_counter()
        fresh = annex2.province_annex2(campaign)
        t1 = time.perf_counter()
        _, _, data = pdf.render(fresh.sheets, summary=fresh.summary)  # template + WeasyPrint
        t2 = time.perf_counter()
        pdf.html(fresh.sheets, fresh.summary)  # the template once more, alone, to show our share
        t3 = time.perf_counter()
        ours.append(t2 - t0)
        own_work.append((t1 - t0) + (t3 - t2))
    print(f"province PDF ({len(data) / 1024:.0f} KiB, {len(html) / 1024:.0f} KiB of HTML): "
          f"ours (queries + template + WeasyPrint) median {statistics.median(ours):.2f} s / best {min(ours):.2f} s; "
          f"WeasyPrint alone on the same HTML median {statistics.median(alone):.2f} s / best {min(alone):.2f} s")
    print(f"  ratio ours / WeasyPrint alone: {statistics.median(ours) / statistics.median(alone):.2f}x (medians), "
          f"{min(ours) / min(alone):.2f}x (best runs) (target <= 1.3x); our own work (queries + template) "
          f"{statistics.median(own_work) * 1000:.0f} ms")
    alone_s = statistics.median(alone)

    one = annex2.city_sheet(campaign, province.sheets[0].city)
    city_pdf, _ = timed(lambda: pdf.render([one]), args.repeat)
    print(f"one city's PDF ({one.row_count} rows): {city_pdf * 1000:.0f} ms")

    if args.fonttools:
        import weasyprint.pdf.fonts as wp_fonts

        saved, wp_fonts.harfbuzz_subset = wp_fonts.harfbuzz_subset, None
        import logging

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        try:
            slow, _ = timed(lambda: HTML(string=html).write_pdf(), args.repeat)
        finally:
            wp_fonts.harfbuzz_subset = saved
        print(f"WeasyPrint alone with fontTools subsetting instead of HarfBuzz: {slow:.2f} s "
              f"({slow / alone_s:.2f}x of HarfBuzz)")

    client = Client()
    client.force_login(User.objects.get(username="province"))
    cache.clear()
    for extension in ("xlsx", "pdf"):
        url = f"/exports/annex2.{extension}?campaign={BENCH_YEAR}"
        cold, first = timed(lambda url=url: client.get(url), 1)
        warm, second = timed(lambda url=url: client.get(url), args.repeat * 3)
        assert first.status_code == second.status_code == 200 and first.content == second.content
        print(f"download province {extension.upper()} through the view: first {cold * 1000:.0f} ms, "
              f"second (unchanged data, from cache) {warm * 1000:.1f} ms (target < 50 ms)")


if __name__ == "__main__":
    main()
