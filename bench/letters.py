"""The recommendation letters (推荐函) of a city at full quota: prints figures, asserts nothing.

    .venv/bin/python bench/letters.py              # throwaway SQLite file, removed afterwards

Measures, in one run: building a city's `Letter` (time, queries); its DOCX; its PDF, against
WeasyPrint alone on the same HTML (ratio); the file sizes. The data are those of
`bench/annex2_exports.py` (every city's every category at its limit).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.annex2_exports import fill_full_quota, run_on_scratch_database, timed  # noqa: E402


def run(args):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from weasyprint import HTML

    from intake.letters import content, docx, pdf
    from intake.models import City

    campaign = fill_full_quota()
    city = City.objects.get(code="440100")  # 广州: the demonstration city, the largest quota
    with CaptureQueriesContext(connection) as queries:
        letter = content.city_letter(campaign, city)
    build, _ = timed(lambda: content.city_letter(campaign, city), args.repeat)
    docx_time, docx_bytes = timed(lambda: docx.render_docx(letter), args.repeat)
    html = pdf.html(letter)
    pdf.render_pdf(letter)  # fonts loaded once, as in a running server
    pdf_time, pdf_bytes = timed(lambda: pdf.render_pdf(letter), args.repeat)
    alone, _ = timed(lambda: HTML(string=html).write_pdf(), args.repeat)
    print(f"letter of {city.name}: {letter.total} nominees in {len(letter.groups)} categories")
    print(f"content:  {build * 1000:7.1f} ms, {len(queries)} queries")
    print(f"DOCX:     {docx_time * 1000:7.1f} ms, {len(docx_bytes) / 1024:.0f} KiB")
    print(f"PDF:      {pdf_time * 1000:7.1f} ms, {len(pdf_bytes) / 1024:.0f} KiB "
          f"({pdf_time / alone:.2f}x WeasyPrint alone on the same HTML, {alone * 1000:.1f} ms)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median printed)")
    run_on_scratch_database(run, parser.parse_args())


if __name__ == "__main__":
    main()
