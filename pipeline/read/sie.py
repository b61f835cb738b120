"""SIE 4 files (`.se`, `.si`) to ledger rows, as one sheet with canonical headers.

Reads `#KONTO` (account names), `#VER` (series, number, date, text) and the `#TRANS` lines
inside each voucher: `#TRANS konto {objektlista} belopp transdat transtext ...`. From the
object list, dimension 1 (kostnadsställe) is the cost centre, dimension 6 (projekt) the
service code, and dimension 8 (kund), else 9 (leverantör), the counterparty. The voucher is
series + number ("A" + "123" = "A123"); a #TRANS without its own date takes the voucher's.
`#RTRANS`/`#BTRANS` (lines added or removed after registration) are skipped: SIE 4 repeats an
added line as a plain #TRANS, and a removed line is not part of the books.

The file is PC8 (code page 437) as the SIE format prescribes. Values stay text here; the read
stage parses them like any other sheet, so a bad amount is rejected with its line number.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import InputError

HEADERS = ["date", "voucher", "account", "account_name", "amount", "counterparty", "service",
           "cost_centre", "text"]
DIMENSION_COST_CENTRE = "1"
DIMENSION_PROJECT = "6"
DIMENSIONS_COUNTERPARTY = ("8", "9")
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{[^}]*\})|(\S+)')


def tokens(line: str) -> list[str]:
    """A SIE line split into fields: quoted text unescaped, an object list kept as "{...}"."""
    out = []
    for quoted, braces, bare in _TOKEN.findall(line):
        if braces:
            out.append(braces)
        elif bare:
            out.append(bare)
        else:
            out.append(re.sub(r"\\(.)", r"\1", quoted))
    return out


def objects(object_list: str) -> dict[str, str]:
    """ '{1 "100" 6 "P1"}' -> {"1": "100", "6": "P1"}."""
    inner = tokens(object_list.strip()[1:-1]) if object_list.startswith("{") else []
    return dict(zip(inner[0::2], inner[1::2]))


def decode_sie(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    return data.decode("cp437")


def read_sie_sheet(path: Path, relative: str):
    """The SIE file's transactions as a RawSheet: header row, then one row per #TRANS, each
    numbered by its line in the file."""
    from pipeline.model import RawSheet

    text = decode_sie(path.read_bytes())
    lines = text.splitlines()
    if not any(line.lstrip().startswith("#") for line in lines[:50]):
        raise InputError(f"{relative}: is not a SIE file (no #-labels at its start)")
    account_names: dict[str, str] = {}
    for line in lines:
        if line.lstrip().startswith("#KONTO"):
            fields = tokens(line.strip())
            if len(fields) >= 3:
                account_names[fields[1]] = fields[2]
    rows: list[list[str]] = [HEADERS]
    numbers = [0]
    voucher, voucher_date, voucher_text = "", "", ""
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("#VER"):
            fields = tokens(stripped) + [""] * 4
            voucher = f"{fields[1]}{fields[2]}"
            voucher_date, voucher_text = fields[3], fields[4]
        elif stripped.startswith("#TRANS"):
            fields = tokens(stripped) + [""] * 6
            account, object_list, amount, date, line_text = fields[1:6]
            if not object_list.startswith("{"):
                # An object list is required by the format; without one the fields shift.
                account, object_list, amount, date, line_text = fields[1], "{}", fields[2], fields[3], fields[4]
            dimensions = objects(object_list)
            counterparty = next((dimensions[d] for d in DIMENSIONS_COUNTERPARTY if d in dimensions), "")
            rows.append([date or voucher_date, voucher, account, account_names.get(account, ""), amount,
                         counterparty, dimensions.get(DIMENSION_PROJECT, ""),
                         dimensions.get(DIMENSION_COST_CENTRE, ""), line_text or voucher_text])
            numbers.append(number)
    return RawSheet(relative, "", rows, numbers)
