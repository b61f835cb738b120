"""R4 worked by hand: the window share, the strict 80 % test, grants, history years, headroom."""

from fractions import Fraction

from pipeline.classify import classify_ledger
from pipeline.compute.teckal import window_verdict
from pipeline.settings import Settings, settings_from_dict
from tests.factories import counterparties_frame, history_frame, ledger_frame, members_frame, services_frame

MEMBER = "212000-1355"
OUTSIDER = "232100-0016"  # a public body that is not a member
MEMBERS = members_frame([(MEMBER, "Ankeby kommun", "2015-01-01", "", True)])


def classified(rows, year=2025, settings=Settings()):
    ledger = ledger_frame(rows, file=f"{year}/ledger.xlsx")
    return classify_ledger(ledger, MEMBERS, counterparties_frame(), services_frame(), settings)


def sale(voucher, amount, counterparty, account=3010, date="2025-05-01"):
    """A balanced invoice: debit 1510, credit the revenue account."""
    return [(date, voucher, 1510, amount, counterparty, ""), (date, voucher, account, -amount, counterparty, "T01")]


def test_exactly_eighty_percent_is_not_met():
    # 800 from the member, 200 from an outsider: 800 / 1000 = 0.80 exactly, and the test is strict.
    lines = classified(sale("A 1", 800, MEMBER) + sale("A 2", 200, OUTSIDER))
    verdict = window_verdict({2025: lines}, history_frame(), 2025, Settings())
    assert verdict.share == Fraction(4, 5)
    assert not verdict.met
    # Not met: 1 öre of outside revenue less (800 / 999.99 > 0.8) would make it met: headroom -0.01.
    assert verdict.headroom_ore == -1


def test_one_ore_above_eighty_percent_is_met_and_flagged_for_review():
    # 800.01 / 1000.01 = 0.80001... > 0.80, and within the 1 pp review band.
    lines = classified(sale("A 1", 800.01, MEMBER) + sale("A 2", 200, OUTSIDER))
    verdict = window_verdict({2025: lines}, history_frame(), 2025, Settings())
    assert verdict.met and verdict.review
    # Headroom: 80001 / 0.8 - 100001 = 100001.25 - 100001 = 0.25 öre, rounded down to whole öre: 0.
    assert verdict.headroom_ore == 0


def test_grants_enlarge_the_denominator_only_or_are_left_out():
    # member 900, grant 100 from an outsider on 3985.
    rows = sale("A 1", 900, MEMBER) + sale("A 2", 100, OUTSIDER, account=3985)
    included = window_verdict({2025: classified(rows)}, history_frame(), 2025, Settings())
    assert included.share == Fraction(900, 1000)
    excluding = settings_from_dict({"rules": {"grants": "exclude"}})
    excluded = window_verdict({2025: classified(rows, settings=excluding)}, history_frame(), 2025, excluding)
    assert excluded.share == Fraction(1)


def test_a_grant_from_a_member_never_counts_as_controlling():
    rows = sale("A 1", 600, MEMBER) + sale("A 2", 400, MEMBER, account=3985)
    verdict = window_verdict({2025: classified(rows)}, history_frame(), 2025, Settings())
    assert verdict.share == Fraction(600, 1000)


def test_a_credit_note_reduces_the_members_revenue():
    # Invoice 1000, credit note 150 (debit revenue): controlling 850; outsider 150. 850/1000.
    credit_note = [("2025-06-01", "A 3", 3010, 150, MEMBER, "T01"), ("2025-06-01", "A 3", 1510, -150, MEMBER, "")]
    rows = sale("A 1", 1000, MEMBER) + credit_note + sale("A 2", 150, OUTSIDER)
    verdict = window_verdict({2025: classified(rows)}, history_frame(), 2025, Settings())
    assert (verdict.controlling_ore, verdict.total_ore) == (85000, 100000)


def test_a_line_without_counterparty_counts_as_non_controlling():
    rows = sale("A 1", 900, MEMBER) + sale("A 2", 100, "")
    lines = classified(rows)
    assert set(lines.loc[lines["account"] == 3010, "category"]) == {"controlling", "unknown"}
    verdict = window_verdict({2025: lines}, history_frame(), 2025, Settings())
    assert verdict.share == Fraction(9, 10)


def test_years_without_a_ledger_come_from_history_and_the_window_is_a_ratio_of_sums():
    # 2023 from history: 700 of 1000 (0.70). 2024 and 2025 from ledgers: 900/1000 each.
    # Window: (700 + 900 + 900) / 3000 = 0.8333...; mean of shares (0.7 + 0.9 + 0.9) / 3 = 0.8333... too.
    ledgers = {
        2024: classified(sale("A 1", 900, MEMBER, date="2024-05-01") + sale("A 2", 100, OUTSIDER, date="2024-05-01"),
                         year=2024),
        2025: classified(sale("A 1", 900, MEMBER) + sale("A 2", 100, OUTSIDER)),
    }
    history = history_frame([(2023, 700, 1000), (2022, 1, 1)])
    verdict = window_verdict(ledgers, history, 2025, Settings())
    assert [(y.year, y.source) for y in verdict.years] == [(2023, "history"), (2024, "ledger"), (2025, "ledger")]
    assert verdict.share == Fraction(2500, 3000)
    assert verdict.met
    assert verdict.headroom_ore == 12499  # 2500 / 0.8 - 3000 = 125 SEK exactly: one öre less


def test_ratio_of_sums_and_mean_of_shares_can_disagree():
    # 2024: 100 of 100 (share 1.0). 2025: 790 of 1000 (0.79). Window 890/1100 = 0.809 (met);
    # mean (1.0 + 0.79)/2 = 0.895 (also above): no disagreement. Swap sizes to make them disagree:
    # 2024: 10 of 1000 (0.01), 2025: 1000 of 1000 (1.0): window 1010/2000 = 0.505 (not met), mean 0.505 too.
    # 2024: 0 of 100 (0.0), 2025: 1900 of 2000 (0.95): window 1900/2100 = 0.9048 (met), mean 0.475 (not).
    ledgers = {
        2024: classified(sale("A 1", 100, OUTSIDER, date="2024-05-01"), year=2024),
        2025: classified(sale("A 1", 1900, MEMBER) + sale("A 2", 100, OUTSIDER)),
    }
    verdict = window_verdict(ledgers, history_frame(), 2025, Settings())
    assert verdict.met and verdict.mean_share == Fraction(19, 40) and verdict.mean_disagrees
    assert verdict.missing_years == (2023,)


def test_a_year_with_no_revenue_has_no_share():
    lines = classified([("2025-01-01", "C 1", 5010, 100, "", ""), ("2025-01-01", "C 1", 1930, -100, "", "")])
    verdict = window_verdict({2025: lines}, history_frame(), 2025, Settings())
    assert verdict.years[0].share is None and verdict.share is None and not verdict.met


# Strict headroom and deficit (R4) ---------------------------------------------------------------

from pipeline.compute.teckal import controlling_needed_ore, strict_headroom_ore  # noqa: E402

EIGHTY = Fraction(4, 5)


def test_headroom_is_one_ore_less_where_the_bound_is_a_whole_ore():
    # The bound exactly 72 000,00 kr: all revenue from members, C = T = 288 000,00 kr:
    # 288 000 / 0.8 - 288 000 = 360 000 - 288 000 = 72 000,00 exactly.
    c, t = 28_800_000, 28_800_000
    assert strict_headroom_ore(c, t, EIGHTY) == 7_199_999  # 71 999,99 kr
    assert Fraction(c, t + 7_199_999) > EIGHTY  # still above at the amount named
    assert Fraction(c, t + 7_200_000) == EIGHTY  # exactly 80 % one öre beyond: not met


def test_headroom_rounds_down_where_the_bound_is_not_a_whole_ore():
    # C = 1 öre, T = 1 öre: 1 / 0.8 - 1 = 0.25 öre: the largest whole öre below is 0.
    assert strict_headroom_ore(1, 1, EIGHTY) == 0
    # C = 801 öre, T = 1000 öre: 1001.25 - 1000 = 1.25 öre -> 1 öre. 801/1001 > 0.8, 801/1002 < 0.8.
    assert strict_headroom_ore(801, 1000, EIGHTY) == 1


def test_deficit_is_the_smallest_removal_and_the_smallest_extra_controlling_revenue():
    # C = 700,00, T = 1 000,00: bound 875 - 1 000 = -125,00 exactly. Removing 125,00 of outside
    # revenue gives 700 / 875 = 0.80 exactly (not met), so the deficit is 125,01 kr.
    c, t = 70_000, 100_000
    assert strict_headroom_ore(c, t, EIGHTY) == -12_501
    assert Fraction(c, t - 12_501) > EIGHTY and Fraction(c, t - 12_500) == EIGHTY
    # Extra controlling revenue K: (0.8 * 1000 - 700) / 0.2 = 500,00 exactly, so K = 500,01 kr:
    # 1 200,01 / 1 500,01 > 0.8, while 1 200 / 1 500 = 0.8 exactly.
    assert controlling_needed_ore(c, t, EIGHTY) == 50_001
    assert Fraction(c + 50_001, t + 50_001) > EIGHTY and Fraction(c + 50_000, t + 50_000) == EIGHTY


def test_every_headroom_holds_at_its_amount_and_fails_one_ore_beyond():
    # The sentence "could take X more and still stay above 80 %" on many small exact cases.
    # (C > 0: with no controlling revenue at all no removal of other revenue can help.)
    for c in range(1, 400, 7):
        for t in range(max(c, 1), 500, 11):
            x = strict_headroom_ore(c, t, EIGHTY)
            if x >= 0:
                assert Fraction(c, t + x) > EIGHTY and Fraction(c, t + x + 1) <= EIGHTY, (c, t, x)
            else:
                assert Fraction(c, t + x) > EIGHTY and (t + x + 1 == 0 or Fraction(c, t + x + 1) <= EIGHTY), (c, t, x)
            if Fraction(c, t) <= EIGHTY:
                k = controlling_needed_ore(c, t, EIGHTY)
                assert Fraction(c + k, t + k) > EIGHTY and Fraction(c + k - 1, t + k - 1) <= EIGHTY, (c, t, k)


def test_one_year_of_figures_is_provisional_and_three_are_not():
    one = window_verdict({2025: classified(sale("A 1", 900, MEMBER))}, history_frame(), 2025, Settings())
    assert one.met and one.provisional and one.missing_years == (2023, 2024)
    two = window_verdict({2025: classified(sale("A 1", 900, MEMBER))}, history_frame([(2024, 900, 1000)]), 2025,
                         Settings())
    assert two.provisional and len(two.years) == 2
    three = window_verdict({2025: classified(sale("A 1", 900, MEMBER))},
                           history_frame([(2023, 900, 1000), (2024, 900, 1000)]), 2025, Settings())
    assert not three.provisional
