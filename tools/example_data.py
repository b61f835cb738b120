"""Seeded generator of the bundled example organisation's input folder.

Writes a complete input folder (layout in DATA-CONTRACT.md) for the fictitious association
"Samverkansförbundet Digitala Tjänster (exempel)": settings, member register, counterparty
register, service catalogue, supplier list, history, and general ledgers for 2023-2025 (the
2025 ledger split into monthly files). Every voucher balances to 0 in öre; vouchers are
numbered per series and year without gaps. The same seed gives byte-identical files.

The data carry the deliberate findings the pipeline must report: a sales service priced below
full cost (T12), a cost-sharing service sold to non-members (T03), a cost-sharing service with
a surplus every year (T06), a ledger service code the catalogue lacks (T99), a catalogue
service without a classification (T09), revenue from members outside their membership dates,
a non-controlling member, revenue without counterparty or service, a direct-award supplier
above the limit, a supplier paid after its contract ended, a supplier with an invalid
org. no., a supplier paid in 2025 that the supplier list lacks, and an IT-operations provider
with about 30 % of market spend (above the concentration share).

It does not classify or compute anything for the pipeline: the summary it prints is the
design as generated (a plain tally by counterparty group), for checking the example's scale.

Run: `python -m tools.example_data --out inputs/example [--seed 2026] [--lines-per-year N]`.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import xlsxwriter
from stdnum import luhn

ORGANISATION_NAME = "Samverkansförbundet Digitala Tjänster (exempel)"
REPORT_YEAR = 2025
LEDGER_YEARS = (2023, 2024, 2025)
HISTORY_YEAR = 2022
DEFAULT_SEED = 2026
# Fixed document date, so that a re-run with the same seed writes byte-identical workbooks.
DOCUMENT_CREATED = dt.datetime(2026, 1, 15)
LEDGER_SHEET = "Huvudbok"

# Designed scale per year: total activity revenue in whole SEK and ledger lines.
ACTIVITY_REVENUE_SEK = {2022: 86_000_000, 2023: 93_000_000, 2024: 101_000_000, 2025: 108_000_000}
DEFAULT_LINES_PER_YEAR = {2023: 18_000, 2024: 19_500, 2025: 21_000}
# Total costs relative to activity revenue: the association runs at self-cost, give or take.
COST_TO_REVENUE_PER_MILLE = {2023: 1004, 2024: 996, 2025: 1002}

# Headers as in the data contract's templates.
LEDGER_HEADERS = ["Datum", "Verifikation", "Konto", "Belopp", "Motpart", "Tjänst", "Kostnadsställe", "Text"]
MEMBER_HEADERS = ["Orgnr", "Namn", "Typ", "Medlem från", "Medlem till", "Kontrollerande"]
COUNTERPARTY_HEADERS = ["Orgnr", "Namn", "Sektor", "Kontrolleras av"]
SERVICE_HEADERS = ["Tjänstekod", "Namn", "Klassificering", "Rättslig grund", "Medlemsbehov", "Målgrupp",
                   "Prissättning", "Beslutsdatum", "Beslutsreferens", "Marknadsbedömning", "Exklusivitet",
                   "Fördelningsnyckel"]
SUPPLIER_HEADERS = ["Orgnr", "Namn", "Upphandlingsform", "Upphandlingsreferens", "Avtal från", "Avtal till"]
HISTORY_HEADERS = ["År", "Intäkter kontrollerande (SEK)", "Totala intäkter (SEK)", "Källa"]
GOVERNANCE_HEADERS = ["Orgnr", "Företrädare", "Roll", "Organ", "Från", "Till", "Beslutsreferens"]
# Governance (R8): every controlling member has an ordinary representative in the assembly for the
# term 2023-2026 (from joining, to leaving). One realistic gap: a representative resigned at the end
# of April 2025 and the member's council appointed the successor at its June meeting.
TERM = (dt.date(2023, 1, 1), dt.date(2026, 12, 31))
GAP_RESIGNED = dt.date(2025, 4, 30)
GAP_SUCCESSOR_FROM = dt.date(2025, 6, 12)
FIRST_NAMES = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Per", "Sara", "Anders", "Lena",
               "Mikael", "Emma", "Jonas", "Ingrid", "Fredrik", "Elin", "Magnus", "Helena", "Olof"]
LAST_NAMES = ["Andersson", "Berg", "Carlsson", "Dahl", "Ek", "Forsberg", "Gustafsson", "Holm", "Isaksson",
              "Johansson", "Karlsson", "Lind", "Månsson", "Nilsson", "Olsson", "Persson", "Sjöberg", "Strand",
              "Wallin", "Åberg"]

# BAS accounts used by the booking patterns.
RECEIVABLES = 1510
BANK = 1930
PAYABLES = 2440
OUTPUT_VAT = 2611
INPUT_VAT = 2641
WITHHELD_TAX = 2710
SOCIAL_FEES_DUE = 2731
MEMBERSHIP_FEES = 3110
UNASSIGNED_SERVICE_REVENUE = 3050
UNKNOWN_SERVICE_REVENUE = 3091
GRANT_REVENUE = 3987
ROUNDING = 3740
SALARIES = 7010
SOCIAL_FEES = 7510
SOCIAL_FEE_PER_MILLE = 3142  # arbetsgivaravgifter 31.42 %, in units of 1/10 000
WITHHELD_TAX_PERCENT = 30
SALES_VAT_PERCENT = 25

MEMBER_START = dt.date(2015, 1, 1)

# Kommuner of the example (real municipality names; org. nos. and everything else fictitious).
KOMMUN_NAMES = """Ale Alingsås Alvesta Aneby Arboga Arjeplog Arvidsjaur Arvika Askersund Avesta Bengtsfors
Berg Bjurholm Bjuv Boden Bollebygd Bollnäs Borgholm Borlänge Borås Botkyrka Boxholm Bromölla Bräcke Burlöv
Båstad Dals-Ed Danderyd Degerfors Dorotea Eda Ekerö Eksjö Emmaboda Enköping Eskilstuna Eslöv Essunga Fagersta
Falkenberg Falköping Falun Filipstad Finspång Flen Forshaga Färgelanda Gagnef Gislaved Gnesta Gnosjö Grums
Grästorp Gullspång Gällivare Gävle Göteborg Götene Habo Hagfors Hallsberg Hallstahammar Halmstad Hammarö
Haninge Haparanda Heby Hedemora Helsingborg Herrljunga Hjo Hofors Huddinge Hudiksvall Hultsfred Hylte Håbo
Hällefors Härjedalen Härnösand Härryda Hässleholm Höganäs Högsby Hörby Höör Jokkmokk Järfälla Jönköping Kalix
Kalmar Karlsborg Karlshamn Karlskoga Karlskrona Karlstad Katrineholm Kil Kinda Kiruna Klippan Knivsta Kramfors
Kristianstad Kristinehamn Krokom Kumla Kungsbacka Kungsör Kungälv Kävlinge Köping Laholm Landskrona Laxå
Lekeberg Leksand Lerum Lessebo Lidingö Lidköping Lindesberg Linköping Ljungby Ljusdal Ljusnarsberg Lomma
Ludvika Luleå Lund Lycksele Lysekil Malmö Malå Mariestad Mark Markaryd Mellerud Mjölby Mora Motala Mullsjö
Munkedal Munkfors Mölndal Mönsterås Mörbylånga Nacka Nora Norberg Nordanstig Nordmaling""".split()
NON_MEMBER_KOMMUN_NAMES = ["Uppsala", "Umeå", "Västerås", "Örebro", "Växjö"]
REGION_NAMES = ["Region Halland", "Region Jönköpings län", "Region Värmland"]
FORBUND_NAMES = ["Kommunalförbundet Gränsbygd IT", "Samordningsförbundet Norra Dalarna",
                 "Räddningstjänstförbundet Mitt", "Miljöförbundet Kustlandet", "Kommunalförbundet Skolsamverkan Väst"]
MYNDIGHET_NAME = "Myndigheten för samhällsservice"
# (joins, leaves): members whose membership starts or ends inside the ledger years.
JOIN_DATES = [dt.date(2023, 7, 1), dt.date(2024, 7, 1), dt.date(2025, 3, 1), dt.date(2025, 9, 1)]
LEAVE_DATES = [dt.date(2023, 12, 31), dt.date(2024, 6, 30)]


@dataclass(frozen=True)
class Member:
    orgnr: str
    name: str
    type: str
    member_from: dt.date
    member_to: dt.date | None
    controlling: bool
    size_weight: float  # relative purchase volume

    def active_on(self, day: dt.date) -> bool:
        return self.member_from <= day and (self.member_to is None or day <= self.member_to)


@dataclass(frozen=True)
class Counterparty:
    orgnr: str
    name: str
    sector: str  # offentlig | privat
    controlled_by: str  # a member's org. no., or ""


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    classification: str  # samverkan | säljverksamhet | "" (decision not taken)
    revenue_account: int
    cost_centre: str
    direct_cost_per_mille: int  # direct costs per 1000 SEK of the service's revenue
    salary_percent: int  # share of direct costs that is own staff
    supplier_categories: tuple[str, ...]
    allocation_key_hundredths: int
    legal_basis: str
    member_need: str
    target_group: str
    pricing: str
    decision_date: dt.date | None
    decision_reference: str
    market_assessment: str
    exclusivity: str


@dataclass(frozen=True)
class Supplier:
    orgnr: str
    name: str
    category: str
    procurement_form: str
    procurement_reference: str
    contract_from: dt.date | None
    contract_to: dt.date | None
    pool_weight: float  # how often it is chosen for an invoice of its category
    amount_scale: float  # how large its invoice lines are
    listed: bool = True  # False: bought from, but missing from the supplier list


@dataclass(frozen=True)
class ExampleOrganisation:
    """Everything about the fictitious association that the ledgers refer to."""

    name: str
    orgnr: str
    members: tuple[Member, ...]
    counterparties: tuple[Counterparty, ...]
    services: tuple[Service, ...]
    suppliers: tuple[Supplier, ...]
    grant_giver: str  # org. no. of the state agency paying the grant
    direct_award_over_limit: str  # org. no. of the supplier whose direct-award spend exceeds the limit
    contract_ended: str  # org. no. of the supplier paid after its contract ended
    invalid_orgnr_supplier: str
    member_supplier: str  # a kommun that sells drift to the association (Teckal)
    unlisted_supplier: str  # paid in 2025, missing from the supplier list
    it_operator: str  # runs the shared infrastructure: about 30 % of market spend

    def service(self, code: str) -> Service:
        return next(s for s in self.services if s.code == code)


class LedgerLine(NamedTuple):
    """One general-ledger row as written to the workbook; amounts in öre, debit positive."""

    date: dt.date
    voucher: str
    account: int
    amount_ore: int
    counterparty: str
    service: str
    cost_centre: str
    text: str


# ---------------------------------------------------------------------------------------------
# Organisation: registers


def orgnr_with_check_digit(first_nine: str) -> str:
    """NNNNNN-NNNN with the Luhn check digit that Swedish org. nos. carry."""
    digits = first_nine + luhn.calc_check_digit(first_nine)
    return f"{digits[:6]}-{digits[6:]}"


def _orgnrs(rng: random.Random, prefix: str, count: int, taken: set[str]) -> list[str]:
    """`count` distinct valid org. nos. starting with `prefix` (the first six digits or fewer)."""
    free_digits = 9 - len(prefix)
    out: list[str] = []
    while len(out) < count:
        candidate = orgnr_with_check_digit(prefix + str(rng.randrange(10 ** free_digits)).zfill(free_digits))
        if candidate not in taken:
            taken.add(candidate)
            out.append(candidate)
    return out


def _catalogue() -> tuple[Service, ...]:
    """The service catalogue; direct-cost ratios are the design that produces the findings."""
    platform = ("it_konsult", "drift", "licens")
    decided = dt.date(2019, 4, 12)
    samverkan = dict(classification="samverkan", pricing="självkostnad", exclusivity="nej",
                     target_group="Medlemmar",
                     legal_basis="Kommunallagen 3 kap. 8 §, samverkan mellan kommuner och regioner")
    rows = [
        Service("T01", "E-tjänsteplattform", revenue_account=3011, cost_centre="200",
                direct_cost_per_mille=630, salary_percent=40, supplier_categories=platform,
                allocation_key_hundredths=18, member_need="Gemensam plattform för e-tjänster mot invånare",
                decision_date=decided, decision_reference="Styrelsen 2019-04-12 § 34",
                market_assessment="Kommersiella plattformar finns, men medlemmarna delar utveckling och förvaltning",
                **samverkan),
        Service("T02", "E-arkiv", revenue_account=3012, cost_centre="200", direct_cost_per_mille=600,
                salary_percent=35, supplier_categories=platform, allocation_key_hundredths=12,
                member_need="Långtidsbevarande av allmänna handlingar enligt arkivlagen",
                decision_date=decided, decision_reference="Styrelsen 2019-04-12 § 35",
                market_assessment="Tjänsten förutsätter gemensam informationsförvaltning; inget marknadsutbud påverkas",
                **samverkan),
        Service("T03", "Webbplattform", revenue_account=3013, cost_centre="200", direct_cost_per_mille=640,
                salary_percent=40, supplier_categories=platform, allocation_key_hundredths=11,
                member_need="Gemensam publiceringsplattform för kommunala webbplatser",
                decision_date=dt.date(2020, 2, 20), decision_reference="Styrelsen 2020-02-20 § 12",
                market_assessment="Flera privata leverantörer erbjuder webbplattformar; samverkan avser endast medlemmar",
                **samverkan),
        Service("T04", "Gemensam IT-drift", revenue_account=3014, cost_centre="300", direct_cost_per_mille=660,
                salary_percent=30, supplier_categories=("drift", "licens", "it_konsult"),
                allocation_key_hundredths=20, member_need="Drift av verksamhetssystem och infrastruktur",
                decision_date=decided, decision_reference="Styrelsen 2019-04-12 § 36",
                market_assessment="Driftstjänster finns på marknaden; samverkan ger skalfördelar för små kommuner",
                **samverkan),
        Service("T05", "Informationssäkerhet", revenue_account=3015, cost_centre="400",
                direct_cost_per_mille=610, salary_percent=50, supplier_categories=("it_konsult", "licens"),
                allocation_key_hundredths=7, member_need="Stöd i informationssäkerhetsarbete och incidenthantering",
                decision_date=dt.date(2021, 5, 6), decision_reference="Styrelsen 2021-05-06 § 41",
                market_assessment="Konsulttjänster finns; samverkan avser gemensamma styrdokument och övningar",
                **samverkan),
        Service("T06", "Kompetensnätverk", revenue_account=3016, cost_centre="400", direct_cost_per_mille=400,
                salary_percent=60, supplier_categories=("resa", "catering", "it_konsult"),
                allocation_key_hundredths=4, member_need="Erfarenhetsutbyte mellan medlemmarnas digitaliseringsledare",
                decision_date=decided, decision_reference="Styrelsen 2019-04-12 § 37",
                market_assessment="Nätverken är slutna för medlemmar och konkurrerar inte med kommersiella kurser",
                **samverkan),
        Service("T07", "Upphandlingsstöd", revenue_account=3017, cost_centre="400", direct_cost_per_mille=620,
                salary_percent=55, supplier_categories=("juridik", "it_konsult"), allocation_key_hundredths=5,
                member_need="Gemensamma upphandlingar av digitala tjänster och avtalsförvaltning",
                decision_date=dt.date(2020, 9, 17), decision_reference="Styrelsen 2020-09-17 § 58",
                market_assessment="Inköpscentraler finns; stödet avser medlemmarnas egna samordnade upphandlingar",
                **samverkan),
        Service("T08", "API- och integrationsplattform", revenue_account=3018, cost_centre="200",
                direct_cost_per_mille=650, salary_percent=35, supplier_categories=platform,
                allocation_key_hundredths=8, member_need="Säker informationsutväxling mellan medlemmarnas system",
                decision_date=dt.date(2022, 3, 10), decision_reference="Styrelsen 2022-03-10 § 19",
                market_assessment="Integrationsplattformar finns som produkter; förvaltningen sker gemensamt",
                **samverkan),
        Service("T09", "Beslutsstöd och statistik", classification="", revenue_account=3019, cost_centre="200",
                direct_cost_per_mille=620, salary_percent=45, supplier_categories=platform,
                allocation_key_hundredths=3, legal_basis="Under utredning",
                member_need="Jämförande statistik för medlemmarnas verksamhetsuppföljning", target_group="Medlemmar",
                pricing="självkostnad", decision_date=None, decision_reference="Ej beslutad, beredning pågår",
                market_assessment="Marknadsanalys pågår; liknande tjänster säljs av analysföretag", exclusivity="nej"),
        Service("T10", "Konferensbiljetter", classification="säljverksamhet", revenue_account=3590,
                cost_centre="500", direct_cost_per_mille=500, salary_percent=20,
                supplier_categories=("catering", "tryck", "resa"), allocation_key_hundredths=3,
                legal_basis="Kommunallagen 2 kap. 1 §, kompetensutveckling; biljetter säljs även till externa",
                member_need="Årlig konferens om offentlig digitalisering",
                target_group="Medlemmar, andra offentliga aktörer och företag", pricing="marknadspris",
                decision_date=dt.date(2021, 11, 25), decision_reference="Styrelsen 2021-11-25 § 77",
                market_assessment="Konferensmarknaden är konkurrensutsatt; biljettpriset jämförs med liknande konferenser",
                exclusivity="nej"),
        Service("T11", "Utbildning för icke-medlemmar", classification="säljverksamhet", revenue_account=3041,
                cost_centre="500", direct_cost_per_mille=550, salary_percent=50,
                supplier_categories=("catering", "it_konsult", "resa"), allocation_key_hundredths=2,
                legal_basis="Lag 2026:578 om offentlig säljverksamhet", member_need="Sprida medlemmarnas metoder",
                target_group="Andra offentliga aktörer och företag", pricing="marknadspris",
                decision_date=dt.date(2022, 6, 9), decision_reference="Styrelsen 2022-06-09 § 45",
                market_assessment="Utbildningsföretag erbjuder liknande kurser; priset sätts med marginal över självkostnad",
                exclusivity="nej"),
        Service("T12", "Drift för externa kunder", classification="säljverksamhet", revenue_account=3042,
                cost_centre="300", direct_cost_per_mille=1600, salary_percent=30,
                supplier_categories=("drift", "licens", "it_konsult"), allocation_key_hundredths=2,
                legal_basis="Lag 2026:578 om offentlig säljverksamhet", member_need="Nyttja ledig driftkapacitet",
                target_group="Andra offentliga aktörer och företag", pricing="marknadspris",
                decision_date=dt.date(2023, 1, 26), decision_reference="Styrelsen 2023-01-26 § 8",
                market_assessment="Driftsmarknaden är konkurrensutsatt med många privata leverantörer",
                exclusivity="nej"),
        Service("T13", "Geodatasamverkan", revenue_account=3020, cost_centre="200", direct_cost_per_mille=630,
                salary_percent=45, supplier_categories=platform, allocation_key_hundredths=5,
                member_need="Gemensam förvaltning av kart- och geodata",
                decision_date=dt.date(2020, 2, 20), decision_reference="Styrelsen 2020-02-20 § 13",
                market_assessment="Geodatatjänster finns; samverkan gäller medlemmarnas egna grunddata",
                **samverkan),
    ]
    assert sum(s.allocation_key_hundredths for s in rows) == 100
    return tuple(rows)


# Supplier categories: (cost account(s), VAT percent, ledger text).
SUPPLIER_CATEGORIES = {
    "it_konsult": ((6550,), 25, "Konsulttjänster"),
    "drift": ((6540,), 25, "Drift och hosting"),
    "licens": ((5420,), 25, "Programlicenser"),
    "resa": ((5810, 5831), 6, "Resor och logi"),
    "lokal": ((5010,), 25, "Lokalhyra"),
    "catering": ((4010,), 12, "Lokal och förtäring"),
    "kontor": ((6110,), 25, "Kontorsmaterial"),
    "tele": ((6212,), 25, "Telefoni och nät"),
    "revision": ((6420,), 25, "Revisionsarvode"),
    "juridik": ((6580,), 25, "Juridisk rådgivning"),
    "stad": ((5060,), 25, "Städning"),
    "tryck": ((6150,), 25, "Trycksaker"),
    "rekrytering": ((6590,), 25, "Rekryteringstjänster"),
}
SHARED_SUPPLIER_CATEGORIES = ("lokal", "kontor", "tele", "revision", "juridik", "stad", "tryck",
                              "rekrytering", "resa", "licens", "it_konsult")

# (name, category, procurement form, pool weight, amount scale)
SUPPLIER_DESIGN = [
    ("Nordkod Konsult AB", "it_konsult", "ramavtal", 3.0, 2.0),
    ("Digitalbyrån Syd AB", "it_konsult", "ramavtal", 2.5, 2.0),
    ("Systemhuset Mälardalen AB", "it_konsult", "öppet", 2.0, 2.5),
    ("Kodverket i Norrland AB", "it_konsult", "ramavtal", 1.5, 1.8),
    ("Arkitektur & Integration AB", "it_konsult", "förenklat", 1.2, 2.0),
    ("Säkerhetspartner Norden AB", "it_konsult", "ramavtal", 1.2, 1.5),
    ("Tjänstedesign Väst AB", "it_konsult", "förenklat", 1.0, 1.2),
    ("Molnkraft Sverige AB", "drift", "öppet", 3.0, 3.0),
    ("Serverhallen Mitt AB", "drift", "ramavtal", 2.0, 3.0),
    ("Nätdrift Öst AB", "drift", "förenklat", 1.0, 2.0),
    ("Licenscentralen AB", "licens", "ramavtal", 2.5, 2.0),
    ("Programvaruhuset Skandinavien AB", "licens", "ramavtal", 2.0, 2.0),
    ("Arkivsystem Norden AB", "licens", "öppet", 1.5, 2.5),
    ("Kartdata Sverige AB", "licens", "förenklat", 1.0, 1.5),
    ("Resebyrån Affärsresor AB", "resa", "ramavtal", 2.0, 0.6),
    ("Tåg och Hotell Bokning AB", "resa", "ramavtal", 1.5, 0.5),
    ("Hotell Centralen i Stockholm AB", "resa", "direktupphandling", 0.3, 0.4),
    ("Fastighets AB Kvarteret Kronan", "lokal", "annat", 3.0, 4.0),
    ("Kontorshotellet Norra Hamnen AB", "lokal", "direktupphandling", 0.3, 0.8),
    ("Konferensgården Sjöudden AB", "catering", "förenklat", 1.5, 1.5),
    ("Cateringfirman Smak & Co AB", "catering", "direktupphandling", 1.0, 0.4),
    ("Mötesplats City AB", "catering", "förenklat", 1.2, 1.5),
    ("Kontorsvaror Direkt AB", "kontor", "ramavtal", 2.0, 0.3),
    ("Papper & Penna i Sverige AB", "kontor", "direktupphandling", 0.8, 0.2),
    ("Telekomoperatören Nord AB", "tele", "ramavtal", 2.0, 0.8),
    ("Revisionsbyrån Granskning AB", "revision", "förenklat", 1.0, 1.0),
    ("Advokatfirman Lag & Rätt KB", "juridik", "förenklat", 1.0, 1.2),
    ("Offentligrättsjuristerna AB", "juridik", "direktupphandling", 0.3, 0.6),
    ("Städtjänst Blank AB", "stad", "förenklat", 1.0, 0.5),
    ("Tryckeriet Grafiska AB", "tryck", "direktupphandling", 0.6, 0.4),
    ("Rekryteringspartner AB", "rekrytering", "direktupphandling", 0.3, 0.6),
    ("Utvecklarna i Umeå AB", "it_konsult", "ramavtal", 1.0, 1.5),
    ("Dataskydd Konsult AB", "it_konsult", "förenklat", 0.8, 1.0),
    ("Öppen Källkod Förvaltning AB", "it_konsult", "öppet", 1.0, 1.5),
    ("Backupcentralen AB", "drift", "förenklat", 0.8, 1.2),
    ("Nätverksgruppen Syd AB", "drift", "ramavtal", 0.8, 1.0),
    ("Geoanalys Norden AB", "licens", "förenklat", 0.6, 1.0),
    ("Eventteknik Scen AB", "catering", "direktupphandling", 0.4, 0.6),
    ("Bussresor Samåk AB", "resa", "direktupphandling", 0.3, 0.3),
    ("Säker Post Distribution AB", "kontor", "förenklat", 0.5, 0.3),
    ("Utbildningslokaler Centrum AB", "catering", "annat", 0.5, 0.6),
]
# Named roles the findings rely on.
DIRECT_AWARD_OVER_LIMIT = ("Snabbkonsult i Sverige AB", "it_konsult")
CONTRACT_ENDED = ("Licensförvaltning Gamla Avtalet AB", "licens")
INVALID_ORGNR = ("Konferensservice i Norr AB", "catering")
UNLISTED = ("Eventbyrån Snabba Ryck AB", "catering")
IT_OPERATOR = "Molnkraft Sverige AB"
# The IT-operations provider runs the shared infrastructure under its open procurement: it takes
# this percentage of these supplier budgets ('' = shared costs), invoiced monthly. That makes it
# about 30 % of market spend, above the 25 % concentration share (the lock-in risk to report).
IT_OPERATOR_PERCENT = {"T04": 70, "T12": 70, "": 33}
# The supplier missing from the list: fixed invoices (whole SEK, excl. VAT) out of the shared budget.
UNLISTED_INVOICES_SEK = {2025: [86_500, 112_000]}


def build_organisation(rng: random.Random) -> ExampleOrganisation:
    """Registers of the example association: members, counterparties, catalogue, suppliers."""
    taken: set[str] = set()
    kommun_orgnrs = _orgnrs(rng, "212000", len(KOMMUN_NAMES) + len(NON_MEMBER_KOMMUN_NAMES), taken)
    members: list[Member] = []
    for name, orgnr in zip(KOMMUN_NAMES, kommun_orgnrs):
        members.append(Member(orgnr, f"{name} kommun", "kommun", MEMBER_START, None, True,
                              round(rng.lognormvariate(0, 0.8), 4)))
    for name, orgnr in zip(REGION_NAMES, _orgnrs(rng, "232100", len(REGION_NAMES), taken)):
        members.append(Member(orgnr, name, "region", MEMBER_START, None, True, 8.0))
    for name, orgnr in zip(FORBUND_NAMES, _orgnrs(rng, "222000", len(FORBUND_NAMES), taken)):
        members.append(Member(orgnr, name, "förbund", MEMBER_START, None, True, 1.5))
    myndighet_orgnr = _orgnrs(rng, "202100", 1, taken)[0]
    members.append(Member(myndighet_orgnr, MYNDIGHET_NAME, "myndighet", MEMBER_START, None, False, 1.0))

    # Joining and leaving members are picked among the kommuner; the rest stay all years.
    movers = rng.sample(range(len(KOMMUN_NAMES)), len(JOIN_DATES) + len(LEAVE_DATES))
    for index, joined in zip(movers, JOIN_DATES):
        members[index] = _replace_member(members[index], member_from=joined)
    for index, left in zip(movers[len(JOIN_DATES):], LEAVE_DATES):
        members[index] = _replace_member(members[index], member_to=left)
    steady = [m for m in members if m.controlling and m.member_from == MEMBER_START and m.member_to is None]

    counterparties: list[Counterparty] = []
    company_kinds = ["Stadshus AB", "Bostäder AB", "Energi AB", "Vatten AB", "Hamn AB"]
    owners = rng.sample(steady, 15)
    for owner, orgnr in zip(owners, _orgnrs(rng, "556", 15, taken)):
        town = owner.name.removesuffix(" kommun") if owner.type == "kommun" else owner.name
        counterparties.append(Counterparty(orgnr, f"{town} {rng.choice(company_kinds)}", "offentlig", owner.orgnr))
    non_member_public = [f"{n} kommun" for n in NON_MEMBER_KOMMUN_NAMES]
    for name, orgnr in zip(non_member_public, kommun_orgnrs[len(KOMMUN_NAMES):]):
        counterparties.append(Counterparty(orgnr, name, "offentlig", ""))
    agencies = ["Statens digitaliseringsråd", "Länsstyrelsen i Mellanlänet", "Universitetet i Norrstad",
                "Region Norrbotten", "Försäkringsverket Syd"]
    agency_prefixes = ["202100", "202100", "202100", "232100", "202100"]
    for name, prefix in zip(agencies, agency_prefixes):
        counterparties.append(Counterparty(_orgnrs(rng, prefix, 1, taken)[0], name, "offentlig", ""))
    grant_giver = counterparties[-len(agencies)].orgnr
    private_names = ["Nordisk Eventteknik AB", "Konsultgruppen Framtid AB", "Vårdbolaget Omsorg AB",
                     "Fastighetsförvaltning Norr AB", "Skolkoncernen Lärande AB", "Energitjänst Väst AB",
                     "Bygg & Plan Konsult AB", "Friskolan Kunskapsvägen AB", "IT-tjänster Småland AB",
                     "Transportföretaget Lastbil AB", "Hälsocentralen Privat AB", "Mediahuset Nyheter AB",
                     "Stiftelsen Digital Kompetens", "Ideella föreningen Öppna Data", "Revisionsfirman Kontroll AB"]
    private_prefixes = ["556"] * 12 + ["802", "802", "556"]
    for name, prefix in zip(private_names, private_prefixes):
        counterparties.append(Counterparty(_orgnrs(rng, prefix, 1, taken)[0], name, "privat", ""))

    suppliers: list[Supplier] = []
    case_numbers = rng.sample(range(1, 120), len(SUPPLIER_DESIGN) + 3)
    for (name, category, form, weight, scale), case in zip(SUPPLIER_DESIGN, case_numbers):
        # Six-year contracts from 2020-2022 cover all ledger years: only the named supplier's has ended.
        start = dt.date(rng.choice([2020, 2021, 2022]), rng.choice([1, 4, 7, 10]), 1)
        end = dt.date(start.year + 6, start.month, 1) - dt.timedelta(days=1)
        prefix = "DU" if form == "direktupphandling" else "DNR"
        reference = f"{prefix} {start.year}/{case:03d}" if form != "annat" else f"Hyresavtal {start.year}/{case:03d}"
        suppliers.append(Supplier(_orgnrs(rng, "556", 1, taken)[0], name, category, form, reference,
                                  start, end, weight, scale))
    over_limit = Supplier(_orgnrs(rng, "556", 1, taken)[0], DIRECT_AWARD_OVER_LIMIT[0], DIRECT_AWARD_OVER_LIMIT[1],
                          "direktupphandling", f"DU 2023/{case_numbers[-3]:03d}", dt.date(2023, 1, 1),
                          dt.date(2025, 12, 31), 0.0, 1.0)
    ended = Supplier(_orgnrs(rng, "556", 1, taken)[0], CONTRACT_ENDED[0], CONTRACT_ENDED[1], "förenklat",
                     f"DNR 2021/{case_numbers[-2]:03d}", dt.date(2021, 1, 1), dt.date(2024, 12, 31), 0.8, 1.2)
    valid = _orgnrs(rng, "556", 1, taken)[0]
    # Same digits with the check digit off by one: a typo that an org. no. check must catch.
    invalid = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    bad_check = Supplier(invalid, INVALID_ORGNR[0], INVALID_ORGNR[1], "direktupphandling",
                         f"DU 2023/{case_numbers[-1]:03d}", dt.date(2023, 1, 1), dt.date(2026, 12, 31), 0.4, 0.5)
    drift_kommun = rng.choice([m for m in steady if m.type == "kommun"])
    member_supplier = Supplier(drift_kommun.orgnr, drift_kommun.name, "drift", "Teckal",
                               "Samverkansavtal 2019/003", dt.date(2019, 7, 1), None, 1.5, 2.0)
    orgnr = _orgnrs(rng, "802", 1, taken)[0]
    # Its org. no. comes from a generator of its own (seeded by the association's), so adding this
    # supplier left every other draw, and so the registers and history, as they were.
    unlisted = Supplier(_orgnrs(random.Random(orgnr), "556", 1, taken)[0], UNLISTED[0], UNLISTED[1], "", "", None, None, 0.0, 1.0,
                        listed=False)
    suppliers += [over_limit, ended, bad_check, member_supplier, unlisted]
    it_operator = next(s for s in suppliers if s.name == IT_OPERATOR)

    return ExampleOrganisation(
        name=ORGANISATION_NAME, orgnr=orgnr, members=tuple(members),
        counterparties=tuple(counterparties), services=_catalogue(), suppliers=tuple(suppliers),
        grant_giver=grant_giver, direct_award_over_limit=over_limit.orgnr, contract_ended=ended.orgnr,
        invalid_orgnr_supplier=bad_check.orgnr, member_supplier=member_supplier.orgnr,
        unlisted_supplier=unlisted.orgnr, it_operator=it_operator.orgnr)


def _replace_member(member: Member, **changes) -> Member:
    from dataclasses import replace

    return replace(member, **changes)


# ---------------------------------------------------------------------------------------------
# Ledger: one year


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split the integer `total` over `weights` exactly (largest remainder, ties by position)."""
    if not weights:
        raise ValueError("nothing to apportion over")
    # Weights become integers first, so the split itself is exact integer arithmetic.
    scaled = [max(1, round(w * 1_000_000)) for w in weights]
    weight_sum = sum(scaled)
    parts = [total * w // weight_sum for w in scaled]
    remainders = sorted(range(len(scaled)), key=lambda i: (-(total * scaled[i] % weight_sum), i))
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts


class _WeightedPicker:
    """Draws items by weight in O(log n), so a million-line year stays fast."""

    def __init__(self, items: list, weights: list[float]):
        self.items = items
        self.cumulative = []
        running = 0.0
        for w in weights:
            running += w
            self.cumulative.append(running)

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


@dataclass
class _Slot:
    """A voucher line whose amount is decided after all lines of its budget exist."""

    account: int
    counterparty: str
    service: str
    cost_centre: str
    text: str
    weight: float
    budget: str  # which budget the amount comes out of
    amount_ore: int = 0


@dataclass
class _Invoice:
    series: str  # A customer, B supplier
    date: dt.date
    counterparty: str
    counterparty_name: str
    number: str
    slots: list[_Slot]
    vat_percent: int  # 0 = no VAT line
    round_to_krona: bool = False


@dataclass
class _Voucher:
    series: str
    date: dt.date
    lines: list[tuple[int, int, str, str, str, str]] = field(default_factory=list)  # account, öre, cp, svc, cc, text


# Revenue budgets: per mille of the year's activity revenue, the services they buy (with weights),
# and how many invoices they get per 1000 customer invoices (None = fixed count below).
REVENUE_BUDGETS = {
    "controlling_services": (None, {"T01": 18, "T02": 12, "T03": 12, "T04": 20, "T05": 8, "T06": 5, "T07": 6,
                                     "T08": 8, "T09": 3, "T10": 2, "T13": 6}, 885),
    "membership_fees": (40.0, {}, None),
    "unknown_service": (2.0, {"T99": 1}, None),
    "unassigned": (1.0, {"": 1}, None),
    "out_of_window": (4.0, {"T01": 4, "T02": 3, "T05": 3}, 5),
    "noncontrolling_member": (8.0, {"T05": 6, "T06": 4}, 10),
    "member_controlled": (25.0, {"T04": 5, "T01": 3, "T03": 2}, 30),
    "other_public": (28.0, {"T12": 35, "T11": 25, "T03": 25, "T10": 15}, 40),
    "private": (15.0, {"T10": 40, "T11": 30, "T12": 20, "T03": 10}, 30),
    "grant": (15.0, {"": 1}, None),
    "unknown_counterparty": (1.5, {"T10": 1}, None),
}
# The market-facing budgets drift a little from year to year (per mille of revenue, by year);
# controlling members' services take what is left, so the budgets always add up to the whole.
BUDGET_PER_MILLE_BY_YEAR = {
    2023: {"member_controlled": 24.0, "other_public": 26.0, "private": 13.0, "grant": 16.0},
    2024: {"member_controlled": 25.0, "other_public": 28.0, "private": 15.0, "grant": 15.0},
    2025: {"member_controlled": 27.0, "other_public": 30.0, "private": 17.0, "grant": 14.0},
}
FIXED_INVOICE_COUNTS = {"unknown_service": 3, "unassigned": 3, "grant": 2, "unknown_counterparty": 4}
CREDIT_NOTES_PER_YEAR = 5
ROUNDED_INVOICES_PER_YEAR = 5
# Fixed invoices (whole SEK, excl. VAT) of the direct-award supplier: above SEK 700 000 only in 2025.
DIRECT_AWARD_INVOICES_SEK = {2023: [78_000, 84_500], 2024: [91_000, 88_000, 95_500],
                             2025: [162_000, 171_500, 158_000, 149_000, 176_000]}


def _business_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A random weekday in [first, last] (the range must hold at least one weekday)."""
    for _ in range(100):
        day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
        if day.weekday() < 5:
            return day
    raise ValueError(f"no weekday between {first} and {last}")


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def _out_of_window_periods(org: ExampleOrganisation, year: int) -> list[tuple[Member, dt.date, dt.date]]:
    """(member, first, last) periods in `year` when a joining or leaving kommun bought outside
    its membership: a pilot in the six months before joining, a tail in the nine months after leaving."""
    year_first, year_last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    periods = []
    for member in org.members:
        if member.member_from > MEMBER_START:
            first = max(_months_later(member.member_from, -6), year_first)
            last = min(member.member_from - dt.timedelta(days=1), year_last)
            if (last - first).days >= 14:
                periods.append((member, first, last))
        if member.member_to is not None:
            first = max(member.member_to + dt.timedelta(days=1), year_first)
            last = min(_months_later(member.member_to + dt.timedelta(days=1), 9) - dt.timedelta(days=1), year_last)
            if (last - first).days >= 14:
                periods.append((member, first, last))
    return periods


def _pick_count(rng: random.Random) -> int:
    """Lines per invoice: mostly one, sometimes two or three."""
    draw = rng.random()
    return 1 if draw < 0.55 else 2 if draw < 0.85 else 3


def generate_ledger_year(rng: random.Random, org: ExampleOrganisation, year: int, n_lines: int) -> list[LedgerLine]:
    """About `n_lines` balanced ledger lines for `year`, dated and numbered, sorted by date.

    Steps: customer invoices (series A) with their revenue split over designed budgets; credit
    notes; supplier invoices (B) whose direct costs follow each service's realised revenue and
    designed cost ratio; monthly salaries (C); payments of invoices (C). The revenue and cost
    totals do not depend on `n_lines`: more lines means smaller lines.
    """
    revenue_sek = ACTIVITY_REVENUE_SEK[year]
    services = {s.code: s for s in org.services}
    counterparty_names = {c.orgnr: c.name for c in org.counterparties} | {m.orgnr: m.name for m in org.members}
    year_first, year_last = dt.date(year, 1, 1), dt.date(year, 12, 31)

    # Fixed overhead: membership fee invoices (2 lines + payment) and salaries (about 30 a month).
    fee_payers = [m for m in org.members if m.active_on(dt.date(year, 1, 31))]
    joiners = [m for m in org.members if m.member_from.year == year and m.member_from > dt.date(year, 1, 31)]
    overhead = 4 * (len(fee_payers) + len(joiners)) + 12 * (2 * (len(services) + 1) + 3) + 60
    variable_lines = max(n_lines - overhead, 400)
    # Line yield per invoice incl. its payment, measured on the design: customer ~4.4, supplier ~5.6.
    n_customer_invoices = max(round(0.45 * variable_lines / 4.4), 60)
    n_supplier_invoices = max(round(0.55 * variable_lines / 5.6), 60)

    invoices: list[_Invoice] = []
    invoice_seq = iter(range(1, 10 ** 9))

    def new_invoice(series: str, day: dt.date, orgnr: str, name: str, vat: int) -> _Invoice:
        prefix = "F" if series == "A" else "L"
        invoice = _Invoice(series, day, orgnr, name, f"{prefix}{year % 100}-{next(invoice_seq):06d}", [], vat)
        invoices.append(invoice)
        return invoice

    def revenue_slot(budget: str, code: str, orgnr: str, day: dt.date) -> _Slot:
        if code == "":
            account = GRANT_REVENUE if budget == "grant" else UNASSIGNED_SERVICE_REVENUE
            text = "Bidrag digital förvaltning" if budget == "grant" else f"Övriga tjänster {day:%Y-%m}"
            return _Slot(account, orgnr, "", "100", text, rng.lognormvariate(0, 0.7), budget)
        if code not in services:
            return _Slot(UNKNOWN_SERVICE_REVENUE, orgnr, code, "200", f"Pilotprojekt {day:%Y-%m}",
                         rng.lognormvariate(0, 0.7), budget)
        service = services[code]
        return _Slot(service.revenue_account, orgnr, code, service.cost_centre, f"{service.name} {day:%Y-%m}",
                     rng.lognormvariate(0, 0.7), budget)

    # Customer pools per budget; a member is only billed inside its membership window.
    monthly_members: dict[int, _WeightedPicker] = {}
    for month in range(1, 13):
        active = [m for m in org.members if m.controlling and m.active_on(dt.date(year, month, 1))]
        monthly_members[month] = _WeightedPicker(active, [m.size_weight for m in active])
    myndighet = next(m for m in org.members if not m.controlling)
    by_sector = {
        "member_controlled": [c for c in org.counterparties if c.controlled_by],
        "other_public": [c for c in org.counterparties
                         if c.sector == "offentlig" and not c.controlled_by and c.orgnr != org.grant_giver],
        "private": [c for c in org.counterparties if c.sector == "privat"],
    }
    out_of_window = _out_of_window_periods(org, year)

    def customer_for(budget: str) -> tuple[str, str, dt.date]:
        if budget == "out_of_window":
            member, first, last = out_of_window[rng.randrange(len(out_of_window))]
            return member.orgnr, member.name, _business_day(rng, first, last)
        day = _business_day(rng, year_first, year_last)
        if budget in ("controlling_services", "unknown_service", "unassigned"):
            member = monthly_members[day.month].pick(rng)
            return member.orgnr, member.name, day
        if budget == "noncontrolling_member":
            return myndighet.orgnr, myndighet.name, day
        if budget == "grant":
            return org.grant_giver, counterparty_names[org.grant_giver], day
        if budget == "unknown_counterparty":
            return "", "Kontantförsäljning konferens", day
        party = by_sector[budget][rng.randrange(len(by_sector[budget]))]
        return party.orgnr, party.name, day

    def needs_vat(budget: str, code: str) -> bool:
        # Cost-sharing between public bodies is outside VAT; sales and private customers are not.
        return budget == "private" or (code in services and services[code].classification == "säljverksamhet")

    def add_customer_invoice(budget: str, codes: dict[str, float]) -> None:
        orgnr, name, day = customer_for(budget)
        picker = _WeightedPicker(list(codes), list(codes.values()))
        chosen: list[str] = []
        for _ in range(_pick_count(rng) if len(codes) > 1 else 1):
            code = picker.pick(rng)
            if code not in chosen:
                chosen.append(code)
        vat = SALES_VAT_PERCENT if any(needs_vat(budget, c) for c in chosen) else 0
        invoice = new_invoice("A", day, orgnr, name, vat)
        invoice.slots = [revenue_slot(budget, code, orgnr, day) for code in chosen]

    if not out_of_window:
        raise ValueError(f"{year}: no member joins or leaves near this year; the design needs one")
    for budget, (per_mille, codes, invoices_per_mille) in REVENUE_BUDGETS.items():
        if budget == "membership_fees":
            continue
        count = FIXED_INVOICE_COUNTS[budget] if invoices_per_mille is None else max(
            round(n_customer_invoices * invoices_per_mille / 1000), 3)
        # Every service of the budget gets at least one invoice, so every designed flow exists.
        for code in codes:
            add_customer_invoice(budget, {code: 1.0})
        for _ in range(count - len(codes)):
            add_customer_invoice(budget, codes)

    # Membership fees: one invoice per member active at the end of January, and one at joining.
    fee_day = dt.date(year, 1, 31)
    while fee_day.weekday() >= 5:
        fee_day -= dt.timedelta(days=1)
    fee_type_weight = {"kommun": 1.0, "region": 6.0, "förbund": 1.5, "myndighet": 1.5}
    for member, day in [(m, fee_day) for m in fee_payers] + [(m, m.member_from) for m in joiners]:
        invoice = new_invoice("A", day, member.orgnr, member.name, 0)
        invoice.slots = [_Slot(MEMBERSHIP_FEES, member.orgnr, "", "100", f"Medlemsavgift {year}",
                               fee_type_weight[member.type] * (0.5 if day != fee_day else 1.0),
                               "membership_fees")]

    # Amounts: each budget in whole kronor over its slots.
    slots_by_budget: dict[str, list[_Slot]] = {}
    for invoice in invoices:
        for slot in invoice.slots:
            slots_by_budget.setdefault(slot.budget, []).append(slot)
    per_mille = _budget_per_mille(year)
    for budget, slots in slots_by_budget.items():
        budget_sek = revenue_sek * round(per_mille[budget] * 10) // 10_000
        for slot, sek in zip(slots, apportion(budget_sek, [s.weight for s in slots])):
            slot.amount_ore = -sek * 100  # revenue is credit

    # A handful of sales invoices are rounded to whole kronor (öresavrundning on 3740).
    vat_invoices = [i for i in invoices if i.vat_percent and _gross_ore(i) % 100]
    for invoice in rng.sample(vat_invoices, min(ROUNDED_INVOICES_PER_YEAR, len(vat_invoices))):
        invoice.round_to_krona = True

    vouchers = [_customer_invoice_voucher(inv, services) for inv in invoices]
    vouchers += _credit_notes(rng, invoices, year_last)

    # Revenue realised per service drives its direct costs, so each service's result is as designed.
    revenue_per_service: dict[str, int] = {}
    for invoice in invoices:
        for slot in invoice.slots:
            if slot.service in services:
                revenue_per_service[slot.service] = revenue_per_service.get(slot.service, 0) - slot.amount_ore
    total_cost_ore = revenue_sek * COST_TO_REVENUE_PER_MILLE[year] // 1000 * 100
    direct_ore = {code: rev * services[code].direct_cost_per_mille // 1000 // 100 * 100
                  for code, rev in revenue_per_service.items()}
    shared_ore = total_cost_ore - sum(direct_ore.values())
    salary_budget_ore = {code: cost * services[code].salary_percent // 100 // 100 * 100
                         for code, cost in direct_ore.items()}
    salary_budget_ore[""] = shared_ore * 35 // 100 // 100 * 100
    supplier_budget_ore = {code: direct_ore[code] - salary_budget_ore[code] for code in direct_ore}
    supplier_budget_ore[""] = shared_ore - salary_budget_ore[""]

    supplier_invoices = _supplier_invoices(rng, org, year, n_supplier_invoices, supplier_budget_ore, new_invoice)
    vouchers += [_supplier_invoice_voucher(inv) for inv in supplier_invoices]
    vouchers += _salary_vouchers(year, services, salary_budget_ore)
    vouchers += _payments(rng, [i for i in invoices], year_last)
    return _numbered_lines(vouchers)


def _budget_per_mille(year: int) -> dict[str, float]:
    per_mille = {budget: design[0] for budget, design in REVENUE_BUDGETS.items()}
    per_mille |= BUDGET_PER_MILLE_BY_YEAR.get(year, {})
    per_mille["controlling_services"] = 0.0
    per_mille["controlling_services"] = 1000.0 - sum(per_mille.values())
    return per_mille


def _gross_ore(invoice: _Invoice) -> int:
    net = -sum(s.amount_ore for s in invoice.slots)
    return net + _vat_ore(net, invoice.vat_percent)


def _vat_ore(net_ore: int, percent: int) -> int:
    """VAT on a positive net amount, rounded half up to whole öre."""
    return (net_ore * percent + 50) // 100


def _customer_invoice_voucher(invoice: _Invoice, services: dict[str, Service]) -> _Voucher:
    voucher = _Voucher("A", invoice.date)
    net = -sum(s.amount_ore for s in invoice.slots)
    vat = _vat_ore(net, invoice.vat_percent) if invoice.vat_percent else 0
    gross = net + vat
    rounded = (gross + 50) // 100 * 100 if invoice.round_to_krona else gross
    voucher.lines.append((RECEIVABLES, rounded, invoice.counterparty, "", "",
                          f"Kundfaktura {invoice.number} {invoice.counterparty_name}"))
    for slot in invoice.slots:
        voucher.lines.append((slot.account, slot.amount_ore, slot.counterparty, slot.service, slot.cost_centre,
                              slot.text))
    if vat:
        voucher.lines.append((OUTPUT_VAT, -vat, "", "", "", f"Utgående moms {invoice.vat_percent} %"))
    if rounded != gross:
        voucher.lines.append((ROUNDING, gross - rounded, "", "", "", "Öresavrundning"))
    return voucher


def _credit_notes(rng: random.Random, invoices: list[_Invoice], year_last: dt.date) -> list[_Voucher]:
    """Credit notes for part of a service line: debit revenue (and VAT), credit 1510."""
    candidates = [i for i in invoices if i.series == "A" and i.slots[0].service and i.date.month < 12]
    notes = []
    for invoice in rng.sample(candidates, min(CREDIT_NOTES_PER_YEAR, len(candidates))):
        slot = invoice.slots[0]
        credited = -slot.amount_ore * rng.choice([10, 20, 25, 50]) // 100 // 100 * 100
        if credited == 0:
            continue
        vat = _vat_ore(credited, invoice.vat_percent) if invoice.vat_percent else 0
        day = min(invoice.date + dt.timedelta(days=rng.randrange(7, 30)), year_last)
        note = _Voucher("A", day)
        note.lines.append((slot.account, credited, slot.counterparty, slot.service, slot.cost_centre,
                           f"Kreditfaktura avser {invoice.number}"))
        if vat:
            note.lines.append((OUTPUT_VAT, vat, "", "", "", f"Utgående moms {invoice.vat_percent} %, kredit"))
        note.lines.append((RECEIVABLES, -(credited + vat), invoice.counterparty, "", "",
                           f"Kreditfaktura avser {invoice.number}"))
        notes.append(note)
    return notes


def _supplier_invoices(rng: random.Random, org: ExampleOrganisation, year: int, count: int,
                       budget_ore: dict[str, int], new_invoice) -> list[_Invoice]:
    """Supplier invoices over the cost budgets ('' = shared costs, else a service's direct costs).

    About 60 % of invoices (and so of cost lines) carry a service code. The direct-award supplier's
    invoices have fixed amounts; the IT-operations provider's monthly invoices and the unlisted
    supplier's come out of their budgets first; everything else is apportioned by weight within
    its budget.
    """
    services = {s.code: s for s in org.services}
    year_first, year_last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    budget_ore = dict(budget_ore)
    random_pool = [s for s in org.suppliers if s.pool_weight > 0]
    pickers = {}
    for code in budget_ore:
        categories = SHARED_SUPPLIER_CATEGORIES if code == "" else services[code].supplier_categories
        pool = [s for s in random_pool if s.category in categories]
        pickers[code] = _WeightedPicker(pool, [s.pool_weight for s in pool])
    direct_codes = [c for c in budget_ore if c]
    direct_picker = _WeightedPicker(direct_codes, [budget_ore[c] for c in direct_codes])
    invoices: list[_Invoice] = []

    def add(code: str, supplier: Supplier, day: dt.date | None = None, lines: int | None = None) -> _Invoice:
        day = day or _business_day(rng, year_first, year_last)
        vat = 0 if supplier.procurement_form == "Teckal" else SUPPLIER_CATEGORIES[supplier.category][1]
        invoice = new_invoice("B", day, supplier.orgnr, supplier.name, vat)
        accounts, _, text = SUPPLIER_CATEGORIES[supplier.category]
        service = services.get(code)
        for _ in range(lines or _pick_count(rng)):
            invoice.slots.append(_Slot(rng.choice(accounts), supplier.orgnr, code,
                                       service.cost_centre if service else "100", f"{text} {day:%Y-%m}",
                                       rng.lognormvariate(0, 0.9) * supplier.amount_scale, code))
        invoices.append(invoice)
        return invoice

    # Every budget gets an invoice, and so do the suppliers the findings are about.
    for code in budget_ore:
        add(code, pickers[code].pick(rng))
    if year >= 2025:
        add("T02", next(s for s in org.suppliers if s.orgnr == org.contract_ended),
            dt.date(year, 2, 14))
    add("", next(s for s in org.suppliers if s.orgnr == org.invalid_orgnr_supplier))
    add("T04", next(s for s in org.suppliers if s.orgnr == org.member_supplier))
    while len(invoices) < count:
        code = direct_picker.pick(rng) if rng.random() < 0.6 else ""
        add(code, pickers[code].pick(rng))

    def fixed(code: str, supplier: Supplier, day: dt.date, sek: int) -> None:
        # One line of a fixed amount out of `code`'s budget; no random draw, so the rest of the
        # year's invoices stay as they were.
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        vat = SUPPLIER_CATEGORIES[supplier.category][1]
        invoice = new_invoice("B", day, supplier.orgnr, supplier.name, vat)
        accounts, _, text = SUPPLIER_CATEGORIES[supplier.category]
        service = services.get(code)
        invoice.slots.append(_Slot(accounts[0], supplier.orgnr, code, service.cost_centre if service else "100",
                                   f"{text} {day:%Y-%m}", 1.0, "fixed", sek * 100))
        invoices.append(invoice)
        budget_ore[code] -= sek * 100

    operator = next(s for s in org.suppliers if s.orgnr == org.it_operator)
    for code, percent in IT_OPERATOR_PERCENT.items():
        if code in budget_ore:
            for month, sek in enumerate(apportion(budget_ore[code] * percent // 100 // 100, [1.0] * 12), start=1):
                fixed(code, operator, dt.date(year, month, 10), sek)
    unlisted = next(s for s in org.suppliers if s.orgnr == org.unlisted_supplier)
    for month, sek in zip((5, 10), UNLISTED_INVOICES_SEK.get(year, [])):
        fixed("", unlisted, dt.date(year, month, 20), sek)

    for code, budget in budget_ore.items():
        slots = [s for inv in invoices for s in inv.slots if s.budget == code]
        for slot, ore in zip(slots, apportion(budget // 100, [s.weight for s in slots])):
            slot.amount_ore = ore * 100

    # The direct-award supplier works on the integration platform, on top of its budget.
    over_limit = next(s for s in org.suppliers if s.orgnr == org.direct_award_over_limit)
    for month, sek in zip(range(2, 13, 2), DIRECT_AWARD_INVOICES_SEK[year]):
        invoice = add("T08", over_limit, _business_day(rng, dt.date(year, month, 1), dt.date(year, month, 28)), 1)
        invoice.slots[0].amount_ore = sek * 100
    return invoices


def _supplier_invoice_voucher(invoice: _Invoice) -> _Voucher:
    voucher = _Voucher("B", invoice.date)
    net = sum(s.amount_ore for s in invoice.slots)
    for slot in invoice.slots:
        voucher.lines.append((slot.account, slot.amount_ore, slot.counterparty, slot.service, slot.cost_centre,
                              slot.text))
    vat = _vat_ore(net, invoice.vat_percent) if invoice.vat_percent else 0
    if vat:
        voucher.lines.append((INPUT_VAT, vat, "", "", "", f"Ingående moms {invoice.vat_percent} %"))
    voucher.lines.append((PAYABLES, -(net + vat), invoice.counterparty, "", "",
                          f"Leverantörsfaktura {invoice.number} {invoice.counterparty_name}"))
    return voucher


def _salary_vouchers(year: int, services: dict[str, Service], budget_ore: dict[str, int]) -> list[_Voucher]:
    """Monthly salaries: gross and social fees per service (and shared staff), tax, net pay."""
    monthly = {code: apportion(total // 100, [1.0] * 12) for code, total in budget_ore.items()}
    vouchers = []
    for month in range(12):
        day = dt.date(year, month + 1, 25)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        voucher = _Voucher("C", day)
        gross_total = social_total = 0
        for code, months in monthly.items():
            cost_ore = months[month] * 100
            gross = cost_ore * 10_000 // (10_000 + SOCIAL_FEE_PER_MILLE)
            social = cost_ore - gross
            centre = services[code].cost_centre if code else "100"
            who = services[code].name if code else "gemensam administration"
            voucher.lines.append((SALARIES, gross, "", code, centre, f"Löner {day:%Y-%m} {who}"))
            voucher.lines.append((SOCIAL_FEES, social, "", code, centre, f"Arbetsgivaravgifter {day:%Y-%m} {who}"))
            gross_total += gross
            social_total += social
        tax = gross_total * WITHHELD_TAX_PERCENT // 100
        voucher.lines.append((WITHHELD_TAX, -tax, "", "", "", f"Personalskatt {day:%Y-%m}"))
        voucher.lines.append((SOCIAL_FEES_DUE, -social_total, "", "", "", f"Arbetsgivaravgifter {day:%Y-%m}"))
        voucher.lines.append((BANK, -(gross_total - tax), "", "", "", f"Nettolöner {day:%Y-%m}"))
        vouchers.append(voucher)
    return vouchers


def _payments(rng: random.Random, invoices: list[_Invoice], year_last: dt.date) -> list[_Voucher]:
    """Bank payments about 30 days after each invoice; later than year end stays open."""
    vouchers = []
    for invoice in invoices:
        day = invoice.date + dt.timedelta(days=30 + rng.randrange(15))
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        if day > year_last:
            continue
        voucher = _Voucher("C", day)
        if invoice.series == "A":
            gross = _customer_invoice_voucher(invoice, {}).lines[0][1]
            voucher.lines.append((BANK, gross, "", "", "", f"Inbetalning {invoice.number}"))
            voucher.lines.append((RECEIVABLES, -gross, invoice.counterparty, "", "", f"Inbetalning {invoice.number}"))
        else:
            gross = -_supplier_invoice_voucher(invoice).lines[-1][1]
            voucher.lines.append((PAYABLES, gross, invoice.counterparty, "", "", f"Utbetalning {invoice.number}"))
            voucher.lines.append((BANK, -gross, "", "", "", f"Utbetalning {invoice.number}"))
        vouchers.append(voucher)
    return vouchers


def _numbered_lines(vouchers: list[_Voucher]) -> list[LedgerLine]:
    """Number vouchers per series in date order ("A 1".."A n", no gaps) and flatten to lines."""
    ordered = sorted(enumerate(vouchers), key=lambda iv: (iv[1].date, iv[1].series, iv[0]))
    next_number: dict[str, int] = {}
    lines: list[LedgerLine] = []
    for _, voucher in ordered:
        number = next_number.get(voucher.series, 1)
        next_number[voucher.series] = number + 1
        label = f"{voucher.series} {number}"
        if sum(line[1] for line in voucher.lines) != 0:
            raise AssertionError(f"voucher {label} of {voucher.date} does not balance")
        for account, amount_ore, counterparty, service, centre, text in voucher.lines:
            lines.append(LedgerLine(voucher.date, label, account, amount_ore, counterparty, service, centre, text))
    return lines


# ---------------------------------------------------------------------------------------------
# Writing


class _Book:
    """An XlsxWriter workbook with the formats every input file uses and a fixed creation date."""

    def __init__(self, path: Path, sheet: str, headers: list[str], constant_memory: bool = False):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.workbook = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
        self.workbook.set_properties({"created": DOCUMENT_CREATED, "title": sheet})
        self.sheet = self.workbook.add_worksheet(sheet)
        self.date_format = self.workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.money_format = self.workbook.add_format({"num_format": "#,##0.00"})
        self.key_format = self.workbook.add_format({"num_format": "0.00"})
        self.sheet.write_row(0, 0, headers, self.workbook.add_format({"bold": True}))
        self.sheet.freeze_panes(1, 0)

    def text(self, row: int, col: int, value: str) -> None:
        if value:
            self.sheet.write_string(row, col, value)

    def date(self, row: int, col: int, value: dt.date | None) -> None:
        if value is not None:
            self.sheet.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), self.date_format)

    def money(self, row: int, col: int, ore: int) -> None:
        # ore / 100 is the nearest double to the two-decimal amount; reading it back and rounding
        # to öre gives the exact integer again.
        self.sheet.write_number(row, col, ore / 100, self.money_format)

    def close(self) -> None:
        self.workbook.close()


def write_ledger(path: Path, rows: list[LedgerLine], sheet: str = LEDGER_SHEET) -> None:
    """Write ledger lines with the template headers: real dates, amounts with 2 decimals."""
    # Constant-memory mode keeps a million-line benchmark file from holding every cell in memory.
    book = _Book(path, sheet, LEDGER_HEADERS, constant_memory=len(rows) > 200_000)
    ws = book.sheet
    widths = [11, 12, 7, 14, 13, 7, 14, 48]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    for r, line in enumerate(rows, start=1):
        book.date(r, 0, line.date)
        ws.write_string(r, 1, line.voucher)
        ws.write_number(r, 2, line.account)
        book.money(r, 3, line.amount_ore)
        book.text(r, 4, line.counterparty)
        book.text(r, 5, line.service)
        book.text(r, 6, line.cost_centre)
        book.text(r, 7, line.text)
    book.close()


def write_members(path: Path, org: ExampleOrganisation) -> None:
    book = _Book(path, "Medlemmar", MEMBER_HEADERS)
    book.sheet.set_column(0, 0, 13)
    book.sheet.set_column(1, 1, 38)
    book.sheet.set_column(2, 5, 14)
    for r, m in enumerate(org.members, start=1):
        book.text(r, 0, m.orgnr)
        book.text(r, 1, m.name)
        book.text(r, 2, m.type)
        book.date(r, 3, m.member_from)
        book.date(r, 4, m.member_to)
        book.text(r, 5, "ja" if m.controlling else "nej")
    book.close()


def write_counterparties(path: Path, org: ExampleOrganisation) -> None:
    book = _Book(path, "Motparter", COUNTERPARTY_HEADERS)
    book.sheet.set_column(0, 0, 13)
    book.sheet.set_column(1, 1, 38)
    book.sheet.set_column(2, 3, 16)
    for r, c in enumerate(org.counterparties, start=1):
        book.text(r, 0, c.orgnr)
        book.text(r, 1, c.name)
        book.text(r, 2, c.sector)
        book.text(r, 3, c.controlled_by)
    book.close()


def write_services(path: Path, org: ExampleOrganisation) -> None:
    book = _Book(path, "Tjänster", SERVICE_HEADERS)
    book.sheet.set_column(0, 0, 11)
    book.sheet.set_column(1, 11, 24)
    for r, s in enumerate(org.services, start=1):
        for col, value in enumerate([s.code, s.name, s.classification, s.legal_basis, s.member_need,
                                     s.target_group, s.pricing]):
            book.text(r, col, value)
        book.date(r, 7, s.decision_date)
        book.text(r, 8, s.decision_reference)
        book.text(r, 9, s.market_assessment)
        book.text(r, 10, s.exclusivity)
        book.sheet.write_number(r, 11, s.allocation_key_hundredths / 100, book.key_format)
    book.close()


def write_suppliers(path: Path, org: ExampleOrganisation) -> None:
    book = _Book(path, "Leverantörer", SUPPLIER_HEADERS)
    book.sheet.set_column(0, 0, 13)
    book.sheet.set_column(1, 1, 36)
    book.sheet.set_column(2, 5, 20)
    for r, s in enumerate((s for s in org.suppliers if s.listed), start=1):
        book.text(r, 0, s.orgnr)
        book.text(r, 1, s.name)
        book.text(r, 2, s.procurement_form)
        book.text(r, 3, s.procurement_reference)
        book.date(r, 4, s.contract_from)
        book.date(r, 5, s.contract_to)
    book.close()


def write_history(path: Path, rng: random.Random) -> tuple[int, int]:
    """The year before the ledgers, from the annual report; returns (controlling, total) in öre."""
    total_ore = ACTIVITY_REVENUE_SEK[HISTORY_YEAR] * 100
    controlling_ore = total_ore * rng.randrange(8950, 9100) // 10_000
    book = _Book(path, "Historik", HISTORY_HEADERS)
    book.sheet.set_column(0, 3, 26)
    book.sheet.write_number(1, 0, HISTORY_YEAR)
    book.money(1, 1, controlling_ore)
    book.money(1, 2, total_ore)
    book.text(1, 3, f"Årsredovisning {HISTORY_YEAR}")
    book.close()
    return controlling_ore, total_ore


def governance_rows(org: ExampleOrganisation, rng: random.Random) -> list[tuple]:
    """Appointments (orgnr, name, role, body, from, to, decision reference) for the example.

    One assembly representative per controlling member for the term; the members' deputies are
    left out (they add rows, not evidence). Three executive-board seats; the chair of the board
    also represents a second, small member in the assembly (allowed, one row each). One gap.
    """
    rows = []
    controlling = [m for m in org.members if m.controlling]
    # Distinct people: a name shared by chance would read as one person for several members.
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    gap_member = controlling[7].orgnr
    for i, m in enumerate(controlling):
        start = max(m.member_from, TERM[0])
        end = min(m.member_to, TERM[1]) if m.member_to else None
        if end is not None and end < start:
            continue
        name = names[2 * i]
        reference = f"{m.name.split()[0]} KF {start.isoformat()} § {rng.randrange(5, 120)}"
        if m.orgnr == gap_member:
            rows.append((m.orgnr, name, "ordinarie", "förbundsfullmäktige", start, GAP_RESIGNED, reference))
            successor = names[2 * i + 1]
            rows.append((m.orgnr, successor, "ordinarie", "förbundsfullmäktige", GAP_SUCCESSOR_FROM, end,
                         f"{m.name.split()[0]} KF {GAP_SUCCESSOR_FROM.isoformat()} § 88"))
        else:
            rows.append((m.orgnr, name, "ordinarie", "förbundsfullmäktige", start, end, reference))
    chair = "Birgitta Lundqvist"
    rows.append((controlling[0].orgnr, chair, "ordförande", "direktion", TERM[0], TERM[1], "FF 2022-12-08 § 4"))
    rows.append((controlling[1].orgnr, "Gustav Öhman", "ledamot", "direktion", TERM[0], TERM[1], "FF 2022-12-08 § 4"))
    rows.append((controlling[2].orgnr, "Amira Haddad", "ledamot", "direktion", TERM[0], TERM[1], "FF 2022-12-08 § 4"))
    small = controlling[-1]
    if small.orgnr != controlling[0].orgnr:
        rows.append((small.orgnr, chair, "ordinarie", "förbundsfullmäktige", max(small.member_from, TERM[0]),
                     min(small.member_to, TERM[1]) if small.member_to else None,
                     f"{small.name.split()[0]} KF 2024-02-14 § 9"))
    return rows


def write_governance(path: Path, org: ExampleOrganisation, rng: random.Random) -> None:
    book = _Book(path, "Styrning", GOVERNANCE_HEADERS)
    book.sheet.set_column(0, 0, 13)
    book.sheet.set_column(1, 1, 26)
    book.sheet.set_column(2, 3, 20)
    book.sheet.set_column(4, 5, 12)
    book.sheet.set_column(6, 6, 30)
    for r, (orgnr, name, role, body, start, end, reference) in enumerate(governance_rows(org, rng), start=1):
        book.text(r, 0, orgnr)
        book.text(r, 1, name)
        book.text(r, 2, role)
        book.text(r, 3, body)
        book.date(r, 4, start)
        book.date(r, 5, end)
        book.text(r, 6, reference)
    book.close()


def settings_text(org: ExampleOrganisation) -> str:
    """settings.toml with every key at its default, commented in Swedish and English."""
    return f'''# Inställningar för LOS-utvärderingen / Settings of the LOS evaluation.
# Varje nyckel står här med sitt standardvärde. / Every key is written out with its default.

[organisation]
# Organisationens namn i rapporten / Name of the organisation in the report
name = "{org.name}"
# Organisationsnummer / Organisation number
orgnr = "{org.orgnr}"
# Rapportspråk: sv eller en / Report language: sv or en
language = "sv"

[accounts]
# Kontointervall [från, till], inklusive (BAS). / Account ranges [from, to], inclusive (BAS).
# Verksamhetens intäkter / Activity revenue
revenue = [[3000, 3999]]
# Erhållna bidrag, räknas aldrig som kontrollerande verksamhet / Grants received, never controlling activity
grants = [[3980, 3989]]
# Undantas från verksamhetsmåttet (öresutjämning, interna överföringar) / Left out of the activity measure (rounding, internal transfers)
excluded = [[3740, 3749]]
# Rörelsekostnader / Operating costs
costs = [[4000, 7999]]
# Momskonton, aldrig intäkt / VAT accounts, never revenue
vat = [[2600, 2699]]
# Intäkter utan tjänstekod på dessa konton räknas som samverkan (t.ex. medlemsavgifter) /
# Revenue without a service code on these accounts is cost-sharing (e.g. membership fees)
cost_sharing_without_code = []
# Intäkter utan tjänstekod på dessa konton räknas som säljverksamhet / ... as sales activity
sales_without_code = []

[thresholds]
# Tal skrivs som text för att läsas exakt som decimaltal ("0.80", inte 0.8) /
# Numbers are written as text so they are read as exact decimals ("0.80", not 0.8).
# Teckal: andel kontrollerande verksamhet måste överstiga detta / Teckal: controlling share must exceed this
teckal = "0.80"
# Hamburg (alternativ grund): intäkter utanför samarbetet under denna andel över tre år /
# Hamburg (alternative basis): revenue from outside the cooperation below this share over three years
open_market = "0.20"
# Inom så här mycket över tröskeln flaggas för granskning / Within this much above the threshold is flagged for review
review_band = "0.01"
# Direktupphandlingsgräns i kronor / Direct-award limit in SEK
direct_award_limit_sek = "700000"
# En leverantörs andel av inköpen som flaggas (inlåsning) / One supplier's share of spend that is flagged (lock-in)
supplier_concentration = "0.25"
# Omsättningsgräns för transparenslagen i euro / Turnover screen of the transparency act, in EUR
transparency_eur = "40000000"

[rules]
# Bidrag: include (i nämnaren) eller exclude (utanför) / Grants: include (in the denominator) or exclude (left out)
grants = "include"
# Fördelningsnyckel för gemensamma kostnader: revenue, direct_cost eller table / Allocation key for shared costs: revenue, direct_cost or table
allocation_key = "revenue"
# Växelkurs SEK per EUR för transparensgränsen / Exchange rate SEK per EUR for the transparency screen
eur_sek = "11.50"
# Inköp av samma slag mot direktupphandlingsgränsen: account, account_group eller category /
# Purchases of the same kind against the direct-award limit: account, account_group or category
direct_award_kind = "account"
# Tecknet i huvudbokens beloppskolumn: debit_positive (debet positivt, som SIE) eller credit_positive / Sign of the ledger's amount column
ledger_sign = "debit_positive"
# Datum som 3/4/2025: auto (avvisas, ordningen är okänd), d/m/yyyy eller m/d/yyyy / Dates like 3/4/2025: auto (refused), d/m/yyyy or m/d/yyyy
date_format = "auto"

[rules.allocation_key_by_year]
# Nyckel per år där den ändrats, t.ex. 2024 = "direct_cost" / Key per year where it changed, e.g. 2024 = "direct_cost"

[journal]
# Journaltester (granskning av verifikationer). Belopp i kronor skrivs som text.
# Journal-entry tests. Amounts in SEK are written as text.
# Runda belopp: intäkts- och kostnadsrader som är jämna multiplar av detta. Ingen standardkälla; 10 000 kr är en vanlig gräns i
# revisorers journaltester (ISA 240, tillämpningsanvisningen om journalposter: "round numbers") / Round amounts: revenue and cost lines that are whole
# multiples of this. No standard source; SEK 10 000 is a common choice in auditors' journal tests (ISA 240, application material on journal entries).
round_amount_sek = "10000"
# Bokföringar de sista dagarna av räkenskapsåret (ISA 240, tillämpningsanvisningen: "end of the period"); 7 dagar = sista veckan, ingen
# standardkälla / Postings in the last days of the fiscal year (ISA 240, application material on journal entries); 7 days = the last week, no standard source.
period_end_days = 7
# Konton med högst så här många rader under året (ISA 240, tillämpningsanvisningen: "seldom-used accounts"); antalet är ett val, ingen källa /
# Accounts with at most this many lines in the year (ISA 240, application material on journal entries); the number is a choice, no source.
seldom_used_max_lines = 3
# Vanliga motkonton till intäkter: kundfordringar (BAS 15) och kassa och bank (BAS 19), samt avräkningskonton; standard är
# öres- och kronutjämning (BAS 3740), som finns på varje avrundad kundfaktura / Usual counter accounts of revenue: receivables
# (BAS 15), cash and bank (BAS 19), and clearing accounts; the default is rounding (BAS 3740), on every rounded customer invoice.
receivable_accounts = [[1500, 1599]]
bank_accounts = [[1900, 1999]]
clearing_accounts = [[3740, 3749]]
# De största raderna (absolut belopp) som listas / Number of largest lines (absolute amount) listed
largest_entries = 25
# Rader över detta belopp listas. Väsentlighet sätts av revisorn för varje uppdrag (ISA 320); 1 000 000 kr är bara ett
# utgångsvärde / Lines above this are listed. Materiality is set by the auditor per engagement (ISA 320); SEK 1 000 000 is
# only a starting value.
materiality_sek = "1000000"
# Uppdelade inköp: en leverantörs fakturor, var och en under direktupphandlingsgränsen ([thresholds]), vars summa inom så här
# många dagar överstiger den (LOU 19 kap. 8 §: köp av samma slag räknas samman); 30 dagar är ett val, ingen källa /
# Split purchases: one supplier's invoices, each below the direct-award limit, whose sum within this many days exceeds it
# (LOU 19:8 adds purchases of the same kind together); 30 days is a choice, no source.
split_window_days = 30
# Benfords lag, första siffran: testas först från så här många rader. Nigrini (2012, Benford's Law, Wiley) anger omkring
# 1 000 poster som minsta underlag; vid 1 000 rader är väntat MAD för data som följer lagen 0,0074, under gränsen 0,012 /
# Benford's law, first digit: tested only from this many lines. Nigrini (2012) gives about 1 000 records as the minimum;
# at 1 000 lines the expected MAD of data that follows the law is 0.0074, below his 0.012 bound.
benford_min_lines = 1000
# Benford, två första siffrorna: väntat MAD för data som följer lagen är 0,0025 vid 1 000 rader, över Nigrinis gräns 0,0022
# för avvikelse; vid 3 000 rader 0,00145, under gränsen 0,0018 / Benford, first two digits: the expected MAD of conforming
# data is 0.0025 at 1 000 lines, above Nigrini's 0.0022 nonconformity bound; at 3 000 lines 0.00145, below 0.0018.
benford_two_digit_min_lines = 3000
'''


# ---------------------------------------------------------------------------------------------
# The whole folder


def revenue_by_group(org: ExampleOrganisation, rows: list[LedgerLine]) -> dict[str, int]:
    """Activity revenue in öre per counterparty group of the design (for the summary only).

    Groups: controlling member in its window, member-controlled company, other public body
    (incl. the non-controlling member and members outside their window), private, grant,
    unknown (no counterparty). Rounding (3740) is not activity revenue.
    """
    members = {m.orgnr: m for m in org.members}
    counterparties = {c.orgnr: c for c in org.counterparties}
    groups = dict.fromkeys(["controlling", "member_controlled", "other_public", "private", "grant", "unknown"], 0)
    for line in rows:
        if not 3000 <= line.account <= 3999 or line.account == ROUNDING:
            continue
        revenue = -line.amount_ore
        member = members.get(line.counterparty)
        party = counterparties.get(line.counterparty)
        if 3980 <= line.account <= 3989:
            group = "grant"
        elif member and member.controlling and member.active_on(line.date):
            group = "controlling"
        elif party and party.controlled_by and members[party.controlled_by].active_on(line.date):
            group = "member_controlled"
        elif member or (party and party.sector == "offentlig"):
            group = "other_public"
        elif party:
            group = "private"
        else:
            group = "unknown"
        groups[group] += revenue
    return groups


def generate(out: Path, seed: int = DEFAULT_SEED, lines_per_year: int | None = None,
             monthly_2025: bool = True) -> dict[int, dict[str, int]]:
    """Write the complete example input folder into `out`; returns the per-year summary.

    `lines_per_year` None uses the designed 18 000-21 000 lines; the benchmark passes its own.
    The summary per year: lines, revenue per counterparty group (öre), and supplier spend of
    the direct-award supplier (öre).
    """
    rng = random.Random(seed)
    org = build_organisation(rng)
    out.mkdir(parents=True, exist_ok=True)
    (out / "settings.toml").write_text(settings_text(org), encoding="utf-8")
    write_members(out / "members.xlsx", org)
    write_counterparties(out / "counterparties.xlsx", org)
    write_services(out / "services.xlsx", org)
    write_suppliers(out / "suppliers.xlsx", org)
    history_controlling, history_total = write_history(out / "history.xlsx", rng)
    # Its own generator: the governance register does not move any other figure of the example.
    write_governance(out / "governance.xlsx", org, random.Random(seed * 10_000 + 8))

    summary: dict[int, dict[str, int]] = {HISTORY_YEAR: {"controlling": history_controlling, "total": history_total}}
    for year in LEDGER_YEARS:
        # One generator per year, so a year's ledger does not depend on the other years' sizes.
        year_rng = random.Random(seed * 10_000 + year)
        n_lines = lines_per_year or DEFAULT_LINES_PER_YEAR[year]
        rows = generate_ledger_year(year_rng, org, year, n_lines)
        folder = out / str(year)
        # Ledger files of an earlier run with another layout would be read twice by the pipeline.
        for stale in sorted(folder.glob(f"ledger-{year}*.xlsx")):
            stale.unlink()
        if year == REPORT_YEAR and monthly_2025:
            for month in range(1, 13):
                write_ledger(folder / f"ledger-{year}-{month:02d}.xlsx", [r for r in rows if r.date.month == month])
        else:
            write_ledger(folder / f"ledger-{year}.xlsx", rows)
        groups = revenue_by_group(org, rows)
        summary[year] = {"lines": len(rows), **groups, "total": sum(groups.values()),
                         "direct_award_over_limit": sum(r.amount_ore for r in rows
                                                        if r.counterparty == org.direct_award_over_limit
                                                        and 4000 <= r.account <= 7999)}
    return summary


def _sek(ore: int) -> str:
    return f"{ore / 100:,.2f}".replace(",", " ")


def print_summary(summary: dict[int, dict[str, int]], stream=sys.stdout) -> None:
    history = summary[HISTORY_YEAR]
    print(f"{HISTORY_YEAR} (historik): controlling {_sek(history['controlling'])} of {_sek(history['total'])} SEK",
          file=stream)
    for year in LEDGER_YEARS:
        figures = summary[year]
        total = figures["total"]
        print(f"{year}: {figures['lines']} lines, activity revenue {_sek(total)} SEK", file=stream)
        for group in ["controlling", "member_controlled", "other_public", "private", "grant", "unknown"]:
            share = figures[group] / total if total else math.nan
            print(f"    {group:<18} {_sek(figures[group]):>18} SEK  {share:7.2%}", file=stream)
        teckal = (figures["controlling"] + figures["member_controlled"]) / total
        print(f"    Teckal share (design) {teckal:.4f}; direct-award supplier spend "
              f"{_sek(figures['direct_award_over_limit'])} SEK", file=stream)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.example_data", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="input folder to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--lines-per-year", type=int, default=None)
    parser.add_argument("--single-2025", action="store_true", help="one 2025 ledger file instead of twelve")
    args = parser.parse_args(argv)
    summary = generate(args.out, args.seed, args.lines_per_year, monthly_2025=not args.single_2025)
    print_summary(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
