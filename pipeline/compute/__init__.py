"""Compute stage: the figures of the report year from the classified ledger lines.

Entry: `compute_results(inputs, classified, settings) -> Results`. Modules, one job each:
`teckal` the activity share and its window verdict (DOMAIN R4), `separate_accounts` the
separate accounts per service and activity (R5), `suppliers` the supplier analysis (R6), and
`results`, which assembles the figure groups and the tables behind them.
"""

from pipeline.compute.results import Results, classify_window, compute_results

__all__ = ["Results", "classify_window", "compute_results"]
