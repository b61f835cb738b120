"""R5's open-market (Hamburg) test worked by hand: everything outside the cooperation over the
three-year window, strictly below 20 %, the private part beside it."""

from fractions import Fraction

from pipeline.compute.hamburg import open_market_window
from pipeline.compute.teckal import window_verdict
from pipeline.settings import Settings
from tests.factories import history_frame
from tests.test_teckal import MEMBER, OUTSIDER, classified, sale

FIRM = "556677-8899"
TWENTY = Fraction(1, 5)


def test_exactly_twenty_percent_outside_is_not_met_and_other_public_bodies_count_as_outside():
    # 2025: member 800, other public body 150, private 50: outside = 200 of 1 000 = 0.20 exactly.
    lines = classified(sale("A 1", 800, MEMBER) + sale("A 2", 150, OUTSIDER) + sale("A 3", 50, FIRM))
    verdict = window_verdict({2025: lines}, history_frame(), 2025, Settings())
    market = open_market_window(verdict, TWENTY)
    assert market.share == Fraction(1, 5) and not market.met
    # The private part alone is 50 / 1 000 = 0.05: shown beside it, never the test.
    assert market.private_share == Fraction(1, 20) and market.private_years == (2025,)


def test_one_ore_less_outside_is_met():
    # Member 800.01, outside 199.99 + ... : outside 19 999 of 100 000 öre = 0.19999 < 0.20.
    lines = classified(sale("A 1", 800.01, MEMBER) + sale("A 2", 199.99, OUTSIDER))
    market = open_market_window(window_verdict({2025: lines}, history_frame(), 2025, Settings()), TWENTY)
    assert market.share == Fraction(19_999, 100_000) and market.met


def test_the_window_takes_history_years_and_the_private_part_rests_on_ledger_years():
    # 2023 (history): 700 of 1 000, so 300 outside. 2024: none. 2025 (ledger): member 900, firm 100.
    # Window outside (300 + 100) / 2 000 = 0.20: not met, although 2025 alone has 10 %.
    lines = classified(sale("A 1", 900, MEMBER) + sale("A 2", 100, FIRM))
    verdict = window_verdict({2025: lines}, history_frame([(2023, 700, 1000)]), 2025, Settings())
    market = open_market_window(verdict, TWENTY)
    assert (market.outside_ore, market.total_ore) == (40_000, 200_000) and not market.met
    assert market.private_share == Fraction(1, 10) and market.private_years == (2025,)
