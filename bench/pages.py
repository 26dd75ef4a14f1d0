"""What the busiest pages cost to build, in-process: per page the SQL queries and the CPU
milliseconds of the app process (median over N warm requests, Django's test client, production
settings with DEBUG off). Prints figures, asserts nothing.

    .venv/bin/python bench/pages.py                      # throwaway SQLite file, seeded, removed afterwards
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch .venv/bin/python bench/pages.py -n 50

Data: deadline day (`seed_demo`, then `seed_scale`: 20 cities at full quota in 3 campaigns, slates in
every state, 500 recognised units). A given DATABASE_URL must be a scratch database: it is migrated
and seeded when it has no deadline-day data yet, and reused as it is when it has.
CPU ms counts the app process only (the view, the templates, the database driver), not the
database server: that is what a web worker spends of the machine's cores per page.
"""

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup_django(scratch_sqlite, freeze=True):
    # Production's settings with unhashed static files (no collectstatic needed) and no second factor
    # for force_login's sessions.
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.server_settings"
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if "DATABASE_URL" not in os.environ:
        os.environ["SQLITE_PATH"] = scratch_sqlite
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    if freeze:
        import config.wsgi  # noqa: F401 (as an app server starts: the loaded code frozen out of the GC's walks)


def seed():
    from django.core.management import call_command

    from intake.models import Nomination

    call_command("migrate", "--noinput", verbosity=0)
    if Nomination.objects.count() < 500:
        call_command("seed_demo", verbosity=0)
        call_command("seed_scale", verbosity=0)


def pages():
    """(name, account, url, data): a city whose slate is still a draft (its forms are open) and a city
    whose slate is with the province. `data`: a function giving the form to post, else the page is
    read; `account` None: not logged in."""
    from intake.campaigns.selectors import get_campaign
    from intake.models import Nomination, Slate, User

    campaign = get_campaign()
    draft = Slate.objects.filter(campaign=campaign, status=Slate.DRAFT).select_related("city").order_by("city__code")
    city = draft.first().city
    submitted = Slate.objects.filter(campaign=campaign, status=Slate.SUBMITTED).order_by("city__code").first().city
    clerk = User.objects.filter(role=User.CITY, city=city).order_by("pk").first().username
    entered = Nomination.objects.filter(campaign=campaign, city=city, status=Nomination.ENTERED).order_by("pk")
    nomination, saved = entered[:2]
    return [
        (f"city home ({city.name})", clerk, "/", None),
        ("city nomination list", clerk, "/nominations/", None),
        ("nominee detail (city, editable)", clerk, f"/nominations/{nomination.pk}/", None),
        # Another nominee than the page above: each save adds a row to the history its page shows.
        ("nominee save (city, POST)", clerk, f"/nominations/{saved.pk}/", edit_of(saved)),
        ("new-nominee form", clerk, "/nominations/new/enterprise/", None),
        ("slate page", clerk, "/slate/", None),
        ("province overview", "province", "/", None),
        ("province nomination list", "province", "/nominations/", None),
        (f"city review ({submitted.name}, submitted)", "province", f"/review/{submitted.code}/", None),
        ("nominee detail (province)", "province", f"/nominations/{nomination.pk}/", None),
        # The downloads of the deadline-day profile (bench/deadline_locust.py): pages in all but name.
        ("Annex 2 XLSX (city)", clerk, "/exports/annex2.xlsx", None),
        ("Annex 2 XLSX (province)", "province", "/exports/annex2.xlsx", None),
        ("login page", None, "/accounts/login/", None),
    ], nomination


def edit_of(nomination):
    """The nominee's form as its page shows it, with another contact each time (as a clerk saves it
    in bench/deadline_locust.py): every post is a real change, saved with its history row."""
    from intake.entry.forms import NominationForm

    form = NominationForm(instance=nomination, category=nomination.category, allow_category_change=True)
    fields = {name: form[name].value() for name in form.fields}
    fields = {name: "" if value is None else value for name, value in fields.items()}
    turn = iter(range(10**9))
    return lambda: {**fields, "contact_name": f"联系人{next(turn)}"}


def measure(client, url, n, data=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def request():
        response = client.get(url) if data is None else client.post(url, data())
        # A save answers with a redirect to the nominee's page (not followed: the page is measured apart).
        assert response.status_code == (200 if data is None else 302), f"{url} answered {response.status_code}"

    for _ in range(2):  # warm: templates compiled, connection open, the client's session cached
        request()
    with CaptureQueriesContext(connection) as captured:
        request()
    queries = len(captured)  # read now: the next request clears the connection's log
    cpu, wall = [], []
    for _ in range(n):
        c, w = time.process_time(), time.perf_counter()
        request()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return queries, statistics.median(cpu), statistics.mean(cpu), statistics.median(wall)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--no-freeze", action="store_true",
                        help="leave the loaded code in the GC's walks (as before config/wsgi.py froze it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gdsm-pages-") as tmp:
        setup_django(str(Path(tmp) / "pages.sqlite3"), freeze=not args.no_freeze)
        from django.db import connection
        from django.test import Client

        from intake.models import User

        started = time.perf_counter()
        seed()
        print(f"database: {connection.vendor}; data ready in {time.perf_counter() - started:.0f} s")
        rows, _nomination = pages()
        clients = {}
        # The mean counts the garbage collector's passes, which fall on a few requests and so leave the median.
        print(f"{'page':<44} {'queries':>7} {'CPU ms':>7} {'mean':>7} {'wall ms':>8}   (median of {args.n}, warm)")
        collecting, started = [0.0], [0.0]

        def timing(phase, info):
            if phase == "start":
                started[0] = time.process_time()
            else:
                collecting[0] += time.process_time() - started[0]

        measured = time.process_time()
        gc.callbacks.append(timing)
        for name, account, url, data in rows:
            if account not in clients:
                clients[account] = Client()
                if account is not None:
                    clients[account].force_login(User.objects.get(username=account))
            queries, cpu, mean, wall = measure(clients[account], url, args.n, data)
            print(f"{name:<44} {queries:>7} {cpu:>7.1f} {mean:>7.1f} {wall:>8.1f}")
        gc.callbacks.remove(timing)
        print(f"garbage collector: {collecting[0] / (time.process_time() - measured):.1%} of the CPU time of all the "
              f"pages above (loaded code {'left in' if args.no_freeze else 'frozen out of'} its walks)")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
