"""Blank input templates for a new input folder: `python -m pipeline template --inputs <folder>`.

`write_templates` writes the registers (members, counterparties, services, suppliers, history,
governance),
one ledger for a year, and a `settings.toml` with every setting at its default and a comment
per key. Each workbook has the template headers of DATA-CONTRACT.md on its first sheet (bold,
frozen, sized columns, cell formats, drop-down lists and date checks in Excel) and a second
sheet explaining every column in Swedish, or English on request. The files are byte-identical
from run to run, so a re-run can be compared by hash.

It never writes into a folder that already holds files (last year's data must not be
overwritten), never reads inputs and never fills in data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from pipeline.errors import UsageError
from pipeline.model import INSTRUCTION_SHEETS
from pipeline.settings import SETTINGS_FILE, Settings

LANGUAGES = ("sv", "en")
ORGANISATION_PLACEHOLDER = "Organisationens namn"
# XlsxWriter stamps zip entries with 1980-01-01; a fixed creation date in the document
# properties makes the whole file independent of when it was written.
FIXED_CREATED = dt.datetime(2000, 1, 1)
LAST_EXCEL_ROW = 1_048_575  # 0-based: validations and formats cover the whole column
# Dates a user can mean in these registers; anything outside is a typing error.
FIRST_VALID_DATE = dt.date(1900, 1, 1)
LAST_VALID_DATE = dt.date(2099, 12, 31)
INPUT_MESSAGE_LIMIT = 255  # Excel's limit for a validation's input message


@dataclass(frozen=True)
class Column:
    """One template column: its header, whether it is required, its kind and its help text."""

    header: str
    required: str  # "ja" | "nej" | "ja*" (one of two alternatives, explained in the help)
    kind: str  # text | orgnr | date | amount | account | year | number | choice | open_choice
    width: int
    help_sv: str
    help_en: str
    example: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    """One workbook: its file name, its data sheet's name and its columns, in order."""

    file: str
    sheet_sv: str
    sheet_en: str
    title_sv: str
    title_en: str
    columns: tuple[Column, ...]


YES_NO = ("ja", "nej")

MEMBERS = Template("members.xlsx", "Medlemmar", "Members",
                   "Medlemsregister: en rad per medlem och medlemsperiod.",
                   "Member register: one row per member and membership period.", (
    Column("Orgnr", "ja", "orgnr", 15, "Medlemmens organisationsnummer.", "The member's organisation number.",
           "212000-0142"),
    Column("Namn", "ja", "text", 30, "Medlemmens namn.", "The member's name.", "Exempelstads kommun"),
    Column("Typ", "nej", "open_choice", 14, "Kommun, region, förbund, myndighet eller annan text.",
           "Municipality (kommun), region, federation (förbund), agency (myndighet) or other text.",
           "kommun", ("kommun", "region", "förbund", "myndighet")),
    Column("Medlem från", "ja", "date", 13, "Första dagen som medlem.", "First day as a member.", "2019-01-01"),
    Column("Medlem till", "nej", "date", 13, "Sista dagen som medlem; tom = fortfarande medlem.",
           "Last day as a member; empty = still a member.", ""),
    Column("Kontrollerande", "nej", "choice", 15,
           "Deltar medlemmen i den gemensamma kontrollen (LOU 3 kap. 13 §)? Tom = ja.",
           "Does the member take part in joint control (LOU 3 kap. 13 §)? Empty = yes.", "ja", YES_NO),
    Column("Kundnummer", "nej", "text", 13,
           "Medlemmens kundnummer i ekonomisystemet (SIE-dimension 8), om huvudboken har kundnummer i stället "
           "för org.nr.",
           "The member's customer number in the accounting system (SIE dimension 8), where the ledger carries "
           "customer numbers instead of org. nos.", "10042"),
))

COUNTERPARTIES = Template("counterparties.xlsx", "Motparter", "Counterparties",
                          "Motpartsregister (frivilligt): kunder som inte är medlemmar, t.ex. medlemsägda bolag.",
                          "Counterparty register (optional): customers that are not members, e.g. "
                          "member-owned companies.", (
    Column("Orgnr", "ja", "orgnr", 15, "Motpartens organisationsnummer.", "The counterparty's organisation number.",
           "556677-8899"),
    Column("Namn", "ja", "text", 30, "Motpartens namn.", "The counterparty's name.", "Exempelstads Energi AB"),
    Column("Sektor", "nej", "choice", 12, "Offentlig eller privat sektor.", "Public (offentlig) or private (privat).",
           "offentlig", ("offentlig", "privat")),
    Column("Kontrolleras av", "nej", "orgnr", 16,
           "Organisationsnummer på den medlem som kontrollerar motparten (för kontrollerade bolag).",
           "Organisation number of the member that controls the counterparty (for controlled companies).",
           "212000-0142"),
    Column("Kundnummer", "nej", "text", 13,
           "Motpartens kundnummer i ekonomisystemet (SIE-dimension 8), om huvudboken har kundnummer i stället "
           "för org.nr.",
           "The counterparty's customer number in the accounting system (SIE dimension 8), where the ledger "
           "carries customer numbers instead of org. nos.", "20017"),
))

SERVICES = Template("services.xlsx", "Tjänster", "Services",
                    "Tjänstekatalog: en rad per tjänst med beslutet om klassificering.",
                    "Service catalogue: one row per service with the classification decision.", (
    Column("Tjänstekod", "ja", "text", 12, "Koden som står i huvudbokens kolumn Tjänst.",
           "The code used in the ledger's Tjänst column.", "T100"),
    Column("Namn", "ja", "text", 30, "Tjänstens namn.", "The service's name.", "Gemensam e-tjänsteplattform"),
    Column("Klassificering", "ja", "choice", 16,
           "Samverkan (kostnadsdelning mellan medlemmarna) eller säljverksamhet (erbjuds på en marknad).",
           "Samverkan (cost-sharing among members) or säljverksamhet (sales activity offered on a market).",
           "samverkan", ("samverkan", "säljverksamhet")),
    Column("Rättslig grund", "nej", "text", 24, "Lagrum eller beslut som tjänsten vilar på.",
           "Legal basis of the service.", "Förbundsordningen § 4"),
    Column("Medlemsbehov", "nej", "text", 24, "Vilket behov hos medlemmarna tjänsten möter.",
           "Which member need the service meets.", "Gemensam drift av e-tjänster"),
    Column("Målgrupp", "nej", "text", 18, "Vilka tjänsten erbjuds till.", "Who the service is offered to.",
           "medlemmar"),
    Column("Prissättning", "nej", "choice", 14, "Självkostnad, marknadspris eller annat.",
           "Self-cost (självkostnad), market price (marknadspris) or other (annat).", "självkostnad",
           ("självkostnad", "marknadspris", "annat")),
    Column("Beslutsdatum", "nej", "date", 13, "Datum för beslutet om klassificering.",
           "Date of the classification decision.", "2024-03-15"),
    Column("Beslutsreferens", "nej", "text", 16, "Diarienummer eller protokollsparagraf.",
           "Case number or minutes paragraph.", "Dnr 2024/12"),
    Column("Marknadsbedömning", "nej", "text", 30, "Fri text: finns en marknad, påverkas konkurrensen?",
           "Free text: is there a market, is competition affected?", "Ingen privat aktör erbjuder tjänsten"),
    Column("Exklusivitet", "nej", "choice", 12, "Erbjuds tjänsten endast medlemmarna? Tom = nej.",
           "Is the service offered to members only? Empty = no.", "ja", YES_NO),
    Column("Fördelningsnyckel", "nej", "number", 17,
           "Tjänstens andel av gemensamma kostnader när inställningen allocation_key = \"table\".",
           "The service's share of shared costs when the setting allocation_key = \"table\".", "0,25"),
))

SUPPLIERS = Template("suppliers.xlsx", "Leverantörer", "Suppliers",
                     "Leverantörslista: en rad per leverantör och avtal.",
                     "Supplier list: one row per supplier and contract.", (
    Column("Orgnr", "ja", "orgnr", 15, "Leverantörens organisationsnummer.", "The supplier's organisation number.",
           "556677-8899"),
    Column("Namn", "ja", "text", 30, "Leverantörens namn.", "The supplier's name.", "Exempel Konsult AB"),
    Column("Upphandlingsform", "nej", "choice", 18, "Hur leverantören upphandlades.",
           "How the supplier was procured: open (öppet), simplified (förenklat), framework (ramavtal), "
           "direct award (direktupphandling), in-house (Teckal) or other (annat).", "ramavtal",
           ("öppet", "förenklat", "ramavtal", "direktupphandling", "Teckal", "annat")),
    Column("Upphandlingsreferens", "nej", "text", 20, "Upphandlingens diarienummer.",
           "The procurement's case number.", "Dnr 2023/45"),
    Column("Avtal från", "nej", "date", 13, "Avtalets första dag.", "First day of the contract.", "2023-06-01"),
    Column("Avtal till", "nej", "date", 13, "Avtalets sista dag; tom = tills vidare.",
           "Last day of the contract; empty = until further notice.", "2027-05-31"),
    Column("Inköpskategori", "nej", "text", 18,
           "Inköpets slag för direktupphandlingsgränsen (inköp av samma slag läggs ihop under året); "
           "används när inställningen direct_award_kind = \"category\".",
           "The kind of purchase for the direct-award limit (purchases of the same kind are added up over "
           "the year); used when the setting direct_award_kind = \"category\".", "IT-konsulter"),
    Column("Leverantörsnummer", "nej", "text", 17,
           "Leverantörens nummer i ekonomisystemet (SIE-dimension 9), om huvudboken har leverantörsnummer i "
           "stället för org.nr.",
           "The supplier's number in the accounting system (SIE dimension 9), where the ledger carries "
           "supplier numbers instead of org. nos.", "3015"),
))

GOVERNANCE = Template("governance.xlsx", "Styrning", "Governance",
                      "Styrning: en rad per förordnande av en medlems formella företrädare i ett beslutsorgan. "
                      "Underlag för Teckal-undantagets kontrollkriterium.",
                      "Governance: one row per appointment of a member's formal representative in a "
                      "decision-making body. Evidence for the Teckal exemption's control criterion.", (
    Column("Orgnr", "ja", "orgnr", 15, "Organisationsnumret på medlemmen som företräds; ska finnas i medlemsregistret.",
           "Org. no. of the member represented; must be in the member register.", "212000-0142"),
    Column("Företrädare", "ja", "text", 26,
           "Företrädarens namn. En person kan företräda flera medlemmar: en rad per medlem.",
           "The representative's name. One person may represent several members: one row per member.",
           "Anna Andersson"),
    Column("Roll", "nej", "open_choice", 14, "Uppdraget i organet.", "The role in the body.", "ordinarie",
           ("ordinarie", "ersättare", "ledamot", "ordförande")),
    Column("Organ", "nej", "open_choice", 20, "Beslutsorganet där medlemmen företräds.",
           "The decision-making body in which the member is represented.", "förbundsfullmäktige",
           ("stämma", "förbundsfullmäktige", "direktion", "styrelse")),
    Column("Från", "ja", "date", 12, "Första dagen av förordnandet.", "First day of the appointment.",
           "2023-01-01"),
    Column("Till", "nej", "date", 12, "Sista dagen; tom = förordnad tills vidare.",
           "Last day; empty = still appointed.", "2026-12-31"),
    Column("Beslutsreferens", "nej", "text", 18, "Protokoll och paragraf för valet.",
           "Minutes and paragraph of the appointment.", "KF 2022-11-20 § 12"),
))

HISTORY = Template("history.xlsx", "Historik", "History",
                   "Historik (frivillig): tidigare års intäkter för treårsfönstret när huvudboken saknas.",
                   "History (optional): earlier years' revenue for the three-year window when the ledger "
                   "is not in the folder.", (
    Column("År", "ja", "year", 8, "Räkenskapsåret.", "The financial year.", "2023"),
    Column("Intäkter kontrollerande (SEK)", "ja", "amount", 28,
           "Intäkter från kontrollerande medlemmar och deras bolag, exkl. bidrag.",
           "Revenue from controlling members and their companies, grants excluded.", "12 345 678,00"),
    Column("Totala intäkter (SEK)", "ja", "amount", 22, "All verksamhetsintäkt det året.",
           "All activity revenue that year.", "13 456 789,00"),
    Column("Källa", "nej", "text", 30, "Varifrån siffrorna kommer (t.ex. årsredovisning).",
           "Where the figures come from (e.g. annual report).", "Årsredovisning 2023"),
))

LEDGER = Template("ledger-{year}.xlsx", "Huvudbok", "Ledger",
                  "Huvudbok för ett år: en rad per transaktionsrad. Fler filer ledger*.xlsx i samma mapp läses också.",
                  "General ledger of one year: one row per transaction line. More ledger*.xlsx files in the "
                  "same folder are read too.", (
    Column("Datum", "ja", "date", 12, "Bokförings- eller transaktionsdatum.", "Booking or transaction date.",
           "2025-03-31"),
    Column("Verifikation", "ja", "text", 13, "Verifikationsnummer; serie tillåten.",
           "Voucher number; series letters allowed.", "A 123"),
    Column("Konto", "ja", "account", 9, "Kontonummer (BAS).", "Account number (BAS).", "3011"),
    Column("Belopp", "ja*", "amount", 16,
           "Debet positivt, kredit negativt (intäkter är negativa), exkl. moms. Alternativ: två kolumner "
           "Debet och Kredit i stället för Belopp.",
           "Debit positive, credit negative (revenue is negative), excluding VAT. Alternative: two columns "
           "Debet and Kredit instead of Belopp.", "-12 500,00"),
    Column("Motpart", "nej", "text", 15,
           "Motpartens organisationsnummer, eller kund- eller leverantörsnummer som står i registrens kolumner "
           "Kundnummer och Leverantörsnummer.",
           "The counterparty's organisation number, or a customer or supplier number given in the registers' "
           "columns Kundnummer and Leverantörsnummer.", "212000-0142"),
    Column("Tjänst", "nej", "text", 10, "Tjänstekod ur tjänstekatalogen.", "Service code from the service catalogue.",
           "T100"),
    Column("Kostnadsställe", "nej", "text", 15, "Kostnadsställe.", "Cost centre.", "100"),
    Column("Text", "nej", "text", 36, "Radens text.", "The line's text.", "Faktura mars"),
))

REGISTERS = (MEMBERS, COUNTERPARTIES, SERVICES, SUPPLIERS, HISTORY, GOVERNANCE)

_KIND_FORMAT_TEXT = {
    "sv": {"text": "Text", "orgnr": "Text: NNNNNN-NNNN (10 eller 12 siffror)", "date": "Datum ÅÅÅÅ-MM-DD",
           "amount": "Kronor med två decimaler", "account": "Heltal (fyra siffror i BAS)",
           "year": "Årtal, fyra siffror", "number": "Decimaltal", "choice": "Välj i listan: {choices}",
           "open_choice": "Förslag i listan: {choices}; annan text går också"},
    "en": {"text": "Text", "orgnr": "Text: NNNNNN-NNNN (10 or 12 digits)", "date": "Date YYYY-MM-DD",
           "amount": "SEK with two decimals", "account": "Whole number (four digits in BAS)",
           "year": "Year, four digits", "number": "Decimal number", "choice": "Pick from the list: {choices}",
           "open_choice": "Suggestions in the list: {choices}; other text is fine too"},
}
_REQUIRED_TEXT = {
    "sv": {"ja": "ja", "nej": "nej", "ja*": "ja (eller Debet + Kredit)"},
    "en": {"ja": "yes", "nej": "no", "ja*": "yes (or Debet + Kredit)"},
}
_INSTRUCTION_HEADERS = {
    "sv": ("Kolumn", "Obligatorisk", "Format", "Exempel", "Förklaring"),
    "en": ("Column", "Required", "Format", "Example", "Explanation"),
}
_INSTRUCTION_NOTES = {
    "sv": ("Fyll i bladet {sheet} från rad 2. Ändra inte rubrikerna i rad 1.",
           "Rubrikerna får ha andra namn (t.ex. från ett ekonomisystem) om de mappas i settings.toml "
           "under [columns]. Bladet med instruktioner läses inte in."),
    "en": ("Fill in the sheet {sheet} from row 2. Do not change the headers in row 1.",
           "Headers with other names (e.g. from an ERP export) can be mapped in settings.toml under "
           "[columns]. This instructions sheet is not read."),
}


def write_templates(folder: Path, language: str = "sv", year: int | None = None) -> list[Path]:
    """Write blank templates and a commented settings.toml into a new or empty folder.

    `year` is the ledger's year (default: last year); the ledger goes to `<year>/ledger-<year>.xlsx`.
    Returns the written paths, settings.toml first. Raises UsageError for an unknown language or a
    folder that exists and is not empty.
    """
    folder = Path(folder)
    if language not in LANGUAGES:
        raise UsageError(f"template language {language!r}; allowed: {', '.join(LANGUAGES)}")
    if year is None:
        year = dt.date.today().year - 1
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} already exists and is not empty; templates are written only into a new "
                         f"folder, so that earlier inputs are never overwritten")
    # The three years of the art. 12(5) window: the report year's ledger template goes in the
    # last; the two before take last years' ledgers (or their totals go in history.xlsx).
    for window_year in range(year - 2, year + 1):
        (folder / str(window_year)).mkdir(parents=True, exist_ok=True)

    settings_path = folder / SETTINGS_FILE
    settings_path.write_text(settings_toml(language), encoding="utf-8", newline="\n")
    written = [settings_path]
    for template in REGISTERS:
        written.append(_write_workbook(folder / template.file, template, language))
    ledger_path = folder / str(year) / LEDGER.file.format(year=year)
    written.append(_write_workbook(ledger_path, LEDGER, language))
    return written


# ---------------------------------------------------------------- workbooks


def _write_workbook(path: Path, template: Template, language: str) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"title": template.title_sv if language == "sv" else template.title_en,
                             "created": FIXED_CREATED})
    formats = {
        "header": workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#DDEBF7", "text_wrap": True,
                                       "valign": "top"}),
        "text": workbook.add_format({"num_format": "@"}),
        "orgnr": workbook.add_format({"num_format": "@"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "amount": workbook.add_format({"num_format": "#,##0.00"}),
        "number": workbook.add_format({"num_format": "0.00##"}),
        "account": workbook.add_format({"num_format": "0"}),
        "year": workbook.add_format({"num_format": "0"}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "bold": workbook.add_format({"bold": True}),
    }
    sheet_name = template.sheet_sv if language == "sv" else template.sheet_en
    data = workbook.add_worksheet(sheet_name)
    for index, column in enumerate(template.columns):
        cell_format = formats.get(column.kind, formats["text"])
        data.set_column(index, index, max(column.width, len(column.header) + 2), cell_format)
        data.write_string(0, index, column.header, formats["header"])
        data.data_validation(1, index, LAST_EXCEL_ROW, index, _validation(column, language))
    data.freeze_panes(1, 0)
    data.activate()
    _write_instructions(workbook, template, sheet_name, language, formats)
    workbook.close()
    return path


def _validation(column: Column, language: str) -> dict[str, Any]:
    """Excel's check for a column, with a short help text shown when a cell is selected."""
    help_text = column.help_sv if language == "sv" else column.help_en
    rule: dict[str, Any]
    if column.kind in ("choice", "open_choice"):
        # An open choice only suggests: other text gets an information box, not a refusal.
        rule = {"validate": "list", "source": list(column.choices),
                "error_type": "information" if column.kind == "open_choice" else "stop"}
    elif column.kind == "date":
        rule = {"validate": "date", "criteria": "between", "minimum": FIRST_VALID_DATE,
                "maximum": LAST_VALID_DATE}
    elif column.kind in ("account", "year"):
        rule = {"validate": "integer", "criteria": "between", "minimum": 1000, "maximum": 9999,
                "error_type": "warning"}
    elif column.kind in ("amount", "number"):
        # A warning, not a stop: pasted text such as "1 234,50" is still read by the pipeline.
        rule = {"validate": "decimal", "criteria": "between", "minimum": -1e13, "maximum": 1e13,
                "error_type": "warning"}
    else:
        rule = {"validate": "any"}
    rule["input_title"] = column.header[:32]
    rule["input_message"] = help_text[:INPUT_MESSAGE_LIMIT]
    return rule


def _write_instructions(workbook: xlsxwriter.Workbook, template: Template, data_sheet: str, language: str,
                        formats: dict[str, Any]) -> None:
    sheet = workbook.add_worksheet(INSTRUCTION_SHEETS[language])
    title = template.title_sv if language == "sv" else template.title_en
    sheet.write_string(0, 0, title, formats["bold"])
    for offset, note in enumerate(_INSTRUCTION_NOTES[language]):
        sheet.write_string(1 + offset, 0, note.format(sheet=data_sheet))
    header_row = 4
    for index, header in enumerate(_INSTRUCTION_HEADERS[language]):
        sheet.write_string(header_row, index, header, formats["header"])
    for row, column in enumerate(template.columns, start=header_row + 1):
        choices = ", ".join(column.choices)
        values = (column.header, _REQUIRED_TEXT[language][column.required],
                  _KIND_FORMAT_TEXT[language][column.kind].format(choices=choices), column.example,
                  column.help_sv if language == "sv" else column.help_en)
        for index, value in enumerate(values):
            sheet.write_string(row, index, value, formats["wrap"])
    for index, width in enumerate((24, 22, 34, 26, 70)):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(header_row + 1, 0)


# ---------------------------------------------------------------- settings.toml

# One comment per key, Swedish / English. Every field of pipeline.settings must be here:
# `settings_toml` refuses to write a file that leaves a setting unexplained.
SETTING_COMMENTS: dict[tuple[str, str], str] = {
    ("organisation", "name"): "organisationens namn i rapporten / the organisation's name in the report",
    ("organisation", "orgnr"): "organisationsnummer, NNNNNN-NNNN / organisation number",
    ("organisation", "language"): "rapportens språk: sv | en / language of the report",
    ("accounts", "revenue"): "verksamhetens intäktskonton, intervall [från, till] / activity revenue accounts",
    ("accounts", "grants"): "erhållna bidrag; aldrig kontrollerande verksamhet / grants received; never "
                            "controlling activity",
    ("accounts", "excluded"): "intäktskonton utanför verksamhetsmåttet (öresutjämning, interna överföringar) / "
                              "revenue accounts left out of the activity measure",
    ("accounts", "costs"): "driftkostnader; Kommun-Bas skiljer sig / operating costs; Kommun-Bas differs",
    ("accounts", "vat"): "momskonton, aldrig intäkt / VAT accounts, never revenue",
    ("accounts", "cost_sharing_without_code"): "intäkter utan tjänstekod på dessa konton räknas som samverkan, t.ex. "
                                               "medlemsavgifter / revenue without a service code on these accounts "
                                               "is cost-sharing, e.g. membership fees",
    ("accounts", "sales_without_code"): "intäkter utan tjänstekod på dessa konton räknas som säljverksamhet / "
                                        "revenue without a service code on these accounts is sales activity",
    ("thresholds", "teckal"): "Teckal: andelen måste vara STÖRRE än detta / the share must be MORE than this",
    ("thresholds", "open_market"): "Hamburg (alternativ grund): intäkter utanför samarbetet under denna andel "
                                   "över tre år / Hamburg (alternative basis): revenue from outside the cooperation "
                                   "below this share over three years",
    ("thresholds", "review_band"): "granskas om andelen ligger högst så här över gränsen / flagged for review "
                                   "within this margin above the threshold",
    ("thresholds", "direct_award_limit_sek"): "direktupphandlingsgräns i kronor för rapportåret / direct-award "
                                              "limit in SEK for the report year",
    ("thresholds", "supplier_concentration"): "en leverantörs andel av inköpen som flaggas (inlåsning) / one "
                                              "supplier's share of spend that is flagged (lock-in)",
    ("thresholds", "transparency_eur"): "omsättningsgräns i euro för transparenslagen / turnover limit in EUR "
                                        "for the transparency act",
    ("rules", "grants"): "include: bidrag räknas i nämnaren men aldrig som kontrollerande verksamhet; exclude: "
                         "bidrag lämnas utanför / include: grants enlarge the denominator only; exclude: left out",
    ("rules", "allocation_key"): "fördelning av gemensamma kostnader: revenue | direct_cost | table (kolumnen "
                                 "Fördelningsnyckel) / allocation key of shared costs",
    ("rules", "allocation_key_by_year"): "nyckel per år när den ändrats, t.ex. { 2024 = \"revenue\" } / key per "
                                         "year where it changed",
    ("rules", "eur_sek"): "växelkurs SEK per euro för transparenslagens gräns / exchange rate SEK per EUR",
    ("rules", "direct_award_kind"): "inköp av samma slag läggs ihop mot direktupphandlingsgränsen: account (konto) | "
                                    "account_group (kontogrupp, två första siffrorna) | category (Inköpskategori i "
                                    "leverantörslistan) / purchases of the same kind are added up against the "
                                    "direct-award limit",
    ("rules", "ledger_sign"): "tecknet i huvudbokens beloppskolumn: debit_positive (debet positivt, som SIE) | "
                              "credit_positive (kredit positivt) / sign of the ledger's amount column",
    ("rules", "date_format"): "datum som 3/4/2025: auto (avvisas), d/m/yyyy eller m/d/yyyy / how dates like "
                              "3/4/2025 are read",
    ("rules", "previous_report"): "förra årets utdatamapp, relativt indatamappen; tom: outputs/<mapp>/<år - 1> / "
                                  "last year's outputs folder, relative to the input folder; empty: the default",
    ("journal", "round_amount_sek"): "runda belopp: intäkts- och kostnadsrader som är jämna multiplar av detta "
                                     "(kronor) / round amounts: revenue and cost lines that are whole multiples",
    ("journal", "period_end_days"): "bokföringar de sista dagarna av räkenskapsåret / postings in the last days "
                                    "of the fiscal year",
    ("journal", "seldom_used_max_lines"): "konton med högst så här många rader under året / accounts with at most "
                                          "this many lines in the year",
    ("journal", "receivable_accounts"): "kundfordringar, normal motpost till intäkter / receivables, the usual "
                                        "counter account of revenue",
    ("journal", "bank_accounts"): "kassa och bank, normal motpost till intäkter / cash and bank, the usual "
                                  "counter account of revenue",
    ("journal", "clearing_accounts"): "fler konton som intäkter får krediteras mot; standard öresutjämning (BAS "
                                      "3740) / further accounts revenue may be credited against; default rounding",
    ("journal", "largest_entries"): "antal största rader (absolut belopp) som listas / number of largest lines "
                                    "(absolute amount) listed",
    ("journal", "materiality_sek"): "rader över detta belopp (kronor) listas; sätts av revisorn / lines above "
                                    "this amount are listed; set by the auditor",
    ("journal", "split_window_days"): "dagar i fönstret för uppdelade inköp / days in the split-purchase window",
    ("journal", "benford_min_lines"): "minsta antal rader för Benfords test av första siffran (Nigrini) / "
                                      "fewest lines for Benford's first-digit test (Nigrini)",
    ("journal", "benford_two_digit_min_lines"): "minsta antal rader för Benfords test av de två första siffrorna "
                                                "/ fewest lines for Benford's first-two-digits test",
}
_SECTION_COMMENTS = {
    "organisation": "Organisationen / the organisation",
    "accounts": "Kontoplan som intervall [från, till], båda inkluderade; standard är BAS / chart of accounts "
                "as inclusive ranges; defaults are BAS",
    "thresholds": "Gränsvärden; andelar som decimaltal, belopp i kronor (text, så att talet blir exakt) / "
                  "thresholds; shares as decimals, amounts in SEK (as text, so the number is exact)",
    "rules": "Regelval / rule choices",
    "journal": "Journaltester: gränser och konton; belopp i kronor som text / journal tests: limits and "
               "accounts; amounts in SEK as text",
}
_COLUMNS_EXAMPLE = """\
# Kolumnmappning för exporter vars rubriker inte känns igen: "rubrik i filen" = "fält".
# Column mapping for exports whose headers are not recognised: "header in the file" = "field".
# Fält / fields: ledger: date, voucher, account, account_name, amount, debit, credit, counterparty,
# service, cost_centre, text. Samma form för / same form for members, counterparties, services,
# suppliers, history, purchases.
# [columns.ledger]
# "Bokf dat" = "date"
# "Ver nr" = "voucher"
# "Summa SEK" = "amount"
"""


def settings_toml(language: str = "sv") -> str:
    """settings.toml text: every setting at its default value, with a comment per key."""
    settings = dataclasses.replace(
        Settings(), organisation=dataclasses.replace(Settings().organisation, name=ORGANISATION_PLACEHOLDER,
                                                     language=language))
    lines = ["# Inställningar för LOS-rapporten. Alla värden nedan är standardvärdena.",
             "# Settings of the LOS report. Every value below is the default.", ""]
    for section in ("organisation", "accounts", "thresholds", "rules", "journal"):
        lines.append(f"# {_SECTION_COMMENTS[section]}")
        lines.append(f"[{section}]")
        for field in dataclasses.fields(getattr(settings, section)):
            comment = SETTING_COMMENTS.get((section, field.name))
            if comment is None:
                raise ValueError(f"settings field [{section}] {field.name} has no comment in the template")
            value = _toml_value(getattr(getattr(settings, section), field.name), field.name)
            lines.append(f"{field.name} = {value}  # {comment}")
        lines.append("")
    lines.append(_COLUMNS_EXAMPLE)
    return "\n".join(lines)


def _toml_value(value: Any, name: str) -> str:
    if isinstance(value, Decimal):
        # Quoted, so that "0.80" stays 0.80 and never passes through a binary float.
        return json.dumps(str(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if name == "allocation_key_by_year":
        return "{ " + ", ".join(f"{year} = {json.dumps(key)}" for year, key in value) + " }" if value else "{}"
    if isinstance(value, tuple):  # account ranges
        return "[" + ", ".join(f"[{lo}, {hi}]" for lo, hi in value) + "]"
    raise ValueError(f"no TOML form for setting {name} = {value!r}")


# ---------------------------------------------------------------- next year (issue 18)


def next_year_folder(folder: Path, year: int) -> Path:
    """The next year's input folder beside this one: a trailing "-<year - 1>" becomes "-<year>",
    any other name gets "-<year>" added."""
    name = folder.resolve().name
    for separator in ("-", "_", " "):
        if name.endswith(f"{separator}{year - 1}"):
            return folder.resolve().parent / f"{name[:-4]}{year}"
    return folder.resolve().parent / f"{name}-{year}"


def start_next_year(folder: Path, year: int, out_root: Path, target: Path | None = None,
                    language: str = "sv") -> list[Path]:
    """Make next year's input folder from this one: the registers and settings copied (settings
    pointing at this year's outputs, so the run finds last year's report), the new year folder,
    and the instructions for the year in it. The prior years' ledgers are not copied: the window
    takes them from last year's report. Returns the written paths. Never overwrites anything."""
    from pipeline.messages import messages

    text = messages(language)
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(text("run.no_folder", folder=folder))
    target = Path(target) if target is not None else next_year_folder(folder, year)
    if target.resolve() == folder.resolve():
        raise UsageError(text("next_year.same_folder", folder=folder.name))
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(text("next_year.exists", folder=target.name))
    previous = out_root.resolve() / folder.resolve().name / str(year - 1)
    if not (previous / "results.json").is_file():
        raise UsageError(text("next_year.no_report", folder=folder.name, year=year - 1,
                              outputs=f"{out_root.name}/{folder.resolve().name}/{year - 1}"))
    (target / str(year)).mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(("~$", "."))):
        destination = target / source.name
        if source.name == SETTINGS_FILE:
            relative = Path(_relative(previous, target.resolve())).as_posix()
            destination.write_text(with_previous_report(source.read_text(encoding="utf-8"), relative),
                                   encoding="utf-8", newline="\n")
        else:
            destination.write_bytes(source.read_bytes())
        written.append(destination)
    if not (target / SETTINGS_FILE).exists():
        relative = Path(_relative(previous, target.resolve())).as_posix()
        (target / SETTINGS_FILE).write_text(with_previous_report("", relative), encoding="utf-8", newline="\n")
        written.insert(0, target / SETTINGS_FILE)
    instructions = target / str(year) / text("next_year.instructions_file")
    instructions.write_text(text("next_year.instructions", year=year, previous=year - 1, folder=target.name,
                                 earlier=year - 2) + "\n", encoding="utf-8", newline="\n")
    written.append(instructions)
    return written


def _relative(path: Path, start: Path) -> str:
    import os

    return os.path.relpath(path, start)


def with_previous_report(settings_text: str, relative: str) -> str:
    """settings.toml's text with `[rules] previous_report` set to `relative` (added or replaced)."""
    line = f"previous_report = {json.dumps(relative, ensure_ascii=False)}"
    lines = settings_text.splitlines()
    in_rules = False
    for index, current in enumerate(lines):
        stripped = current.strip()
        if stripped.startswith("["):
            in_rules = stripped == "[rules]"
        elif in_rules and stripped.split("=", 1)[0].strip() == "previous_report":
            comment = current.split("#", 1)[1] if "#" in current.split("=", 1)[1] else ""
            lines[index] = line + (f"  #{comment}" if comment else "")
            return "\n".join(lines) + "\n"
    for index, current in enumerate(lines):
        if current.strip() == "[rules]":
            lines.insert(index + 1, line)
            return "\n".join(lines) + "\n"
    return "\n".join([*lines, "", "[rules]", line]) + "\n"
