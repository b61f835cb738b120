"""Read stage: every input file of one organisation folder to canonical frames with provenance.

Entry: `read_inputs(folder, year, settings) -> Inputs`. Modules, one job each: `folder` walks the
input folder and builds the frames, `parse` turns cells into typed values, `headers` finds and
matches header rows, `csv_text` and `sie` read the two text formats, `safety` inspects workbook
files before they are opened. Shared shapes (RawSheet, field lists) live in `pipeline.model`.
"""

from pipeline.read.folder import available_years, read_inputs

__all__ = ["available_years", "read_inputs"]
