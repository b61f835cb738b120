"""One run, both report languages: `--lang sv,en` writes the Swedish and the English report
(PDF and HTML) under their own names beside one results.json and one workbook; `--lang en`
alone leaves the Swedish names untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import run_cli
from tests.workbooks import write_folder

pytestmark = pytest.mark.slow


def test_english_report_gets_its_own_names(tmp_path: Path):
    folder = write_folder(tmp_path / "tiny")
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--lang", "en", "--quiet")
    assert result.returncode == 0, result.stderr
    names = {p.name for p in (tmp_path / "out" / "tiny" / "2025").iterdir()}
    assert {"LOS-evaluation-2025.pdf", "LOS-evaluation-2025.html"} <= names
    assert "LOS-utvardering-2025.pdf" not in names


def test_both_languages_in_one_run_and_the_data_once(tmp_path: Path):
    folder = write_folder(tmp_path / "tiny")
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--lang", "sv,en",
                     "--quiet")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out" / "tiny" / "2025"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    written = sorted(o["path"] for o in manifest["outputs"] if "/" not in o["path"])
    assert written == ["LOS-evaluation-2025.html", "LOS-evaluation-2025.pdf", "LOS-underlag-2025.xlsx",
                       "LOS-utvardering-2025.html", "LOS-utvardering-2025.pdf", "results.json"]
    assert manifest["command"].endswith("--lang sv,en")
    # The terminal speaks the first language, shares the Swedish way: 2 700 / 3 000 = 90,00 %.
    assert "Teckal 2025, verksamhetskriteriet: treårsandel 90,00 % (krav: mer än 80 %): UPPFYLLT" in result.stdout
    assert '<html lang="en">' in (out / "LOS-evaluation-2025.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in (out / "LOS-utvardering-2025.html").read_text(encoding="utf-8")


def test_an_unknown_language_is_refused_without_a_traceback(tmp_path: Path):
    folder = write_folder(tmp_path / "tiny")
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--lang", "sv,de")
    assert result.returncode == 2
    assert "sv,de" in result.stderr and "Traceback" not in result.stderr
