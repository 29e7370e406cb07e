"""National report benchmark: 30 agencies of one country, answers from the demo generator.

    python bench/national.py

Measures the PDF's time per page against a one-page PDF rendered in the same run (target: at
most 3x, as for the agency report) and writes bench/national.md.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AGENCIES = 30
TARGET = 3.0


def _timed(action) -> float:
    t0 = time.perf_counter()
    action()
    return time.perf_counter() - t0


def main() -> None:
    from pypdf import PdfReader

    from reports.catalogue import load_definitions
    from reports.national import AgencyInput, build_national
    from reports.render import render_national, render_pdf
    from webapp.demo import BORDERS, answers_for

    questionnaire, catalogue = load_definitions()
    rng = random.Random(30)
    types = [o.id for o in questionnaire.agency_types()]
    sections = [s.id for s in questionnaire.sections]
    agencies = []
    for i in range(AGENCIES):
        agency_type = types[i % len(types)]
        profile = {"country": "KE", "agency_name": f"Agency {i + 1} (demo)", "agency_type": agency_type,
                   "borders": BORDERS.get(agency_type, ["none"]), "staff_size": rng.choice([200, 900, 3000]),
                   "respondent_role": "manager"}
        answers = answers_for(questionnaire, profile, {s: rng.uniform(0.5, 3.0) for s in sections}, rng)
        agencies.append(AgencyInput(profile["agency_name"], agency_type, f"TNA-{i:08d}", dt.date(2026, 5, 1), answers))

    one_page = "<html><body><h1>One page</h1><p>" + "Plain text. " * 200 + "</p></body></html>"
    render_pdf(one_page)
    one = statistics.median(_timed(lambda: render_pdf(one_page)) for _ in range(5))
    build = statistics.median(_timed(lambda: build_national(questionnaire, catalogue, "KE", agencies, "en")) for _ in range(3))
    report = build_national(questionnaire, catalogue, "KE", agencies, "en")
    html = render_national(report)
    pdf = render_pdf(html)
    full = statistics.median(_timed(lambda: render_pdf(html)) for _ in range(3))
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    ratio = (full / pages) / one
    lines = [
        f"# National report benchmark ({time.strftime('%Y-%m-%d')})",
        "",
        f"{AGENCIES} agencies of one country, answers from the demo generator; median of 3 renders.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| building the report (scores, shared gaps, plan) | {build * 1000:.0f} ms | |",
        f"| PDF: {pages} pages, time per page vs one page | {full / pages * 1000:.0f} ms vs {one * 1000:.0f} ms = {ratio:.2f}x | ≤ {TARGET:.0f}x |",
        "",
        f"- {'PASS' if ratio <= TARGET else 'MISS'}: national report PDF ≤ {TARGET:.0f}× one-page time per page",
    ]
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "national.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
