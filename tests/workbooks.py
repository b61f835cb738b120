"""Tiny input folders written as real Excel files, for end-to-end tests of the real CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

MEMBER = "212000-1355"
OUTSIDER = "232100-0016"
FIRM = "556677-8899"

# The organisation every test folder reports for (name and org. no. are required).
SETTINGS_TOML = '[organisation]\nname = "Testförbundet"\norgnr = "222000-0000"\n'

LEDGER_HEADER = ["Datum", "Verifikation", "Konto", "Belopp", "Motpart", "Tjänst", "Kostnadsställe", "Text"]


def write_cell(sheet, row: int, column: int, value, date_format) -> None:
    """One cell on an XlsxWriter sheet: dates as Excel dates, None as an empty cell."""
    if isinstance(value, dt.date):
        sheet.write_datetime(row, column, dt.datetime.combine(value, dt.time()), date_format)
    elif value is not None:
        sheet.write(row, column, value)


def write_sheet(path: Path, sheet: str, header: list[str], rows: list[list]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    workbook.save(path)
    return path


def invoice(date: str, voucher: str, account: int, amount, counterparty: str, service: str) -> list[list]:
    day = dt.date.fromisoformat(date)
    return [[day, voucher, 1510, amount, counterparty, "", "", "Kundfaktura"],
            [day, voucher, account, -amount, counterparty, service, "", "Kundfaktura"]]


def small_ledger(year: int) -> list[list]:
    """Member 900, outsider 100: share 0.9 in every year."""
    return (invoice(f"{year}-03-01", "A 1", 3010, 900, MEMBER, "T01")
            + invoice(f"{year}-04-01", "A 2", 3010, 100, OUTSIDER, "T01")
            + [[dt.date(year, 5, 1), "B 1", 5410, 400, FIRM, "T01", "", "Konsult"],
               [dt.date(year, 5, 1), "B 1", 2440, -400, FIRM, "", "", "Konsult"]])


def write_folder(folder: Path, years=(2023, 2024, 2025), ledgers: dict | None = None) -> Path:
    """A complete, valid input folder; `ledgers` replaces the rows of chosen years."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(SETTINGS_TOML, encoding="utf-8")
    write_sheet(folder / "members.xlsx", "Medlemmar",
                ["Orgnr", "Namn", "Typ", "Medlem från", "Medlem till", "Kontrollerande"],
                [[MEMBER, "Ankeby kommun", "kommun", dt.date(2015, 1, 1), None, "ja"]])
    write_sheet(folder / "services.xlsx", "Tjänster",
                ["Tjänstekod", "Namn", "Klassificering", "Rättslig grund", "Medlemsbehov", "Målgrupp",
                 "Prissättning", "Beslutsdatum", "Beslutsreferens", "Marknadsbedömning", "Exklusivitet",
                 "Fördelningsnyckel"],
                [["T01", "E-arkiv", "samverkan", "KL 3 kap.", "Arkiv", "Medlemmar", "självkostnad",
                  dt.date(2020, 1, 1), "Styrelsen 2020-01", "Ingen marknad", "nej", 1]])
    write_sheet(folder / "suppliers.xlsx", "Leverantörer",
                ["Orgnr", "Namn", "Upphandlingsform", "Upphandlingsreferens", "Avtal från", "Avtal till"],
                [[FIRM, "Konsult AB", "ramavtal", "DNR 2022/1", dt.date(2022, 1, 1), dt.date(2026, 12, 31)]])
    ledgers = ledgers or {}
    for year in years:
        write_sheet(folder / str(year) / f"ledger-{year}.xlsx", "Huvudbok", LEDGER_HEADER,
                    ledgers.get(year, small_ledger(year)))
    return folder


def save_rows(tmp_path: Path, rows: list[list], first_row: int = 1, first_column: int = 1,
              name: str = "ledger.xlsx", extra=None) -> Path:
    """A workbook of one sheet, "Huvudbok", with `rows` from (first_row, first_column), 1-based;
    None is an empty cell. `extra(sheet)` may format cells before the file is saved."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Huvudbok"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.cell(row=first_row + r, column=first_column + c, value=value)
    if extra:
        extra(sheet)
    path = tmp_path / name
    book.save(path)
    return path
