"""Time the evaluation's province pages, its export and its import preview with a registry of
realistic size, against the nomination list measured in the same run. Prints figures; asserts
nothing. Run: .venv/bin/python bench/evaluation_pages.py [units per city]

Uses a scratch SQLite file (or DATABASE_URL if set: give it a database of its own)."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
scratch = tempfile.mkdtemp(prefix="gdsm-bench-")
os.environ.setdefault("SQLITE_PATH", os.path.join(scratch, "bench.sqlite3"))
os.environ.setdefault("PRIVATE_MEDIA_ROOT", os.path.join(scratch, "private"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["SECURE_SSL_REDIRECT"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from stdnum.cn import uscc  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
# Plain static storage: the hashed manifest needs collectstatic, which a benchmark need not run.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

from intake.common.xlsx import SafeWorkbook  # noqa: E402
from intake.evaluation import services  # noqa: E402
from intake.evaluation.registry_import import HEADERS  # noqa: E402
from intake.models import Campaign, City, RecognisedUnit, User  # noqa: E402

PER_CITY = int(sys.argv[1]) if len(sys.argv) > 1 else 30
REPEAT = 7


def timed(client, url, **kwargs):
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.post(url, **kwargs) if "data" in kwargs else client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples) * 1000


def main():
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    campaign = Campaign.objects.current()
    serial = 0
    rows = []
    for city in City.objects.all():
        clerk = User.objects.get(username=city.slug)
        for i in range(PER_CITY):
            serial += 1
            body = f"91{city.code}BN{serial:07d}"
            code = body + uscc.calc_check_digit(body)
            unit = RecognisedUnit.objects.create(
                name=f"基准单位{serial}", credit_code=code, kind="enterprise", batch=i % 4 + 1, city=city)
            rows.append([unit.name, code, "示范企业", unit.batch, city.name])
            if i % 3 == 0:
                services.set_evaluation_state(user=clerk, campaign=campaign, unit=unit, state="filed_online",
                                              filed_on=timezone.localdate())
    workbook = SafeWorkbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    xlsx = workbook.to_bytes()

    client = Client()
    client.force_login(User.objects.get(username="province"))
    units = RecognisedUnit.objects.count()
    baseline = timed(client, "/nominations/")
    print(f"registry: {units} units ({PER_CITY} per city), median of {REPEAT}, in-process test client")
    print(f"  baseline /nominations/ (province)      {baseline:8.1f} ms  1.00x")
    for label, url in [("/evaluation/ progress + chart", "/evaluation/"),
                       ("/evaluation/outstanding/", "/evaluation/outstanding/"),
                       ("/evaluation/export/ (XLSX)", "/evaluation/export/")]:
        ms = timed(client, url)
        print(f"  {label:<38}{ms:8.1f} ms  {ms / baseline:5.2f}x")

    from django.core.files.uploadedfile import SimpleUploadedFile

    samples = []
    for _ in range(3):
        start = time.perf_counter()
        response = client.post("/evaluation/import/", {"file": SimpleUploadedFile("名单.xlsx", xlsx)})
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200 and b"confirm-form" in response.content
    ms = statistics.median(samples) * 1000
    print(f"  {'import preview of ' + str(len(rows)) + ' rows':<38}{ms:8.1f} ms  {ms / baseline:5.2f}x")


if __name__ == "__main__":
    main()
