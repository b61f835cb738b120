"""Blank input templates: headers, Excel checks, instructions, settings.toml, determinism, and a
round trip template -> a few rows filled in -> the read stage."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import column_index_from_string

from pipeline.errors import UsageError
from pipeline.model import INSTRUCTION_SHEETS
from pipeline.read.folder import read_inputs
from pipeline.settings import Organisation, Settings, load_settings
from pipeline.template import ORGANISATION_PLACEHOLDER, write_templates

YEAR = 2025

# The template headers of DATA-CONTRACT.md, written out here so that a drift in the module shows.
EXPECTED_HEADERS = {
    "members.xlsx": ["Orgnr", "Namn", "Typ", "Medlem från", "Medlem till", "Kontrollerande", "Kundnummer"],
    "counterparties.xlsx": ["Orgnr", "Namn", "Sektor", "Kontrolleras av", "Kundnummer"],
    "services.xlsx": ["Tjänstekod", "Namn", "Klassificering", "Rättslig grund", "Medlemsbehov", "Målgrupp",
                      "Prissättning", "Beslutsdatum", "Beslutsreferens", "Marknadsbedömning", "Exklusivitet",
                      "Fördelningsnyckel"],
    "suppliers.xlsx": ["Orgnr", "Namn", "Upphandlingsform", "Upphandlingsreferens", "Avtal från", "Avtal till",
                       "Inköpskategori", "Leverantörsnummer"],
    "governance.xlsx": ["Orgnr", "Företrädare", "Roll", "Organ", "Från", "Till", "Beslutsreferens"],
    "history.xlsx": ["År", "Intäkter kontrollerande (SEK)", "Totala intäkter (SEK)", "Källa"],
    f"{YEAR}/ledger-{YEAR}.xlsx": ["Datum", "Verifikation", "Konto", "Belopp", "Motpart", "Tjänst",
                                   "Kostnadsställe", "Text"],
}


def _data_sheet(folder: Path, name: str):
    return openpyxl.load_workbook(folder / name).worksheets[0]


def _validations_by_column(sheet) -> dict[str, object]:
    """Header text -> the data validation covering that column from row 2 down."""
    headers = [cell.value for cell in sheet[1]]
    found = {}
    for validation in sheet.data_validations.dataValidation:
        ref = str(validation.sqref)
        first, last = ref.split(":")
        column = "".join(ch for ch in first if ch.isalpha())
        assert first == f"{column}2" and last == f"{column}1048576", ref
        found[headers[column_index_from_string(column) - 1]] = validation
    return found


def _column_number_format(sheet, header: str) -> str:
    index = [cell.value for cell in sheet[1]].index(header) + 1
    # openpyxl groups adjacent columns with the same width and format under the first one.
    for dimension in sheet.column_dimensions.values():
        if dimension.min <= index <= dimension.max:
            return dimension.number_format
    raise AssertionError(f"no column format for {header}")


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "ny-organisation"
    write_templates(folder, "sv", YEAR)
    return folder


def test_writes_every_file_of_the_input_folder(tmp_path: Path):
    folder = tmp_path / "ny"
    written = write_templates(folder, "sv", YEAR)
    relative = sorted(path.relative_to(folder).as_posix() for path in written)
    assert relative == sorted([*EXPECTED_HEADERS, "settings.toml"])
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == relative
    # The three years of the window each have their folder; the ledger template is in the last.
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == [str(YEAR - 2), str(YEAR - 1), str(YEAR)]


def test_ledger_year_defaults_to_last_year(tmp_path: Path):
    last_year = dt.date.today().year - 1
    written = write_templates(tmp_path / "ny", "sv")
    assert tmp_path / "ny" / str(last_year) / f"ledger-{last_year}.xlsx" in written


@pytest.mark.parametrize("name", sorted(EXPECTED_HEADERS))
def test_header_row_is_exact_bold_and_frozen(templates: Path, name: str):
    sheet = _data_sheet(templates, name)
    assert [cell.value for cell in sheet[1]] == EXPECTED_HEADERS[name]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1  # blank below the header
    widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]
              if c.column_letter in sheet.column_dimensions]
    assert widths and all(width >= 8 for width in widths)


@pytest.mark.parametrize(("name", "header", "choices"), [
    ("services.xlsx", "Klassificering", "samverkan,säljverksamhet"),
    ("members.xlsx", "Kontrollerande", "ja,nej"),
    ("counterparties.xlsx", "Sektor", "offentlig,privat"),
    ("suppliers.xlsx", "Upphandlingsform", "öppet,förenklat,ramavtal,direktupphandling,Teckal,annat"),
])
def test_drop_down_lists(templates: Path, name: str, header: str, choices: str):
    validation = _validations_by_column(_data_sheet(templates, name))[header]
    assert validation.type == "list"
    assert validation.formula1 == f'"{choices}"'
    # A value outside the list is refused, not just warned about.
    assert validation.errorStyle in (None, "stop")


@pytest.mark.parametrize(("name", "header"), [
    ("members.xlsx", "Medlem från"), ("members.xlsx", "Medlem till"), ("services.xlsx", "Beslutsdatum"),
    ("suppliers.xlsx", "Avtal från"), ("suppliers.xlsx", "Avtal till"), (f"{YEAR}/ledger-{YEAR}.xlsx", "Datum"),
])
def test_date_columns_are_checked_and_formatted(templates: Path, name: str, header: str):
    sheet = _data_sheet(templates, name)
    assert _validations_by_column(sheet)[header].type == "date"
    assert _column_number_format(sheet, header) == "yyyy-mm-dd"


@pytest.mark.parametrize(("name", "header", "number_format"), [
    (f"{YEAR}/ledger-{YEAR}.xlsx", "Belopp", "#,##0.00"),
    ("history.xlsx", "Intäkter kontrollerande (SEK)", "#,##0.00"),
    ("history.xlsx", "Totala intäkter (SEK)", "#,##0.00"),
    ("members.xlsx", "Orgnr", "@"), ("counterparties.xlsx", "Kontrolleras av", "@"),
    ("suppliers.xlsx", "Orgnr", "@"), (f"{YEAR}/ledger-{YEAR}.xlsx", "Motpart", "@"),
])
def test_amounts_are_decimal_and_org_nos_are_text(templates: Path, name: str, header: str, number_format: str):
    assert _column_number_format(_data_sheet(templates, name), header) == number_format


@pytest.mark.parametrize(("language", "sheet_name", "required_header", "yes"), [
    ("sv", "Instruktioner", "Obligatorisk", "ja"), ("en", "Instructions", "Required", "yes")])
def test_instructions_explain_every_column(tmp_path: Path, language: str, sheet_name: str,
                                           required_header: str, yes: str):
    folder = tmp_path / language
    write_templates(folder, language, YEAR)
    assert INSTRUCTION_SHEETS[language] == sheet_name
    for name, headers in EXPECTED_HEADERS.items():
        workbook = openpyxl.load_workbook(folder / name)
        assert workbook.sheetnames[1] == sheet_name
        rows = list(workbook[sheet_name].iter_rows(values_only=True))
        table_start = next(i for i, row in enumerate(rows) if row[1] == required_header)
        explained = {row[0]: row for row in rows[table_start + 1:]}
        assert list(explained) == headers
        # Every row says whether it is required, its format and what it means.
        assert all(row[1] and row[2] and row[4] for row in explained.values())
    members = {row[0]: row for row in openpyxl.load_workbook(folder / "members.xlsx")[sheet_name]
               .iter_rows(values_only=True)}
    assert members["Orgnr"][1] == yes
    assert members["Medlem till"][1] != yes
    assert members["Medlem från"][3] == "2019-01-01"


def test_settings_toml_loads_to_the_defaults(templates: Path):
    text = (templates / "settings.toml").read_text(encoding="utf-8")
    expected = replace(Settings(), organisation=Organisation(name=ORGANISATION_PLACEHOLDER))
    assert load_settings(templates) == expected
    # Written out exactly, so results.json shows the threshold as "0.80", not "0.8".
    assert str(load_settings(templates).thresholds.teckal) == "0.80"
    assert 'grants = "include"  # include: bidrag räknas i nämnaren' in text
    assert "# [columns.ledger]" in text
    key_lines = [line for line in text.splitlines() if line and not line.startswith(("#", "["))]
    # 3 organisation + 7 accounts + 6 thresholds + 8 rules + 11 journal keys, each with its comment.
    assert len(key_lines) == 35
    assert all("  # " in line and " / " in line.split("  # ", 1)[1] for line in key_lines)


def test_settings_in_english_choose_the_english_report(tmp_path: Path):
    write_templates(tmp_path / "en", "en", YEAR)
    assert load_settings(tmp_path / "en").organisation.language == "en"


def test_writing_twice_gives_identical_bytes(tmp_path: Path):
    first, second = tmp_path / "first", tmp_path / "second"
    written_first = write_templates(first, "sv", YEAR)
    written_second = write_templates(second, "sv", YEAR)
    assert [p.relative_to(first) for p in written_first] == [p.relative_to(second) for p in written_second]
    for a, b in zip(written_first, written_second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path):
    folder = tmp_path / "förra-året"
    folder.mkdir()
    (folder / "members.xlsx").write_bytes(b"last year's register")
    with pytest.raises(UsageError, match="not empty"):
        write_templates(folder, "sv", YEAR)
    assert (folder / "members.xlsx").read_bytes() == b"last year's register"
    assert sorted(p.name for p in folder.iterdir()) == ["members.xlsx"]


def test_an_empty_existing_folder_is_fine(tmp_path: Path):
    write_templates(tmp_path, "sv", YEAR)
    assert (tmp_path / "members.xlsx").is_file()


def test_unknown_language_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="language"):
        write_templates(tmp_path / "de", "de", YEAR)
    assert not (tmp_path / "de").exists()


# ---------------------------------------------------------------- round trip through the read stage

MEMBER_A, MEMBER_B, SUPPLIER = "212000-0142", "232100-0180", "556677-8899"


def _fill(folder: Path, name: str, rows: list[list[object]]) -> None:
    """Type rows into the template's data sheet below the header, as a user would."""
    workbook = openpyxl.load_workbook(folder / name)
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    workbook.save(folder / name)


def _fill_a_small_year(folder: Path) -> None:
    _fill(folder, "members.xlsx", [
        [MEMBER_A, "Exempelstads kommun", "kommun", dt.date(2019, 1, 1), None, "ja"],
        [MEMBER_B, "Exempelregionen", "region", dt.date(2020, 7, 1), None, "ja"],
    ])
    _fill(folder, "services.xlsx", [["T100", "E-tjänsteplattform", "samverkan", None, None, None,
                                     "självkostnad", dt.date(2024, 3, 15), "Dnr 2024/12", None, "nej", None]])
    _fill(folder, "suppliers.xlsx", [[SUPPLIER, "Exempel Konsult AB", "ramavtal", "Dnr 2023/45",
                                      dt.date(2023, 6, 1), dt.date(2027, 5, 31)]])
    # Two balanced vouchers: an invoice to a member (1 000,00 kr) and a supplier's invoice (250,00 kr).
    _fill(folder, f"{YEAR}/ledger-{YEAR}.xlsx", [
        [dt.date(YEAR, 3, 31), "A 1", 1510, 1000.00, MEMBER_A, None, None, "Faktura mars"],
        [dt.date(YEAR, 3, 31), "A 1", 3011, -1000.00, MEMBER_A, "T100", "100", "Faktura mars"],
        [dt.date(YEAR, 4, 15), "A 2", 5410, 250.00, SUPPLIER, "T100", "100", "Licens"],
        [dt.date(YEAR, 4, 15), "A 2", 2440, -250.00, SUPPLIER, None, None, "Licens"],
    ])


def _assert_read_back(folder: Path) -> None:
    inputs = read_inputs(folder, YEAR, load_settings(folder))
    assert inputs.rejected == []
    assert list(inputs.members["orgnr"]) == [MEMBER_A, MEMBER_B]
    assert list(inputs.members["controlling"]) == [True, True]
    # The reader keeps the classification as the drop-down wrote it; classify maps it.
    assert list(inputs.services["classification"]) == ["samverkan"]
    assert list(inputs.suppliers["orgnr"]) == [SUPPLIER]
    assert list(inputs.suppliers["contract_to"]) == [pd.Timestamp(2027, 5, 31)]
    ledger = inputs.ledgers[YEAR]
    # 1 000,00 kr = 100 000 öre; 250,00 kr = 25 000 öre; debits and credits cancel.
    assert list(ledger["amount_ore"]) == [100_000, -100_000, 25_000, -25_000]
    assert list(ledger["account"]) == [1510, 3011, 5410, 2440]
    assert list(ledger["voucher"]) == ["A 1", "A 1", "A 2", "A 2"]
    assert list(ledger["source_row"]) == [2, 3, 4, 5]
    assert list(inputs.ledgers) == [YEAR]
    assert len(inputs.counterparties) == 0 and len(inputs.history) == 0


def test_filled_templates_read_without_rejected_rows(templates: Path):
    _fill_a_small_year(templates)
    _assert_read_back(templates)


# ---------------------------------------------------------------- end to end through the real CLI


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=600)


@pytest.mark.slow
def test_template_fill_check_through_the_cli(tmp_path: Path):
    folder = tmp_path / "ny-organisation"
    made = _cli("template", "--inputs", str(folder))
    assert made.returncode == 0, made.stderr
    last_year = dt.date.today().year - 1
    (folder / str(last_year) / f"ledger-{last_year}.xlsx").rename(folder / str(last_year) / f"ledger-{YEAR}.xlsx")
    (folder / str(last_year)).rename(folder / str(YEAR))
    _fill_a_small_year(folder)
    # The template's placeholder name and empty org. no. are a settings error that says how.
    checked = _cli("check", "--inputs", str(folder), "--lang", "en")
    assert checked.returncode == 2
    assert ('ny-organisation/settings.toml: name = "Organisationens namn" is no organisation\'s name; orgnr = "" '
            "is no valid organisation number (NNNNNN-NNNN). Fill in") in checked.stderr
    settings = (folder / "settings.toml").read_text(encoding="utf-8")
    settings = settings.replace('name = "Organisationens namn"', 'name = "Nya förbundet"')
    (folder / "settings.toml").write_text(settings.replace('orgnr = ""', 'orgnr = "222000-0000"'), encoding="utf-8")
    checked = _cli("check", "--inputs", str(folder), "--lang", "en")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"check ny-organisation {YEAR}:" in checked.stdout and "no critical problems" in checked.stdout
    # One year of figures: the window is provisional, and check says so.
    assert f"Only 1 of three years have figures (ledger or history); missing: {YEAR - 2}, {YEAR - 1}" in checked.stdout
    # ...and the report: one year, 1 000,00 kr from a controlling member and nothing else -> share 1.
    reported = _cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--quiet")
    assert reported.returncode == 0, reported.stdout + reported.stderr
    results = json.loads((tmp_path / "out" / "ny-organisation" / str(YEAR) / "results.json").read_text("utf-8"))
    assert results["teckal"]["years_count"] == 1 and results["teckal"]["met"] is True
    assert results["teckal"]["window_share"] == "1.0000000000"
    assert (tmp_path / "out" / "ny-organisation" / str(YEAR) / f"LOS-utvardering-{YEAR}.pdf").is_file()


def test_governance_template_has_drop_downs_for_role_and_body_and_a_date_check(templates: Path):
    sheet = _data_sheet(templates, "governance.xlsx")
    validations = _validations_by_column(sheet)
    assert validations["Organ"].type == "list"
    assert "förbundsfullmäktige" in validations["Organ"].formula1 and "direktion" in validations["Organ"].formula1
    assert validations["Roll"].type == "list" and "ersättare" in validations["Roll"].formula1
    assert validations["Från"].type == "date" and validations["Till"].type == "date"
