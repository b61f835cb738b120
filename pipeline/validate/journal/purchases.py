"""Split purchases: one supplier's invoices, each below the direct-award limit, whose sum within
a window of days exceeds it (DOMAIN R6; LOU 19 kap. adds purchases of the same kind together).

`split_purchases` is the one place this pattern is computed: the journal test runs it on the
ledger's cost lines, and the supplier view (compute/suppliers.py) can run it on its own supplier
lines. Pure: a frame in, a frame out; no settings read, no classification. Vectorised: one sort
by (supplier, day), window ends by binary search, window sums from a prefix sum, so the time is
that of the sort, however many invoices fall in one window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.validate.journal.common import stripped

SPLIT_COLUMNS = ["split_group", "supplier", "date", "invoice", "amount_ore", "group_sum_ore",
                 "group_first_date", "group_last_date", "source_id"]


def split_purchases(lines: pd.DataFrame, limit_ore: int, window_days: int) -> pd.DataFrame:
    """The lines of every split-purchase pattern in `lines`.

    `lines` has `supplier` (a key: org. no. or name), `date`, `amount_ore` and `source_id`, and
    optionally `invoice`: lines of one supplier with the same non-blank invoice are one invoice
    (dated by its first line); without it, each line is an invoice. Lines without a date or a
    supplier are not purchases of anyone and are left out.

    An invoice is a candidate when its amount is below `limit_ore` (credit notes included, so
    they lower a window's sum). A window is `window_days` calendar days from a candidate's day
    (that day and the next window_days - 1). A window whose candidates of one supplier sum to
    more than `limit_ore` (strictly) is a finding; overlapping findings of one supplier are one
    pattern, numbered `split_group` 1, 2, ... by supplier and date. Each row is a line, with
    the pattern's sum (`group_sum_ore`) and its first and last date.
    """
    if window_days <= 0 or limit_ore <= 0 or not len(lines):
        return _empty()
    supplier = stripped(lines["supplier"])
    day = lines["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    usable = (supplier != "") & ~np.isnat(day)
    frame = pd.DataFrame({
        "supplier": supplier[usable],
        "day": day[usable].astype(np.int64),
        "invoice": _invoice(lines)[usable],
        "amount_ore": lines["amount_ore"].fillna(0).to_numpy(dtype=np.int64)[usable],
        "position": np.flatnonzero(usable),
    })
    supplier_code, _ = pd.factorize(frame["supplier"], sort=True)
    frame["supplier_code"] = supplier_code
    # One invoice per (supplier, invoice text); a blank invoice text makes the line its own invoice.
    text_code, texts = pd.factorize(frame["invoice"].replace("", np.nan))
    paired = supplier_code.astype(np.int64) * (len(texts) + 1) + text_code
    alone = int(paired.max(initial=0)) + 1 + np.arange(len(frame), dtype=np.int64)
    frame["invoice_code"] = pd.factorize(np.where(text_code >= 0, paired, alone))[0]
    invoices = frame.groupby("invoice_code", sort=True).agg(
        supplier_code=("supplier_code", "first"), day=("day", "min"), amount_ore=("amount_ore", "sum"))
    invoices = invoices[invoices["amount_ore"].to_numpy() < limit_ore]
    invoices = invoices.sort_values(["supplier_code", "day"], kind="stable")

    code = invoices["supplier_code"].to_numpy(dtype=np.int64)
    days = invoices["day"].to_numpy(dtype=np.int64)
    amount = invoices["amount_ore"].to_numpy(dtype=np.int64)
    if not len(days):
        return _empty()
    # One sortable number per (supplier, day): supplier blocks far enough apart that no window
    # reaches from one into the next.
    span = int(days.max() - days.min()) + window_days + 1
    key = code * span + (days - days.min())
    end = np.searchsorted(key, key + window_days - 1, side="right") - 1  # last invoice in the window
    prefix = np.concatenate([[0], np.cumsum(amount)])
    window_sum = prefix[end + 1] - prefix[np.arange(len(key))]
    start = np.flatnonzero(window_sum > limit_ore)
    if not len(start):
        return _empty()
    # Invoices covered by some exceeding window; overlapping windows are one pattern.
    reach = np.maximum.accumulate(end[start])
    new_group = np.concatenate([[True], start[1:] > reach[:-1]])
    group_of_start = np.cumsum(new_group)
    cover = np.zeros(len(key) + 1, dtype=np.int64)
    np.add.at(cover, start, 1)
    np.add.at(cover, end[start] + 1, -1)
    covered = np.flatnonzero(np.cumsum(cover)[:-1] > 0)
    group = group_of_start[np.searchsorted(start, covered, side="right") - 1]

    invoice_group = pd.Series(group, index=invoices.index[covered])
    hit = frame["invoice_code"].isin(invoice_group.index).to_numpy()
    chosen = frame[hit].copy()
    chosen["split_group"] = chosen["invoice_code"].map(invoice_group).to_numpy(dtype=np.int64)
    group_amounts = pd.DataFrame({"group": group, "amount_ore": amount[covered], "day": days[covered]})
    per_group = group_amounts.groupby("group").agg(group_sum_ore=("amount_ore", "sum"),
                                                  first_day=("day", "min"), last_day=("day", "max"))
    positions = chosen["position"].to_numpy()
    table = pd.DataFrame({
        "split_group": chosen["split_group"].to_numpy(),
        "supplier": chosen["supplier"].to_numpy(dtype=object),
        "date": lines["date"].to_numpy(dtype="datetime64[ns]")[positions],
        "invoice": chosen["invoice"].to_numpy(dtype=object),
        "amount_ore": chosen["amount_ore"].to_numpy(dtype=np.int64),
        "group_sum_ore": per_group["group_sum_ore"].reindex(chosen["split_group"]).to_numpy(dtype=np.int64),
        "group_first_date": _dates(per_group["first_day"].reindex(chosen["split_group"]).to_numpy()),
        "group_last_date": _dates(per_group["last_day"].reindex(chosen["split_group"]).to_numpy()),
        "source_id": lines["source_id"].astype("str").to_numpy(dtype=object)[positions],
    })
    table = table.sort_values(["split_group", "date"], kind="stable").reset_index(drop=True)
    return table.astype({"supplier": "str", "invoice": "str", "source_id": "str"})


def _invoice(lines: pd.DataFrame) -> np.ndarray:
    if "invoice" not in lines.columns:
        return np.full(len(lines), "", dtype=object)
    return stripped(lines["invoice"])


def _dates(days: np.ndarray) -> np.ndarray:
    return days.astype(np.int64).astype("datetime64[D]").astype("datetime64[ns]")


def _empty() -> pd.DataFrame:
    return pd.DataFrame({
        "split_group": pd.Series([], dtype="int64"), "supplier": pd.Series([], dtype="str"),
        "date": pd.Series([], dtype="datetime64[ns]"), "invoice": pd.Series([], dtype="str"),
        "amount_ore": pd.Series([], dtype="int64"), "group_sum_ore": pd.Series([], dtype="int64"),
        "group_first_date": pd.Series([], dtype="datetime64[ns]"),
        "group_last_date": pd.Series([], dtype="datetime64[ns]"), "source_id": pd.Series([], dtype="str"),
    }, columns=SPLIT_COLUMNS)
