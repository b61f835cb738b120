"""The report with real-world names and counts: 40 services with long names, a 40-character
organisation name and twenty flags. It must build, keep every name whole (charts wrap names
rather than cut them), and keep page 1's box and every page number consistent. The pages were
looked at as pictures (pdftoppm) when this test was written; this keeps the case rendering."""

from __future__ import annotations

import copy
import subprocess

from pipeline.figures import figures_from_json
from pipeline.write.html import render_html
from pipeline.write.pdf.document import write_pdf
from tests.test_write_pdf import needs_pdftotext, small_figures

ORGANISATION = "Kommunalförbundet Norra Hälsingland IT A"  # 40 characters
LONG = "Gemensam drift av verksamhetssystem för skola, vård och omsorg i medlemskommunerna"


def stress_figures() -> dict:
    figures = copy.deepcopy(small_figures())
    figures["organisation"] = ORGANISATION
    template = figures["services"][0]
    services = []
    for n in range(1, 41):
        activity = "sales" if n % 7 == 0 else "cost_sharing"
        # Coverage from 0,40 to 2,35 in steps of 0,05, some right at the 1,0 line.
        coverage = f"{0.35 + n * 0.05:.10f}"
        services.append({**template, "code": f"T{n:02d}", "name": f"{LONG} {n}", "activity": activity,
                         "coverage": coverage})
    figures["services"] = services
    flag = figures["flags"][0]
    figures["flags"] = [{**flag, "subject": f"T{n:02d}", "severity": "critical" if n <= 8 else "warning"}
                        for n in range(1, 21)]
    return figures


@needs_pdftotext
def test_stress_case_builds_with_whole_names(tmp_path):
    assert len(ORGANISATION) == 40
    path = tmp_path / "stress.pdf"
    write_pdf(path, figures_from_json(stress_figures()))
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                                   capture_output=True).stdout.decode("utf-8").split())
    first = " ".join(subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", str(path), "-"], check=True,
                                    capture_output=True).stdout.decode("utf-8").split())
    assert ORGANISATION in first
    assert "Allvarliga flaggor (8):" in first and "… och 3 till" in first
    # Every service's full name is somewhere in the text (tables wrap, the chart wraps).
    for n in (1, 17, 40):
        assert all(word in text for word in f"{LONG} {n}".split())
    assert "…" not in text.replace("… och 3 till", "")  # no name was cut short
    pages = int(subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
                .stdout.split("Pages:")[1].split()[0])
    assert f"Sida {pages} av {pages}" in text


def test_stress_case_html_has_every_service_in_the_chart_values():
    html = render_html(figures_from_json(stress_figures()), "sv")
    for n in range(1, 41):
        assert f"<th scope=\"row\">T{n:02d} {LONG} {n}</th>" in html
