"""Journal tests on when a line was booked: weekends, Swedish public holidays, the last days of
the fiscal year, and registration after the year end.

The public holidays come from the `holidays` package (holidays.Sweden, the allmänna helgdagar
of lag 1989:253, without its "every Sunday" entries: Sundays are the weekend test's). Dates
are compared as whole days, vectorised; the calendar is built once per year present.
"""

from __future__ import annotations

import importlib

import holidays
import numpy as np
import pandas as pd

from pipeline.validate.journal.common import lines

REGISTRATION_DATE = "registration_date"  # an optional ledger column (Registreringsdatum)


def weekend_postings(ledger: pd.DataFrame) -> pd.DataFrame:
    """Lines dated on a Saturday or a Sunday, with the weekday (`weekday`: 6 Saturday, 7 Sunday)."""
    dates = ledger["date"]
    weekday = dates.dt.day_of_week.to_numpy(dtype="float64", na_value=np.nan) + 1  # ISO: Monday 1
    hit = weekday >= 6
    table = lines(ledger[hit])
    table["weekday"] = weekday[hit].astype(np.int64)
    return table


def holiday_postings(ledger: pd.DataFrame, language: str = "sv") -> pd.DataFrame:
    """Lines dated on a Swedish public holiday (also one that falls on a weekend), with its name
    (`holiday`) in `language`."""
    days = ledger["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    calendar = _holidays(days, language)
    hit = np.isin(days, calendar.index.to_numpy(dtype="datetime64[D]"))
    table = lines(ledger[hit])
    names = pd.Series(days[hit].astype("datetime64[ns]")).map(calendar)
    table["holiday"] = names.astype("str").to_numpy() if len(names) else pd.Series([], dtype="str")
    return table


def period_end_postings(ledger: pd.DataFrame, year: int, days: int) -> pd.DataFrame:
    """Lines dated in the last `days` days of fiscal year `year` (31 December counts as one of
    them), and, where the ledger has registration dates (a column with at least one), lines
    dated inside the year but registered after its end (then with `registration_date`).
    Columns `in_last_days` and `registered_after_year_end` say which."""
    dates = ledger["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    year_end = np.datetime64(f"{year}-12-31", "D")
    in_last_days = (dates > year_end - np.timedelta64(days, "D")) & (dates <= year_end) if days > 0 \
        else np.zeros(len(dates), bool)
    registered_after = np.zeros(len(dates), bool)
    # The read stage gives every ledger the column; an export without it leaves it empty.
    has_registration = REGISTRATION_DATE in ledger.columns and bool(ledger[REGISTRATION_DATE].notna().any())
    if has_registration:
        registered = ledger[REGISTRATION_DATE].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        inside = (dates >= np.datetime64(f"{year}-01-01", "D")) & (dates <= year_end)
        registered_after = inside & (registered > year_end)  # NaT compares False
    hit = in_last_days | registered_after
    table = lines(ledger[hit])
    if has_registration:
        table.insert(2, REGISTRATION_DATE, ledger.loc[hit, REGISTRATION_DATE].to_numpy())
    table["in_last_days"] = in_last_days[hit]
    table["registered_after_year_end"] = registered_after[hit]
    return table


def load_calendars() -> None:
    """Import the holiday calendars now rather than at the first lookup: the package imports
    every country's calendar then (about 0.1 s), which the run does while it would wait."""
    importlib.import_module("holidays.countries")


def _holidays(days: np.ndarray, language: str) -> pd.Series:
    """Public holiday names indexed by their dates, for every year the dates touch."""
    known = days[~np.isnat(days)]
    years = np.unique(known.astype("datetime64[Y]").astype(np.int64) + 1970).tolist() if len(known) else []
    calendar = holidays.Sweden(years=years, include_sundays=False, language="sv" if language == "sv" else "en_US")
    dated = sorted(calendar.items())
    return pd.Series([name for _, name in dated], index=pd.DatetimeIndex([day for day, _ in dated], dtype="datetime64[ns]"),
                     dtype="str")
