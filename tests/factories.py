"""Small canonical inputs built in tests, so each test is a worked example checkable by hand.

`ledger_frame` takes rows as tuples and fills the provenance columns; `make_inputs` wraps
frames into `pipeline.model.Inputs` with empty registers where a test needs none.
"""

from __future__ import annotations

import pandas as pd

from pipeline.figures import Figures, figures_from_json
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
                services=None, suppliers=None, history=None, purchases=None, governance=None) -> Inputs:
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
        purchases=purchases, totals=totals, governance=governance,
    )


def small_figures() -> dict:
    """Three window years. 2023 from history: 900 000 of 1 000 000 (90 %). 2024 and 2025 from
    the ledger: 1 150 000 of 1 260 000 each (91.2698... %). Window: 3 200 000 / 3 520 000
    = 0.90909... Headroom 3 200 000 / 0.8 - 3 520 000 = 480 000."""
    ledger_year = {"controlling_sek": "1150000.00", "total_sek": "1260000.00", "share": "0.9126984127",
                   "source": "ledger", "grants_sek": "40000.00",
                   "by_category_sek": {"controlling": "1100000.00", "member_controlled": "50000.00",
                                       "other_public": "40000.00", "private": "60000.00", "unknown": "10000.00"}}
    case = {"window_share": "0.9090909091", "met": True, "controlling_sek": "3200000.00", "total_sek": "3520000.00"}
    return {
        "organisation": "Samverkansförbundet Åre & Öland", "organisation_orgnr": "222000-0001", "year": 2025,
        "inputs_folder": "exempel",
        "teckal": {
            "threshold": "0.80", "review_band": "0.01", "grants": "include",
            "years": [
                {"year": 2023, "controlling_sek": "900000.00", "total_sek": "1000000.00", "share": "0.9000000000",
                 "source": "history", "grants_sek": None, "by_category_sek": None},
                {"year": 2024, **ledger_year},
                {"year": 2025, **ledger_year},
            ],
            "years_count": 3, "missing_years": [],
            "window_controlling_sek": "3200000.00", "window_total_sek": "3520000.00",
            "window_share": "0.9090909091", "mean_share": "0.9084656085", "mean_disagrees": False,
            "met": True, "review": False, "headroom_sek": "480000.00", "next_year_headroom_sek": "642500.00",
            "window_share_grants_excluded": "0.9302325581", "met_grants_excluded": True,
            "cost_based": {"share": "0.8735223418", "controlling_cost_sek": "690082.65",
                           "attributed_cost_sek": "790000.00", "met": True, "year": 2025},
            "sensitivity": [{"case": "as_reported", **case}, {"case": "grants_excluded", **case}],
        },
        "activities": {
            "cost_sharing": {"revenue_sek": "1150000.00", "direct_cost_sek": "500000.00",
                             "allocated_cost_sek": "190082.65", "full_cost_sek": "690082.65",
                             "result_sek": "459917.35", "coverage": "1.6664670529"},
            "sales": {"revenue_sek": "60000.00", "direct_cost_sek": "90000.00", "allocated_cost_sek": "9917.35",
                      "full_cost_sek": "99917.35", "result_sek": "-39917.35", "coverage": "0.6004963102"},
            "unassigned": {"revenue_sek": "50000.00", "direct_cost_sek": "0.00", "allocated_cost_sek": "0.00",
                           "full_cost_sek": "0.00", "result_sek": "50000.00", "coverage": None},
        },
        "services": [
            {"code": "T01", "name": "E-tjänster", "activity": "cost_sharing", "in_catalogue": True,
             "revenue_sek": "1150000.00", "non_controlling_revenue_sek": "0.00", "direct_cost_sek": "500000.00",
             "allocated_cost_sek": "190082.65", "full_cost_sek": "690082.65", "result_sek": "459917.35",
             "coverage": "1.6664670529", "key_weight": "115000000", "key_share": "0.9504132231"},
            {"code": "T03", "name": "Konferens", "activity": "sales", "in_catalogue": True,
             "revenue_sek": "60000.00", "non_controlling_revenue_sek": "60000.00", "direct_cost_sek": "90000.00",
             "allocated_cost_sek": "9917.35", "full_cost_sek": "99917.35", "result_sek": "-39917.35",
             "coverage": "0.6004963102", "key_weight": "6000000", "key_share": "0.0495867769"},
        ],
        "service_catalogue": [],
        "allocation": {"key": "revenue", "keys_by_year": {"2024": "revenue", "2025": "revenue"}, "key_changed": False,
                       "comparison": [], "shared_cost_sek": "200000.00", "unallocated_sek": "0.00"},
        "open_market": {"share": "0.0476190476", "threshold": "0.20", "met": True, "private_sek": "60000.00",
                        "total_sek": "1260000.00"},
        "suppliers": {"source": "ledger", "spend_sek": "790000.00", "count": 2, "flagged": 2,
                      "market_spend_sek": "790000.00", "member_spend_sek": "0.00", "top_share": "0.7468354430",
                      "herfindahl": "0.6218554719", "flags_by_kind": {"concentration": 1},
                      "flagged_suppliers": [], "top_market_suppliers": [], "member_suppliers": []},
        "transparency": {"eur_sek": "11.50", "threshold_eur": "40000000", "applies": False,
                         "years": [{"year": 2025, "turnover_sek": "1260000.00", "turnover_eur": "109565.22",
                                    "over": False}]},
        "flags": [{"id": "sales_below_full_cost", "subject": "T03", "amount_sek": "39917.35", "rows": 2,
                   "severity": "critical", "sheet": "Flaggor rader"}],
        "rows": {"ledger_read": 18, "ledger_used": 17, "ledger_rejected": 1, "purchases_read": 0,
                 "purchases_used": 0, "purchases_rejected": 0},
    }


def figures_with(changes: dict) -> Figures:
    """The figures of `small_figures` with `changes` merged in (dicts key by key; a list's
    dicts over the first entry of the same list in small_figures), as the writers get them."""
    return figures_from_json(_merged(small_figures(), changes))


def _merged(base, change):
    if isinstance(base, dict) and isinstance(change, dict):
        return {**base, **{k: _merged(base.get(k), v) for k, v in change.items()}}
    if isinstance(base, list) and isinstance(change, list) and base and isinstance(base[0], dict):
        return [_merged(base[0], item) for item in change]
    return change
