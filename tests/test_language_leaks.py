"""One language per document: the example's Swedish report (PDF text, HTML text) and workbook
carry no code words, raw settings or English number forms. Code words live in results.json and
in the Kolumner sheet's key column only.

The patterns are what leaked before: snake_case codes (cost_sharing, counterparty_note), the
journal sheets' "J-" names, raw TOML ([[4000, 7999]], {}, []), English decimals (0.80) and
unspaced large numbers (700000), English words for codes (critical, nonconforming, invalid,
window, ledger) and "1 rader".
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

pytestmark = pytest.mark.slow

FILE_NAME = re.compile(r"\S+\.(?:xlsx|xls|csv|toml|json|sie|se|si|pdf|html)\b")
HASH = re.compile(r"\b[0-9a-f]{64}\b")
ORGNR = re.compile(r"\b\d{6}-\d{4}\b")
LEAKS = {
    "code word": re.compile(r"\b[a-z]+_[a-z0-9_]+\b"),
    "journal sheet code": re.compile(r"\bJ-[a-z]"),
    "raw setting": re.compile(r"\[\[|\{\}|\[\]"),
    # (Article numbers such as "art. 12.5" are references, not decimals.)
    "English decimal": re.compile(r"(?<![\d.])(?<!art\. )(?<!Art\. )\d+\.\d+(?![\d.])"),
    "unspaced large number": re.compile(r"(?<![\d,])\d{5,}(?![\d,])"),
    "English code word": re.compile(r"\b(?:critical|nonconforming|conforming|invalid|window|ledger|history|"
                                    r"sales|revenue|warning|private|unknown|include|exclude)\b"),
    "plural": re.compile(r"\b1 (?:rader|flaggor|tjänster|år\b)"),
}


def leaks(text: str) -> list[tuple[str, str]]:
    """(kind, the text around it) for each leak, file names, hashes and org. nos. set aside."""
    cleaned = ORGNR.sub(" ", HASH.sub(" ", FILE_NAME.sub(" ", text)))
    found = []
    for kind, pattern in LEAKS.items():
        for match in pattern.finditer(cleaned):
            found.append((kind, cleaned[max(0, match.start() - 40):match.end() + 20].replace("\n", " ")))
    return found


def test_the_scan_finds_what_leaked_before():
    before = ("treårsandel 0.9279880892 (krav: mer än 0.80) counterparty_note J-unbalanced_vouchers "
              "[[4000, 7999]] {} 700000 critical 1 rader")
    kinds = {kind for kind, _ in leaks(before)}
    assert kinds == set(LEAKS)
    assert leaks("92,80 % 0,80 700 000 kr 4000–7999 556546-3262 ledger-2025-01.xlsx 1 rad") == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_swedish_pdf_text_has_no_leaks(example_outputs: Path):
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(example_outputs / "LOS-utvardering-2025.pdf"), "-"],
                          check=True, capture_output=True).stdout.decode("utf-8")
    assert leaks(text) == []


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag, attrs):
        self._skip = tag in ("style", "svg")
        for name, value in attrs:
            if name in ("aria-label", "title", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("style", "svg"):
            self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def test_swedish_html_text_has_no_leaks(example_outputs: Path):
    parser = _Text()
    parser.feed((example_outputs / "LOS-utvardering-2025.html").read_text(encoding="utf-8"))
    assert leaks(" ".join(parser.parts)) == []


def test_swedish_workbook_shows_no_code_values(example_outputs: Path):
    """Text cells of every sheet but the key columns (Sammanfattning's and Kolumner's) and
    the raw cells of rejected rows, as the input held them."""
    book = CalamineWorkbook.from_path(str(example_outputs / "LOS-underlag-2025.xlsx"))
    code = LEAKS["code word"]
    found = []
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        for column, header in enumerate(rows[0] if rows else []):
            if (name, column) in (("Sammanfattning", 0), ("Kolumner", 1)) or header in ("Radens celler", "Kontroll"):
                continue
            values = {row[column] for row in rows[1:] if column < len(row) and isinstance(row[column], str)}
            found += [(name, header, v) for v in sorted(values) if code.search(FILE_NAME.sub(" ", v))]
    assert found == []
