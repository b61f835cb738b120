"""The read stage on tiny input folders built in each test, and on the real accounts payable."""

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlsxwriter

from pipeline.errors import InputError
from pipeline.model import LEDGER_FIELDS, SOURCE_COLUMNS
from pipeline.read.folder import available_years, read_inputs
from pipeline.settings import Organisation, Settings
from tests.workbooks import write_cell

# Reasons are asserted in English; the default language is Swedish.
ENGLISH = Settings(organisation=Organisation(language="en"))

REAL_DATA = Path(__file__).resolve().parents[2] / "shared/data/real"
COMPARED = ["date", "voucher", "account", "amount_ore", "counterparty", "service"]


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook with one sheet per entry; date cells are written as Excel dates."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                write_cell(sheet, r, c, cell, date_format)
    workbook.close()
    return path


def write_registers(folder: Path) -> None:
    write_workbook(folder / "members.xlsx", {"Medlemmar": [
        ["Orgnr", "Namn", "Typ", "Medlem från", "Medlem till", "Kontrollerande"],
        ["212000-1355", "Kommun A", "kommun", dt.date(2020, 1, 1), None, None],
        ["2321000164", "Region B", "region", "2024-07-01", "2025-06-30", "nej"],
        ["232100-0016", "Region C", "region", None, None, "ja"],  # joining date not filled in
    ]})
    write_workbook(folder / "services.xlsx", {"Tjänster": [
        ["Tjänstekod", "Namn", "Klassificering", "Fördelningsnyckel"],
        ["T1", "E-arkiv", "samverkan", 0.25],
        ["T2", "Drift", "Säljverksamhet", None],
    ]})
    write_workbook(folder / "suppliers.xlsx", {"Leverantörer": [
        ["Orgnr", "Namn", "Upphandlingsform", "Upphandlingsreferens", "Avtal från", "Avtal till"],
        ["556811-9357", "Lev AB", "ramavtal", "Dnr 2024/12", dt.date(2024, 1, 1), None],
    ]})


# One small ledger (three vouchers) written in every form finance may hand over. By hand:
#   A1 2025-01-15: 3011 credit 1 234,50 (Kommun A, T1)   / 1510 debit 1 234,50
#   A2 2025-02-03: 3041 credit 10 000,00 (Lev AB, T2)    / 1930 debit 10 000,00
#   A3 2025-03-31: 6540 debit 99,99 (Lev AB, T1)         / 2440 credit 99,99
EXPECTED = pd.DataFrame({
    "date": pd.to_datetime(["2025-01-15"] * 2 + ["2025-02-03"] * 2 + ["2025-03-31"] * 2).astype("datetime64[ns]"),
    "voucher": pd.Series(["A1", "A1", "A2", "A2", "A3", "A3"], dtype="str"),
    "account": pd.Series([3011, 1510, 3041, 1930, 6540, 2440], dtype="int64"),
    "amount_ore": pd.Series([-123450, 123450, -1000000, 1000000, 9999, -9999], dtype="int64"),
    "counterparty": pd.Series(["212000-1355", "", "556811-9357", "", "556811-9357", ""], dtype="str"),
    "service": pd.Series(["T1", "", "T2", "", "T1", ""], dtype="str"),
})


def template_ledger(folder: Path) -> None:
    write_workbook(folder / "2025" / "ledger-2025.xlsx", {"Huvudbok": [
        ["Datum", "Verifikation", "Konto", "Belopp", "Motpart", "Tjänst", "Kostnadsställe", "Text"],
        [dt.date(2025, 1, 15), "A1", 3011, -1234.5, "212000-1355", "T1", "100", "Faktura 1"],
        [dt.date(2025, 1, 15), "A1", 1510, 1234.5, None, None, None, "Faktura 1"],
        [dt.date(2025, 2, 3), "A2", 3041, -10000, "556811-9357", "T2", "200", "Faktura 2"],
        [dt.date(2025, 2, 3), "A2", 1930, 10000, None, None, None, "Betalning"],
        [dt.date(2025, 3, 31), "A3", 6540, 99.99, "556811-9357", "T1", "100", "Licens"],
        [dt.date(2025, 3, 31), "A3", 2440, -99.99, None, None, None, "Licens"],
    ]})


def erp_ledger(folder: Path) -> None:
    # Two files, title rows, Debet/Kredit as text, accounts with names, a totals row at the end.
    header = ["Bokföringsdatum", "Ver.nr", "Konto", "Debet", "Kredit", "Kund orgnr", "Projekt"]
    write_workbook(folder / "2025" / "ledger-erp-1.xlsx", {"Export": [
        ["Huvudbok 2025"], ["Period 2025-01 -- 2025-02"], [],
        header,
        ["2025-01-15", "A1", "3011 Tjänsteintäkter", "", "1 234,50", "212000-1355", "T1"],
        ["2025-01-15", "A1", "1510 Kundfordringar", "1 234,50", "", "", ""],
        ["2025-02-03", "A2", "3041 Försäljning", "", "10 000,00 kr", "16 556811-9357", "T2"],
        ["2025-02-03", "A2", "1930 Bank", "10\u00a0000,00", "", "", ""],
        ["Summa", None, None, "11 234,50", "11 234,50", None, None],
    ]})
    write_workbook(folder / "2025" / "ledger-erp-2.xlsx", {"Export": [
        ["Huvudbok 2025-03"], header,
        header,  # the export repeats its header after a page break
        ["20250331", "A3", "6540 IT-tjänster", "99,99", "", "SE556811935701", "T1"],
        ["20250331", "A3", "2440 Leverantörsskulder", "", "99,99", "", ""],
        [None, None, None, "99,99", "99,99", None, None],
        [],
        [None, None, None, None, None, None, None, "Utskriven 2026-01-10"],  # a footer beside the table
    ]})


def csv_ledgers(folder: Path) -> None:
    (folder / "2025").mkdir(parents=True, exist_ok=True)
    semicolon = ("Datum;Verifikation;Konto;Belopp;Motpart;Tjänst\r\n"
                 "2025-01-15;A1;3011;-1 234,50;212000-1355;T1\r\n"
                 "2025-01-15;A1;1510;1 234,50;;\r\n"
                 "2025-02-03;A2;3041;-10 000,00;5568119357;T2\r\n")
    (folder / "2025" / "ledger-a.csv").write_bytes(semicolon.encode("cp1252"))
    comma = ('Date,Voucher,Account,Amount,Counterparty,Service\n'
             '2025-02-03,A2,1930,"10,000.00",,\n'
             '2025-03-31T00:00:00,A3,6540,99.99,556811-9357,T1\n'
             '2025-03-31,A3,2440,-99.99,,\n')
    (folder / "2025" / "ledger-b.csv").write_bytes(b"\xef\xbb\xbf" + comma.encode("utf-8"))


def sie_ledger(folder: Path) -> None:
    (folder / "2025").mkdir(parents=True, exist_ok=True)
    sie = """#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#PROGRAM "Ekonomi" 1.0
#RAR 0 20250101 20251231
#KONTO 3011 "Tjänsteintäkter"
#KONTO 1510 "Kundfordringar"
#DIM 1 "Kostnadsställe"
#DIM 6 "Projekt"
#VER A 1 20250115 "Faktura 1"
{
   #TRANS 3011 {1 "100" 6 "T1" 8 "212000-1355"} -1234.50
   #TRANS 1510 {} 1234.50
}
#VER A 2 20250203 "Faktura 2"
{
   #TRANS 3041 {6 "T2" 8 "556811-9357"} -10000.00 20250203 "Försäljning"
   #TRANS 1930 {} 10000
}
#VER "A" "3" 20250331 "Licens"
{
   #TRANS 6540 {"1" "100" "6" "T1" "9" "5568119357"} 99.99
   #RTRANS 2440 {} -99.99 20250331 "tillagd"
   #TRANS 2440 {} -99.99 20250331 "tillagd"
   #BTRANS 2440 {} -5.00 20250331 "borttagen"
}
"""
    (folder / "2025" / "ledger-2025.se").write_bytes(sie.encode("cp437"))


def organisation(tmp_path: Path, ledger_writer) -> Path:
    folder = tmp_path / "org"
    write_registers(folder)
    ledger_writer(folder)
    return folder


def test_template_ledger_reads_to_canonical_columns(tmp_path):
    folder = organisation(tmp_path, template_ledger)
    inputs = read_inputs(folder, 2025, ENGLISH)
    ledger = inputs.ledgers[2025]
    assert list(ledger.columns) == LEDGER_FIELDS + SOURCE_COLUMNS
    pd.testing.assert_frame_equal(ledger[COMPARED], EXPECTED)
    assert ledger["date"].dtype == "datetime64[ns]"
    assert ledger["text"].dtype == "str" and ledger["cost_centre"].tolist() == ["100", "", "200", "", "100", ""]
    assert ledger["counterparty_note"].tolist() == ["", "missing", "", "missing", "", "missing"]
    first = ledger.iloc[0]
    assert (first["source_file"], first["source_sheet"], first["source_row"]) == ("2025/ledger-2025.xlsx", "Huvudbok", 2)
    assert first["source_id"] == "2025/ledger-2025.xlsx:Huvudbok:2"
    assert inputs.rejected == []
    # One file and one sheet: every line refers to the same two texts, not a copy of each.
    assert len({id(name) for name in ledger["source_file"].array}) == 1
    assert len({id(name) for name in ledger["source_sheet"].array}) == 1


@pytest.mark.parametrize("writer", [erp_ledger, csv_ledgers, sie_ledger], ids=["erp", "csv", "sie"])
def test_every_form_of_the_same_ledger_reads_identically(tmp_path, writer):
    folder = organisation(tmp_path, writer)
    ledger = read_inputs(folder, 2025, ENGLISH).ledgers[2025]
    if writer is sie_ledger:
        # SIE keeps series and number apart, shown "A 1" (issue 15); the sheets wrote "A1".
        assert ledger["voucher"].tolist() == ["A 1", "A 1", "A 2", "A 2", "A 3", "A 3"]
        ledger = ledger.assign(voucher=ledger["voucher"].str.replace(" ", ""))
    pd.testing.assert_frame_equal(ledger[COMPARED].reset_index(drop=True), EXPECTED)


def test_erp_export_totals_rows_are_left_out_with_a_reason(tmp_path):
    folder = organisation(tmp_path, erp_ledger)
    inputs = read_inputs(folder, 2025, ENGLISH)
    left_out = [(r.file, r.row, r.critical) for r in inputs.rejected]
    assert left_out == [("2025/ledger-erp-1.xlsx", 9, False), ("2025/ledger-erp-2.xlsx", 3, False),
                        ("2025/ledger-erp-2.xlsx", 6, False), ("2025/ledger-erp-2.xlsx", 8, False)]
    assert [r.reason.split(";")[0].split(" (")[0] for r in inputs.rejected] == [
        "totals row of the export", "the header row repeated", "totals row of the export",
        "no date, voucher, account or amount: a note in the export, not a ledger line"]
    assert inputs.ledgers[2025]["account_name"].tolist()[:2] == ["Tjänsteintäkter", "Kundfordringar"]
    # File 1: four lines and the Summa row were read; debits 1 234,50 + 10 000,00 = 11 234,50.
    first = next(t for t in inputs.totals if t.file == "2025/ledger-erp-1.xlsx")
    assert (first.rows_read, first.rows_used, first.rows_rejected) == (5, 4, 1)
    assert (first.debit_ore, first.credit_ore) == (1123450, 1123450)
    assert (first.first_date, first.last_date) == ("2025-01-15", "2025-02-03")
    assert first.notes == ["header row 4: Bokföringsdatum = date, Ver.nr = voucher, Konto = account, "
                           "Debet = debit, Kredit = credit, Kund orgnr = counterparty, Projekt = service"]


def test_csv_with_title_rows_debit_credit_and_a_totals_row(tmp_path):
    folder = tmp_path / "org"
    write_registers(folder)
    (folder / "2025").mkdir()
    export = ("Huvudbok;;;;\n"
              "Period 2025-01;;;;\n"
              "Datum;Ver.nr;Konto;Debet;Kredit\n"
              "2025-01-15;A1;3011 Tjänsteintäkter;;1 234,50\n"
              "2025-01-15;A1;1510;1 234,50;\n"
              ";;;;\n"
              "Summa;;;1 234,50;1 234,50\n")
    (folder / "2025" / "ledger.csv").write_bytes(export.encode("cp1252"))
    inputs = read_inputs(folder, 2025, ENGLISH)
    ledger = inputs.ledgers[2025]
    assert ledger[["account", "account_name", "amount_ore"]].values.tolist() == [
        [3011, "Tjänsteintäkter", -123450], [1510, "", 123450]]
    assert ledger["source_id"].tolist() == ["2025/ledger.csv::4", "2025/ledger.csv::5"]
    [totals_row] = inputs.rejected
    assert (totals_row.row, totals_row.critical, totals_row.raw) == (7, False, "Summa |  |  | 1 234,50 | 1 234,50")


def test_sie_keeps_line_numbers_cost_centres_and_account_names(tmp_path):
    folder = organisation(tmp_path, sie_ledger)
    ledger = read_inputs(folder, 2025, ENGLISH).ledgers[2025]
    assert ledger["source_row"].tolist() == [12, 13, 17, 18, 22, 24]
    assert ledger["cost_centre"].tolist() == ["100", "", "", "", "100", ""]
    assert ledger["account_name"].tolist()[:2] == ["Tjänsteintäkter", "Kundfordringar"]
    assert ledger["text"].tolist()[2] == "Försäljning"


def test_registers(tmp_path):
    folder = organisation(tmp_path, template_ledger)
    write_workbook(folder / "counterparties.xlsx", {"Motparter": [
        ["Orgnr", "Namn", "Sektor", "Kontrolleras av"],
        ["556000-0002", "Kommunbolag AB", "offentlig", "212000-1355"],  # check digit should be 1
        ["5560360793", "Bolag AB", "Privat", ""],
        ["556036-0793", "Bolag AB", "privat", "Kommunen"],  # controlled by a name, not an org. no.
        ["SAKNAS", "Okänd AB", "privat", ""],
    ]})
    write_workbook(folder / "history.xlsx", {"Historik": [
        ["År", "Intäkter kontrollerande (SEK)", "Totala intäkter (SEK)", "Källa"],
        [2023, 900000.5, "1 000 000,00", "Årsredovisning 2023"],
    ]})
    inputs = read_inputs(folder, 2025, ENGLISH, stop_on_critical=False)
    members = inputs.members
    assert members["orgnr"].tolist() == ["212000-1355", "232100-0164", "232100-0016"]
    assert members["controlling"].tolist() == [True, False, True]  # empty means ja
    assert members["member_to"].isna().tolist() == [True, False, True]
    assert members["member_from"].tolist()[:2] == [pd.Timestamp("2020-01-01"), pd.Timestamp("2024-07-01")]
    assert pd.isna(members["member_from"].iloc[2])  # kept: validation lists it
    assert inputs.services["classification"].tolist() == ["samverkan", "Säljverksamhet"]  # as written
    assert str(inputs.services["allocation_key"].iloc[0]) == "0.25"
    assert inputs.counterparties[["orgnr", "sector", "controlled_by"]].values.tolist() == [
        ["556036-0793", "Privat", ""]]
    bad_orgnr, bad_controller, missing = inputs.rejected
    assert (missing.row, missing.reason, missing.critical) == (5, "org. no. is missing ('SAKNAS')", True)
    assert (bad_orgnr.file, bad_orgnr.row, bad_orgnr.column, bad_orgnr.critical) == ("counterparties.xlsx", 2, "Orgnr", True)
    assert bad_orgnr.reason == "org. no. '556000-0002' is not one valid Swedish org. no. (invalid)"
    assert (bad_controller.row, bad_controller.column) == (4, "Kontrolleras av")
    assert bad_controller.reason == "controlled by 'Kommunen' is not one valid Swedish org. no. (invalid)"
    assert inputs.history[["year", "controlling_ore", "total_ore"]].values.tolist() == [[2023, 90000050, 100000000]]


def test_critical_rows_stop_the_run_all_listed_at_once(tmp_path):
    folder = organisation(tmp_path, lambda f: write_workbook(f / "2025" / "ledger.xlsx", {"HB": [
        ["Datum", "Verifikation", "Konto", "Belopp"],
        ["2025-01-01", "A1", 3011, "12,3x"],
        ["2025-13-01", "", "kassa", "1,2345"],
        ["2025-01-02", "A2", 1930, "5"],
    ]}))
    with pytest.raises(InputError) as caught:
        read_inputs(folder, 2025, ENGLISH, stop_on_critical=True)
    problems = caught.value.problems
    assert [(p.row, p.column) for p in problems] == [(2, "Belopp"), (3, "Datum")]
    assert problems[0].message == "amount '12,3x' is not a number"
    assert problems[1].message == ("date '2025-13-01' is not a date; voucher is empty; "
                                   "account 'kassa' is not an account number; "
                                   "amount '1,2345' has more than two decimals (money must be exact)")
    inputs = read_inputs(folder, 2025, ENGLISH)
    assert sum(r.critical for r in inputs.rejected) == 2
    [totals] = [t for t in inputs.totals if t.kind == "ledger"]
    assert (totals.rows_read, totals.rows_used, totals.rows_rejected) == (3, 1, 2)
    assert totals.rows_read == totals.rows_used + totals.rows_rejected
    assert inputs.ledgers[2025]["amount_ore"].tolist() == [500]


def test_control_totals_and_manifest(tmp_path):
    folder = organisation(tmp_path, template_ledger)
    (folder / "settings.toml").write_text('[organisation]\nname = "Test"\n', encoding="utf-8")
    inputs = read_inputs(folder, 2025, ENGLISH)
    [ledger_totals] = [t for t in inputs.totals if t.kind == "ledger"]
    # Debits 1 234,50 + 10 000,00 + 99,99 = 11 334,49; credits the same.
    assert (ledger_totals.debit_ore, ledger_totals.credit_ore) == (1133449, 1133449)
    assert (ledger_totals.rows_read, ledger_totals.rows_used, ledger_totals.rows_rejected) == (6, 6, 0)
    assert [e["path"] for e in inputs.files] == [
        "2025/ledger-2025.xlsx", "members.xlsx", "services.xlsx", "settings.toml", "suppliers.xlsx"]
    entry = inputs.files[0]
    import hashlib
    data = (folder / "2025" / "ledger-2025.xlsx").read_bytes()
    assert entry == {"path": "2025/ledger-2025.xlsx", "kind": "ledger",
                     "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "rows": 6}
    assert ledger_totals.sha256 == entry["sha256"]


def test_window_years_and_available_years(tmp_path):
    folder = organisation(tmp_path, template_ledger)
    for year in (2022, 2023):
        write_workbook(folder / str(year) / f"ledger-{year}.xlsm", {"HB": [
            ["Datum", "Verifikation", "Konto", "Belopp"], [dt.date(year, 5, 1), "B1", 3011, -50]]})
    (folder / "2024").mkdir()
    assert available_years(folder) == [2022, 2023, 2025]
    inputs = read_inputs(folder, 2025, ENGLISH)
    assert sorted(inputs.ledgers) == [2023, 2025]  # 2022 is outside the window, 2024 has no ledger
    assert inputs.ledgers[2023]["amount_ore"].tolist() == [-5000]


def test_all_sheets_are_read_and_a_chart_sheet_is_no_data(tmp_path):
    folder = organisation(tmp_path, lambda f: None)
    path = folder / "2025" / "ledger.xlsx"
    path.parent.mkdir(parents=True)
    workbook = xlsxwriter.Workbook(str(path))
    for name, voucher in (("Jan", "A1"), ("Feb", "A2")):
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, ["Datum", "Verifikation", "Konto", "Belopp"])
        sheet.write_row(1, 0, ["2025-01-31", voucher, 3011, -10])
    chart = workbook.add_chart({"type": "line"})
    chart.add_series({"values": "=Jan!$D$2:$D$2"})
    workbook.add_chartsheet("Diagram").set_chart(chart)
    workbook.close()
    inputs = read_inputs(folder, 2025, ENGLISH)
    assert inputs.ledgers[2025]["source_id"].tolist() == ["2025/ledger.xlsx:Jan:2", "2025/ledger.xlsx:Feb:2"]
    assert [t.sheet for t in inputs.totals if t.kind == "ledger"] == ["Jan", "Feb"]


def test_missing_files_are_named(tmp_path):
    folder = organisation(tmp_path, template_ledger)
    with pytest.raises(InputError, match="no ledger file for the report year 2026"):
        read_inputs(folder, 2026, ENGLISH)
    (folder / "services.xlsx").unlink()
    with pytest.raises(InputError, match="services.xlsx is missing"):
        read_inputs(folder, 2025, ENGLISH)


def test_missing_column_names_file_sheet_header_row_and_headers_found(tmp_path):
    folder = organisation(tmp_path, lambda f: write_workbook(f / "2025" / "ledger.xlsx", {"HB": [
        ["Rapport"], ["Datum", "Konto", "Summa SEK"], ["2025-01-01", 3011, -5]]}))
    with pytest.raises(InputError) as caught:
        read_inputs(folder, 2025, ENGLISH)
    assert str(caught.value).startswith(
        "2025/ledger.xlsx, sheet HB: required column(s) missing: voucher; amount or debit+credit. "
        "Header row 2 has: 'Datum', 'Konto', 'Summa SEK'.")


def test_row_numbers_are_excel_rows_even_below_blank_rows(tmp_path):
    # The table starts at B3: calamine skips the blank area, Excel's row numbers do not.
    folder = organisation(tmp_path, lambda f: write_workbook(f / "2025" / "ledger.xlsx", {"HB": [
        [], [], [None, "Datum", "Verifikation", "Konto", "Belopp"], [None, "2025-01-01", "A1", 3011, "x"]]}))
    [problem] = [r for r in read_inputs(folder, 2025, ENGLISH).rejected]
    assert (problem.row, problem.column, problem.reason) == (4, "Belopp", "amount 'x' is not a number")
    write_workbook(folder / "2025" / "ledger.xlsx", {"HB": [[], [None, "Datum", "Konto"]]})
    with pytest.raises(InputError, match="Header row 2 has: 'Datum', 'Konto'"):
        read_inputs(folder, 2025, ENGLISH)


def test_settings_column_map_covers_odd_headers(tmp_path):
    folder = organisation(tmp_path, lambda f: write_workbook(f / "2025" / "ledger.xlsx", {"HB": [
        ["Datum", "Löpnr", "Konto", "Summa SEK"], ["2025-01-01", "7", 3011, -5]]}))
    settings = Settings(columns=(("ledger", (("Löpnr", "voucher"), ("Summa SEK", "amount_ore"))),))
    ledger = read_inputs(folder, 2025, settings).ledgers[2025]
    assert ledger[["voucher", "amount_ore"]].values.tolist() == [["7", -500]]
    misspelt = Settings(organisation=ENGLISH.organisation, columns=(("ledger", (("Löpnr", "vocher"),)),))
    with pytest.raises(InputError, match=r"\[columns.ledger\] maps to unknown field\(s\) vocher; fields of ledger: date, voucher"):
        read_inputs(folder, 2025, misspelt)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "cannot be read as a workbook"),
        (b"", "the file is empty (0 bytes)"),
        (b"PK\x03\x04" + b"\x00" * 40, "cannot be read as a workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "encrypted (password-protected)"),
    ],
    ids=["renamed-pdf", "zero-bytes", "corrupt-zip", "encrypted"],
)
def test_a_file_that_is_not_a_workbook_is_an_input_error(tmp_path, content, message):
    folder = organisation(tmp_path, template_ledger)
    (folder / "2025" / "ledger-2025.xlsx").write_bytes(content)
    with pytest.raises(InputError, match=r"^2025/ledger-2025\.xlsx: .*" + message.replace("(", r"\(").replace(")", r"\)")):
        read_inputs(folder, 2025, ENGLISH)


def test_a_ledger_that_cannot_be_opened_is_an_input_error_that_says_why(tmp_path, monkeypatch):
    folder = organisation(tmp_path, template_ledger)
    ledger = folder / "2025" / "ledger-2025.xlsx"
    opened = Path.open

    def refused(self, *args, **kwargs):
        if self == ledger:
            raise PermissionError(13, "Permission denied", str(self))
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refused)
    with pytest.raises(InputError, match=r"^2025/ledger-2025\.xlsx: cannot be opened, since you are not allowed to read "
                                         r"the file; give yourself read access or copy it into the folder$"):
        read_inputs(folder, 2025, ENGLISH)
    monkeypatch.setattr(Path, "open", opened)
    ledger.unlink()
    ledger.symlink_to("../elsewhere/ledger-2025.xlsx")  # a link whose file is not there: not "no ledger"
    with pytest.raises(InputError, match=r"^2025/ledger-2025\.xlsx: is a link to a file that does not exist "
                                         r"\(\.\./elsewhere/ledger-2025\.xlsx\); put the file itself in the folder"):
        read_inputs(folder, 2025, ENGLISH)


def test_a_zip_that_is_no_workbook_is_an_input_error(tmp_path):
    folder = organisation(tmp_path, template_ledger)
    with zipfile.ZipFile(folder / "members.xlsx", "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(InputError, match="^members.xlsx: cannot be read as a workbook"):
        read_inputs(folder, 2025, ENGLISH)


def test_purchases_of_the_report_year(tmp_path):
    folder = organisation(tmp_path, template_ledger)
    write_workbook(folder / "2025" / "purchases-2025.xlsx", {"Blad1": [
        ["RN1/FÖRVALTNING", "LEVERANTÖR", "ORGANISATIO", "FAKT NR", "KONTO", "UTFALL"],
        ["Nämnd A", "LEV AB ", "556811-9357/556168-8523", 1001, "46362 Köp medicinskt färdigbeh", 9632.0],
        ["Nämnd A", "DANSK A/S", "DK33357915", 1002, "7010 Konsulter", -100.5],
        ["Nämnd B", "NN", "SAKNAS", 1003, "7010 Konsulter", 0.5],
    ]})
    purchases = read_inputs(folder, 2025, ENGLISH).purchases
    assert purchases["amount_ore"].tolist() == [963200, -10050, 50]
    assert purchases["supplier_orgnr_note"].tolist() == ["multiple", "foreign_vat", "missing"]
    assert purchases["supplier_orgnr_raw"].tolist()[0] == "556811-9357/556168-8523"
    assert purchases[["account", "account_name", "invoice", "supplier_name"]].values.tolist()[0] == [
        46362, "Köp medicinskt färdigbeh", "1001", "LEV AB"]
    assert purchases["date"].isna().all()


@pytest.mark.skipif(not (REAL_DATA / "Orebro.2016-03.xlsx").exists(), reason="real data not present")
def test_real_accounts_payable_reads_completely(tmp_path):
    folder = organisation(tmp_path, lambda f: None)
    write_workbook(folder / "2016" / "ledger-2016.xlsx", {"HB": [
        ["Datum", "Verifikation", "Konto", "Belopp"], [dt.date(2016, 3, 1), "A1", 1930, 0]]})
    # The real file is linked, never copied: it is read where it lies.
    (folder / "2016" / "purchases-2016-03.xlsx").symlink_to(REAL_DATA / "Orebro.2016-03.xlsx")
    inputs = read_inputs(folder, 2016, ENGLISH)
    purchases = inputs.purchases
    assert len(purchases) == 68021
    assert int(purchases["amount_ore"].sum()) == 45018728339  # 450 187 283.39 SEK
    assert int((purchases["amount_ore"] < 0).sum()) == 2696
    assert int(purchases["supplier_orgnr_raw"].isin(["", "NULL"]).sum()) == 18
    notes = purchases["supplier_orgnr_note"].value_counts().to_dict()
    # 18 without an org. no. plus 4 "SAKNAS" are missing; 9+4+4+3+3 cells hold several.
    assert notes["missing"] == 22 and notes["multiple"] == 23 and notes["foreign_vat"] == 4
    assert "DK33357915" in set(purchases.loc[purchases["supplier_orgnr_note"] == "foreign_vat", "supplier_orgnr_raw"])
    first = purchases.iloc[0]
    assert (first["account"], first["account_name"]) == (46362, "Köp medicinskt färdigbeh")
    assert (first["source_sheet"], first["source_row"]) == ("Blad2", 2)
    assert purchases["date"].isna().all()
    [totals] = [t for t in inputs.totals if t.kind == "purchases"]
    assert (totals.rows_read, totals.rows_used, totals.rows_rejected) == (68021, 68021, 0)
    assert totals.debit_ore - totals.credit_ore == 45018728339
    assert np.all(purchases["source_row"].to_numpy() == np.arange(2, 68023))


def test_a_typo_in_a_classification_word_is_a_critical_error_naming_file_row_and_word(tmp_path):
    # "samverkn" is neither empty (undecided) nor a known word: never a silent "undecided".
    folder = organisation(tmp_path, template_ledger)
    write_workbook(folder / "services.xlsx", {"Tjänster": [
        ["Tjänstekod", "Namn", "Klassificering"],
        ["T1", "E-arkiv", "samverkn"],
        ["T2", "Drift", "säljverksamhet"],
        ["T3", "Ny", None],
    ]})
    with pytest.raises(InputError) as caught:
        read_inputs(folder, 2025, ENGLISH, stop_on_critical=True)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("services.xlsx", 2, "Klassificering")
    assert "'samverkn' is not a known word" in problem.message
