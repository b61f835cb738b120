"""Values of the audit workbook as people read them: number formats, column kinds and widths,
and text made safe for XML (`pipeline.write.workbook`)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from pipeline.files import EXCEL_EPOCH
from pipeline.write.workbook_words import shown_value, value_names
from pipeline.write.xlsx_stream import style_index

MIN_COLUMN_WIDTH = 8
MAX_COLUMN_WIDTH = 60
WIDTH_SAMPLE_ROWS = 2_000  # column widths are judged on the first rows only: long sheets stay streamed

MONEY_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0000%"
RATIO_FORMAT = "0.0000"
DATE_FORMAT = "yyyy-mm-dd"
INTEGER_FORMAT = "0"

EXCEL_EPOCH_US = EXCEL_EPOCH.astype("datetime64[us]")
# Characters XML 1.0 cannot hold (tab and line feed it can). Carriage return is replaced too:
# XML readers turn a raw CR into LF, and Excel's own _x000D_ escape is not read back by every tool.
UNWRITABLE_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def visible_text(text: str) -> str:
    """Text with the characters XML cannot hold replaced by their visible Unicode pictures
    (U+0001 -> U+2401 "␁"), so nothing is silently dropped and the file stays valid."""
    return UNWRITABLE_CHARACTERS.sub(_picture_of, text)


def _picture_of(match: re.Match) -> str:
    code = ord(match.group())
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"


# ---------------------------------------------------------------------------------------------
# Columns: each table column is turned once, vectorised, into a list of Python values and the
# XlsxWriter call that writes them, so the row loop does no type decisions.

@dataclass
class _Column:
    header: str
    kind: str  # money, share, ratio, date, integer, number, text, mixed
    values: list
    width: int


class Formats:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": False})
        self.money = workbook.add_format({"num_format": MONEY_FORMAT})
        self.share = workbook.add_format({"num_format": SHARE_FORMAT})
        self.ratio = workbook.add_format({"num_format": RATIO_FORMAT})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.integer = workbook.add_format({"num_format": INTEGER_FORMAT})
        # The streamed rows name their number formats by style index, so every format gets its
        # index now, used by an XlsxWriter cell or not (XlsxWriter leaves unused formats out).
        self._style_ids = {kind: style_index(getattr(self, kind))
                           for kind in ("money", "share", "ratio", "date", "integer")}

    def of(self, kind: str):
        return getattr(self, kind, None)

    def style_ids(self) -> dict[str, int]:
        """Number-format kind -> style index (the `s` attribute of a cell)."""
        return dict(self._style_ids)


def column_header(name: str) -> str:
    """The header as written: money columns are in kronor, so `amount_ore` becomes `amount_sek`."""
    return f"{name[:-4]}_sek" if name.endswith("_ore") else name


def _is_share(name: str) -> bool:
    return name == "share" or name.endswith("_share") or name.startswith("share_")


def _is_money_text(name: str) -> bool:
    return name.endswith("_sek")


# Decimal text that is a plain number (the allocation key's weights): written as a number.
NUMBER_TEXT_COLUMNS = ("key_weight",)


def _is_ratio(name: str) -> bool:
    return name in ("coverage", "herfindahl") or name.endswith("_coverage")


def prepare_column(series: pd.Series, name: str, words: dict[str, str]) -> _Column:
    dtype = series.dtype
    missing = series.isna().to_numpy()
    if name.endswith("_ore") and (pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype)):
        kind = "money"
        # Öre / 100 is the double nearest the exact kronor amount (the öre stay exact in the
        # source tables). XlsxWriter prints it with 16 significant digits ("9183837.310000001"),
        # which parses back to that same double, whose shortest form is the exact amount
        # (9183837.31); Excel shows 15 digits. Re-read and rounded to öre, every cell is exact
        # (tested on random amounts up to 10^13 kronor). A Decimal would be written the same way.
        values = _with_blanks((series.to_numpy(dtype="float64", na_value=np.nan) / 100), missing)
    elif pd.api.types.is_bool_dtype(dtype):
        kind = "text"
        values = np.where(series.to_numpy(dtype=bool), words["yes"], words["no"]).tolist()
    elif pd.api.types.is_datetime64_dtype(dtype):
        kind = "date"
        days = (series.to_numpy().astype("datetime64[us]") - EXCEL_EPOCH_US) / np.timedelta64(1, "D")
        values = _with_blanks(days, missing)
    elif pd.api.types.is_integer_dtype(dtype):
        kind = "integer"
        values = _with_blanks(series.to_numpy(dtype="float64", na_value=np.nan), missing, as_int=True)
    elif pd.api.types.is_float_dtype(dtype):
        kind = "share" if _is_share(name) else "ratio" if _is_ratio(name) else "number"
        values = _with_blanks(series.to_numpy(dtype="float64", na_value=np.nan), missing)
    elif pd.api.types.is_string_dtype(dtype) and dtype != object \
            and not (_is_share(name) or _is_ratio(name) or _is_money_text(name) or name in NUMBER_TEXT_COLUMNS):
        kind = "text"
        values = _text_values(series)
    else:
        # Object columns and decimal text (shares, SEK amounts): decided cell by cell.
        kind = ("mixed_share" if _is_share(name) else "mixed_ratio" if _is_ratio(name)
                else "mixed_money" if _is_money_text(name) else "mixed")
        values = [plain_cell(v, words, name) for v in series.tolist()]
    header = column_header(name)
    return _Column(header, kind, values, _column_width(header, values[:WIDTH_SAMPLE_ROWS], kind))


def _with_blanks(numbers: np.ndarray, missing: np.ndarray, as_int: bool = False) -> list:
    values = numbers.astype("int64").tolist() if as_int and not missing.any() else numbers.tolist()
    if missing.any():
        values = [None if gone else (int(v) if as_int else v) for v, gone in zip(values, missing.tolist())]
    return values


def _text_values(series: pd.Series) -> list:
    missing = series.isna().to_numpy()
    values = series.astype("str").to_numpy(dtype=object, na_value="").tolist()
    joined = "".join(values)
    # One scan in C (isprintable) instead of a regex per text; see text_cells.
    if not joined.isprintable() and UNWRITABLE_CHARACTERS.search(joined):
        values = [visible_text(v) for v in values]
    if missing.any():
        values = [None if gone else v for v, gone in zip(values, missing.tolist())]
    return values


def plain_cell(value: Any, words: dict[str, str], name: str) -> Any:
    """One cell of an object column as None, bool text, int, float, datetime serial or text."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return words["yes"] if value else words["no"]
    if isinstance(value, (int, np.integer)):
        return int(value) / 100 if name.endswith("_ore") else int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) / 100 if name.endswith("_ore") else float(value)
    if isinstance(value, Decimal):
        return float(value / 100) if name.endswith("_ore") else float(value)
    if isinstance(value, (pd.Timestamp, datetime)):
        return DateSerial((np.datetime64(pd.Timestamp(value).to_datetime64(), "us") - EXCEL_EPOCH_US)
                           / np.timedelta64(1, "D"))
    if (_is_share(name) or _is_ratio(name) or _is_money_text(name) or name in NUMBER_TEXT_COLUMNS) \
            and isinstance(value, str):
        try:
            number = Decimal(value)
            return int(number) if name in NUMBER_TEXT_COLUMNS and number == number.to_integral_value() \
                else float(number)
        except ArithmeticError:
            return visible_text(value)
    return visible_text(shown_value(str(value), value_names(name, words["language"]), words["language"]))


class DateSerial(float):
    """An Excel date serial found in an object column: written as a number in date format."""


def _column_width(header: str, sample: list, kind: str) -> int:
    if kind == "money":
        longest = max((len(f"{v:,.2f}") for v in sample if v is not None), default=0)
    elif kind == "date":
        longest = 10
    elif kind == "text":
        longest = max(map(len, filter(None, sample)), default=0)  # texts, or None where missing
    else:
        longest = max((len(v) if isinstance(v, str) else len(str(v)) for v in sample if v is not None), default=0)
    return max(MIN_COLUMN_WIDTH, min(MAX_COLUMN_WIDTH, max(len(header), longest) + 2))


def write_text(worksheet, row: int, col: int, text: str) -> None:
    # XlsxWriter copies a string that looks like "<r>...</r>" into the XML unescaped (it takes it
    # for its own rich-text markup). Written as three plain fragments,
    # the same text is escaped like any other.
    if text.startswith("<r>") and text.endswith("</r>"):
        worksheet.write_rich_string(row, col, text[:1], text[1:-1], text[-1:])
    else:
        worksheet.write_string(row, col, text)
