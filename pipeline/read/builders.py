"""One builder per kind of input: a `Table`'s cells parsed to the canonical frame of
DATA-CONTRACT.md, each row that cannot be used rejected with its reason (`pipeline.read.table`).

Every builder parses its fields exactly (`pipeline.read.parse`), records what it rejects on the
table and returns the kept rows with their source columns (`_frame`). The ledger and purchases
builders also leave out totals rows and footers, which carry no line of their own.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np
import pandas as pd

import pipeline.read.parse as parse
from pipeline.model import (
    COUNTERPARTY_FIELDS,
    GOVERNANCE_FIELDS,
    HISTORY_FIELDS,
    LEDGER_FIELDS,
    MEMBER_FIELDS,
    PURCHASE_FIELDS,
    SERVICE_FIELDS,
    SOURCE_COLUMNS,
    SUPPLIER_FIELDS,
    choose,
    filled,
    source_id_array,
)
from pipeline.read.numbers import ANY, CUSTOMER, SUPPLIER
from pipeline.read.table import Table
from pipeline.vocabulary import vocabulary

KNOWN_CLASSIFICATIONS = ("samverkan", "säljverksamhet")  # the template's words; aliases are accepted too
_CLASS_ZERO = re.compile(r"^0\d{3}\b")  # "0110", "0110 Antal anställda": an account of class 0
_TOTALS_WORD = re.compile(r"(?i)^\s*(summa|totalt?|total sum|sum|delsumma|subtotal|sluts(umma)?)\b")


def empty_frame(kind: str) -> pd.DataFrame:
    return _frame(kind, {}, np.zeros(0, dtype=bool), None)



def _rows_left_out(table: Table, parsed: dict[str, parse.Parsed], texts: dict[str, np.ndarray],
                   amounts: list[parse.Parsed]) -> tuple[np.ndarray, np.ndarray]:
    """(totals rows, note rows) from the parsed identity fields of a ledger or purchases sheet.

    A totals row has an amount and no identity field holding anything but nothing or a
    "Summa"/"Totalt" word. A note row (a footer, a printed-by line) has no identity field and
    no amount: it carries no money, so leaving it out cannot change a figure. Only rows still
    in question are looked at, so this costs little on a million lines.
    """
    blank = np.ones(len(table), dtype=bool)
    blank_or_word = np.ones(len(table), dtype=bool)
    for name, values in parsed.items():
        if table.has(name):
            # "Summa" in a date or account column is a parse error; only those rows can be words.
            rows = np.flatnonzero(values.bad & blank_or_word)
            word = np.zeros(len(table), dtype=bool)
            word[rows] = parse.matches(parse.parse_text(table.get(name)[rows]).values, _TOTALS_WORD)
            blank &= values.empty
            blank_or_word &= values.empty | word
    for name, values in texts.items():
        rows = np.flatnonzero(blank_or_word)
        if table.has(name) and len(rows):
            empty = values[rows] == ""
            blank[rows] &= empty
            blank_or_word[rows] = empty | parse.matches(values[rows], _TOTALS_WORD)
    has_amount = np.zeros(len(table), dtype=bool)
    for amount in amounts:
        has_amount |= ~amount.empty
    return blank_or_word & has_amount, blank & ~has_amount


def _parse_amounts(table: Table) -> list[parse.Parsed]:
    """[Belopp], or [Debet, Kredit] when the sheet gives two unsigned columns (R1)."""
    if table.has("amount") or not table.has("debit"):
        return [parse.parse_amounts_ore(table.get("amount"), table.label("amount"), table.msg)]
    return [parse.parse_amounts_ore(table.get("debit"), table.label("debit"), table.msg),
            parse.parse_amounts_ore(table.get("credit"), table.label("credit"), table.msg)]


def _signed_amounts(table: Table, parts: list[parse.Parsed]) -> np.ndarray:
    """amount = Belopp, or Debet - Kredit; a bad or missing amount is a critical rejection."""
    if len(parts) == 1:
        [amount] = parts
        table.reject_errors(amount, "amount")
        table.reject_empty(amount, "amount", table.label("amount"))
        return -amount.values if table.credit_positive else amount.values
    debit, credit = parts
    table.reject_errors(debit, "debit")
    table.reject_errors(credit, "credit")
    table.reject(debit.empty & credit.empty, table.msg("read.debit_credit_empty"), "debit")
    return debit.values - credit.values


def _source(table: Table, keep: np.ndarray) -> dict[str, Any]:
    """The source columns of the kept rows: file, sheet, row number and "file:sheet:row"."""
    file, sheet = table.raw.file, table.raw.sheet
    rows = table.row_numbers[keep].astype(np.int64)
    columns = {"source_file": filled(len(rows), file), "source_sheet": filled(len(rows), sheet),
               "source_id": source_id_array(file, sheet, rows)}
    for texts in columns.values():
        parse.know_text(texts)  # references to one text each, and the ids Arrow made as str
    return {**columns, "source_row": rows}


def _far_from_fiscal_year(table: Table, date: parse.Parsed) -> None:
    """A ledger date more than a year outside its year folder is a typing error (2205 for 2025):
    R3 decides membership on the line's date, so it would be classified on a wrong day. A date
    in a neighbouring year is left to validation (a broken fiscal year is possible)."""
    if table.fiscal_year is None:
        return
    earliest = np.datetime64(f"{table.fiscal_year - 1}-01-01", "ns")
    latest = np.datetime64(f"{table.fiscal_year + 1}-12-31", "ns")
    values = date.values
    far = ~np.isnat(values) & ((values < earliest) | (values > latest))
    if far.any():
        reasons = np.full(len(table), "", dtype=object)
        reasons[far] = [table.msg("read.date_far_outside", label=table.label("date"),
                                  value=str(v)[:10], year=table.fiscal_year) for v in values[far]]
        table.reject(far, reasons, "date")


def _ledger(table: Table) -> pd.DataFrame:
    msg = table.msg
    # Only a Period column (YYYYMM): each line is read as on its period's first day.
    date_field = "date" if table.has("date") or not table.has("period") else "period"
    if date_field == "date":
        date = parse.parse_dates(table.get("date"), table.label("date"), msg, table.date_format)
    else:
        date = parse.parse_periods(table.get("period"), table.label("period"), msg)
    voucher = parse.parse_text(table.get("voucher"))
    account, account_name = parse.parse_accounts(table.get("account"), table.label("account"), msg)
    amounts = _parse_amounts(table)
    totals, notes = _rows_left_out(table, {date_field: date, "account": account}, {"voucher": voucher.values}, amounts)
    table.leave_out(totals, msg("read.totals_row"), "amount" if table.has("amount") else "debit")
    table.leave_out(notes, msg("read.note_row"), "text")
    table.reject_errors(date, date_field)
    table.reject_empty(date, date_field, table.label(date_field))
    _far_from_fiscal_year(table, date)
    table.reject(voucher.values == "", msg("read.empty", label=table.label("voucher")), "voucher")
    # Class 0 (0000-0999) holds statistical accounts (quantities, head counts: Magenta's SIE
    # files): no bookkeeping line, never balanced. Left out with their reason, and warned about.
    # Only accounts below 1000 are looked at as text (0.06 s a million lines for every line).
    statistical = ~account.bad & ~account.empty & (account.values < 1000)
    below = np.flatnonzero(statistical)
    statistical[below] = parse.matches(parse.parse_text(table.get("account")[below]).values, _CLASS_ZERO)
    table.leave_out(statistical, msg("read.statistical_account"), "account")
    table.reject_errors(account, "account")
    table.reject_empty(account, "account", table.label("account"))
    amount = _signed_amounts(table, amounts)
    # Optional (the journal tests' late registrations); a cell that is no date stops the run
    # like any other date: it would silently hide a late registration.
    registered = parse.parse_dates(table.get("registration_date"), table.label("registration_date"), msg)
    table.reject_errors(registered, "registration_date")
    name_column = parse.parse_free_text(table.get("account_name")).values
    counterparty, counterparty_note, raw = _counterparties_of_lines(table, account.values)
    columns = {
        "date": date.values, "voucher": voucher.values, "account": account.values,
        "account_name": np.where(name_column != "", name_column, account_name), "amount_ore": amount,
        "counterparty": counterparty, "counterparty_raw": raw, "counterparty_note": counterparty_note,
        "service": parse.parse_text(table.get("service")).values,
        "cost_centre": parse.parse_text(table.get("cost_centre")).values,
        "text": parse.parse_free_text(table.get("text")).values,
        "counterparty_name": parse.parse_free_text(table.get("counterparty_name")).values,
        "registration_date": registered.values,
    }
    return _frame("ledger", columns, table.kept, table)


def _counterparties_of_lines(table: Table, accounts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(org. no., note, raw text) per line from the counterparty, customer-number and
    supplier-number columns, whichever is filled (in that order), numbers mapped through the
    registers (pipeline.read.numbers)."""
    if not (table.has("customer_number") or table.has("supplier_number")):
        # Only the counterparty column: each line's text is that column's, parsed from its cells
        # at once (whose distinct values the read may know: a million lines hashed once less).
        orgnr, note, raw = parse.parse_orgnrs(table.get("counterparty"))
        kinds = filled(len(raw), ANY)
    else:
        generic = parse.parse_text(table.get("counterparty")).values
        customer = parse.parse_text(table.get("customer_number")).values
        supplier = parse.parse_text(table.get("supplier_number")).values
        raw = np.where(generic != "", generic, np.where(customer != "", customer, supplier)).astype(object)
        kinds = choose(supplier != "", SUPPLIER, ANY)
        kinds[customer != ""] = CUSTOMER
        kinds[generic != ""] = ANY
        orgnr, note, _ = parse.parse_orgnrs(raw)
    if table.numbers is None:
        return orgnr, note, raw
    orgnr, note = table.numbers.resolve(raw, kinds, accounts, (orgnr, note))
    return orgnr, note, raw


def _purchases(table: Table) -> pd.DataFrame:
    msg = table.msg
    date = parse.parse_dates(table.get("date"), table.label("date"), msg, table.date_format)
    account, account_name = parse.parse_accounts(table.get("account"), table.label("account"), msg)
    amounts = _parse_amounts(table)
    orgnr, note, raw = parse.parse_orgnrs(table.get("supplier_orgnr"))
    texts = {"buyer": parse.parse_free_text(table.get("buyer")).values,
             "supplier_name": parse.parse_free_text(table.get("supplier_name")).values,
             "invoice": parse.parse_text(table.get("invoice")).values}
    totals, notes = _rows_left_out(table, {"date": date, "account": account},
                                   {**texts, "supplier_orgnr": raw}, amounts)
    table.leave_out(totals, msg("read.totals_row"), "amount")
    table.leave_out(notes, msg("read.purchase_note_row"), "supplier_name")
    table.reject_errors(date, "date")
    table.reject_errors(account, "account")
    amount = _signed_amounts(table, amounts)
    name_column = parse.parse_free_text(table.get("account_name")).values
    columns = {
        **texts, "date": date.values, "supplier_orgnr": orgnr, "supplier_orgnr_raw": raw,
        "supplier_orgnr_note": note, "account": account.values,
        "account_name": np.where(name_column != "", name_column, account_name), "amount_ore": amount,
    }
    return _frame("purchases", columns, table.kept, table)


def _register_orgnr(table: Table, name: str, critical: bool) -> np.ndarray:
    orgnr, note, raw = parse.parse_orgnrs(table.get(name))
    msg = table.msg
    reasons = np.array([msg("read.orgnr_missing", value=parse.shown(r)) if n == parse.ORGNR_MISSING
                        else msg("read.orgnr_invalid", value=parse.shown(r), note=msg(f"read.note_{n}")) if n else ""
                        for r, n in zip(raw, note)] + [""], dtype=object)[:-1]
    table.reject(note != "", reasons, name, critical)
    return orgnr


def _members(table: Table) -> pd.DataFrame:
    orgnr = _register_orgnr(table, "orgnr", critical=True)
    msg = table.msg
    # An empty "member from" stays NaT: validation lists it; a wrong date would misclassify.
    member_from = parse.parse_dates(table.get("member_from"), table.label("member_from"), msg, table.date_format)
    table.reject_errors(member_from, "member_from")
    member_to = parse.parse_dates(table.get("member_to"), table.label("member_to"), msg, table.date_format)
    table.reject_errors(member_to, "member_to")
    controlling = parse.parse_flags(table.get("controlling"), table.label("controlling"), default=True, msg=msg)
    table.reject_errors(controlling, "controlling")
    columns = {"orgnr": orgnr, "name": parse.parse_free_text(table.get("name")).values,
               "type": parse.parse_free_text(table.get("type")).values,
               "member_from": member_from.values, "member_to": member_to.values,
               "controlling": controlling.values,
               "customer_number": parse.parse_text(table.get("customer_number")).values}
    return _frame("members", columns, table.kept, table)


def _counterparties(table: Table) -> pd.DataFrame:
    orgnr = _register_orgnr(table, "orgnr", critical=True)
    controlled_by, note, raw = parse.parse_orgnrs(table.get("controlled_by"))
    bad = (note != "") & (note != parse.ORGNR_MISSING)
    table.reject(bad, [table.msg("read.controlled_by_invalid", value=parse.shown(r), note=table.msg(f"read.note_{n}") if n else "")
                       for r, n in zip(raw, note)],
                 "controlled_by")
    columns = {"orgnr": orgnr, "name": parse.parse_free_text(table.get("name")).values,
               "sector": parse.parse_text(table.get("sector")).values, "controlled_by": controlled_by,
               "customer_number": parse.parse_text(table.get("customer_number")).values}
    return _frame("counterparties", columns, table.kept, table)


def _services(table: Table) -> pd.DataFrame:
    msg = table.msg
    code = parse.parse_text(table.get("code")).values
    table.reject(code == "", msg("read.empty", label=table.label("code")), "code")
    # Classification words and sectors stay as finance wrote them: an undecided service ("")
    # or an unknown word is a validation finding, and classify maps the words (R5).
    classification = parse.parse_text(table.get("classification")).values
    # A word that is neither empty (undecided) nor a known classification is a typo: it would
    # otherwise silently make the service undecided (R5). Critical: the run stops and says so.
    words = np.array([str(w).strip().lower() for w in classification], dtype=object)
    typo = (words != "") & ~np.isin(words, list(vocabulary().classification_words))
    table.reject(typo, np.array([msg("read.classification_unknown", value=str(w).strip(),
                                     known=", ".join(KNOWN_CLASSIFICATIONS)) for w in classification], dtype=object),
                 "classification")
    decision_date = parse.parse_dates(table.get("decision_date"), table.label("decision_date"), msg, table.date_format)
    table.reject_errors(decision_date, "decision_date")
    exclusivity = parse.parse_flags(table.get("exclusivity"), table.label("exclusivity"), default=False, msg=msg)
    table.reject_errors(exclusivity, "exclusivity")
    allocation_key = parse.parse_decimals(table.get("allocation_key"), table.label("allocation_key"), msg)
    table.reject_errors(allocation_key, "allocation_key")
    text = {name: parse.parse_free_text(table.get(name)).values
            for name in ("name", "legal_basis", "member_need", "target_group", "pricing", "market_assessment")}
    text["decision_reference"] = parse.parse_text(table.get("decision_reference")).values
    columns = {**text, "code": code, "classification": classification, "decision_date": decision_date.values,
               "exclusivity": exclusivity.values, "allocation_key": allocation_key.values}
    return _frame("services", columns, table.kept, table)


def _dates(table: Table, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Date columns of a register, each cell that is no date rejected with its reason."""
    dates = {}
    for name in names:
        parsed = parse.parse_dates(table.get(name), table.label(name), table.msg, table.date_format)
        table.reject_errors(parsed, name)
        dates[name] = parsed.values
    return dates


def _suppliers(table: Table) -> pd.DataFrame:
    # A supplier row with a bad org. no. is left out but does not stop the run: the supplier
    # then shows up as "missing from the supplier list", which R6 flags anyway.
    orgnr = _register_orgnr(table, "orgnr", critical=False)
    dates = _dates(table, ("contract_from", "contract_to"))
    columns = {"orgnr": orgnr, "name": parse.parse_free_text(table.get("name")).values,
               "procurement_form": parse.parse_text(table.get("procurement_form")).values,
               "procurement_reference": parse.parse_text(table.get("procurement_reference")).values,
               "category": parse.parse_free_text(table.get("category")).values, **dates,
               "supplier_number": parse.parse_text(table.get("supplier_number")).values}
    return _frame("suppliers", columns, table.kept, table)


def _history(table: Table) -> pd.DataFrame:
    year = parse.parse_integers(table.get("year"), table.label("year"), table.msg)
    table.reject_errors(year, "year")
    table.reject_empty(year, "year", table.label("year"))
    money = {}
    for name in ("controlling_sek", "total_sek"):
        parsed = parse.parse_amounts_ore(table.get(name), table.label(name), table.msg)
        table.reject_errors(parsed, name)
        table.reject_empty(parsed, name, table.label(name))
        money[name.replace("_sek", "_ore")] = parsed.values
    columns = {"year": year.values, **money, "source": parse.parse_free_text(table.get("source")).values}
    return _frame("history", columns, table.kept, table)


def _governance(table: Table) -> pd.DataFrame:
    # An appointment with a bad org. no. or date would count days for the wrong member or period:
    # critical, like the member register's own rows.
    orgnr = _register_orgnr(table, "orgnr", critical=True)
    dates = _dates(table, ("appointed_from", "appointed_to"))
    columns = {"orgnr": orgnr, "representative": parse.parse_free_text(table.get("representative")).values,
               "role": parse.parse_free_text(table.get("role")).values,
               "body": parse.parse_text(table.get("body")).values,
               "decision_reference": parse.parse_text(table.get("decision_reference")).values, **dates}
    return _frame("governance", columns, table.kept, table)


BUILDERS: dict[str, Callable[[Table], pd.DataFrame]] = {
    "ledger": _ledger, "purchases": _purchases, "members": _members, "counterparties": _counterparties,
    "services": _services, "suppliers": _suppliers, "history": _history, "governance": _governance,
}
FIELDS = {"ledger": LEDGER_FIELDS, "purchases": PURCHASE_FIELDS, "members": MEMBER_FIELDS,
          "counterparties": COUNTERPARTY_FIELDS, "services": SERVICE_FIELDS,
          "suppliers": SUPPLIER_FIELDS, "history": HISTORY_FIELDS, "governance": GOVERNANCE_FIELDS}
_DATE_FIELDS = {"date", "registration_date", "member_from", "member_to", "decision_date", "contract_from",
                "contract_to", "appointed_from", "appointed_to"}
_INT_FIELDS = {"account", "amount_ore", "year", "controlling_ore", "total_ore"}
_BOOL_FIELDS = {"controlling", "exclusivity"}
_OBJECT_FIELDS = {"allocation_key"}  # Decimal or None: a key is exact, like money


def _frame(kind: str, columns: dict[str, np.ndarray], keep: np.ndarray, table: Table | None) -> pd.DataFrame:
    """The kept rows as a frame with the canonical columns and dtypes, then the source columns."""
    data = {}
    n = int(keep.sum())
    every = n == len(keep)  # the usual case: no row rejected, so the parsed columns are taken as they are

    def kept(values: np.ndarray) -> np.ndarray:
        return values if every else values[keep]

    taken: set[int] = set()

    for name in FIELDS[kind]:
        values = columns.get(name)
        if name in _DATE_FIELDS:
            data[name] = pd.Series(kept(values) if values is not None else np.full(n, np.datetime64("NaT", "ns")),
                                   dtype="datetime64[ns]")
        elif name in _INT_FIELDS:
            data[name] = pd.Series(kept(values) if values is not None else np.zeros(n), dtype="int64")
        elif name in _BOOL_FIELDS:
            data[name] = pd.Series(kept(values) if values is not None else np.zeros(n), dtype="bool")
        elif name in _OBJECT_FIELDS:
            data[name] = pd.Series(kept(values) if values is not None else [None] * n, dtype=object)
        else:
            data[name] = _str_series(kept(values) if values is not None else filled(n, ""), taken)
    source = _source(table, keep) if table is not None else {
        "source_file": [], "source_sheet": [], "source_row": np.zeros(0, np.int64), "source_id": []}
    for name in SOURCE_COLUMNS:
        data[name] = (pd.Series(source[name], dtype="int64") if name == "source_row"
                      else _str_series(np.asarray(source[name], dtype=object), taken))
    # The Series above are this frame's own (made here from arrays no one else holds): no copy.
    return pd.DataFrame(data, copy=False)


_STR = pd.Series([], dtype="str").dtype  # pandas 3's "str": python storage unless pyarrow is installed
# An empty "str" array of Python storage, whose `_from_backing_data` wraps an object array as
# another of its kind without StringArray's own scan of every value (`_str_series`).
_STR_EMPTY = pd.arrays.StringArray(np.empty(0, dtype=object), dtype=_STR) if _STR.storage == "python" else None


def _str_series(values: np.ndarray, taken: set[int]) -> pd.Series:
    """A "str" column. An object array of only str that no other column of the frame holds
    (`taken`: the ids of those already used) becomes the column itself, without the copy that
    `pd.Series(values, dtype="str")` makes: 8 MB less per text column of a million lines at the
    read's peak. Anything else (an empty cell as None or NaN, a non-str value, a shared array,
    Arrow storage) goes the plain way, which gives the same column.

    Whether every value is a str (none missing) is found once (`parse.only_text`: known for a
    column parsed from its distinct values, else `infer_dtype`'s scan); `StringArray(values)`
    would check it again, which took 15 ms a column a million lines long, 0.2 s of a
    million-line read; so the array is wrapped as it is (`_from_backing_data`, tested against
    the checked constructor in tests/test_read_fast_paths.py)."""
    if (_STR_EMPTY is not None and values.dtype == object and values.ndim == 1 and id(values) not in taken
            and parse.only_text(values)):
        taken.add(id(values))
        return pd.Series(_STR_EMPTY._from_backing_data(values), copy=False)
    return pd.Series(values, dtype="str")
