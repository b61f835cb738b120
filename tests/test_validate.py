"""The validate stage on tiny inputs built here: which checks fail, and on exactly which rows."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.model import FileTotals, Inputs, Rejected
from pipeline.settings import Organisation, Settings
from pipeline.validate.suites import (
    EXPECTATIONS_DIR,
    SUITE_KINDS,
    _stable_data_docs_page,
    input_verdicts,
    load_suite,
    validate_inputs,
)

ENGLISH = Settings(organisation=Organisation(language="en"))

MEMBER_A = "212000-0142"  # valid org. no. (Luhn)
MEMBER_B = "212000-0118"
SUPPLIER = "556811-9357"
BAD_ORGNR = "556811-9358"  # check digit wrong


def text(values: list) -> pd.Series:
    return pd.Series(values, dtype="str")


def ids(prefix: str, n: int) -> pd.Series:
    return text([f"{prefix}:{row}" for row in range(2, 2 + n)])


def ledger_2025() -> pd.DataFrame:
    """Four lines: row 3 has account 99, row 4 is dated 2024, row 5 names an unknown service."""
    return pd.DataFrame({
        "date": pd.to_datetime(["2025-01-02", "2025-01-02", "2024-12-31", "2025-02-01"]).astype("datetime64[us]"),
        "voucher": text(["A1", "A1", "A2", "A2"]),
        "account": [1930, 99, 1930, 3011],
        "amount_ore": pd.Series([10_000, -10_000, 500, -400], dtype="int64"),  # A2 sums to +100 öre
        "counterparty": text([None, MEMBER_A, None, "999999-9999"]),
        "counterparty_note": text(["", "", "", ""]),
        "service": text([None, "S1", None, "S9"]),
        "source_id": ids("2025/ledger.xlsx:Huvudbok", 4),
    })


def faulty_inputs() -> Inputs:
    members = pd.DataFrame({
        "orgnr": text([MEMBER_A, MEMBER_B, MEMBER_B]),               # rows 3 and 4: same member twice
        "type": text(["kommun", "", "region"]),                       # row 3: no type
        "member_from": pd.to_datetime(["2020-01-01", "2021-06-01", "2019-01-01"]).astype("datetime64[us]"),
        "member_to": pd.to_datetime([None, "2021-01-01", None]).astype("datetime64[us]"),  # row 3 ends first
        "source_id": ids("members.xlsx:Medlemmar", 3),
    })
    counterparties = pd.DataFrame({
        "orgnr": text(["556000-0001", "556000-0002"]),
        "sector": text(["privat", "offentlig"]),
        "controlled_by": text([None, SUPPLIER]),                      # row 3: not a member
        "source_id": ids("counterparties.xlsx:Motparter", 2),
    })
    services = pd.DataFrame({
        "code": text(["S1", "S2", "S2"]),                              # S2 coded twice: rows 3, 4
        "classification": text([" Samverkan", "samverkan", ""]),       # row 4: no decision
        "source_id": ids("services.xlsx:Tjanster", 3),
    })
    suppliers = pd.DataFrame({
        "orgnr": text([SUPPLIER, BAD_ORGNR]),
        "procurement_form": text(["Ramavtal", "handslag"]),            # row 3: unknown form
        "source_id": ids("suppliers.xlsx:Leverantorer", 2),
    })
    history = pd.DataFrame({
        "year": [2023, 2024],
        "controlling_ore": pd.Series([90, 120], dtype="int64"),
        "total_ore": pd.Series([100, 110], dtype="int64"),              # row 3: total below controlling
        "source_id": ids("history.xlsx:Historik", 2),
    })
    return Inputs("example", 2025, {2025: ledger_2025()}, members, counterparties, services, suppliers,
                  history, None)


def clean_inputs() -> Inputs:
    ledger = pd.DataFrame({
        "date": pd.to_datetime(["2025-03-01", "2025-03-01"]).astype("datetime64[us]"),
        "voucher": text(["V1", "V1"]),
        "account": [1930, 3011],
        "amount_ore": pd.Series([5_000, -5_000], dtype="int64"),
        "counterparty": text([None, MEMBER_A]),
        "counterparty_note": text([None, None]),
        "service": text([None, "S1"]),
        "source_id": ids("2025/ledger.xlsx:Huvudbok", 2),
    })
    inputs = faulty_inputs()
    members = pd.DataFrame({"orgnr": text([MEMBER_A]), "type": text(["kommun"]),
                            "member_from": pd.to_datetime(["2020-01-01"]).astype("datetime64[us]"),
                            "member_to": pd.to_datetime([None]).astype("datetime64[us]"),
                            "source_id": ids("members.xlsx:Medlemmar", 1)})
    services = pd.DataFrame({"code": text(["S1"]), "classification": text(["samverkan"]),
                             "source_id": ids("services.xlsx:Tjanster", 1)})
    suppliers = inputs.suppliers.iloc[:1]
    counterparties = inputs.counterparties.iloc[:1]
    history = inputs.history.iloc[:1]
    return Inputs("example", 2025, {2025: ledger}, members, counterparties, services, suppliers, history, None)


@pytest.fixture(scope="module")
def faulty_report(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("out")
    return validate_inputs(faulty_inputs(), Settings(), out_dir), out_dir


@pytest.fixture(scope="module")
def english_faulty_report(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("out_en")
    return validate_inputs(faulty_inputs(), ENGLISH, out_dir), out_dir


def failing(report, suite: str, check: str, column: str):
    found = [r for r in report.results if (r.suite, r.check, r.column) == (suite, check, column)]
    assert len(found) == 1, (suite, check, column)
    return found[0]


def test_importing_the_module_does_not_import_great_expectations():
    code = "import sys, pipeline.validate.suites; print('great_expectations' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout.strip() == "False"


def test_every_suite_is_data_with_severity_and_description():
    for kind in SUITE_KINDS:
        suite = load_suite(kind)
        assert suite["name"] == kind
        assert all(e["meta"]["severity"] in ("critical", "warning") for e in suite["expectations"])


def test_every_expectation_is_described_in_swedish_and_in_english():
    for kind in SUITE_KINDS:
        for expectation in load_suite(kind)["expectations"]:
            meta = expectation["meta"]
            assert meta["description"].strip() and meta["description_sv"].strip(), (kind, expectation)
            assert meta["description"] != meta["description_sv"], (kind, meta["description"])


@pytest.mark.parametrize("meta", [
    {"severity": "critical", "description": "The ledger has a date column"},
    {"severity": "critical", "description": "The ledger has a date column", "description_sv": "  "},
    {"severity": "critical", "description_sv": "Huvudboken har en datumkolumn"},
], ids=["no description_sv", "blank description_sv", "no description"])
def test_a_suite_without_a_description_in_both_languages_is_refused(tmp_path, meta):
    (tmp_path / "ledger.json").write_text(json.dumps(
        {"name": "ledger", "expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "date"},
                                             "meta": meta}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="expectation 1 needs .*description_sv"):
        load_suite("ledger", tmp_path)


def test_a_suite_without_severity_is_refused(tmp_path):
    (tmp_path / "ledger.json").write_text(json.dumps(
        {"name": "ledger", "expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "date"},
                                             "meta": {"description": "x"}}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="severity"):
        load_suite("ledger", tmp_path)


@pytest.mark.parametrize("suite, check, column, severity, failing_ids", [
    ("ledger", "expect_column_values_to_be_between", "account", "critical", ["2025/ledger.xlsx:Huvudbok:3"]),
    ("ledger", "expect_column_values_to_be_between", "date", "warning", ["2025/ledger.xlsx:Huvudbok:4"]),
    ("ledger", "expect_column_values_to_be_in_set", "service", "warning", ["2025/ledger.xlsx:Huvudbok:5"]),
    ("ledger", "expect_column_values_to_be_in_set", "counterparty", "warning", ["2025/ledger.xlsx:Huvudbok:5"]),
    ("members", "expect_column_values_to_be_unique", "orgnr", "critical",
     ["members.xlsx:Medlemmar:3", "members.xlsx:Medlemmar:4"]),
    ("members", "expect_column_pair_values_a_to_be_greater_than_b", "member_to, member_from", "critical",
     ["members.xlsx:Medlemmar:3"]),
    ("members", "expect_column_values_to_not_be_null", "type", "warning", ["members.xlsx:Medlemmar:3"]),
    ("counterparties", "expect_column_values_to_be_in_set", "controlled_by", "warning",
     ["counterparties.xlsx:Motparter:3"]),
    ("services", "expect_column_values_to_be_unique", "code", "critical",
     ["services.xlsx:Tjanster:3", "services.xlsx:Tjanster:4"]),
    ("services", "expect_column_values_to_not_be_null", "classification", "warning", ["services.xlsx:Tjanster:4"]),
    ("suppliers", "expect_column_values_to_be_in_set", "orgnr_is_valid", "warning",
     ["suppliers.xlsx:Leverantorer:3"]),
    ("suppliers", "expect_column_values_to_be_in_set", "procurement_form", "warning",
     ["suppliers.xlsx:Leverantorer:3"]),
    ("history", "expect_column_pair_values_a_to_be_greater_than_b", "total_ore, controlling_ore", "critical",
     ["history.xlsx:Historik:3"]),
    ("journal", "unbalanced_vouchers", "voucher", "critical",
     ["2025/ledger.xlsx:Huvudbok:4", "2025/ledger.xlsx:Huvudbok:5"]),
])
def test_failing_rows_are_named_by_their_source_id(faulty_report, suite, check, column, severity, failing_ids):
    result = failing(faulty_report[0], suite, check, column)
    assert not result.success
    assert result.severity == severity
    assert list(result.unexpected_ids) == failing_ids


def test_only_the_faults_built_in_fail(faulty_report):
    report = faulty_report[0]
    failed = {(r.suite, r.column) for r in report.results if not r.success}
    # 14 faults above; "Samverkan" with a blank in front is read as samverkan, so it passes.
    assert len(failed) == 14
    assert failing(report, "services", "expect_column_values_to_be_in_set", "classification").success
    assert failing(report, "ledger", "expect_column_values_to_be_null", "counterparty_note").success
    assert {(r.suite, r.check) for r in report.critical_failures} == {
        ("ledger", "expect_column_values_to_be_between"), ("members", "expect_column_values_to_be_unique"),
        ("members", "expect_column_pair_values_a_to_be_greater_than_b"), ("services", "expect_column_values_to_be_unique"),
        ("history", "expect_column_pair_values_a_to_be_greater_than_b"), ("journal", "unbalanced_vouchers")}


def test_counts_come_with_the_ids(faulty_report):
    account = failing(faulty_report[0], "ledger", "expect_column_values_to_be_between", "account")
    assert (account.element_count, account.unexpected_count) == (4, 1)
    journal = failing(faulty_report[0], "journal", "unbalanced_vouchers", "voucher")
    assert (journal.element_count, journal.unexpected_count) == (2, 1)  # vouchers A1, A2; A2 off


def test_results_are_written_as_json_and_offline_html(faulty_report):
    folder = faulty_report[1] / "validation"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["success"] is False
    assert summary["critical_failures"] == 6
    gx_result = json.loads((folder / "ledger-2025.json").read_text(encoding="utf-8"))
    account = [r for r in gx_result["results"] if r["expectation_config"]["kwargs"].get("column") == "account"
               and r["expectation_config"]["type"] == "expect_column_values_to_be_between"][0]
    assert account["result"]["unexpected_index_list"] == [{"account": 99, "source_id": "2025/ledger.xlsx:Huvudbok:3"}]
    page = (folder / "members.html").read_text(encoding="utf-8")
    assert "members.xlsx:Medlemmar:4" in page
    for html_page in folder.glob("*.html"):
        assert "http://" not in html_page.read_text(encoding="utf-8")
        assert "https://" not in html_page.read_text(encoding="utf-8")


def test_written_results_are_identical_across_runs(tmp_path):
    validate_inputs(faulty_inputs(), Settings(), tmp_path / "one")
    validate_inputs(faulty_inputs(), Settings(), tmp_path / "two")
    one_folder, two_folder = tmp_path / "one" / "validation", tmp_path / "two" / "validation"
    one = sorted(p.relative_to(one_folder) for p in one_folder.rglob("*") if p.is_file())
    assert one == sorted(p.relative_to(two_folder) for p in two_folder.rglob("*") if p.is_file())
    assert Path("data_docs/index.html") in one  # the GX Data Docs are among the compared files
    for path in one:
        assert (one_folder / path).read_bytes() == (two_folder / path).read_bytes(), path
        if path.suffix not in (".json", ".html"):
            continue  # Data Docs' fonts and images, copied from the GX package
        content = (one_folder / path).read_text(encoding="utf-8")
        assert str(tmp_path) not in content and str(Path.home()) not in content and "site-packages" not in content
        if path.parts[0] != "data_docs":
            assert "run_time" not in content and "validation_time" not in content


def test_data_docs_pages_name_the_failing_rows_and_the_index_links_them(faulty_report):
    folder = faulty_report[1] / "validation"
    docs = folder / "data_docs"
    # One page per validated batch, under the suite, the fixed run name and the fiscal year's end.
    pages = sorted(p.relative_to(docs).as_posix() for p in (docs / "validations").rglob("*.html"))
    assert "validations/ledger/validation-2025/20260101T000000.000000Z/inputs-ledger-2025.html" in pages
    members = (docs / "validations/members/validation-2025/20260101T000000.000000Z/inputs-members.html")
    members_text = re.sub(r"<[^>]+>|\s+", " ", members.read_text(encoding="utf-8"))
    # Data Docs show counts, not the failing rows' ids: those are on the self-contained pages.
    # 8 member checks, 3 fail (type blank, orgnr twice, member_to before member_from).
    assert re.search(r"Evaluated Expectations\s*8\s*Successful Expectations\s*5", members_text)
    assert re.search(r"Status:\s*Failed", members_text) and "1 unexpected values found" in members_text
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="data_docs/index.html"' in index and "utan internet" in index
    ledger_page = (docs / "validations/ledger/validation-2025/20260101T000000.000000Z/inputs-ledger-2025.html")
    text = ledger_page.read_text(encoding="utf-8")
    assert re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text) is None
    assert "ge_load_time" not in text and "png?d=" not in text


def test_data_docs_pages_are_stabilised_by_renumbering_ids_and_dropping_the_build_time():
    page = ('<img src="https://x/logo-long.png?d=20261127T171831.579788Z">'
            '<a href="#body-d7d908ba-bcbb-4076-8ee9-5d1bcb789f34"></a>'
            '<div id=body-d7d908ba-bcbb-4076-8ee9-5d1bcb789f34></div>'
            '<div id=body-2e566eb2-54bc-4973-94c8-ef99df66a3e7></div>')
    # The same id gets the same number, so the link still finds its block.
    assert _stable_data_docs_page(page) == ('<img src="https://x/logo-long.png">'
                                            '<a href="#body-id1"></a><div id=body-id1></div><div id=body-id2></div>')


def test_clean_inputs_pass_with_the_network_unavailable(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise OSError("network is unavailable in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    report = validate_inputs(clean_inputs(), Settings(), tmp_path)
    assert report.critical_failures == ()
    assert [r for r in report.results if not r.success] == []
    assert (tmp_path / "validation" / "summary.json").exists()


def test_a_missing_required_column_is_a_critical_failure():
    inputs = clean_inputs()
    inputs.ledgers[2025] = inputs.ledgers[2025].drop(columns=["voucher"])
    report = validate_inputs(inputs, Settings())
    exists = failing(report, "ledger", "expect_column_to_exist", "voucher")
    assert not exists.success and exists.severity == "critical"
    assert exists in report.critical_failures


def test_suites_folder_holds_one_suite_per_input_kind():
    assert sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.json")) == sorted(SUITE_KINDS)


# The same three checks of the faulty inputs in each language; a ledger check names its year.
DESCRIPTIONS = [
    ("ledger", "expect_column_values_to_be_between", "account",
     "Varje kontonummer har fyra siffror (1000-9999) (huvudbok 2025)",
     "Every account number has four digits (1000-9999) (ledger 2025)"),
    ("members", "expect_column_values_to_be_unique", "orgnr",
     "Ingen medlem står med två gånger", "No member is listed twice"),
    ("journal", "unbalanced_vouchers", "voucher",
     "Verifikationer vars rader inte summerar till 0 öre (huvudbok 2025)",
     "Vouchers whose lines do not sum to 0 öre (ledger 2025)"),
]


@pytest.mark.parametrize("suite, check, column, swedish, english", DESCRIPTIONS)
def test_descriptions_are_in_the_runs_language(faulty_report, english_faulty_report, suite, check, column,
                                               swedish, english):
    assert faulty_report[0].language == "sv" and english_faulty_report[0].language == "en"
    assert failing(faulty_report[0], suite, check, column).description == swedish
    assert failing(english_faulty_report[0], suite, check, column).description == english


def test_the_language_changes_the_words_and_nothing_else(faulty_report, english_faulty_report):
    def without_words(report):
        return [(r.suite, r.check, r.column, r.severity, r.success, r.element_count, r.unexpected_count,
                 r.unexpected_ids, r.batch) for r in report.results]

    assert without_words(faulty_report[0]) == without_words(english_faulty_report[0])
    # The GX results keep their English machine keys and are the same in both languages.
    for name in ("ledger-2025.json", "members.json", "history.json"):
        swedish = (faulty_report[1] / "validation" / name).read_bytes()
        assert swedish == (english_faulty_report[1] / "validation" / name).read_bytes(), name
    summary = json.loads((english_faulty_report[1] / "validation" / "summary.json").read_text(encoding="utf-8"))
    assert summary["language"] == "en"
    assert {"suite", "check", "column", "severity", "description", "success"} <= set(summary["results"][0])


def faulty_inputs_with_a_rejected_member() -> Inputs:
    """The faulty inputs, and a fourth member row (row 5) the read stage could not use."""
    inputs = faulty_inputs()
    inputs.rejected.append(Rejected("members.xlsx", "Medlemmar", 5, "org.nr saknas ('')", "orgnr"))
    inputs.totals.append(FileTotals("members", "members.xlsx", "Medlemmar", "", rows_read=4, rows_used=3,
                                    rows_rejected=1))
    return inputs


def test_verdicts_in_swedish(faulty_report):
    verdicts = {v.input: v for v in input_verdicts(faulty_inputs_with_a_rejected_member(), faulty_report[0])}
    assert list(verdicts) == ["huvudbok 2025", "medlemmar", "motparter", "tjänster", "leverantörer", "historik"]
    ledger = verdicts["huvudbok 2025"]
    # Critical: account 99 (row 3 of 4 lines) and voucher A2 (1 of 2 vouchers, rows 4 and 5).
    assert ledger.line() == "huvudbok 2025: 4 rader, UNDERKÄND; 2 kritiska, 3 varning(ar)"
    assert ledger.critical == (
        "Varje kontonummer har fyra siffror (1000-9999): 1 av 4 underkända; 2025/ledger.xlsx:Huvudbok:3",
        "Verifikationer vars rader inte summerar till 0 öre: 1 av 2 underkända; "
        "2025/ledger.xlsx:Huvudbok:4, 2025/ledger.xlsx:Huvudbok:5")
    assert ledger.warnings[0] == ("Ingen huvudboksrad är daterad utanför räkenskapsåret i sin årsmapp: "
                                  "1 av 4 underkända; 2025/ledger.xlsx:Huvudbok:4")
    members = verdicts["medlemmar"]
    # 3 rows used of 4 read; critical: orgnr twice, membership ending first, the rejected row.
    assert members.line() == "medlemmar: 3 rader (1 utelämnade), UNDERKÄND; 3 kritiska, 1 varning(ar)"
    assert members.critical[2] == "utelämnade rader: org.nr saknas (''): 1 underkända; members.xlsx:Medlemmar:5"
    assert verdicts["motparter"].line() == "motparter: 2 rader, ok; 1 varning(ar)"


def test_verdicts_in_english(english_faulty_report):
    verdicts = {v.input: v for v in input_verdicts(faulty_inputs_with_a_rejected_member(), english_faulty_report[0],
                                                   shown_ids=1)}
    assert list(verdicts) == ["ledger 2025", "members", "counterparties", "services", "suppliers", "history"]
    ledger = verdicts["ledger 2025"]
    assert ledger.line() == "ledger 2025: 4 rows, FAILED; 2 critical, 3 warning(s)"
    # One id shown of the two failing rows, and a mark that more follow.
    assert ledger.critical[1] == ("Vouchers whose lines do not sum to 0 öre: 1 of 2 failing; "
                                  "2025/ledger.xlsx:Huvudbok:4, ...")
    assert verdicts["members"].line() == "members: 3 rows (1 left out), FAILED; 3 critical, 1 warning(s)"
    assert verdicts["members"].critical[2] == "rows left out: org.nr saknas (''): 1 failing; members.xlsx:Medlemmar:5"
    assert verdicts["history"].critical == (
        "Total revenue is at least the controlling revenue: 1 of 2 failing; history.xlsx:Historik:3",)


def test_pages_speak_the_runs_language(faulty_report, english_faulty_report):
    swedish = (faulty_report[1] / "validation" / "members.html").read_text(encoding="utf-8")
    english = (english_faulty_report[1] / "validation" / "members.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in swedish and "<h1>Validering: medlemmar</h1>" in swedish
    assert "<th>Underkända rader (fil:flik:rad)</th>" in swedish and "<td>UNDERKÄND</td><td>kritisk</td>" in swedish
    assert "<td>Ingen medlem står med två gånger</td>" in swedish
    assert '<html lang="en">' in english and "<h1>Validation: members</h1>" in english
    assert "<th>Failing rows (file:sheet:row)</th>" in english and "<td>FAILED</td><td>critical</td>" in english
    assert "<td>No member is listed twice</td>" in english
    swedish_index = (faulty_report[1] / "validation" / "index.html").read_text(encoding="utf-8")
    english_index = (english_faulty_report[1] / "validation" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Valideringsresultat</h1>" in swedish_index and '<a href="journal.html">journaltester</a>' in swedish_index
    assert "<h1>Validation results</h1>" in english_index and "without internet" in english_index
    assert '<a href="data_docs/index.html">data_docs/index.html</a>' in english_index


def test_prepared_trims_blanks_and_lowercases_each_text_as_before():
    from pipeline.validate.suites import _prepared

    suppliers = pd.DataFrame({
        "orgnr": text([SUPPLIER, f" {BAD_ORGNR}", None, SUPPLIER]),
        "procurement_form": text(["  Öppet ", "ÖPPET", "   ", None]),
        "name": text(["Bolag AB ", "Bolag AB ", "", "X"]),
        "source_id": text([" a:1", "a:2", "a:3", "a:4"]),
    })
    prepared = _prepared("suppliers", suppliers)
    # A column without a blank cell is left as read: only blanks change what GX sees there.
    assert prepared["orgnr"].tolist()[:2] == [SUPPLIER, f" {BAD_ORGNR}"] and pd.isna(prepared["orgnr"][2])
    forms = prepared["procurement_form"].tolist()
    assert forms[:2] == ["öppet", "öppet"] and pd.isna(forms[2]) and pd.isna(forms[3])
    assert "name" not in prepared.columns  # no supplier check reads the name: GX is not given it
    assert list(prepared.columns) == ["orgnr", "procurement_form", "source_id", "orgnr_is_valid"]
    assert prepared["source_id"].tolist() == [" a:1", "a:2", "a:3", "a:4"]  # ids stay as read
    assert prepared["orgnr_is_valid"].tolist() == [True, False, False, True]
    assert all(str(prepared[c].dtype) == "str" for c in ("orgnr", "procurement_form"))
    assert suppliers["name"].tolist() == ["Bolag AB ", "Bolag AB ", "", "X"]  # the input is unchanged

    # The raw counterparty cell decides where a remark counts, though GX is not given the cell.
    ledger = pd.DataFrame({"counterparty_raw": text(["", " x ", None]),
                           "counterparty_note": text(["odd", "odd", "odd"]), "source_id": text(["1", "2", "3"])})
    notes = _prepared("ledger", ledger)["counterparty_note"].tolist()
    assert pd.isna(notes[0]) and notes[1] == "odd" and pd.isna(notes[2])


def test_great_expectations_is_given_only_the_columns_its_suite_checks():
    from pipeline.validate.suites import _prepared, suite_columns, validation_batches

    assert suite_columns("ledger") == {"source_id", "date", "voucher", "account", "amount_ore", "counterparty_note",
                                       "counterparty", "service"}
    assert suite_columns("history") == {"source_id", "year", "controlling_ore", "total_ore"}
    ledger = ledger_2025().assign(text=text(["a", "b", "c", "d"]), counterparty_raw=text(["", "", "", "x"]))
    inputs = faulty_inputs()
    inputs.ledgers[2025] = ledger
    batch = validation_batches(inputs)[0]
    assert batch.label == "ledger-2025"
    # Sent: the checked columns and the raw counterparty cell the preparation reads; no free text.
    assert set(batch.frame.columns) == suite_columns("ledger") | {"counterparty_raw"}
    # What GX sees once the validation process has prepared it: only the checked columns.
    assert set(_prepared("ledger", batch.frame).columns) == suite_columns("ledger")
    assert _prepared("ledger", batch.frame).equals(_prepared("ledger", ledger))


def test_the_governance_suite_checks_member_org_nos_date_order_and_known_bodies(tmp_path):
    # Row 2 is fine. Row 3 names an org. no. that is not in the member register (critical: a seat
    # must belong to a member). Row 4 ends before it starts (critical) and names a body that is
    # not one of the four known ones (warning).
    inputs = clean_inputs()
    inputs.governance = pd.DataFrame({
        "orgnr": text([MEMBER_A, SUPPLIER, MEMBER_A]),
        "representative": text(["A. Andersson", "B. Berg", "C. Ceder"]),
        "body": text(["Förbundsfullmäktige", "stämma", "kommunstyrelsen"]),
        "appointed_from": pd.to_datetime(["2023-01-01", "2023-01-01", "2025-06-01"]).astype("datetime64[us]"),
        "appointed_to": pd.to_datetime([None, None, "2025-05-31"]).astype("datetime64[us]"),
        "decision_reference": text(["KF § 1", "KF § 2", "KF § 3"]),
        "source_id": ids("governance.xlsx:Styrning", 3),
    })
    report = validate_inputs(inputs, Settings(), tmp_path)
    outside = failing(report, "governance", "expect_column_values_to_be_in_set", "orgnr")
    assert (outside.severity, list(outside.unexpected_ids)) == ("critical", ["governance.xlsx:Styrning:3"])
    order = failing(report, "governance", "expect_column_pair_values_a_to_be_greater_than_b",
                    "appointed_to, appointed_from")
    assert (order.severity, list(order.unexpected_ids)) == ("critical", ["governance.xlsx:Styrning:4"])
    body = failing(report, "governance", "expect_column_values_to_be_in_set", "body")
    assert (body.severity, list(body.unexpected_ids)) == ("warning", ["governance.xlsx:Styrning:4"])
