"""Whole-file and whole-year checks of the ledgers (pipeline.validate.ledger_checks), on tiny
ledgers whose findings can be counted by hand."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from pipeline.messages import messages
from pipeline.settings import Settings, settings_from_dict
from pipeline.validate.ledger_checks import (
    duplicate_vouchers,
    format_sek,
    ledger_checks,
    missing_months,
    purchases_year,
    revenue_signs,
    voucher_key,
    wrong_year_files,
)
from tests.factories import history_frame, ledger_frame, make_inputs, members_frame

SV = messages("sv")
MEMBER = "212000-1355"


def _sale(date: str, voucher: str, amount: float) -> list[tuple]:
    return [(date, voucher, 1510, amount, MEMBER, ""), (date, voucher, 3010, -amount, MEMBER, "T01")]


def test_voucher_identity_keeps_series_and_number_apart():
    # SIE series "1" number "12" and series "11" number "2" are two vouchers; case and blanks are not.
    keys = voucher_key(pd.Series(["1 12", "11 2", "a  12", "A 12"]))
    assert list(keys) == ["1 12", "11 2", "a 12", "a 12"]


def test_voucher_identity_collapses_every_kind_of_blank_and_keeps_a_missing_voucher_missing():
    # A tab, a no-break space and blanks at the ends are blanks too; a missing voucher is no key.
    keys = voucher_key(pd.Series([" B\t7 ", "b\u00a0 7", "ß 1", None], dtype="str"))
    assert list(keys[:3]) == ["b 7", "b 7", "ss 1"] and pd.isna(keys[3])
    assert str(keys.dtype) == "str"


def test_the_ascii_blanks_the_voucher_keys_know_are_pythons():
    # str.split() splits at the characters str.isspace() names; in ASCII the keys made all at
    # once handle the space and the line break themselves and leave texts with the others.
    from pipeline.validate.ledger_checks import _OTHER_ASCII_BLANKS

    assert set(_OTHER_ASCII_BLANKS) | {ord(" "), ord("\n")} == {c for c in range(128) if chr(c).isspace()}


def test_voucher_keys_made_all_at_once_are_each_texts_own_key():
    # ASCII texts whose only blank is the space are keyed all at once; any other text (a tab, a
    # line break, a letter outside ASCII, a missing voucher) one by one: the keys are the same.
    def one_by_one(text):
        return " ".join(text.split()).casefold()

    plain = ["  A  12 ", "a 12", "", " ", "B\u0020\u00207", "C-1"]
    assert list(voucher_key(pd.Series(plain, dtype="str"))) == ["a 12", "a 12", "", "", "b 7", "c-1"]
    pieces = ["a", "A", "Z", "1", " ", "  ", "-", "\t", "\n", "\r", "\x1f", "\u00a0", "\u03a3", "\u00df"]
    generator = random.Random(2026)
    for _ in range(2000):
        texts = ["".join(generator.choice(pieces) for _ in range(generator.randint(0, 6)))
                 for _ in range(generator.randint(1, 6))]
        assert list(voucher_key(pd.Series(texts, dtype="str"))) == [one_by_one(text) for text in texts]


def test_two_files_sharing_two_vouchers_give_one_finding_naming_both():
    march = ledger_frame(_sale("2025-03-01", "A 1", 100) + _sale("2025-03-02", "A 2", 50), file="2025/ledger-03.xlsx")
    copy = ledger_frame(_sale("2025-03-01", "A 1", 100) + _sale("2025-03-02", "A 2", 50),
                        file="2025/ledger-03 (1).xlsx")
    april = ledger_frame(_sale("2025-04-01", "A 3", 10), file="2025/ledger-04.xlsx")
    [finding] = duplicate_vouchers(pd.concat([march, copy, april], ignore_index=True), 2025, SV)
    assert finding.severity == "critical" and not finding.success
    # "(1)" names the copy, although it sorts before the original (" " < "."): the copy repeats.
    assert "2025/ledger-03 (1).xlsx [Huvudbok] upprepar 2 verifikation(er) från 2025/ledger-03.xlsx [Huvudbok]" \
        in finding.description
    assert finding.unexpected_count == 2 and finding.element_count == 3  # A 1, A 2 of A 1..A 3
    assert len(finding.unexpected_ids) == 4  # the copy's four lines
    assert all(i.startswith("2025/ledger-03 (1).xlsx:") for i in finding.unexpected_ids)


def test_the_duplicate_voucher_finding_is_the_same_with_the_run_s_voucher_index():
    from pipeline.validate.journal import ledger_vouchers

    year = pd.concat([ledger_frame(_sale("2025-03-01", "A 1", 100) + _sale("2025-03-02", "a  2", 50),
                                   file="2025/ledger-03.xlsx"),
                      ledger_frame(_sale("2025-03-01", "A 1", 100) + _sale("2025-03-02", "A 2", 50),
                                   file="2025/ledger-03 - Kopia.xlsx")], ignore_index=True)
    [without] = duplicate_vouchers(year, 2025, SV)
    [with_index] = duplicate_vouchers(year, 2025, SV, ledger_vouchers({2025: year})[2025])
    assert with_index == without
    assert with_index.unexpected_count == 2 and with_index.element_count == 2  # "a  2" is "A 2"
    assert len(with_index.unexpected_ids) == 4  # the copy's four lines
    assert all(i.startswith("2025/ledger-03 - Kopia.xlsx:") for i in with_index.unexpected_ids)


@pytest.mark.parametrize(("copy", "original"), [
    ("2025/ledger-03 - Kopia.xlsx", "2025/ledger-03.xlsx"), ("2025/ledger-03 - Copy.xlsx", "2025/ledger-03.xlsx"),
    ("2025/ledger-03 copy 2.xlsx", "2025/ledger-03.xlsx"), ("2025/ledger-03 (2).csv", "2025/ledger-03.csv"),
    ("2025/ledger-03_kopia.xlsx", "2025/ledger-03.xlsx")])
def test_the_copy_is_named_as_repeating_the_original_whatever_the_sort_order(copy, original):
    lines = _sale("2025-03-01", "A 1", 100)
    [finding] = duplicate_vouchers(pd.concat([ledger_frame(lines, file=original), ledger_frame(lines, file=copy)],
                                             ignore_index=True), 2025, SV)
    assert f"{copy} [Huvudbok] upprepar 1 verifikation(er) från {original} [Huvudbok]" in finding.description


def test_two_files_neither_named_as_a_copy_are_named_in_sort_order():
    lines = _sale("2025-03-01", "A 1", 100)
    [finding] = duplicate_vouchers(pd.concat([ledger_frame(lines, file="2025/ledger-03.xlsx"),
                                              ledger_frame(lines, file="2025/ledger-03.csv")], ignore_index=True), 2025, SV)
    assert "2025/ledger-03.xlsx [Huvudbok] upprepar 1 verifikation(er) från 2025/ledger-03.csv [Huvudbok]" \
        in finding.description


def test_series_1_number_12_and_series_11_number_2_are_not_duplicates():
    one = ledger_frame(_sale("2025-03-01", "1 12", 100), file="2025/a.se")
    other = ledger_frame(_sale("2025-03-01", "11 2", 100), file="2025/b.se")
    [result] = duplicate_vouchers(pd.concat([one, other], ignore_index=True), 2025, SV)
    assert result.success


def test_a_file_mostly_of_another_year_is_critical_and_a_stray_line_is_not():
    last_year = ledger_frame(_sale("2024-03-01", "A 1", 100) + _sale("2025-01-02", "A 2", 1), file="2025/old.xlsx")
    # 2 of 4 lines outside: exactly half is not "most".
    [passed] = wrong_year_files(last_year, 2025, SV)
    assert passed.success
    mostly = ledger_frame(_sale("2024-03-01", "A 1", 100) + _sale("2024-04-01", "A 3", 5)
                          + _sale("2025-01-02", "A 2", 1), file="2025/old.xlsx")
    [finding] = wrong_year_files(mostly, 2025, SV)
    assert "4 av 6 rader har datum utanför 2025; filen ser ut som huvudboken för 2024" in finding.description


def test_only_the_file_of_another_year_is_named_with_its_own_lines():
    # March is this year's; old.xlsx has 4 lines of 2024 and 2 of 2025: it alone is named, with its 4.
    march = ledger_frame(_sale("2025-03-01", "A 1", 100), file="2025/ledger-03.xlsx")
    old = ledger_frame(_sale("2024-03-01", "B 1", 100) + _sale("2024-04-01", "B 3", 5)
                       + _sale("2025-01-02", "B 2", 1), file="2025/old.xlsx")
    [finding] = wrong_year_files(pd.concat([march, old], ignore_index=True), 2025, SV)
    assert "2025/old.xlsx" in finding.description and "ledger-03" not in finding.description
    assert finding.element_count == 6 and finding.unexpected_count == 4
    assert len(finding.unexpected_ids) == 4 and all(i.startswith("2025/old.xlsx:") for i in finding.unexpected_ids)


def test_negative_revenue_or_mostly_debits_suggests_the_sign_setting():
    settings = Settings()
    flipped = ledger_frame([(d, v, a, -x, c, s) for d, v, a, x, c, s in _sale("2025-03-01", "A 1", 100)])
    [finding] = revenue_signs(flipped, 2025, settings, SV)
    assert not finding.success and 'ledger_sign = "credit_positive"' in finding.description
    assert "blir -100,00 kr" in finding.description
    # Mostly debits although the sum is positive: two credit notes of 10, one sale of 100.
    notes = ledger_frame(_sale("2025-03-01", "A 1", 100) + _sale("2025-03-02", "A 2", -10)
                         + _sale("2025-03-03", "A 3", -10))
    [finding] = revenue_signs(notes, 2025, settings, SV)
    assert not finding.success and "2 av 3 rader på intäktskonton är debet" in finding.description
    credit_positive = settings_from_dict({"rules": {"ledger_sign": "credit_positive"}})
    [finding] = revenue_signs(flipped, 2025, credit_positive, SV)
    assert 'ledger_sign = "debit_positive"' in finding.description


def test_an_order_of_magnitude_against_history_warns_and_a_missing_year_warns():
    # 2025 revenue 10 000 against history's 2024 total 1 000: ten times, a warning; 2023 is missing.
    inputs = make_inputs(2025, {2025: ledger_frame(_sale("2025-03-01", "A 1", 10_000))},
                         members_frame([(MEMBER, "Ankeby", "2015-01-01", None, True)]),
                         history=history_frame([(2024, 900, 1_000)]))
    found = {r.check: r for r in ledger_checks(inputs, Settings(), SV) if not r.success}
    assert found["revenue_magnitude"].severity == "warning"
    assert "omkring 10 gånger större än 2024 års 1\u00a0000,00 kr (historik)" in found["revenue_magnitude"].description
    assert "Bara 2 av tre år har siffror" in found["window_years"].description
    assert "saknas: 2023" in found["window_years"].description
    # Nine times is no order of magnitude.
    inputs.history = history_frame([(2023, 1, 1), (2024, 900, 1_112)])
    found = {r.check for r in ledger_checks(inputs, Settings(), SV) if not r.success}
    assert found == {"missing_months"}  # lines in March only: the other months are a warning of their own


def _months(year: int, months: list[int], files: str = "monthly") -> pd.DataFrame:
    """Lines on the 15th of the given months: a file per month, one file, or a file per quarter."""
    frames = []
    for month in months:
        frame = ledger_frame(_sale(f"{year}-{month:02d}-15", f"A {month}", 100))
        frame["source_file"] = {"monthly": f"{year}/ledger-{year}-{month:02d}.xlsx",
                                "one": f"{year}/ledger-{year}.xlsx",
                                "quarterly": f"{year}/ledger-{year}-q{(month - 1) // 3 + 1}.xlsx"}[files]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def test_a_month_without_lines_between_monthly_files_stops_the_run():
    [result] = missing_months(_months(2025, [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 2025, SV)
    assert (result.success, result.severity) == (False, "critical")
    assert (result.element_count, result.unexpected_count) == (12, 1)
    assert result.description.startswith("Inga rader alls i 2025-03, fast huvudboken 2025 kommer som månadsfiler och "
                                          "har rader både före och efter eller samma månad året före")
    # Two gaps and a missing December: the gaps are what stops the run.
    [result] = missing_months(_months(2025, [1, 3, 4, 6, 7, 8, 9, 10, 11]), 2025, SV)
    assert result.severity == "critical" and result.description.startswith("Inga rader alls i 2025-02, 2025-05, fast")


def test_a_first_or_last_monthly_file_missing_stops_the_run_when_the_year_before_had_that_month():
    december_missing = _months(2025, list(range(1, 12)))
    # The year before booked in December: its file was left out (exported before the year was closed).
    [result] = missing_months(december_missing, 2025, SV, year_before=_months(2024, list(range(1, 13))))
    assert (result.severity, result.unexpected_count) == ("critical", 1)
    assert result.description.startswith("Inga rader alls i 2025-12, fast")
    # The year before had no December (or there is no ledger of it): a body that closed, a warning.
    for before in (_months(2024, list(range(1, 12))), None):
        [result] = missing_months(december_missing, 2025, SV, year_before=before)
        assert result.severity == "warning"
    # A body that began in March: no file for January or February, none the year before either.
    [result] = missing_months(_months(2025, list(range(3, 13))), 2025, SV, year_before=_months(2024, [11, 12]))
    assert result.severity == "warning"
    # Closed in November, and said so with a header-only December file.
    [result] = missing_months(december_missing, 2025, SV, ("2025/ledger-2025-12.xlsx",), _months(2024, [12]))
    assert result.success


def test_an_export_of_one_file_cut_short_stops_the_run_when_the_year_before_had_that_month():
    # One file for the year, exported before December was closed.
    cut_short = _months(2025, list(range(1, 12)), "one")
    [result] = missing_months(cut_short, 2025, SV, year_before=_months(2024, list(range(1, 13)), "one"))
    assert (result.severity, result.unexpected_count) == ("critical", 1)
    assert result.description.startswith("Inga rader alls i 2025-12, fast huvudboken 2025 har rader nästan alla "
                                         "andra månader och samma månad året före hade rader")
    # Only the months the year before booked in count; a sparse year (a body that books seldom) warns.
    [result] = missing_months(cut_short, 2025, SV, year_before=_months(2024, list(range(1, 12)), "one"))
    assert result.severity == "warning"
    sparse = _months(2025, [3, 6, 9], "one")
    [result] = missing_months(sparse, 2025, SV, year_before=_months(2024, list(range(1, 13)), "one"))
    assert result.severity == "warning"


def test_a_month_delivered_as_a_file_of_only_its_header_had_nothing_booked():
    ledger = _months(2025, [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12])
    [result] = missing_months(ledger, 2025, SV, empty_files=("2025/ledger-2025-07.xlsx",))
    assert result.success
    # A file without lines whose name holds no month of the year delivers nothing.
    [result] = missing_months(ledger, 2025, SV, empty_files=("2025/ledger-2025-tom.xlsx", "2025/ledger-2024-07.xlsx"))
    assert result.severity == "critical"


def test_other_months_without_lines_are_a_warning():
    # At the ends of the year: a body that began in March or closed in November.
    [result] = missing_months(_months(2025, list(range(3, 13))), 2025, SV)
    assert (result.success, result.severity, result.unexpected_count) == (False, "warning", 2)
    assert result.description.startswith("Huvudboken 2025 har inga rader i 2025-01, 2025-02. Det stämmer om")
    [result] = missing_months(_months(2025, list(range(1, 12))), 2025, SV)
    assert result.severity == "warning" and "i 2025-12." in result.description
    gap = [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    # A gap inside a year delivered as one file or by quarter: a body that books seldom has them too.
    for files in ("one", "quarterly"):
        [result] = missing_months(_months(2025, gap, files), 2025, SV)
        assert (result.severity, result.unexpected_count) == ("warning", 1) and "i 2025-03." in result.description
    # Monthly files of a body that books seldom (fewer than nine months with lines): a warning.
    [result] = missing_months(_months(2025, [1, 3, 6, 9, 12]), 2025, SV)
    assert (result.severity, result.unexpected_count) == ("warning", 7)


def test_a_year_with_lines_in_every_month_passes_and_lines_of_other_years_do_not_count():
    ledger = pd.concat([_months(2025, list(range(1, 13))), _months(2024, [5])], ignore_index=True)
    [result] = missing_months(ledger, 2025, SV)
    assert result.success and result.description == "Varje månad av året har rader i huvudboken (huvudbok 2025)"
    # Lines of 2024 and 2026 only, and a line without a date: nothing in 2025 to judge (wrong_year_files speaks).
    other = pd.concat([_months(2024, [1, 12]), _months(2026, [1])], ignore_index=True)
    assert missing_months(other, 2025, SV) == []
    undated = _months(2025, list(range(1, 13)))
    undated.loc[0, "date"] = pd.NaT
    assert missing_months(undated, 2025, SV)[0].success


def test_money_in_messages_is_swedish_kronor():
    assert format_sek(-123456789) == "-1\u00a0234\u00a0567,89"
    assert format_sek(5) == "0,05"


def test_the_unbalanced_voucher_check_counts_distinct_vouchers_with_or_without_the_index():
    from pipeline.validate.journal import ledger_vouchers
    from pipeline.validate.suites import _journal_checks

    lines = _sale("2025-03-01", "A 1", 100) + _sale("2025-03-01", "A 1", 100) + [
        ("2025-03-02", "A 2", 1510, 40, MEMBER, ""), ("2025-03-02", "", 3010, -40, MEMBER, "T01")]
    year = ledger_frame(lines)
    inputs = make_inputs(2025, {2025: year}, members_frame([]))
    [without] = _journal_checks(inputs, SV, {})
    [with_index] = _journal_checks(inputs, SV, ledger_vouchers(inputs.ledgers))
    assert with_index == without
    # "A 1" and "A 2" and the empty voucher text: three distinct, as nunique() counts them.
    assert with_index.element_count == year["voucher"].nunique() == 3
    assert with_index.unexpected_count == 2  # "A 2" (+40) and "" (-40) do not balance


@pytest.mark.parametrize("unit, copy", [
    ("2025/ledger-2025 - Kopia.xlsx [Huvudbok]", True), ("2025/ledger-2025 (1).xlsx [Huvudbok]", True),
    ("2025/ledger-2025 (123).xlsx [Huvudbok]", True), ("2025/ledger-2025 kopia.csv", True),
    ("2025/ledger-2025.xlsx [Huvudbok (2)]", True), ("2025/ledger-2025.xlsx [Huvudbok - kopia]", True),
    ("2025/ledger-2025.xlsx [Huvudbok]", False), ("2025/ledger-2025.xlsx [Mars (2025)]", False),
    ("2025/ledger-2025.csv", False),
])
def test_a_copy_is_told_by_its_file_or_sheet_name(unit, copy):
    from pipeline.validate.ledger_checks import _original_first

    assert _original_first(unit)[0] is copy


def _purchases(dates: list[str | None], amounts: list[float], file: str = "2025/purchases-2025.xlsx") -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.to_datetime(pd.Series(dates, dtype="object")),
        "amount_ore": [round(a * 100) for a in amounts],
        "source_file": pd.Series([file] * len(dates), dtype="str"),
        "source_id": pd.Series([f"{file}:Blad1:{i + 2}" for i in range(len(dates))], dtype="str"),
    })


def test_an_accounts_payable_file_mostly_of_another_year_is_critical():
    ledger = ledger_frame(_sale("2025-03-01", "A 1", 100), file="2025/ledger.xlsx")
    # 3 of 4 rows dated 2016: the file of another year, refused as a ledger file would be.
    inputs = make_inputs(2025, {2025: ledger}, members_frame([(MEMBER, "Ankeby kommun", "2015-01-01", "", True)]),
                         purchases=_purchases(["2016-03-01", "2016-03-02", "2016-03-31", "2025-01-10"], [10, 20, 30, 40]))
    [finding] = purchases_year(inputs, Settings(), SV)
    assert (finding.suite, finding.severity, finding.success, finding.batch) == ("purchases", "critical", False, "purchases")
    assert "3 av 4 inköpsrader har datum utanför 2025; filen ser ut som leverantörsreskontran för 2016" in finding.description
    # Mostly 2025: passed, and listed as made.
    inputs = make_inputs(2025, {2025: ledger}, inputs.members,
                         purchases=_purchases(["2025-03-01", "2025-03-02", "2016-03-31"], [10, 20, 30]))
    [passed] = purchases_year(inputs, Settings(), SV)
    assert passed.success and passed.suite == "purchases"


def test_an_undated_accounts_payable_file_is_said_with_its_total_beside_the_ledgers_costs():
    # Costs 2025: 5410 250,00 + 5410 1 000,00 = 1 250,00 kr; purchases 100,00 + 23,45 = 123,45 kr.
    ledger = ledger_frame([("2025-03-01", "A 1", 5410, 250, "", ""), ("2025-03-01", "A 1", 2440, -250, "", ""),
                           ("2025-04-01", "A 2", 5410, 1000, "", ""), ("2025-04-01", "A 2", 2440, -1000, "", "")],
                          file="2025/ledger.xlsx")
    inputs = make_inputs(2025, {2025: ledger}, members_frame([(MEMBER, "Ankeby kommun", "2015-01-01", "", True)]),
                         purchases=_purchases([None, None], [100, 23.45]))
    [finding] = purchases_year(inputs, Settings(), SV)
    assert (finding.check, finding.severity, finding.success) == ("purchases_undated", "warning", False)
    assert "inget datum på någon av sina 2 rader" in finding.description
    assert "Dess summa är 123,45 kr, huvudbokens kostnader 2025 är 1\u00a0250,00 kr" in finding.description
    assert finding in ledger_checks(inputs, Settings(), SV)
    # No accounts payable: nothing to say.
    assert purchases_year(make_inputs(2025, {2025: ledger}, inputs.members), Settings(), SV) == []
