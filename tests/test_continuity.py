"""The second year's pieces on tiny worked examples (issue 18); end to end: test_second_year.py."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from pipeline.compute.continuity import members_at_year_end, settings_changes
from pipeline.compute.teckal import year_from_history
from pipeline.errors import UsageError
from pipeline.read.previous import PreviousReport, changed_ledger_files, history_with_report, read_earlier, sek_ore
from pipeline.run import signed_kronor
from pipeline.template import next_year_folder, with_previous_report


def _previous(years: list[dict], inputs: list[dict] = ()) -> PreviousReport:
    return PreviousReport(year=2024, results={"year": 2024, "teckal": {"years": years}},
                          manifest={"inputs": list(inputs)}, ref="out/x/2024/results.json sha256:ab")


def test_only_window_years_without_ledger_or_history_row_come_from_the_report():
    history = pd.DataFrame({"year": [2022], "controlling_ore": [100], "total_ore": [200], "source": ["ÅR 2022"]})
    previous = _previous([{"year": y, "controlling_sek": f"{y - 2000}.50", "total_sek": "100.00"}
                          for y in (2022, 2023, 2024)])
    # Window 2023-2025: 2025 has a ledger, 2022 is not in it; 2023 and 2024 come from the report.
    out = history_with_report(history, previous, [2023, 2024, 2025], {2025})
    assert list(out["year"]) == [2022, 2023, 2024]
    assert list(out["controlling_ore"]) == [100, 2350, 2450]  # "23.50" kr = 2 350 öre
    year = year_from_history(out, 2023)
    assert (year.source, year.source_ref) == ("report", "out/x/2024/results.json sha256:ab")
    assert year_from_history(out, 2022).source == "history"  # the register's own row wins
    # A history row for 2023 keeps it from the report.
    with_row = pd.concat([history, pd.DataFrame({"year": [2023], "controlling_ore": [1], "total_ore": [2],
                                                 "source": ["x"]})], ignore_index=True)
    assert list(history_with_report(with_row, previous, [2023, 2024, 2025], {2025})["year"]) == [2022, 2023, 2024]
    assert year_from_history(history_with_report(with_row, previous, [2023, 2024, 2025], {2025}), 2023).source == "history"


def test_changed_ledger_files_compare_hashes_of_prior_years_only():
    before = [{"path": "2023/ledger.xlsx", "kind": "ledger", "sha256": "a"},
              {"path": "2024/ledger.xlsx", "kind": "ledger", "sha256": "b"},
              {"path": "members.xlsx", "kind": "members", "sha256": "m"}]
    now = [{"path": "2023/ledger.xlsx", "kind": "ledger", "sha256": "a"},
           {"path": "2024/ledger.xlsx", "kind": "ledger", "sha256": "B"},
           {"path": "2024/ledger-extra.xlsx", "kind": "ledger", "sha256": "c"},
           {"path": "2025/ledger.xlsx", "kind": "ledger", "sha256": "d"},
           {"path": "members.xlsx", "kind": "members", "sha256": "M"}]
    assert changed_ledger_files(_previous([], before), now, 2025) == {
        2024: ["2024/ledger-extra.xlsx", "2024/ledger.xlsx"]}
    assert changed_ledger_files(None, now, 2025) == {}


def test_members_at_year_end_count_who_is_a_member_on_31_december():
    members = pd.DataFrame({"orgnr": ["A", "B", "C", "D"],
                            "member_from": pd.to_datetime(["2015-01-01", "2015-01-01", "2025-03-01", "2026-01-01"]),
                            "member_to": pd.to_datetime([None, "2025-06-30", None, None])})
    assert members_at_year_end(members, 2024) == ("A", "B")
    assert members_at_year_end(members, 2025) == ("A", "C")


def test_settings_changes_name_each_changed_key_but_not_the_language():
    before = {"organisation": {"language": "sv"}, "rules": {"grants": "include", "allocation_key": "revenue"},
              "thresholds": {"teckal": "0.80"}}
    now = {"organisation": {"language": "en"}, "rules": {"grants": "exclude", "allocation_key": "revenue",
                                                         "previous_report": ""},
           "thresholds": {"teckal": "0.80"}}
    changes = settings_changes(before, now)
    assert [(c.setting, c.before, c.after) for c in changes] == [("rules.grants", "include", "exclude")]
    assert settings_changes(None, now) == ()


def test_money_text_to_ore_is_exact_and_refuses_fractions_of_ore():
    assert sek_ore("12500.00") == 1_250_000 and sek_ore("-0.01") == -1
    with pytest.raises(ValueError):
        sek_ore("1.005")


def test_signed_kronor_groups_thousands_and_shows_ore_only_when_there_are_any():
    assert signed_kronor("12500.00", "sv") == "+12\u00a0500 kr"
    assert signed_kronor("-1234567.50", "sv") == "-1\u00a0234\u00a0567,50 kr"
    assert signed_kronor("0.50", "en") == "+0.50 kr"


def test_next_year_folder_and_settings_point_at_last_years_report(tmp_path: Path):
    assert next_year_folder(tmp_path / "forbundet-2024", 2025).name == "forbundet-2025"
    assert next_year_folder(tmp_path / "example", 2025).name == "example-2025"
    text = with_previous_report("[organisation]\nname = \"X\"\n\n[rules]\ngrants = \"include\"\n", "../out/x/2024")
    assert tomllib.loads(text)["rules"] == {"previous_report": "../out/x/2024", "grants": "include"}
    again = with_previous_report(text, "../out/y/2024")
    assert tomllib.loads(again)["rules"]["previous_report"] == "../out/y/2024"
    assert tomllib.loads(with_previous_report("", "p"))["rules"] == {"previous_report": "p"}


def test_a_named_previous_report_that_is_not_there_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="previous_report"):
        read_earlier(tmp_path / "out", tmp_path / "inputs", 2025, named="../nowhere")
    # No report at the default place: the first year, nothing to compare with.
    assert read_earlier(tmp_path / "out", tmp_path / "inputs", 2025).previous is None


def test_the_trend_takes_every_earlier_report_in_the_outputs(tmp_path: Path):
    for year, share in ((2022, "0.81"), (2023, "0.82"), (2024, "0.83")):
        folder = tmp_path / "out" / "inputs" / str(year)
        folder.mkdir(parents=True)
        (folder / "results.json").write_text(json.dumps(
            {"year": year, "teckal": {"years": [{"year": year, "share": share, "controlling_sek": "1.00",
                                                 "total_sek": "1.00"}]}}), encoding="utf-8")
    earlier = read_earlier(tmp_path / "out", tmp_path / "inputs", 2025)
    assert earlier.previous is not None and earlier.previous.year == 2024
    assert earlier.trend == {2022: "0.81", 2023: "0.82", 2024: "0.83"}


def test_a_year_from_the_report_follows_this_years_grants_treatment():
    empty = pd.DataFrame({"year": pd.Series([], dtype="int64"), "controlling_ore": pd.Series([], dtype="int64"),
                          "total_ore": pd.Series([], dtype="int64"), "source": pd.Series([], dtype="str")})
    # The 2024 report included grants: total 100.00 kr of which grants 10.00 kr.
    previous = _previous([{"year": 2023, "controlling_sek": "80.00", "total_sek": "100.00", "grants_sek": "10.00"}])
    previous.results["teckal"]["grants"] = "include"
    out = history_with_report(empty, previous, [2023, 2024, 2025], {2025})
    assert year_from_history(out, 2023, "include").total_ore == 10_000
    assert year_from_history(out, 2023, "exclude").total_ore == 9_000  # 100 - 10 kr
    # Had it excluded them, its 90.00 kr total is 100.00 kr with grants.
    previous.results["teckal"]["grants"] = "exclude"
    previous.results["teckal"]["years"][0]["total_sek"] = "90.00"
    out = history_with_report(empty, previous, [2023, 2024, 2025], {2025})
    assert year_from_history(out, 2023, "include").total_ore == 10_000
