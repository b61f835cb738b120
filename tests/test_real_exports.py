"""Real exports in, never a silently wrong figure (issue 15): each mistake a finance department
makes with an ordinary ERP export stops the run, or warns where stated, through the real CLI.

The tiny folder of `tests.workbooks.write_folder`: each year member 900 + outsider 100 of
revenue (share 0.9), one supplier cost of 400.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import REPO, run_cli
from tests.workbooks import LEDGER_HEADER, small_ledger, write_folder

pytestmark = pytest.mark.slow


def _check(folder: Path) -> tuple[int, str]:
    result = run_cli("check", "--inputs", str(folder))
    assert "Traceback" not in result.stderr + result.stdout
    return result.returncode, result.stdout + result.stderr


def _report(folder: Path, out: Path) -> tuple[int, str]:
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(out))
    assert "Traceback" not in result.stderr + result.stdout
    return result.returncode, result.stdout + result.stderr


# ---------------------------------------------------------------- nothing counted twice (R7)


def test_a_copy_of_a_ledger_file_stops_check_and_report_naming_both_files(tmp_path: Path):
    folder = write_folder(tmp_path / "org")
    shutil.copy(folder / "2025" / "ledger-2025.xlsx", folder / "2025" / "ledger-2025 - Kopia.xlsx")
    code, said = _check(folder)
    assert code == 1
    # Vouchers A 1, A 2, B 1 (three) are repeated; the copy is named as repeating the original.
    assert ("Samma verifikation i två filer eller flikar: 2025/ledger-2025 - Kopia.xlsx [Huvudbok] upprepar 3 "
            "verifikation(er) från 2025/ledger-2025.xlsx [Huvudbok]") in said
    assert "inga kritiska" not in said
    code, said = _report(folder, tmp_path / "out")
    assert code == 1
    assert "ledger-2025 - Kopia.xlsx" in said and "Samma verifikation i två filer eller flikar" in said
    # The failing rows name their column in Swedish, not by the field's code name.
    assert "kolumn verifikation:" in said and "kolumn voucher" not in said
    assert not (tmp_path / "out" / "org" / "2025" / "results.json").exists()



def test_a_copy_of_the_ledger_sheet_in_the_same_workbook_stops_check_naming_both_sheets(tmp_path: Path):
    from openpyxl import load_workbook

    folder = write_folder(tmp_path / "org")
    path = folder / "2025" / "ledger-2025.xlsx"
    workbook = load_workbook(path)
    workbook.copy_worksheet(workbook["Huvudbok"]).title = "Huvudbok (2)"  # Excel's "Move or copy sheet"
    workbook.save(path)
    code, said = _check(folder)
    assert code == 1
    assert ("Samma verifikation i två filer eller flikar: 2025/ledger-2025.xlsx [Huvudbok (2)] upprepar 3 "
            "verifikation(er) från 2025/ledger-2025.xlsx [Huvudbok]") in said
    assert "ta bort kopian (filen eller fliken)" in said

def test_the_same_month_as_xlsx_and_csv_is_a_critical_error(tmp_path: Path):
    folder = write_folder(tmp_path / "org")
    with (folder / "2025" / "ledger-2025.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(LEDGER_HEADER)
        for row in small_ledger(2025):
            writer.writerow([row[0].isoformat(), *[str(c).replace(".", ",") if c is not None else "" for c in row[1:]]])
    code, said = _check(folder)
    assert code == 1
    assert "2025/ledger-2025.csv" in said and "2025/ledger-2025.xlsx" in said
    assert "upprepar 3 verifikation(er)" in said


# ---------------------------------------------------------------- nothing from the wrong year


def test_last_years_ledger_in_this_years_folder_is_named_as_such(tmp_path: Path):
    folder = write_folder(tmp_path / "org", ledgers={2025: small_ledger(2024)})
    code, said = _check(folder)
    assert code == 1
    # All 6 lines are dated 2024.
    assert ("2025/ledger-2025.xlsx: 6 av 6 rader har datum utanför 2025; filen ser ut som huvudboken för 2024"
            in said)


def test_a_few_stray_lines_stay_a_warning(tmp_path: Path):
    rows = small_ledger(2025)
    rows[0][0] = rows[1][0] = rows[0][0].replace(year=2024, month=12, day=31)  # voucher A 1 dated 2024-12-31
    folder = write_folder(tmp_path / "org", ledgers={2025: rows})
    code, said = _check(folder)
    assert code == 0, said
    assert "ser ut som huvudboken" not in said


# ---------------------------------------------------------------- signs and units


def _credit_positive(year: int) -> list[list]:
    rows = small_ledger(year)
    for row in rows:
        row[3] = -row[3]
    return rows


def test_a_credit_positive_export_stops_and_names_the_setting_which_then_reads_it(tmp_path: Path):
    folder = write_folder(tmp_path / "org", ledgers={y: _credit_positive(y) for y in (2023, 2024, 2025)})
    code, said = _check(folder)
    assert code == 1
    # Revenue lines: 3010 at +900 and +100 (debits): revenue -1000.
    assert "Huvudboken 2025: 2 av 2 rader på intäktskonton är debet (positiva)" in said
    assert "intäkterna blir -1\u00a0000,00 kr" in said or "intäkter blir -1\u00a0000,00 kr" in said
    assert 'ledger_sign = "credit_positive"' in said
    (folder / "settings.toml").write_text(
        '[organisation]\nname = "Testförbundet"\norgnr = "222000-0000"\n[rules]\nledger_sign = "credit_positive"\n',
        encoding="utf-8")
    code, said = _report(folder, tmp_path / "out")
    assert code == 0, said
    results = json.loads((tmp_path / "out" / "org" / "2025" / "results.json").read_text(encoding="utf-8"))
    # 900 of 1000 each year, as in the debit-positive original.
    assert results["teckal"]["window_share"].startswith("0.900000")


def test_revenue_ten_times_last_year_is_a_warning_in_the_terminal(tmp_path: Path):
    rows = small_ledger(2025)
    for row in rows:
        row[3] = row[3] * 1000
    folder = write_folder(tmp_path / "org", ledgers={2025: rows})
    code, said = _report(folder, tmp_path / "out")
    assert code == 0, said
    # 1 000 000 against 1 000: 1000 times.
    assert ("varning: Verksamhetens intäkter 2025 är 1\u00a0000\u00a0000,00 kr, omkring 1\u00a0000 gånger större "
            "än 2024 års 1\u00a0000,00 kr (huvudbok)" in said)


@pytest.mark.parametrize("unit, header", [("tkr", "Belopp (tkr)"), ("öre", "Belopp (öre)"), ("öre", "Belopp i ÖRE")])
def test_amounts_in_tkr_are_refused_even_when_mapped_in_settings(unit: str, header: str, tmp_path: Path):
    mapped = header
    header = [h if h != "Belopp" else mapped for h in LEDGER_HEADER]
    folder = write_folder(tmp_path / "org")
    from tests.workbooks import write_sheet

    write_sheet(folder / "2025" / "ledger-2025.xlsx", "Huvudbok", header, small_ledger(2025))
    (folder / "settings.toml").write_text(
        f'[organisation]\nname = "Testförbundet"\norgnr = "212000-1355"\n[columns.ledger]\n"{mapped}" = "amount"\n',
        encoding="utf-8")
    code, said = _check(folder)
    assert code == 1
    assert (f"2025/ledger-2025.xlsx, flik Huvudbok: kolumn D '{mapped}' anger beloppen i '{unit}', inte i kronor. "
            "Beloppen skulle bli fel med en faktor hundra (öre), tusen (tkr) eller mer") in said


# ---------------------------------------------------------------- separators


def _csv_ledger(path: Path, rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(LEDGER_HEADER)
        for row in rows:
            writer.writerow(["" if c is None else c.isoformat() if hasattr(c, "isoformat") else str(c) for c in row])


def test_one_separator_and_three_digits_is_rejected_unless_the_column_settles_it(tmp_path: Path):
    rows = small_ledger(2025)
    rows[2][3], rows[3][3] = "24,990", "-24,990"  # the outsider's invoice: 24 990 kr or 24,99 kr?
    folder = write_folder(tmp_path / "org")
    (folder / "2025" / "ledger-2025.xlsx").unlink()
    _csv_ledger(folder / "2025" / "ledger-2025.csv", rows)
    code, said = _check(folder)
    assert code == 1
    assert "belopp '24,990' kan betyda 24\u00a0990 kr eller 24,99 kr" in said
    # One amount written "400,00" shows that "," is the decimal comma: 24,990 is 24,99 kr.
    rows[4][3], rows[5][3] = "400,00", "-400,00"
    _csv_ledger(folder / "2025" / "ledger-2025.csv", rows)
    code, said = _report(folder, tmp_path / "out")
    assert code == 0, said
    results = json.loads((tmp_path / "out" / "org" / "2025" / "results.json").read_text(encoding="utf-8"))
    # 2025: member 900 of 900 + 24,99 = 924,99; window (900 + 900 + 900) / (1000 + 1000 + 924.99).
    assert results["teckal"]["years"][2]["total_sek"] == "924.99"


# ---------------------------------------------------------------- customer and supplier numbers


def _numbered_ledger(year: int) -> list[list]:
    """small_ledger with the ERP's numbers instead of org. nos.: the member is customer K100, the
    outsider customer K999 (in no register), the firm supplier 7."""
    numbers = {"212000-1355": "K100", "232100-0016": "K999", "556677-8899": "7"}
    rows = small_ledger(year)
    for row in rows:
        row[4] = numbers[row[4]]
    return rows


def test_customer_and_supplier_numbers_are_mapped_and_the_unknown_ones_listed(tmp_path: Path):
    import datetime as dt

    import openpyxl

    from tests.workbooks import FIRM, MEMBER, write_sheet

    folder = write_folder(tmp_path / "org", ledgers={y: _numbered_ledger(y) for y in (2023, 2024, 2025)})
    write_sheet(folder / "members.xlsx", "Medlemmar",
                ["Orgnr", "Namn", "Typ", "Medlem från", "Medlem till", "Kontrollerande", "Kundnummer"],
                [[MEMBER, "Ankeby kommun", "kommun", dt.date(2015, 1, 1), None, "ja", "K100"]])
    write_sheet(folder / "suppliers.xlsx", "Leverantörer",
                ["Orgnr", "Namn", "Upphandlingsform", "Upphandlingsreferens", "Avtal från", "Avtal till",
                 "Leverantörsnummer"],
                [[FIRM, "Konsult AB", "ramavtal", "DNR 2022/1", dt.date(2022, 1, 1), dt.date(2026, 12, 31), 7]])
    code, said = _check(folder)
    assert code == 0, said
    # Only the outsider's number is unknown: 100 kr of revenue in each year.
    assert ("Huvudboken 2025: 1 motpartsnummer som varken är org.nr eller kund-/leverantörsnummer i något register, "
            "med intäkter 100,00 kr") in said
    assert "K999 (intäkter 100,00 kr)" in said and "K100" not in said
    code, said = _report(folder, tmp_path / "out")
    assert code == 0, said
    assert "K999 (intäkter 100,00 kr)" in said
    out = tmp_path / "out" / "org" / "2025"
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    # K100 -> the member: 900 of 1000 each year, as with org. nos.
    assert results["teckal"]["window_share"].startswith("0.900000")
    workbook = openpyxl.load_workbook(out / "LOS-underlag-2025.xlsx", read_only=True)
    rows = list(workbook["Okända kund- och lev.nummer"].iter_rows(values_only=True))
    assert [r[:2] for r in rows[1:]] == [(2023, "K999"), (2024, "K999"), (2025, "K999")]
    assert {r[3] for r in rows[1:]} == {100}
    # Supplier 7 is the firm on its contract: no supplier is missing from the list.
    spend = {r[0]: r for r in list(workbook["Leverantörer"].iter_rows(values_only=True))[1:]}
    assert FIRM in spend


# ---------------------------------------------------------------- SIE


def test_a_sie_file_reports_with_its_class_0_lines_and_unknown_customer_warned(tmp_path: Path):
    from tests.test_read_exports import SIE_TEXT, _sie_folder

    folder = _sie_folder(tmp_path, "org", SIE_TEXT.encode("utf-8"))
    for year in (2023, 2024):  # the two years before from the spreadsheet ledger
        write_folder(tmp_path / "tmp", years=(year,))
        shutil.copytree(tmp_path / "tmp" / str(year), folder / str(year))
    code, said = _report(folder, tmp_path / "out")
    assert code == 0, said
    assert ("varning: Huvudboken 2025: 1 rader på statistikkonton (kontoklass 0) i 2025/ledger-2025.se lämnades "
            "utanför") in said
    assert "999 Öby Fastigheter AB (intäkter 100,00 kr)" in said
    results = json.loads((tmp_path / "out" / "org" / "2025" / "results.json").read_text(encoding="utf-8"))
    # 2025: customer 100 (the member) 900 of 1000, as in 2023 and 2024.
    assert results["teckal"]["window_share"].startswith("0.900000")


def test_an_unbalanced_voucher_names_the_rejected_row_behind_it(tmp_path: Path):
    from tests.test_read_exports import SIE_TEXT, _sie_folder

    text = SIE_TEXT.replace('#TRANS 3010 {8 "999" 6 "T01"} -100', '#TRANS FEL {8 "999" 6 "T01"} -100')
    folder = _sie_folder(tmp_path, "org", text.encode("cp437"))
    code, said = _check(folder)
    assert code == 1
    # Line 25 of the file is the #TRANS on account "FEL"; voucher 11 2 then sums to +100.
    assert ("Huvudboken 2025: 1 verifikation(er) balanserar inte för att rader i dem avvisades vid läsningen; "
            "rätta de raderna i källfilen: verifikation 11 2: 2025/ledger-2025.se rad 25 (konto 'FEL' är inte "
            "ett kontonummer)") in said


# ---------------------------------------------------------------- spreadsheets


def test_a_misspelt_header_and_a_pivot_sheet_are_said_in_check_and_report(tmp_path: Path):
    from tests.test_read import write_workbook

    folder = write_folder(tmp_path / "org")
    header = [h if h != "Belopp" else "Belop" for h in LEDGER_HEADER]
    write_workbook(folder / "2025" / "ledger-2025.xlsx", {
        "Huvudbok": [header, *small_ledger(2025)],
        "Pivot": [["Radetiketter", "Summa av Belop"], [3010, -1000]]})
    code, said = _check(folder)
    assert code == 0, said
    assert "varning: Rubriker som lästes fast de inte stavas som något känt namn" in said
    assert "'Belop' lästes som belopp (2025/ledger-2025.xlsx [Huvudbok])" in said
    assert "hoppades över: 2025/ledger-2025.xlsx [Pivot] (rubriker: Radetiketter, Summa av Belop)" in said
    code, said = _report(folder, tmp_path / "out")
    assert code == 0, said
    assert "varning: Rubriker som lästes" in said and "'Belop' lästes som belopp" in said
    assert "[Pivot]" in said


# ---------------------------------------------------------------- setup


def test_a_folder_without_settings_or_with_a_placeholder_name_is_a_usage_error_saying_how(tmp_path: Path):
    folder = write_folder(tmp_path / "org")
    (folder / "settings.toml").unlink()
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "settings.toml saknas i indatamappen org: rapporten behöver organisationens namn och org.nr." \
        in result.stderr
    assert "make template INPUTS=<ny mapp>" in result.stderr
    (folder / "settings.toml").write_text('[organisation]\nname = "Organisation"\norgnr = "222000-0001"\n',
                                          encoding="utf-8")
    result = run_cli("check", "--inputs", str(folder))
    assert result.returncode == 2
    assert ('org/settings.toml: name = "Organisation" är inget organisationsnamn; orgnr = "222000-0001" är inget '
            "giltigt organisationsnummer (NNNNNN-NNNN)") in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_outputs_are_made_with_the_users_umask(tmp_path: Path):
    import os
    import stat

    folder = write_folder(tmp_path / "org")
    result = subprocess.run(["sh", "-c", f'umask 022 && exec "{sys.executable}" -m pipeline report --inputs "{folder}" '
                                         f'--outputs "{tmp_path / "out"}" --quiet'],
                            cwd=REPO, capture_output=True, text=True, timeout=600,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "GX_ANALYTICS_ENABLED": "False"})
    assert result.returncode == 0, result.stderr
    year_folder = tmp_path / "out" / "org" / "2025"
    # 0777 & ~022 = 0755: the auditors on a shared server can read the folder.
    assert stat.S_IMODE(os.stat(year_folder).st_mode) == 0o755
