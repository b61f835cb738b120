"""The real accounts-payable file a municipality published, through the whole real CLI.

Read where it lies (linked, never copied into the project); skipped where the shared data
folder is absent. Figures from the file's README: 68 021 rows, sum 450 187 283.39 SEK.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests.test_cli import run_cli
from tests.workbooks import write_folder

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "Orebro.2016-03.xlsx"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not REAL.exists(), reason="real data not present")]


def test_real_accounts_payable_through_the_report(tmp_path: Path):
    folder = write_folder(tmp_path / "kommun", years=(2014, 2015, 2016))
    (folder / "2016" / "purchases-2016-03.xlsx").symlink_to(REAL)
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out" / "kommun" / "2016"
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["rows"]["purchases_read"] == 68021
    assert results["rows"]["purchases_used"] == 68021 and results["rows"]["purchases_rejected"] == 0
    assert results["suppliers"]["source"] == "purchases"
    assert results["suppliers"]["spend_sek"] == "450187283.39"  # the plain sum of the amount column

    rows = CalamineWorkbook.from_path(str(out / "LOS-underlag-2016.xlsx")).get_sheet_by_name(
        "Leverantörsflaggor").to_python()
    header = rows[0]  # in Swedish: Leverantör, Flaggtyp
    flagged = {(r[header.index("Leverantör")], r[header.index("Flaggtyp")]) for r in rows[1:]}
    # Several org. nos. in one cell, "SAKNAS", an empty cell and a foreign VAT id: kept and flagged.
    for odd in ("556811-9357/556168-8523", "502007-7862, 663000-0013", "SAKNAS", "(saknas)", "DK33357915"):
        assert (odd, "ogiltigt org.nr") in flagged, odd
