# The front door. `make report` and `make test` set everything up on a fresh clone.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
INPUTS ?= inputs/example
YEAR   ?=
LANG_OPT := $(if $(REPORT_LANG),--lang $(REPORT_LANG),)
YEAR_OPT := $(if $(YEAR),--year $(YEAR),)

export GX_ANALYTICS_ENABLED := False
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: report check next-year template test test-fast test-all bench example clean distclean pdf-tools client-tools

# The virtual environment is rebuilt only when the lock file or the project metadata change.
$(VENV): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(VENV)

report: $(VENV)
	$(PY) -m pipeline report --inputs $(INPUTS) $(YEAR_OPT) $(LANG_OPT)

check: $(VENV)
	$(PY) -m pipeline check --inputs $(INPUTS) $(YEAR_OPT) $(LANG_OPT)

# Next year's input folder from this one: registers and settings copied, the new year folder, its
# instructions. YEAR is the new year (default: the latest year with a ledger, plus one).
next-year: $(VENV)
	$(PY) -m pipeline next-year --inputs $(INPUTS) $(YEAR_OPT) $(LANG_OPT)

template: $(VENV)
	$(PY) -m pipeline template --inputs $(INPUTS)

test: $(VENV) pdf-tools client-tools
	$(PY) -m pytest -q

# pdftotext (Debian's poppler-utils) lets the tests read the PDF's text back. Installed where this
# runs as root with apt (CI); elsewhere those tests skip and say so.
pdf-tools:
	@command -v pdftotext >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq poppler-utils >/dev/null 2>&1; } \
	  || echo "note: pdftotext is not installed; the tests that read the PDF's text will skip"

# The outputs' real clients: headless Chromium with axe-core 4 checks the HTML report for WCAG 2.1
# A/AA, LibreOffice opens the workbook. Debian packages as root with apt (CI); axe-core from npm into
# the project-local .clients/ (gitignored). Where they cannot be installed those tests skip and say so.
AXE_DIR := .clients
client-tools:
	@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && command -v soffice >/dev/null 2>&1; } \
	  || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && apt-get update -qq >/dev/null 2>&1 \
	       && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver libreoffice-calc-nogui >/dev/null 2>&1; } \
	  || echo "note: chromium, chromedriver or soffice could not be installed; the browser and LibreOffice tests will skip"
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null 2>&1; } || true
	@[ -f $(AXE_DIR)/node_modules/axe-core/axe.min.js ] || { command -v npm >/dev/null 2>&1 \
	  && mkdir -p $(AXE_DIR) && npm install --silent --no-audit --no-fund --prefix $(AXE_DIR) axe-core@4 >/dev/null 2>&1; } \
	  || echo "note: axe-core could not be installed with npm; the accessibility test will skip"

# The fast suite: everything but the end-to-end runs of the real CLI.
test-fast: $(VENV)
	$(PY) -m pytest -q -m "not slow"

# The property tests with many more examples.
test-all: $(VENV)
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q

bench: $(VENV)
	$(PY) -m tools.bench
	$(PY) -m tools.bench_journal

# Regenerate the bundled example organisation (the generated workbooks are committed).
example: $(VENV)
	$(PY) -m tools.example_data --out inputs/example

clean:
	rm -rf outputs/*/ 

distclean: clean
	rm -rf $(VENV) .pytest_cache .hypothesis $(AXE_DIR)
