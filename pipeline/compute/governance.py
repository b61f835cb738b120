"""Compute stage, R8: the evidence for the other two Teckal criteria, control and private capital.

Control: for each controlling member, the days of the report year on which it was a member and
had at least one formal representative in a decision-making body (governance register), and
the gaps between them with their dates. One person may represent several members (directive
art. 12(3)(i)); that is allowed and listed. Private capital: a member whose register sector is
`privat`, or whose org. no. group digit is 5, 7, 8 or 9, is a flag against criterion (c).

This is evidence, not arithmetic on money: a day count per member. It never decides that the
members *in fact* control the body; it shows whether the register documents it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

DOCUMENTED = "documented"
GAPS = "gaps"
NOT_DOCUMENTED = "not_documented"
NO_PRIVATE_OWNER = "no_private_owner"
PRIVATE_FLAGS = "flags"
PRIVATE_GROUP_DIGITS = ("5", "7", "8", "9")
PRIVATE_SECTOR_WORDS = ("privat", "private")

Period = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class MemberRepresentation:
    """One controlling member's representation in the report year (days inclusive)."""

    orgnr: str
    name: str
    membership_days: int
    represented_days: int
    gaps: tuple[Period, ...]
    representatives: tuple[str, ...]
    bodies: tuple[str, ...]
    decision_references: tuple[str, ...]

    @property
    def fully_represented(self) -> bool:
        return self.represented_days == self.membership_days


@dataclass(frozen=True)
class Governance:
    year: int
    register_present: bool
    members: tuple[MemberRepresentation, ...]
    shared_representatives: tuple[tuple[str, tuple[str, ...]], ...]  # (person, member org. nos.)
    private_members: tuple[str, ...]

    @property
    def control_status(self) -> str:
        if not self.register_present:
            return NOT_DOCUMENTED
        return DOCUMENTED if all(m.fully_represented for m in self.members) else GAPS

    @property
    def members_without_full_representation(self) -> list[str]:
        if not self.register_present:
            return sorted(m.orgnr for m in self.members)
        return sorted(m.orgnr for m in self.members if not m.fully_represented)

    @property
    def private_capital_status(self) -> str:
        return PRIVATE_FLAGS if self.private_members else NO_PRIVATE_OWNER

    @property
    def control_holds(self) -> bool:
        return self.control_status == DOCUMENTED

    @property
    def private_capital_holds(self) -> bool:
        return self.private_capital_status == NO_PRIVATE_OWNER


def analyse_governance(year: int, members: pd.DataFrame, governance: pd.DataFrame | None,
                       counterparties: pd.DataFrame) -> Governance:
    """R8 for report year `year`. `governance` None means the folder has no governance register."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    appointments = governance if governance is not None else pd.DataFrame(
        columns=["orgnr", "representative", "role", "body", "appointed_from", "appointed_to", "decision_reference"])
    per_member = []
    controlling = members[members["controlling"].astype(bool)]
    # Each appointment's period, whether it falls in the year and its texts, taken once for all
    # members (per member, pandas' indexing cost more than the work: 0.23 s for 160 members).
    appointments_in_year = _in_year(appointments, first, last)
    appointed_of: dict[str, list[tuple[object, object]]] = {}
    in_year_of: dict[str, list[tuple[str, str, str]]] = {}
    for orgnr, start, end, in_year, person, body, reference in zip(
            appointments["orgnr"], appointments["appointed_from"], appointments["appointed_to"],
            appointments_in_year, appointments["representative"].astype("str"),
            appointments["body"].astype("str"), appointments["decision_reference"].astype("str")):
        appointed_of.setdefault(orgnr, []).append((start, end))
        if in_year:
            in_year_of.setdefault(orgnr, []).append((person, body, reference))
    for orgnr, rows in controlling.groupby("orgnr", sort=True):
        membership = _merged([_clip(_day(start, first), _day(end, last), first, last)
                              for start, end in zip(rows["member_from"], rows["member_to"])])
        if not membership:
            continue  # not a member in the report year
        appointed = _merged([_clip(_day(start, first), _day(end, last), first, last)
                             for start, end in appointed_of.get(orgnr, [])])
        represented = _intersection(membership, appointed)
        gaps = _difference(membership, represented)
        this_year = in_year_of.get(orgnr, [])
        per_member.append(MemberRepresentation(
            orgnr=str(orgnr), name=str(rows["name"].iloc[0]),
            membership_days=_days(membership), represented_days=_days(represented), gaps=tuple(gaps),
            representatives=tuple(sorted({person for person, _, _ in this_year})),
            bodies=tuple(sorted({body for _, body, _ in this_year} - {""})),
            decision_references=tuple(sorted({reference for _, _, reference in this_year} - {""})),
        ))
    return Governance(year, governance is not None, tuple(per_member),
                      _shared_representatives(appointments[appointments_in_year]),
                      _private_members(members, counterparties, first, last))


def _shared_representatives(in_year: pd.DataFrame) -> tuple:
    """People appointed for more than one member in the report year (allowed; shown), from the
    appointments that fall in it."""
    out = []
    for person, rows in in_year.groupby(in_year["representative"].astype("str").str.strip(), sort=True):
        orgnrs = tuple(sorted(set(rows["orgnr"].astype("str"))))
        if person and len(orgnrs) > 1:
            out.append((person, orgnrs))
    return tuple(out)


def _private_members(members: pd.DataFrame, counterparties: pd.DataFrame, first: dt.date, last: dt.date) -> tuple:
    """Members (owners) in the report year that are not public bodies: sector `privat` in the
    counterparty register, or an org. no. of group 5, 7, 8 or 9."""
    sector = dict(zip(counterparties["orgnr"].astype("str"),
                      counterparties["sector"].fillna("").astype("str").str.strip().str.lower()))
    found = set()
    for r in members.itertuples():
        if not _overlaps(r.member_from, r.member_to, first, last):
            continue
        orgnr = str(r.orgnr)
        if sector.get(orgnr) in PRIVATE_SECTOR_WORDS or orgnr[:1] in PRIVATE_GROUP_DIGITS:
            found.add(orgnr)
    return tuple(sorted(found))


def _in_year(appointments: pd.DataFrame, first: dt.date, last: dt.date) -> pd.Series:
    return pd.Series([_overlaps(r.appointed_from, r.appointed_to, first, last) for r in appointments.itertuples()],
                     index=appointments.index, dtype=bool)


def _day(value: object, default: dt.date) -> dt.date:
    if value is None or pd.isna(value):
        return default
    return pd.Timestamp(value).date()


def _overlaps(start: object, end: object, first: dt.date, last: dt.date) -> bool:
    return _day(start, first) <= last and _day(end, last) >= first


def _clip(start: dt.date, end: dt.date, first: dt.date, last: dt.date) -> Period | None:
    start, end = max(start, first), min(end, last)
    return (start, end) if start <= end else None


def _merged(periods: list[Period | None]) -> list[Period]:
    """Inclusive day periods merged where they overlap or touch."""
    out: list[list[dt.date]] = []
    for start, end in sorted(p for p in periods if p is not None):
        if out and start <= out[-1][1] + dt.timedelta(days=1):
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def _intersection(a: list[Period], b: list[Period]) -> list[Period]:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if s <= e:
                out.append((s, e))
    return _merged(out)


def _difference(a: list[Period], b: list[Period]) -> list[Period]:
    out = []
    for start, end in a:
        cursor = start
        for s, e in b:
            if e < cursor or s > end:
                continue
            if s > cursor:
                out.append((cursor, s - dt.timedelta(days=1)))
            cursor = max(cursor, e + dt.timedelta(days=1))
        if cursor <= end:
            out.append((cursor, end))
    return out


def _days(periods: list[Period]) -> int:
    return sum((e - s).days + 1 for s, e in periods)


def governance_table(analysis: Governance) -> pd.DataFrame:
    """The audit-workbook sheet: one row per controlling member of the report year."""
    shared = {}
    for person, orgnrs in analysis.shared_representatives:
        for orgnr in orgnrs:
            shared.setdefault(orgnr, []).append(person)
    return pd.DataFrame([{
        "orgnr": m.orgnr, "name": m.name, "membership_days": m.membership_days,
        "represented_days": m.represented_days, "fully_represented": m.fully_represented,
        "gap_count": len(m.gaps), "gaps": "; ".join(f"{s.isoformat()}–{e.isoformat()}" for s, e in m.gaps),
        "representatives": "; ".join(m.representatives), "bodies": "; ".join(m.bodies),
        "decision_references": "; ".join(m.decision_references),
        "shared_representatives": "; ".join(shared.get(m.orgnr, [])),
    } for m in analysis.members], columns=GOVERNANCE_COLUMNS)


GOVERNANCE_COLUMNS = ["orgnr", "name", "membership_days", "represented_days", "fully_represented", "gap_count",
                      "gaps", "representatives", "bodies", "decision_references", "shared_representatives"]


def gaps_table(analysis: Governance) -> pd.DataFrame:
    """One row per gap: a controlling member without a formal representative from..to."""
    rows = [{"orgnr": m.orgnr, "name": m.name, "gap_from": pd.Timestamp(s), "gap_to": pd.Timestamp(e),
             "gap_days": (e - s).days + 1} for m in analysis.members for s, e in m.gaps]
    frame = pd.DataFrame(rows, columns=["orgnr", "name", "gap_from", "gap_to", "gap_days"])
    for column in ("gap_from", "gap_to"):
        frame[column] = frame[column].astype("datetime64[ns]")
    return frame
