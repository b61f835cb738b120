"""The outputs' real clients for the tests: headless Chromium driven by Selenium with axe-core 4
(from npm, in .clients/), and LibreOffice headless. `make client-tools` installs them (as root
with apt and npm, as CI runs); where they are missing a test skips and says why, except under CI
as root, where a missing client means the install step broke and the test fails."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
AXE_JS = REPO / ".clients" / "node_modules" / "axe-core" / "axe.min.js"
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def need(what: str, present: bool) -> None:
    if present:
        return
    if os.environ.get("CI") and os.geteuid() == 0:
        pytest.fail(f"{what} is missing although this CI run is root: `make client-tools` should have installed it")
    pytest.skip(f"{what} is not installed (`make client-tools` installs it as root with apt and npm)")


def chromium_with_axe():
    """A headless Chromium session (Selenium); the caller quits it."""
    need("chromium and chromedriver", bool(shutil.which("chromium") and shutil.which("chromedriver")))
    need("axe-core (npm, in .clients/)", AXE_JS.is_file())
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        need("selenium (pip)", False)
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,1600"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium")
    return webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
  .then(r => done({passes: r.passes.length,
                   violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.map(n => n.target.join(' '))})),
                   incomplete: r.incomplete.map(v => ({id: v.id, nodes: v.nodes.length}))}))
  .catch(e => done({error: String(e)}));
"""


def axe_report(driver, page: Path) -> dict:
    """axe-core's WCAG 2.1 A/AA result for a local page: passes (count), violations, incomplete."""
    driver.get(page.resolve().as_uri())
    driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    driver.set_script_timeout(120)
    result = driver.execute_async_script(AXE_RUN, WCAG21_AA)
    assert "error" not in result, result
    return result


def workbook_as_csv(workbook: Path, into: Path) -> dict[str, list[list[str]]]:
    """Every sheet of `workbook` as LibreOffice reads it: raw values, UTF-8, one CSV per sheet."""
    soffice = shutil.which("soffice")
    need("LibreOffice (soffice)", soffice is not None)
    into.mkdir(parents=True, exist_ok=True)
    profile = into / "profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1",
                    "--outdir", str(into), str(workbook)], check=True, capture_output=True, timeout=600)
    sheets = {}
    for path in sorted(into.glob(f"{workbook.stem}-*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[path.stem[len(workbook.stem) + 1:]] = list(csv.reader(handle))
    return sheets
