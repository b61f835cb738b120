"""The evaluation report PDF, one module per part: text and number formats, page layout,
charts, and the chapters. `pipeline.write_pdf.write_pdf` is the entry point; nothing here
computes a figure, every number comes from the figures dict that becomes results.json.
"""
