"""Small canonical inputs built in tests, so each test is a worked example checkable by hand.

`ledger_frame` takes rows as tuples and fills the provenance columns; `make_inputs` wraps
frames into `pipeline.model.Inputs` with empty registers where a test needs none.
"""

from __future__ import annotations

import pandas as pd

from pipeline.model import (
    COUNTERPARTY_FIELDS,
    HISTORY_FIELDS,
    MEMBER_FIELDS,
    SERVICE_FIELDS,
    SUPPLIER_FIELDS,
    FileTotals,
    Inputs,
)


def _with_source(frame: pd.DataFrame, file: str, sheet: str) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame["source_file"] = file
    frame["source_sheet"] = sheet
    frame["source_row"] = range(2, len(frame) + 2)
    frame["source_id"] = [f"{file}:{sheet}:{r}" for r in frame["source_row"]]
    return frame


def ledger_frame(rows: list[tuple], file: str = "2025/ledger.xlsx", sheet: str = "Huvudbok") -> pd.DataFrame:
    """rows: (date, voucher, account, amount_sek, counterparty, service[, text])."""
    records = []
    for row in rows:
        date, voucher, account, amount_sek, counterparty, service, *rest = row
        records.append({
            "date": pd.Timestamp(date), "voucher": voucher, "account": int(account), "account_name": "",
            "amount_ore": round(amount_sek * 100), "counterparty": counterparty or "",
            "counterparty_raw": counterparty or "", "counterparty_note": "" if counterparty else "missing",
            "service": service or "", "cost_centre": "", "text": rest[0] if rest else "",
        })
    frame = pd.DataFrame(records)
    frame["date"] = frame["date"].astype("datetime64[ns]")
    frame["amount_ore"] = frame["amount_ore"].astype("int64")
    frame["account"] = frame["account"].astype("int64")
    return _with_source(frame, file, sheet)


def members_frame(rows: list[tuple]) -> pd.DataFrame:
    """rows: (orgnr, name, member_from, member_to, controlling)."""
    frame = pd.DataFrame(
        [{"orgnr": o, "name": n, "type": "kommun", "member_from": pd.Timestamp(f) if f else pd.NaT,
          "member_to": pd.Timestamp(t) if t else pd.NaT, "controlling": c} for o, n, f, t, c in rows],
        columns=MEMBER_FIELDS,
    )
    frame["member_from"] = frame["member_from"].astype("datetime64[ns]")
    frame["member_to"] = frame["member_to"].astype("datetime64[ns]")
    frame["controlling"] = frame["controlling"].astype(bool)
    return _with_source(frame, "members.xlsx", "Medlemmar")


def counterparties_frame(rows: list[tuple] = ()) -> pd.DataFrame:
    """rows: (orgnr, name, sector, controlled_by)."""
    frame = pd.DataFrame([dict(zip(COUNTERPARTY_FIELDS, r)) for r in rows], columns=COUNTERPARTY_FIELDS)
    return _with_source(frame.astype("str"), "counterparties.xlsx", "Motparter")


def services_frame(rows: list[tuple] = ()) -> pd.DataFrame:
    """rows: (code, name, classification[, allocation_key])."""
    records = []
    for code, name, classification, *rest in rows:
        record = {f: "" for f in SERVICE_FIELDS}
        record.update(code=code, name=name, classification=classification, allocation_key=rest[0] if rest else "")
        records.append(record)
    frame = pd.DataFrame(records, columns=SERVICE_FIELDS).astype("str")
    return _with_source(frame, "services.xlsx", "Tjänster")


def suppliers_frame(rows: list[tuple] = ()) -> pd.DataFrame:
    """rows: (orgnr, name, procurement_form, procurement_reference, contract_from, contract_to)."""
    frame = pd.DataFrame([dict(zip(SUPPLIER_FIELDS, r)) for r in rows], columns=SUPPLIER_FIELDS)
    for column in ("contract_from", "contract_to"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("orgnr", "name", "procurement_form", "procurement_reference"):
        frame[column] = frame[column].fillna("").astype("str")
    return _with_source(frame, "suppliers.xlsx", "Leverantörer")


def history_frame(rows: list[tuple] = ()) -> pd.DataFrame:
    """rows: (year, controlling_sek, total_sek)."""
    frame = pd.DataFrame(
        [{"year": y, "controlling_ore": round(c * 100), "total_ore": round(t * 100), "source": "test"} for y, c, t in rows],
        columns=HISTORY_FIELDS,
    )
    frame = frame.astype({"year": "int64", "controlling_ore": "int64", "total_ore": "int64"})
    return _with_source(frame, "history.xlsx", "Historik")


def make_inputs(year: int, ledgers: dict[int, pd.DataFrame], members: pd.DataFrame, *, counterparties=None,
                services=None, suppliers=None, history=None, purchases=None) -> Inputs:
    totals = [
        FileTotals(kind="ledger", file=f"{y}/ledger.xlsx", sheet="Huvudbok", sha256="", rows_read=len(f), rows_used=len(f))
        for y, f in ledgers.items()
    ]
    return Inputs(
        folder_name="test", year=year, ledgers=ledgers, members=members,
        counterparties=counterparties if counterparties is not None else counterparties_frame(),
        services=services if services is not None else services_frame(),
        suppliers=suppliers if suppliers is not None else suppliers_frame(),
        history=history if history is not None else history_frame(),
        purchases=purchases, totals=totals,
    )
