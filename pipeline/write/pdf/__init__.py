"""The evaluation report PDF, one module per part: text and number formats (`text`, `formats`),
page layout (`layout`), charts (`charts`), and the chapters (`front`, `teckal_chapter`,
`accounts_chapter`, `compliance_chapter`, `audit_chapter`). `write_pdf` in `document` is the
entry point; nothing here computes a figure.
"""

from pipeline.write.pdf.document import write_pdf

__all__ = ["write_pdf"]
