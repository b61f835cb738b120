"""The example-data generator: balanced vouchers, valid registers, byte-identical re-runs.

The workbooks are read back with python-calamine directly (not through the pipeline's reader),
so these tests check the files themselves. The last group checks the committed
`inputs/example` folder that `make report` runs on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from stdnum.se import orgnr as se_orgnr

from pipeline.settings import Organisation, Settings, load_settings
from tools.example_data import (
    COUNTERPARTY_HEADERS,
    GOVERNANCE_HEADERS,
    HISTORY_HEADERS,
    LEDGER_HEADERS,
    MEMBER_HEADERS,
    SERVICE_HEADERS,
    SUPPLIER_HEADERS,
    apportion,
    generate,
    orgnr_with_check_digit,
)

COMMITTED = Path(__file__).resolve().parent.parent / "inputs" / "example"
SMALL_LINES = 1500


def sheet_rows(path: Path) -> tuple[str, list[list]]:
    """(sheet name, rows incl. header) of a one-sheet workbook."""
    book = CalamineWorkbook.from_path(str(path))
    assert len(book.sheet_names) == 1, f"{path.name} should have one sheet"
    name = book.sheet_names[0]
    return name, book.get_sheet_by_name(name).to_python()


def ledger_lines(folder: Path, year: int) -> list[list]:
    """Data rows of all ledger files of a year, in file order."""
    rows = []
    for path in sorted((folder / str(year)).glob("ledger-*.xlsx")):
        _, sheet = sheet_rows(path)
        assert sheet[0] == LEDGER_HEADERS
        rows += sheet[1:]
    return rows


def voucher_sums_ore(rows: list[list]) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for row in rows:
        sums[row[1]] += round(row[3] * 100)
    return dict(sums)


@pytest.fixture(scope="module")
def small_example(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example")
    generate(out, seed=7, lines_per_year=SMALL_LINES)
    return out


# Worked examples of the two helpers everything rests on.

def test_apportion_splits_exactly_by_largest_remainder():
    # 10 over three equal weights: 3 each plus one left over, given to the first (ties by position).
    assert apportion(10, [1.0, 1.0, 1.0]) == [4, 3, 3]
    # 100 over weights 1:3 is exactly 25 and 75.
    assert apportion(100, [1.0, 3.0]) == [25, 75]
    # 7 over 1:1:2 = 1.75, 1.75, 3.5 -> floors 1, 1, 3; the two largest remainders (.75, .75) get one each.
    assert apportion(7, [1.0, 1.0, 2.0]) == [2, 2, 3]


def test_orgnr_check_digit_is_luhn():
    # 2 1 2 0 0 0 0 1 4: doubling every other digit from the left gives 4+1+4+0+0+0+0+1+8 = 18,
    # so the check digit is (10 - 18 % 10) % 10 = 2.
    assert orgnr_with_check_digit("212000014") == "212000-0142"


# The generator run small into a temporary folder.

def test_every_voucher_balances_and_series_have_no_gaps(small_example):
    for year in (2023, 2024, 2025):
        rows = ledger_lines(small_example, year)
        sums = voucher_sums_ore(rows)
        assert {v: s for v, s in sums.items() if s != 0} == {}
        numbers: dict[str, list[int]] = defaultdict(list)
        for voucher in sums:
            series, number = voucher.split()
            numbers[series].append(int(number))
        assert sorted(numbers) == ["A", "B", "C"]
        for series, seen in numbers.items():
            assert sorted(seen) == list(range(1, len(seen) + 1)), f"{year} series {series} has gaps"


def test_lines_per_year_follows_the_request(small_example):
    for year in (2023, 2024, 2025):
        assert 0.8 * SMALL_LINES <= len(ledger_lines(small_example, year)) <= 1.3 * SMALL_LINES


def test_2025_is_split_into_monthly_files_each_holding_its_month(small_example):
    files = sorted((small_example / "2025").glob("ledger-*.xlsx"))
    assert [f.name for f in files] == [f"ledger-2025-{m:02d}.xlsx" for m in range(1, 13)]
    for month, path in enumerate(files, start=1):
        _, sheet = sheet_rows(path)
        assert {row[0].month for row in sheet[1:]} == {month}


def test_member_register_has_the_designed_members_with_valid_orgnrs(small_example):
    name, rows = sheet_rows(small_example / "members.xlsx")
    assert name == "Medlemmar"
    members = rows[1:]
    assert len(members) == 161
    types = defaultdict(int)
    for row in members:
        types[row[2]] += 1
    assert dict(types) == {"kommun": 152, "region": 3, "förbund": 5, "myndighet": 1}
    assert all(se_orgnr.is_valid(row[0]) and row[0][6] == "-" for row in members)
    assert len({row[0] for row in members}) == 161
    assert [row[2] for row in members if row[5] == "nej"] == ["myndighet"]
    assert sum(1 for row in members if row[4] != "") == 2  # two members leave
    assert sum(1 for row in members if row[3].year >= 2023) == 4  # four join


def test_every_workbook_has_the_template_headers(small_example):
    expected = {
        "members.xlsx": ("Medlemmar", MEMBER_HEADERS),
        "counterparties.xlsx": ("Motparter", COUNTERPARTY_HEADERS),
        "services.xlsx": ("Tjänster", SERVICE_HEADERS),
        "suppliers.xlsx": ("Leverantörer", SUPPLIER_HEADERS),
        "history.xlsx": ("Historik", HISTORY_HEADERS),
        "governance.xlsx": ("Styrning", GOVERNANCE_HEADERS),
        "2023/ledger-2023.xlsx": ("Huvudbok", LEDGER_HEADERS),
        "2025/ledger-2025-06.xlsx": ("Huvudbok", LEDGER_HEADERS),
    }
    for file, (sheet, headers) in expected.items():
        name, rows = sheet_rows(small_example / file)
        assert (name, rows[0]) == (sheet, headers), file


def test_settings_file_loads_and_states_the_defaults(small_example):
    settings = load_settings(small_example)
    assert settings.organisation.name == "Samverkansförbundet Digitala Tjänster (exempel)"
    assert se_orgnr.is_valid(settings.organisation.orgnr)
    # Apart from the organisation, every value written out equals the default, digit for digit.
    assert replace(settings, organisation=Organisation()).as_dict() == Settings().as_dict()
    assert str(settings.thresholds.teckal) == "0.80"


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(small_example, tmp_path):
    again, other = tmp_path / "again", tmp_path / "other"
    generate(again, seed=7, lines_per_year=SMALL_LINES)
    generate(other, seed=8, lines_per_year=SMALL_LINES)
    files = sorted(p.relative_to(small_example) for p in small_example.rglob("*") if p.is_file())
    assert len(files) == 21  # settings, six registers (governance too), two yearly ledgers, twelve monthly ledgers
    assert sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file()) == files
    for relative in files:
        assert (small_example / relative).read_bytes() == (again / relative).read_bytes(), relative
    assert (small_example / "members.xlsx").read_bytes() != (other / "members.xlsx").read_bytes()


def test_a_rerun_with_one_2025_file_removes_the_monthly_files(tmp_path):
    generate(tmp_path, seed=7, lines_per_year=SMALL_LINES)
    generate(tmp_path, seed=7, lines_per_year=SMALL_LINES, monthly_2025=False)
    assert [p.name for p in sorted((tmp_path / "2025").glob("*.xlsx"))] == ["ledger-2025.xlsx"]


# The committed example that `make report` runs on.

@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_committed_ledgers_balance_and_have_15_to_25_thousand_lines(year):
    rows = ledger_lines(COMMITTED, year)
    assert 15_000 <= len(rows) <= 25_000
    assert {v: s for v, s in voucher_sums_ore(rows).items() if s != 0} == {}


def test_committed_example_carries_the_deliberate_findings():
    _, services = sheet_rows(COMMITTED / "services.xlsx")
    classification = {row[0]: row[2] for row in services[1:]}
    assert [code for code, c in classification.items() if c == ""] == ["T09"]
    assert "T99" not in classification
    _, suppliers = sheet_rows(COMMITTED / "suppliers.xlsx")
    direct_award = {row[0] for row in suppliers[1:] if row[2] == "direktupphandling"}
    ended_2024 = {row[0] for row in suppliers[1:] if row[5] != "" and row[5].isoformat() == "2024-12-31"}
    assert [row[0] for row in suppliers[1:] if not se_orgnr.is_valid(row[0])] != []
    assert [row[2] for row in suppliers[1:] if row[0][0] == "2"] == ["Teckal"]

    revenue_ore: dict[tuple[int, str], int] = defaultdict(int)
    direct_cost_ore: dict[tuple[int, str], int] = defaultdict(int)
    spend_ore: dict[tuple[int, str], int] = defaultdict(int)
    for year in (2023, 2024, 2025):
        for row in ledger_lines(COMMITTED, year):
            account, ore, counterparty, service = int(row[2]), round(row[3] * 100), row[4], row[5]
            if 3000 <= account <= 3999 and account != 3740:
                revenue_ore[year, service] -= ore
            elif 4000 <= account <= 7999:
                direct_cost_ore[year, service] += ore
                spend_ore[year, counterparty] += ore
    for year in (2023, 2024, 2025):
        # Sales service T12 earns well under even its direct costs.
        assert revenue_ore[year, "T12"] < 0.8 * direct_cost_ore[year, "T12"]
        # Cost-sharing T06 earns over twice its direct costs, leaving room for its share of shared costs.
        assert revenue_ore[year, "T06"] > 2 * direct_cost_ore[year, "T06"]
        assert revenue_ore[year, "T99"] > 0
    assert max(spend_ore[2025, s] for s in direct_award) > 700_000_00
    assert max(spend_ore[2024, s] for s in direct_award) <= 700_000_00
    assert any(spend_ore[2025, s] > 0 for s in ended_2024)


def test_the_governance_register_has_one_realistic_gap_and_one_shared_representative(small_example):
    # The representative of the eighth controlling member resigned 2025-04-30; the successor was
    # appointed 2025-06-12: 2025-05-01..2025-06-11 is a gap of 31 + 11 = 42 days.
    from pipeline.compute.governance import analyse_governance
    from pipeline.read.folder import read_inputs

    inputs = read_inputs(small_example, 2025, load_settings(small_example))
    analysis = analyse_governance(2025, inputs.members, inputs.governance, inputs.counterparties)
    gaps = [(m.orgnr, g) for m in analysis.members for g in m.gaps]
    assert len(gaps) == 1
    (_, (start, end)), = gaps
    assert (start.isoformat(), end.isoformat(), (end - start).days + 1) == ("2025-05-01", "2025-06-11", 42)
    assert [person for person, _ in analysis.shared_representatives] == ["Birgitta Lundqvist"]
    assert analysis.private_capital_status == "no_private_owner"
