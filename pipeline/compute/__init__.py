"""Compute stage: the figures of the report year from the classified ledger lines.

Entry: `compute_results(inputs, classified, settings) -> Results`, and `with_lines_table` for
the table of every classified line, which the run makes apart (it is the largest). Modules, one
job each:
`teckal` the activity share and its window verdict (DOMAIN R4), `separate_accounts` the
separate accounts per service and activity (R5), `hamburg` the open-market share, `governance`
the control and private-capital criteria (R8), `suppliers` and `direct_awards` the supplier
analysis (R6), `evaluation` the LOS evaluation per service (R9); `teckal_figures`,
`accounts_figures`, `supplier_figures` and `flags` turn those into the records of
`pipeline.figures`, and `results` assembles them with the tables behind them.
"""

from pipeline.compute.results import Results, classify_window, compute_results, with_lines_table

__all__ = ["Results", "classify_window", "compute_results", "with_lines_table"]
