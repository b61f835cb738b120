"""Write stage: the outputs people and machines read. It formats figures; it never computes one.

`workbook` writes the audit workbook, `pdf/` the evaluation report. The run stage
(`pipeline.run`) writes results.json and the manifest. Modules are imported where used: the PDF
and the workbook writers each pull in a large library.
"""
