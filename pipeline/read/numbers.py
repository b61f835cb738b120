"""Customer and supplier numbers to org. nos., through the registers' Kundnummer and
Leverantörsnummer columns (DATA-CONTRACT: real ledgers rarely carry org. nos.).

`NumberRegister.from_registers` collects the numbers of the member and counterparty registers
(customer numbers) and of the supplier list (supplier numbers); a number given for two
different org. nos. is an input error naming both rows. `resolve` turns a ledger's counterparty
cells into org. nos.:
- a cell of a customer-number column (header "Kundnr", SIE dimension 8) is looked up among the
  customer numbers, one of a supplier-number column ("Leverantörsnr", dimension 9) among the
  supplier numbers; a value no register knows is still taken as an org. no. if it is one;
- a plain counterparty cell ("Motpart") is an org. no. when it is a valid one; else it is
  looked up as a customer number on revenue accounts, as a supplier number on cost accounts,
  and as either (customer first) on other accounts.
A number that no register knows keeps its raw text and the note "invalid": its revenue is
`unknown` (R3) and it is listed (pipeline.validate.ledger_checks) so finance can add it.

It reads no files and computes no figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import pipeline.read.parse as parse
from pipeline.errors import InputError
from pipeline.messages import Text
from pipeline.settings import AccountRanges, Settings

CUSTOMER = "customer"
SUPPLIER = "supplier"
ANY = ""


def number_key(text: str) -> str:
    """A customer or supplier number as compared: blanks removed, case ignored ("k 100" = "K100")."""
    return "".join(str(text).split()).casefold()


@dataclass(frozen=True)
class NumberRegister:
    """{number key: org. no.} for customer numbers and for supplier numbers."""

    customers: dict[str, str] = field(default_factory=dict)
    suppliers: dict[str, str] = field(default_factory=dict)
    revenue: AccountRanges = ()
    costs: AccountRanges = ()

    @staticmethod
    def from_registers(members: pd.DataFrame, counterparties: pd.DataFrame, suppliers: pd.DataFrame,
                       settings: Settings, msg: Text) -> NumberRegister:
        customers = _numbers([members, counterparties], "customer_number", msg)
        supplier_numbers = _numbers([suppliers], "supplier_number", msg)
        return NumberRegister(customers, supplier_numbers, settings.accounts.revenue, settings.accounts.costs)

    def resolve(self, raw: np.ndarray, kinds: np.ndarray, accounts: np.ndarray,
                parsed: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(org. no., note) per line from the raw counterparty texts, the kind of column each
        came from (CUSTOMER, SUPPLIER or ANY) and the line's account. `parsed`: the texts'
        (org. no., note) as `parse.parse_orgnrs` gives them, when the caller has them."""
        orgnr, note = parsed if parsed is not None else parse.parse_orgnrs(raw)[:2]
        if not (self.customers or self.suppliers):
            return orgnr, note
        orgnr, note = orgnr.copy(), note.copy()  # changed below: the caller's stay as they are
        revenue = _in_ranges(accounts, self.revenue)
        costs = _in_ranges(accounts, self.costs)
        raw = np.asarray(raw, dtype=object)  # texts (`parse.parse_text`): "" where the line has none
        filled = (raw != "") & (note != parse.ORGNR_MISSING)
        # Which register each line asks: its column's, else by the account (R2's ranges).
        ask_customers = filled & ((kinds == CUSTOMER) | ((kinds == ANY) & ~costs & (note != "")))
        ask_suppliers = filled & ((kinds == SUPPLIER) | ((kinds == ANY) & ~revenue & (note != "")))
        # Each distinct text's key made once, not once per line.
        codes, distinct = parse.factorize(raw)
        keys = np.array([number_key(t) for t in distinct.tolist()] + [""], dtype=object)[codes]
        for ask, table in ((ask_suppliers, self.suppliers), (ask_customers, self.customers)):
            # Customers last: on other accounts a customer number wins over a supplier number.
            if not table or not ask.any():
                continue
            found = pd.Series(keys[ask]).map(table).fillna("").to_numpy(dtype=object)
            rows = np.flatnonzero(ask)[found != ""]
            orgnr[rows] = found[found != ""]
            note[rows] = ""
        return orgnr, note


def _numbers(frames: list[pd.DataFrame], column: str, msg: Text) -> dict[str, str]:
    table: dict[str, tuple[str, str]] = {}
    for frame in frames:
        if frame is None or column not in frame or frame.empty:
            continue
        for number, orgnr, source in zip(frame[column].astype("str"), frame["orgnr"].astype("str"),
                                         frame["source_id"].astype("str")):
            key = number_key(number)
            if not key or not orgnr:
                continue
            known = table.get(key)
            if known is not None and known[0] != orgnr:
                raise InputError(msg("read.number_twice", number=number.strip(), first=known[1], second=source,
                                     first_orgnr=known[0], second_orgnr=orgnr))
            table.setdefault(key, (orgnr, source))
    return {key: orgnr for key, (orgnr, _) in table.items()}


def _in_ranges(accounts: np.ndarray, ranges: AccountRanges) -> np.ndarray:
    hit = np.zeros(len(accounts), dtype=bool)
    for lo, hi in ranges:
        hit |= (accounts >= lo) & (accounts <= hi)
    return hit
