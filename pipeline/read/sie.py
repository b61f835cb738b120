"""SIE 4 files (`.se`, `.si`) to ledger rows, as one sheet with canonical headers.

Reads `#KONTO` (account names), `#OBJEKT` (object names), `#VER` (series, number, date, text)
and the `#TRANS` lines inside each voucher: `#TRANS konto {objektlista} belopp transdat
transtext ...`. From the object list, dimension 1 (kostnadsställe) is the cost centre,
dimension 6 (projekt) the service code, dimension 8 (kund) the customer number and dimension 9
(leverantör) the supplier number, mapped to org. nos. by the read stage
(`pipeline.read.numbers`); the #OBJEKT name of the customer or supplier rides along. The voucher
keeps series and number apart, shown "A 12": joined without a separator, series "1" number
"12" and series "11" number "2" would be one voucher. A #TRANS without its own date takes the
voucher's. `#RTRANS`/`#BTRANS` (lines added or removed after registration) are skipped: SIE 4
repeats an added line as a plain #TRANS, and a removed line is not part of the books.

Encoding (`decode_sie`): SIE prescribes PC8 (code page 437), but real programs also write UTF-8
and ISO-8859-15 / Windows-1252 without saying so. A byte-order mark means UTF-8; else valid
UTF-8 is UTF-8; else the Swedish letters decide between CP437 (å = 0x86) and Latin (å = 0xE5).
Inside quotes only an escaped quote (\\") is unescaped: other backslashes are text and kept.
Amounts are SIE's decimal-point numbers, written back with two decimals when exact, so the read
stage never takes "12.500" for twelve thousand. Values stay text otherwise; the read stage
parses them like any other sheet, so a bad amount is rejected with its line number.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from pipeline.errors import InputError
from pipeline.messages import Text, messages

HEADERS = ["date", "voucher", "account", "account_name", "amount", "customer_number", "supplier_number",
           "counterparty_name", "service", "cost_centre", "text"]
DIMENSION_COST_CENTRE = "1"
DIMENSION_PROJECT = "6"
DIMENSION_CUSTOMER = "8"
DIMENSION_SUPPLIER = "9"
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{[^}]*\})|(\S+)')
_SIE_AMOUNT = re.compile(r"^-?\d+(?:\.\d+)?$")


def tokens(line: str) -> list[str]:
    """A SIE line split into fields: quoted text with \\" unescaped (other backslashes are
    text), an object list kept as "{...}"."""
    out = []
    for quoted, braces, bare in _TOKEN.findall(line):
        if braces:
            out.append(braces)
        elif bare:
            out.append(bare)
        else:
            out.append(quoted.replace('\\"', '"'))
    return out


def voucher_identity(series: str, number: str) -> str:
    """The voucher as shown: "A 12"; a voucher without a series is its number alone."""
    return f"{series} {number}" if series and number else series or number


def sie_amount(text: str) -> str:
    """A SIE amount ("-1234.5", "12.500") as text with two decimals where that is exact, so the
    read stage sees a decimal point that no separator rule can take for thousands."""
    if not _SIE_AMOUNT.match(text):
        return text  # not a SIE number: the read stage rejects it with its own message
    value = Decimal(text)
    cents = value.quantize(Decimal("0.01"))
    return f"{cents:.2f}" if cents == value else text


def objects(object_list: str) -> dict[str, str]:
    """ '{1 "100" 6 "P1"}' -> {"1": "100", "6": "P1"}."""
    inner = tokens(object_list.strip()[1:-1]) if object_list.startswith("{") else []
    return dict(zip(inner[0::2], inner[1::2]))


# The Swedish letters in code page 437 (å ä ö Å Ä Ö é) and in ISO-8859-15 / Windows-1252.
_PC8_LETTERS = frozenset(b"\x86\x84\x94\x8f\x8e\x99\x82\x81\x9a")
_LATIN_LETTERS = frozenset(b"\xe5\xe4\xf6\xc5\xc4\xd6\xe9\xfc\xdc")


def sie_encoding(data: bytes) -> str:
    """The encoding a SIE file is in: "utf-8-sig" (BOM), "utf-8" (valid UTF-8 with letters beyond
    ASCII), "cp437" (PC8, what #FORMAT PC8 promises) or "iso-8859-15" / "cp1252" (more Latin
    letters than PC8 letters; cp1252 when bytes 0x80-0x9F, control codes in ISO-8859-15, occur)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if not data.isascii():
        try:
            data.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
    pc8 = sum(data.count(bytes([b])) for b in _PC8_LETTERS)
    latin = sum(data.count(bytes([b])) for b in _LATIN_LETTERS)
    if latin > pc8:
        return "cp1252" if any(0x80 <= b <= 0x9F for b in set(data)) else "iso-8859-15"
    return "cp437"


def decode_sie(data: bytes) -> str:
    return data.decode(sie_encoding(data), errors="replace")


def read_sie_sheet(path: Path, relative: str, msg: Text | None = None):
    """The SIE file's transactions as a RawSheet: header row, then one row per #TRANS, each
    numbered by its line in the file."""
    from pipeline.model import RawSheet

    msg = msg or messages("en")
    text = decode_sie(path.read_bytes())
    lines = text.splitlines()
    if not any(line.lstrip().startswith("#") for line in lines[:50]):
        raise InputError(msg("read.not_sie", file=relative))
    account_names: dict[str, str] = {}
    object_names: dict[tuple[str, str], str] = {}
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith("#KONTO"):
            fields = tokens(line.strip())
            if len(fields) >= 3:
                account_names[fields[1]] = fields[2]
        elif stripped.startswith("#OBJEKT"):
            fields = tokens(line.strip())
            if len(fields) >= 4:
                object_names[(fields[1], fields[2])] = fields[3]
    rows: list[list[str]] = [HEADERS]
    numbers = [0]
    voucher, voucher_date, voucher_text = "", "", ""
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("#VER"):
            fields = tokens(stripped) + [""] * 4
            voucher = voucher_identity(fields[1], fields[2])
            voucher_date, voucher_text = fields[3], fields[4]
        elif stripped.startswith("#TRANS"):
            fields = tokens(stripped) + [""] * 6
            account, object_list, amount, date, line_text = fields[1:6]
            if not object_list.startswith("{"):
                # An object list is required by the format; without one the fields shift.
                account, object_list, amount, date, line_text = fields[1], "{}", fields[2], fields[3], fields[4]
            dimensions = objects(object_list)
            customer = dimensions.get(DIMENSION_CUSTOMER, "")
            supplier = dimensions.get(DIMENSION_SUPPLIER, "")
            name = (object_names.get((DIMENSION_CUSTOMER, customer), "") if customer
                    else object_names.get((DIMENSION_SUPPLIER, supplier), "") if supplier else "")
            rows.append([date or voucher_date, voucher, account, account_names.get(account, ""), sie_amount(amount),
                         customer, supplier, name, dimensions.get(DIMENSION_PROJECT, ""),
                         dimensions.get(DIMENSION_COST_CENTRE, ""), line_text or voucher_text])
            numbers.append(number)
    return RawSheet(relative, "", rows, numbers)
