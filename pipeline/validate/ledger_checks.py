"""Checks on whole ledger files and years that no single row shows: copies, wrong years, signs.

Each check returns `CheckResult`s in the shape of the suites' results, so they join the same
validation report: a critical one stops `report` and fails `check` (naming the files), a
warning is listed in the terminal, `check`, the workbook's validation sheet and the PDF.

- `duplicate_vouchers` (DOMAIN R7): the same voucher (series + number) in two files or sheets
  of one ledger year, which is what a month delivered twice looks like ("- Kopia", "(1)", the
  same month as .xlsx and .csv). Critical, naming both files: nothing may be counted twice.
- `wrong_year_files`: a file most of whose lines are dated outside its year folder (last
  year's ledger in this year's folder). Critical; a few stray lines stay the suite's warning.
- `missing_months`: in a year delivered as monthly files or sheets, a calendar month without a
  single line between months with lines, or a first or last month that had lines the year
  before (a month's file left out): critical, unless a file named for the month holds only its
  header (nothing booked); the same for a month without lines in any year of at least nine
  months with lines, where the year before had lines that month (an export cut short); any
  other month without lines (a body that began or closed during the year, books seldom, or
  exports by quarter): a warning.
- `revenue_signs`: a year whose activity revenue is negative, or whose revenue lines are
  mostly debits, was read with the wrong sign convention. Critical, naming the setting.
- `revenue_magnitude`: a year's activity revenue ten times (or a tenth of) the year before:
  a unit mistake (tkr, öre) or a missing file, never an ordinary year. A warning.
- `window_years`: fewer than three years with figures. A warning.
- `read_notes`: headers read only as a truncation or misspelling ("Belop" as amount), sheets
  skipped as no table of their kind (pivot, lookup), and data files in a year folder whose
  names the read skips (not "ledger…" or "purchases…"): warnings naming file, sheet and header.
- `statistical_accounts`: lines on class-0 statistical accounts, left out by the read. A warning.
- `unbalanced_by_rejected_rows`: an unbalanced voucher whose other rows were rejected by the read
  names those rows and their reasons. Critical (the rows are critical rejections already).
- `unmapped_numbers`: counterparty values that are neither org. nos. nor customer or supplier
  numbers any register knows (pipeline.read.numbers), each with its revenue. A warning; the
  revenue counts as `unknown` (non-controlling), and the workbook lists them on a sheet.

It reads only the frames and the settings' account ranges; it classifies and computes nothing
else, and it never looks at the journal tests' findings (pipeline.validate.journal); it shares only
their voucher index (`Vouchers`).
"""

from __future__ import annotations

import re
from typing import Mapping

import numpy as np
import pandas as pd

from pipeline.columns import factorize
from pipeline.messages import Text
from pipeline.model import Inputs
from pipeline.settings import AccountRanges, Settings
from pipeline.validate.checks import CheckResult
from pipeline.validate.journal.common import Vouchers, voucher_codes

MAGNITUDE = 10  # an order of magnitude
EXAMPLES = 3  # vouchers named in a message
# Warnings the run also prints in the terminal (pipeline.run), not only in the outputs.
TERMINAL_WARNINGS = frozenset({"revenue_magnitude", "window_years", "unmapped_numbers", "fuzzy_headers",
                               "skipped_sheets", "unread_files", "statistical_accounts", "missing_months",
                               "purchases_undated"})


def ledger_checks(inputs: Inputs, settings: Settings, text: Text,
                  vouchers: Mapping[int, Vouchers] | None = None) -> list[CheckResult]:
    """Every whole-file and whole-year check of the ledgers, in a fixed order. `vouchers`: each
    year's voucher index when the caller has made it (`journal.common.Vouchers`)."""
    out: list[CheckResult] = []
    needed = {"date", "voucher", "account", "amount_ore", "source_file", "source_id"}
    if any(not needed <= set(ledger.columns) for ledger in inputs.ledgers.values()):
        return read_notes(inputs, text)  # the ledger suite already fails critically on the missing column
    for year in sorted(inputs.ledgers):
        ledger = inputs.ledgers[year]
        out += duplicate_vouchers(ledger, year, text, (vouchers or {}).get(year))
        out += wrong_year_files(ledger, year, text)
        empty_files = tuple(t.file for t in inputs.totals if t.kind == "ledger" and t.file.startswith(f"{year}/")
                            and t.rows_used == 0)
        out += missing_months(ledger, year, text, empty_files, inputs.ledgers.get(year - 1))
        out += revenue_signs(ledger, year, settings, text)
    out += revenue_magnitude(inputs, settings, text)
    out += unmapped_numbers(inputs, settings, text)
    out += statistical_accounts(inputs, text)
    out += unbalanced_by_rejected_rows(inputs, text)
    out += window_years(inputs, text)
    out += purchases_year(inputs, settings, text)
    out += read_notes(inputs, text)
    return out


def format_sek(ore: int) -> str:
    """Öre as Swedish-style kronor for a message: 123456789 -> "1 234 567,89"."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(int(ore)), 100)
    return f"{sign}{kronor:,}".replace(",", "\u00a0") + f",{rest:02d}"


def voucher_key(vouchers: pd.Series) -> pd.Series:
    """A voucher's identity for comparison: blanks collapsed, case ignored ("a  12" = "A 12").
    Blanks are not removed: SIE's series "1" number "12" ("1 12") is not series "11" number "2".
    A missing voucher stays missing."""
    texts = vouchers.astype("str")
    values = texts.tolist()
    keys = None if texts.hasnans else _plain_keys(values)
    if keys is None:
        # str.split() without a separator splits at every run of what the regex \s matches and
        # drops those at the ends, as strip() does: one pass per text instead of three.
        keys = [" ".join(text.split()).casefold() if isinstance(text, str) else text for text in values]
    return pd.Series(keys, index=vouchers.index, dtype=texts.dtype)


# The ASCII characters str.split() splits at besides the space and the line break.
_OTHER_ASCII_BLANKS = b"\t\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _plain_keys(texts: list[str]) -> list[str] | None:
    """The keys of texts that are ASCII with no blank but the space (vouchers as the read gives
    them: it makes control characters visible), made for all of them at once, a line each: at a
    million lines 380 000 distinct vouchers in 0.05-0.06 s instead of 0.09-0.14. None for others.
    ASCII text casefolds as it lowercases."""
    joined = "\n".join(texts)
    if not joined.isascii() or joined.count("\n") != max(len(texts) - 1, 0):
        return None
    if len(joined.encode("ascii").translate(None, _OTHER_ASCII_BLANKS)) != len(joined):
        return None
    while "  " in joined:
        joined = joined.replace("  ", " ")
    joined = joined.replace(" \n", "\n").replace("\n ", "\n").strip(" ")
    return joined.lower().split("\n") if texts else []


def _texts(ledger: pd.DataFrame, column: str) -> np.ndarray:
    """A text column's values as the objects they are (missing ones NaN). numpy compares them in
    a third of the time pandas' string comparisons take, and factorises them in about half: this
    module does both on every line of a ledger each time a run validates."""
    return ledger[column].astype("str").to_numpy(dtype=object)


def _unit(frame: pd.DataFrame) -> pd.Series:
    """The file and sheet a row came from, as a message names it."""
    sheet = frame["source_sheet"].astype("str") if "source_sheet" in frame else pd.Series("", index=frame.index)
    return frame["source_file"].astype("str") + np.where(sheet != "", " [" + sheet + "]", "")


def _unit_codes(ledger: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each line's file and sheet as one code, and the "file [sheet]" name of each code. Files
    and sheets are coded apart and then paired, so the names are built per distinct pair only."""
    file_codes, file_names = factorize(_texts(ledger, "source_file"))
    sheets = _texts(ledger, "source_sheet") if "source_sheet" in ledger else np.full(len(ledger), "", dtype=object)
    sheet_codes, sheet_names = factorize(sheets)
    width = max(len(sheet_names), 1)
    unit_codes, unit_pairs = pd.factorize(file_codes.astype(np.int64) * width + sheet_codes)
    pair_frame = pd.DataFrame({"source_file": np.asarray(file_names, dtype=object)[unit_pairs // width],
                               "source_sheet": np.asarray(sheet_names, dtype=object)[unit_pairs % width]})
    return unit_codes, _unit(pair_frame).to_numpy(dtype=object)


# How a copy is named by Windows ("x - Kopia.xlsx", "x - Copy.xlsx"), macOS ("x kopia.xlsx",
# "x copy 2.xlsx") and browsers ("x (1).xlsx"); a sheet copied in Excel is "Huvudbok (2)", and
# "Huvudbok - kopia" by hand ("Mars (2025)" is no copy: a year is no copy number).
_COPY_NAME = re.compile(r"(?i)(?:[\s_-](?:kopia|copy)(?:\s*\d+|\s*\(\d+\))?|\s*\(\d+\))\.[a-z0-9]+(?:\s*\[|$)"
                        r"|(?:[\s_-](?:kopia|copy)(?:\s*\d+)?|\s\(\d{1,2}\))\]$")


def _original_first(unit: str) -> tuple[bool, str]:
    """Sort key of the files (and sheets) sharing vouchers: a name that looks like a copy comes
    after the one it was copied from, so the message says the copy repeats the original."""
    return _COPY_NAME.search(unit) is not None, unit


def duplicate_vouchers(ledger: pd.DataFrame, year: int, text: Text,
                       vouchers: Vouchers | None = None) -> list[CheckResult]:
    """One critical result per pair of files (or sheets) sharing vouchers; the failing rows are
    the later file's lines of those vouchers.

    Fast on a million lines: vouchers and files are factorised to integer codes, each distinct
    voucher text is normalised once, and only the few shared vouchers are looked at by name."""
    if ledger.empty or "voucher" not in ledger:
        return []
    if ledger["voucher"].dtype == "str":  # as the read gives it: the index the caller made fits
        index = voucher_codes(ledger, vouchers)
        line_codes, voucher_texts = index.codes, index.uniques
    else:
        line_codes, voucher_texts = pd.factorize(ledger["voucher"].astype("str"))
    key_of_text = voucher_key(pd.Series(voucher_texts, dtype="str"))
    key_codes, keys = pd.factorize(key_of_text)
    line_key = key_codes[line_codes].astype(np.int64)
    unit_codes, units = _unit_codes(ledger)
    pairs = pd.unique(line_key * len(units) + unit_codes)  # a hash, not a sort: order does not matter
    units_per_key = np.bincount(pairs // len(units), minlength=len(keys))
    shared_keys = np.flatnonzero(units_per_key > 1)
    if not len(shared_keys):
        return [_passed("duplicate_vouchers", "voucher", text, year, len(keys))]
    shared = np.isin(line_key, shared_keys)
    frame = pd.DataFrame({"key": line_key[shared],
                          "voucher": np.asarray(voucher_texts, dtype=object)[line_codes[shared]],
                          "unit": units[unit_codes[shared]],
                          "id": ledger["source_id"][shared].astype("str").to_numpy()})
    by_pair: dict[tuple[str, str], list[int]] = {}
    shown: dict[int, str] = {}
    for key, group in frame.drop_duplicates(["key", "unit"]).groupby("key", sort=True):
        names = sorted(group["unit"], key=_original_first)
        shown[key] = group["voucher"].iloc[0]
        for later in names[1:]:
            by_pair.setdefault((names[0], later), []).append(key)
    out = []
    for (first, later), pair_keys in sorted(by_pair.items()):
        vouchers = sorted((shown[k] for k in pair_keys), key=str.casefold)
        rows = frame[(frame["unit"] == later) & frame["key"].isin(pair_keys)]
        examples = ", ".join(vouchers[:EXAMPLES]) + (", ..." if len(vouchers) > EXAMPLES else "")
        out.append(_result("duplicate_vouchers", "voucher", "critical",
                           text("ledgercheck.duplicate_vouchers", first=first, later=later, count=len(vouchers),
                                examples=examples, year=year),
                           len(keys), len(vouchers), rows["id"], year))
    return out


def wrong_year_files(ledger: pd.DataFrame, year: int, text: Text, kind: str = "ledger") -> list[CheckResult]:
    """A file whose lines are mostly (more than half) dated outside `year`: critical. `kind`:
    "ledger", or "purchases" for the accounts-payable file of the year folder."""
    if ledger.empty or "date" not in ledger:
        return []
    dates = pd.to_datetime(ledger["date"])
    years = dates.dt.year
    outside = (dates.notna() & (years != year)).to_numpy()
    # Lines counted per file by code: a file's lines are taken apart only when it is named.
    file_codes, files = pd.factorize(_texts(ledger, "source_file"), sort=True)
    in_a_file = file_codes >= 0
    lines_of = np.bincount(file_codes[in_a_file], minlength=len(files))
    outside_of = np.bincount(file_codes[in_a_file & outside], minlength=len(files))
    out = []
    for code in np.flatnonzero(outside_of * 2 > lines_of):
        mask = (file_codes == code) & outside
        likely = int(years[mask].mode().min())
        out.append(_result("wrong_year_file", "date", "critical",
                           text("ledgercheck.wrong_year" if kind == "ledger" else "ledgercheck.purchases_wrong_year",
                                file=files[code], outside=int(outside_of[code]),
                                rows=int(lines_of[code]), year=year, likely=likely),
                           int(lines_of[code]), int(outside_of[code]), ledger["source_id"][mask], year, kind))
    return out or [_passed("wrong_year_file", "date", text, year, len(ledger), kind)]


def purchases_year(inputs: Inputs, settings: Settings, text: Text) -> list[CheckResult]:
    """The accounts-payable file is taken as the report year's because of its folder. Mostly
    dated outside that year it is refused, as a ledger file is; without a date on any row its
    year cannot be checked, which the user is told with its total beside the ledger's costs
    (another year's or another body's file shows there)."""
    purchases = inputs.purchases
    if purchases is None or purchases.empty or "date" not in purchases:
        return []
    if purchases["date"].notna().any():
        return wrong_year_files(purchases, inputs.year, text, kind="purchases")
    files = ", ".join(sorted(set(_texts(purchases, "source_file"))))
    ledger = inputs.ledgers.get(inputs.year)
    costs = 0 if ledger is None or ledger.empty else \
        int(ledger["amount_ore"].to_numpy()[_in_ranges(ledger["account"].to_numpy(), settings.accounts.costs)].sum())
    description = text("ledgercheck.purchases_undated", files=files, rows=len(purchases), year=inputs.year,
                       total=format_sek(int(purchases["amount_ore"].sum())), costs=format_sek(costs))
    return [_result("purchases_undated", "date", "warning", description, len(purchases), len(purchases),
                    pd.Series([], dtype="str"), inputs.year, "purchases")]


# A month in a file's name: "ledger-2025-07.xlsx", "ledger_202507.csv".
_MONTH_IN_NAME = r"(?<!\d){year}[-_ .]?(0[1-9]|1[0-2])(?!\d)"
DENSE_MONTHS = 9  # months with lines in a year whose gap is taken for a missing month's file


def missing_months(ledger: pd.DataFrame, year: int, text: Text, empty_files: tuple[str, ...] = (),
                   year_before: pd.DataFrame | None = None) -> list[CheckResult]:
    """Calendar months of the year folder without a single line.

    Critical only where a month is plainly missing. Either the year comes as monthly files or
    sheets (each holding the lines of one calendar month, at least two of them), at least
    DENSE_MONTHS months have lines, and the empty month lies between months with lines, or is
    a first or last month whose counterpart in `year_before` (that year's ledger) has lines.
    Or, however the year comes, at least DENSE_MONTHS months have lines and the empty month's
    counterpart in `year_before` has lines: an export cut short.

    A month that truly had no bookings is delivered as a file named for it with only the header
    row (`empty_files`: the year's ledger files without a line). Any other month without lines
    is a warning: a body that began or closed during the year, books seldom, or exports by
    quarter has such months too."""
    if ledger.empty or "date" not in ledger:
        return []
    index = _month_index(ledger, year)
    in_year = (index >= 0) & (index < 12)
    lines = np.bincount(index[in_year], minlength=12)
    with_lines = np.flatnonzero(lines)
    if not len(with_lines):
        return []  # no line in the year at all: wrong_year_files names the file
    for name in empty_files:
        found = re.search(_MONTH_IN_NAME.format(year=year), name.rpartition("/")[2])
        if found:
            lines[int(found.group(1)) - 1] = -1  # delivered, with nothing booked
    missing = [m for m in range(12) if lines[m] == 0]
    if not missing:
        return [_passed("missing_months", "date", text, year, 12)]
    before = np.zeros(12, dtype=np.int64)
    if year_before is not None and not year_before.empty and "date" in year_before:
        index_before = _month_index(year_before, year - 1)
        before = np.bincount(index_before[(index_before >= 0) & (index_before < 12)], minlength=12)
    dense = len(with_lines) >= DENSE_MONTHS
    booked_before = [m for m in missing if before[m] > 0]
    expected = [m for m in missing if with_lines[0] < m < with_lines[-1] or before[m] > 0]
    # Each file and sheet (a year may come as one workbook with a sheet per month) and its months.
    months_per_unit = pd.Series(index[in_year]).groupby(_unit_codes(ledger)[0][in_year]).nunique()
    monthly = dense and len(months_per_unit) >= 2 and bool((months_per_unit == 1).all())
    if expected and monthly:
        severity, key, months_of = "critical", "ledgercheck.missing_months", expected
    elif dense and booked_before:  # an export cut short (made before the year was closed)
        severity, key, months_of = "critical", "ledgercheck.missing_months_export", booked_before
    else:
        severity, key, months_of = "warning", "ledgercheck.months_without_lines", missing
    listed = ", ".join(f"{year}-{m + 1:02d}" for m in months_of)
    return [_result("missing_months", "date", severity, text(key, year=year, months=listed), 12, len(months_of),
                    pd.Series([], dtype="str"), year)]


def _month_index(ledger: pd.DataFrame, year: int) -> np.ndarray:
    """Each line's month counted from January of `year` (0-11 within it); -1 for a line without a date."""
    months = ledger["date"].to_numpy(dtype="datetime64[M]")
    dated = ~np.isnat(months)
    index = np.full(len(months), -1, dtype=np.int64)
    index[dated] = (months[dated] - np.datetime64(f"{year}-01", "M")).astype(np.int64)
    return index


def _in_ranges(accounts: np.ndarray, ranges: AccountRanges) -> np.ndarray:
    hit = np.zeros(len(accounts), dtype=bool)
    for lo, hi in ranges:
        hit |= (accounts >= lo) & (accounts <= hi)
    return hit


def revenue_lines(ledger: pd.DataFrame, settings: Settings) -> np.ndarray:
    """Lines on activity-revenue accounts (grants included, exclusions left out), as R2."""
    accounts = ledger["account"].to_numpy()
    chart = settings.accounts
    return _in_ranges(accounts, chart.revenue) & ~_in_ranges(accounts, chart.excluded)


def activity_revenue_ore(ledger: pd.DataFrame, settings: Settings) -> int:
    """Activity revenue of a ledger year: credit positive, so revenue = -amount (R1)."""
    if ledger.empty:
        return 0
    return int(-ledger["amount_ore"].to_numpy()[revenue_lines(ledger, settings)].sum())


def revenue_signs(ledger: pd.DataFrame, year: int, settings: Settings, text: Text) -> list[CheckResult]:
    """Negative activity revenue, or revenue lines mostly debits: the sign convention is wrong."""
    if ledger.empty:
        return []
    revenue = revenue_lines(ledger, settings)
    if not revenue.any():
        return []
    amounts = ledger["amount_ore"].to_numpy()[revenue]
    debits = int((amounts > 0).sum())
    credits = int((amounts < 0).sum())
    total = int(-amounts.sum())
    if total >= 0 and debits <= credits:
        return [_passed("revenue_signs", "amount_ore", text, year, int(revenue.sum()))]
    setting = "credit_positive" if settings.rules.ledger_sign == "debit_positive" else "debit_positive"
    ids = ledger.loc[revenue & (ledger["amount_ore"].to_numpy() > 0), "source_id"]
    return [_result("revenue_signs", "amount_ore", "critical",
                    text("ledgercheck.revenue_signs", year=year, debits=debits, lines=int(revenue.sum()),
                         revenue=format_sek(total), setting=setting, current=settings.rules.ledger_sign),
                    int(revenue.sum()), debits, ids, year)]


def yearly_revenue_ore(inputs: Inputs, settings: Settings) -> dict[int, tuple[int, str]]:
    """Activity revenue per year: {year: (öre, "ledger" | "history")}, ledgers first."""
    out: dict[int, tuple[int, str]] = {}
    history = inputs.history
    if history is not None and not history.empty:
        for year, total in zip(history["year"].astype("int64"), history["total_ore"].astype("int64")):
            out[int(year)] = (int(total), "history")
    for year, ledger in inputs.ledgers.items():
        out[year] = (activity_revenue_ore(ledger, settings), "ledger")
    return out


def revenue_magnitude(inputs: Inputs, settings: Settings, text: Text) -> list[CheckResult]:
    """A ledger year whose revenue is >= 10 times, or <= a tenth of, the year before: a warning."""
    revenue = yearly_revenue_ore(inputs, settings)
    out = []
    for year in sorted(inputs.ledgers):
        if year - 1 not in revenue:
            continue
        now, _ = revenue[year]
        before, source = revenue[year - 1]
        if now <= 0 or before <= 0:
            continue  # a negative year is revenue_signs' finding; a zero year has no ratio
        if now >= MAGNITUDE * before or now * MAGNITUDE <= before:
            larger = now > before
            times = round(now / before if larger else before / now)
            out.append(_result("revenue_magnitude", "amount_ore", "warning",
                               text("ledgercheck.revenue_magnitude", year=year, revenue=format_sek(now),
                                    previous=year - 1, before=format_sek(before),
                                    times=f"{times:,}".replace(",", "\u00a0"),
                                    direction=text("ledgercheck.larger" if larger else "ledgercheck.smaller"),
                                    source=text(f"ledgercheck.source.{source}")),
                               2, 1, pd.Series([], dtype="str"), year))
    return out


def window_years(inputs: Inputs, text: Text) -> list[CheckResult]:
    """Fewer than three years of figures in the window (ledgers or history): a warning."""
    revenue_years = set(inputs.ledgers)
    history = inputs.history
    if history is not None and not history.empty:
        revenue_years |= {int(y) for y in history["year"]}
    window = range(inputs.year - 2, inputs.year + 1)
    present = [y for y in window if y in revenue_years]
    if len(present) == len(window):
        return []
    missing = ", ".join(str(y) for y in window if y not in revenue_years)
    return [_result("window_years", "date", "warning",
                    text("ledgercheck.window_years", count=len(present), missing=missing, year=inputs.year),
                    len(window), len(window) - len(present), pd.Series([], dtype="str"), inputs.year)]


def _result(check: str, column: str, severity: str, description: str, checked: int, failing: int,
            ids: pd.Series, year: int, kind: str = "ledger") -> CheckResult:
    return CheckResult(suite=kind, check=check, column=column, severity=severity, description=description,
                       success=False, element_count=int(checked), unexpected_count=int(failing),
                       unexpected_ids=tuple(sorted(ids.astype("str"))), batch=_batch_name(kind, year))


def _passed(check: str, column: str, text: Text, year: int, checked: int, kind: str = "ledger") -> CheckResult:
    """A check that found nothing: listed too, so the auditor sees it was made."""
    description = text("validate.of_year", description=text(f"ledgercheck.passed.{check}"),
                       input=text(f"validate.input.{kind}"), year=year)
    return CheckResult(suite=kind, check=check, column=column, severity="critical", description=description,
                       success=True, element_count=int(checked), unexpected_count=0, unexpected_ids=(),
                       batch=_batch_name(kind, year))


def _batch_name(kind: str, year: int) -> str:
    """The validation batch a check belongs to, as `suites.validation_batches` names them."""
    return f"ledger-{year}" if kind == "ledger" else kind


# ---------------------------------------------------------------- customer and supplier numbers

SHEET_UNMAPPED_NUMBERS = "Okända kund- och lev.nummer"


def unmapped_numbers_table(inputs: Inputs, settings: Settings) -> pd.DataFrame:
    """Every counterparty value that is neither a valid org. no. nor a number any register knows,
    per year: its name where the file gave one, revenue, costs, lines and the first line's source.
    Largest revenue first, then by number."""
    frames = []
    for year in sorted(inputs.ledgers):
        ledger = inputs.ledgers[year]
        if ledger.empty or not {"counterparty", "counterparty_raw", "counterparty_note"} <= set(ledger.columns):
            continue
        unmapped = (_texts(ledger, "counterparty_note") == "invalid") & (_texts(ledger, "counterparty") == "") \
            & (_texts(ledger, "counterparty_raw") != "")
        if not unmapped.any():
            continue
        lines = ledger[unmapped]
        revenue = revenue_lines(lines, settings)
        costs = _in_ranges(lines["account"].to_numpy(), settings.accounts.costs)
        amount = lines["amount_ore"].to_numpy()
        names = (lines["counterparty_name"].astype("str") if "counterparty_name" in lines
                 else pd.Series("", index=lines.index))
        frame = pd.DataFrame({
            "year": year, "number": lines["counterparty_raw"].astype("str").to_numpy(),
            "counterparty_name": names.to_numpy(),
            "revenue_ore": np.where(revenue, -amount, 0), "cost_ore": np.where(costs, amount, 0),
            "source_id": lines["source_id"].astype("str").to_numpy()})
        grouped = frame.groupby("number", sort=True)
        frames.append(pd.DataFrame({
            "year": year,
            "number": list(grouped.groups),
            "counterparty_name": grouped["counterparty_name"].agg(lambda n: next((x for x in n if x), "")).to_numpy(),
            "revenue_ore": grouped["revenue_ore"].sum().astype("int64").to_numpy(),
            "cost_ore": grouped["cost_ore"].sum().astype("int64").to_numpy(),
            "lines": grouped.size().astype("int64").to_numpy(),
            "first_source_id": grouped["source_id"].first().to_numpy(),
        }).sort_values(["revenue_ore", "number"], ascending=[False, True], kind="stable"))
    columns = ["year", "number", "counterparty_name", "revenue_ore", "cost_ore", "lines", "first_source_id"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("year", "revenue_ore", "cost_ore", "lines")
                                          else "str") for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


def unmapped_numbers(inputs: Inputs, settings: Settings, text: Text) -> list[CheckResult]:
    """One warning per ledger year with unmapped numbers, naming every number with its revenue."""
    table = unmapped_numbers_table(inputs, settings)
    out = []
    for year, rows in table.groupby("year", sort=True):
        listed = "; ".join(
            f"{row.number}{' ' + row.counterparty_name if row.counterparty_name else ''} "
            f"({text('ledgercheck.revenue_of', revenue=format_sek(row.revenue_ore))})"
            for row in rows.itertuples())
        ledger = inputs.ledgers[int(year)]
        unmapped = _texts(ledger, "counterparty") == ""
        numbers = set(rows["number"])
        unmapped[unmapped] = [raw in numbers for raw in _texts(ledger, "counterparty_raw")[unmapped].tolist()]
        out.append(_result("unmapped_numbers", "counterparty", "warning",
                           text("ledgercheck.unmapped_numbers", year=year, count=len(rows),
                                revenue=format_sek(int(rows["revenue_ore"].sum())), listed=listed,
                                sheet=SHEET_UNMAPPED_NUMBERS),
                           len(ledger), int(unmapped.sum()), ledger.loc[unmapped, "source_id"], int(year)))
    return out


# ---------------------------------------------------------------- rows the read left out

SHOWN_VOUCHERS = 10


def _year_of_file(file: str) -> int | None:
    head = file.split("/", 1)[0]
    return int(head) if head.isdigit() and "/" in file else None


def statistical_accounts(inputs: Inputs, text: Text) -> list[CheckResult]:
    """Lines on class-0 statistical accounts left out by the read: a warning per ledger year."""
    reason = text("read.statistical_account")
    out = []
    for year in sorted(inputs.ledgers):
        rows = [r for r in inputs.rejected if r.reason == reason and _year_of_file(r.file) == year]
        if not rows:
            continue
        files = ", ".join(sorted({r.file for r in rows}))
        ids = pd.Series([f"{r.file}:{r.sheet}:{r.row}" for r in rows], dtype="str")
        out.append(_result("statistical_accounts", "account", "warning",
                           text("ledgercheck.statistical_accounts", year=year, count=len(rows), files=files),
                           len(inputs.ledgers[year]) + len(rows), len(rows), ids, year))
    return out


def unbalanced_by_rejected_rows(inputs: Inputs, text: Text) -> list[CheckResult]:
    """Vouchers that do not balance because some of their rows were rejected: the rejected rows
    named with their reasons, so the auditor fixes the cause, not the voucher. Critical."""
    from pipeline.validate.journal import unbalanced_vouchers

    statistical = text("read.statistical_account")
    out = []
    for year in sorted(inputs.ledgers):
        ledger = inputs.ledgers[year]
        rejected = [r for r in inputs.rejected
                    if r.voucher and r.reason != statistical and _year_of_file(r.file) == year]
        if ledger.empty or not rejected:
            continue
        lines = unbalanced_vouchers(ledger, year)
        if lines.empty:
            continue
        unbalanced = dict(zip(voucher_key(lines["voucher"]), lines["voucher"].astype("str")))
        behind: dict[str, list] = {}
        for row in rejected:
            key = voucher_key(pd.Series([row.voucher])).iloc[0]
            if key in unbalanced:
                behind.setdefault(key, []).append(row)
        if not behind:
            continue
        described = []
        for key in sorted(behind)[:SHOWN_VOUCHERS]:
            rows = "; ".join(text("ledgercheck.rejected_row", file=r.file, row=r.row, reason=r.reason)
                             for r in behind[key])
            described.append(text("ledgercheck.voucher_behind", voucher=unbalanced[key], rows=rows))
        more = len(behind) - SHOWN_VOUCHERS
        listed = " | ".join(described) + (f" | (+{more})" if more > 0 else "")
        ids = lines.loc[voucher_key(lines["voucher"]).isin(behind), "source_id"]
        out.append(_result("unbalanced_by_rejected_rows", "voucher", "critical",
                           text("ledgercheck.unbalanced_by_rejected", year=year, count=len(behind), listed=listed),
                           len(unbalanced), len(behind), ids, year))
    return out


# ---------------------------------------------------------------- what the read did silently before

def _batch_of(kind: str, file: str) -> tuple[str, int | None]:
    """The validation batch an input file belongs to (its verdict in `check`)."""
    if kind == "ledger":
        year = _year_of_file(file)
        return f"ledger-{year}", year
    return kind, None


def read_notes(inputs: Inputs, text: Text) -> list[CheckResult]:
    """A warning per input for headers matched only as a truncation or misspelling, and for
    sheets skipped as no table of their kind: the user must see both, in Swedish."""
    grouped: dict[tuple[str, str], list] = {}
    for note in inputs.read_notes:
        grouped.setdefault((note.what, note.kind), []).append(note)
    out = []
    for (what, kind), notes in sorted(grouped.items()):
        by_batch: dict[str, list] = {}
        for note in notes:
            by_batch.setdefault(_batch_of(kind, note.file)[0], []).append(note)
        for batch, items in sorted(by_batch.items()):
            where = [f"{n.file}" + (f" [{n.sheet}]" if n.sheet else "") for n in items]
            if what == "fuzzy_header":
                listed = "; ".join(text("ledgercheck.fuzzy_one", header=n.header, field=text(f"field.{n.field}")
                                        if text.has(f"field.{n.field}") else n.field, where=w)
                                   for n, w in zip(items, where))
                description = text("ledgercheck.fuzzy_headers", listed=listed)
                check = "fuzzy_headers"
            elif what == "unread_file":
                description = text("ledgercheck.unread_files", listed=", ".join(where))
                check = "unread_files"
            else:
                listed = "; ".join(text("ledgercheck.skipped_one", where=w, headers=n.header or "-")
                                   for n, w in zip(items, where))
                description = text("ledgercheck.skipped_sheets", listed=listed)
                check = "skipped_sheets"
            out.append(CheckResult(suite=kind, check=check, column="", severity="warning", description=description,
                                   success=False, element_count=len(items), unexpected_count=len(items),
                                   unexpected_ids=(), batch=batch))
    return out
