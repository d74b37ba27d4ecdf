"""Resolving every party of a licence to a unit or list entry, and remembering analysts' dispositions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from lantern.audit.service import record_change
from lantern.core.text import fold
from lantern.db.engine import read_columns
from lantern.db.tables.licences import PartyRow
from lantern.db.tables.registry import UnitAliasRow, UnitRow
from lantern.db.tables.review import ResolutionDispositionRow, ResolutionRow
from lantern.db.tables.shipments import ShipmentRow
from lantern.db.tables.watchlists import ListEntryRow, WatchListRow
from lantern.errors import LanternError, NotFound
from lantern.io.bulk import insert_rows, table
from lantern.licences.service import party_rows
from lantern.review.matching import (
    CANDIDATES_KEPT,
    Candidate,
    Verdict,
    choose,
    explanation_text,
    fingerprint,
)
from lantern.review.model import Decision, Resolution


class NameScreener(Protocol):
    """The screening engine as the review uses it (lantern.screening.Screener fits)."""

    def screen(
        self, name: str, *, country: str | None = None, kind: str | None = None, limit: int = 10
    ) -> Sequence[Candidate]: ...


@dataclass(frozen=True, slots=True)
class PartyName:
    party_id: int
    licence_id: int
    role: str
    name: str
    country: str | None
    data_entity: str | None


def name_key(name: str) -> str:
    return fold(name)[:500]


def entity_row_ids(session: Session, entity_ids: Iterable[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Row ids of the units and list entries behind entity ids ("unit:<key>", "entry:<list>/<key>")."""
    ids = list(entity_ids)
    unit_keys = sorted({e[5:] for e in ids if e.startswith("unit:")})
    entry_refs = [e[6:].split("/", 1) for e in ids if e.startswith("entry:")]
    units: dict[str, int] = {}
    for start in range(0, len(unit_keys), 900):
        part = unit_keys[start : start + 900]
        for key, row_id in session.execute(select(UnitRow.key, UnitRow.id).where(UnitRow.key.in_(part))):
            units[f"unit:{key}"] = row_id
    entries: dict[str, int] = {}
    by_list: dict[str, set[str]] = defaultdict(set)
    for ref in entry_refs:
        if len(ref) == 2:
            by_list[ref[0]].add(ref[1])
    for list_key, keys in by_list.items():
        ordered = sorted(keys)
        for start in range(0, len(ordered), 900):
            rows = session.execute(
                select(ListEntryRow.key, ListEntryRow.id)
                .join(WatchListRow, WatchListRow.id == ListEntryRow.watch_list_id)
                .where(WatchListRow.key == list_key, ListEntryRow.key.in_(ordered[start : start + 900]))
            )
            for key, row_id in rows:
                entries[f"entry:{list_key}/{key}"] = row_id
    return units, entries


def entity_fingerprints(session: Session, entity_ids: Iterable[str]) -> dict[str, str]:
    """What an analyst judged about each entity: a change here withdraws their disposition."""
    units, entries = entity_row_ids(session, entity_ids)
    prints: dict[str, str] = {}
    if units:
        aliases: dict[int, list[str]] = defaultdict(list)
        for unit_id, alias in session.execute(
            select(UnitAliasRow.unit_id, UnitAliasRow.name).where(UnitAliasRow.unit_id.in_(units.values()))
        ):
            aliases[unit_id].append(alias)
        rows = session.execute(select(UnitRow).where(UnitRow.id.in_(units.values()))).scalars()
        for row in rows:
            prints[f"unit:{row.key}"] = fingerprint(
                row.name, sorted(aliases[row.id]), row.kind, row.level, row.state, row.municipality
            )
    if entries:
        rows2 = session.execute(
            select(ListEntryRow, WatchListRow.key)
            .join(WatchListRow, WatchListRow.id == ListEntryRow.watch_list_id)
            .where(ListEntryRow.id.in_(entries.values()))
        ).all()
        for entry, list_key in rows2:
            prints[f"entry:{list_key}/{entry.key}"] = fingerprint(
                entry.name, sorted(entry.aliases), entry.entry_type, sorted(entry.countries), entry.delisted
            )
    return prints


def party_names(
    session: Session, licence_ids: Sequence[int], only: Collection[str] | None = None
) -> list[PartyName]:
    out = []
    for fields in party_rows(session, licence_ids, names=only):
        party = fields.party
        data_entity = (
            f"unit:{party.unit_key}"
            if party.unit_key
            else (f"entry:{party.list_entry_key}" if party.list_entry_key else None)
        )
        out.append(
            PartyName(
                fields.party_id, fields.licence_id, party.role.value, party.name, party.country, data_entity
            )
        )
    return out


def standing_verdicts(session: Session, keys: Iterable[str]) -> dict[str, list[ResolutionDispositionRow]]:
    found: dict[str, list[ResolutionDispositionRow]] = defaultdict(list)
    keys = list(set(keys))
    for start in range(0, len(keys), 900):
        rows = session.execute(
            select(ResolutionDispositionRow)
            .where(
                ResolutionDispositionRow.name_key.in_(keys[start : start + 900]),
                ResolutionDispositionRow.withdrawn_at.is_(None),
            )
            .order_by(ResolutionDispositionRow.id)
        ).scalars()
        for row in rows:
            found[row.name_key].append(row)
    return found


def verdicts_for(
    verdicts: dict[str, list[ResolutionDispositionRow]], name: str, country: str | None
) -> list[Verdict]:
    return [
        Verdict(v.entity_id, v.verdict, v.actor, v.reason)
        for v in verdicts.get(name_key(name), [])
        if v.withdrawn_at is None and (v.country is None or v.country == country)
    ]


def shipment_consignees(session: Session, licence_ids: Sequence[int]) -> list[tuple[int, str]]:
    """Consignees of these licences' shipments as written, to be screened like parties."""
    rows = session.execute(
        select(ShipmentRow.id, ShipmentRow.consignee).where(
            ShipmentRow.licence_id.in_(licence_ids), ShipmentRow.consignee.is_not(None)
        )
    )
    return [(shipment_id, text) for shipment_id, text in rows if text and text.strip()]


@dataclass(frozen=True, slots=True)
class Screened:
    """A screening candidate reduced to what a resolution keeps (cheap to hold for a whole book)."""

    entity_id: str
    name: str
    score: float
    decision: str
    explanation: str


ScreenMany = Callable[[list[tuple[str, str | None]]], Sequence[Sequence[Candidate]]]


class ScreeningCache:
    """Every distinct name of a review run screened once, up front, in large parallel batches.

    A book repeats names heavily (SEDENA/DCAM is on most licences), and screening in a few large batches
    pays the cost of starting worker processes a few times instead of once per review batch.
    """

    def __init__(self, screen_many: ScreenMany, *, keep: int = CANDIDATES_KEPT) -> None:
        self._screen_many = screen_many
        self._keep = keep
        self.results: dict[tuple[str, str | None], tuple[Screened, ...]] = {}

    def fill(
        self,
        queries: Sequence[tuple[str, str | None]],
        *,
        chunk: int = 5000,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        wanted = [q for q in dict.fromkeys(queries) if q not in self.results]
        for start in range(0, len(wanted), chunk):
            part = wanted[start : start + chunk]
            for query, candidates in zip(part, self._screen_many(part), strict=True):
                self.results[query] = tuple(
                    Screened(
                        c.entity_id, c.name, float(c.score), str(c.decision), explanation_text(c.explanation)
                    )
                    for c in list(candidates)[: self._keep]
                )
            if progress:
                progress(min(start + chunk, len(wanted)), len(wanted))

    def __call__(self, queries: list[tuple[str, str | None]]) -> list[Sequence[Candidate]]:
        missing = [q for q in queries if q not in self.results]
        if missing:
            self.fill(missing)
        return [self.results[q] for q in queries]


def names_to_screen(session: Session, licence_ids: Sequence[int]) -> list[tuple[str, str | None]]:
    """The distinct (name, country) pairs a resolution of these licences screens: parties that the data does
    not resolve, and shipment consignees."""
    found: dict[tuple[str, str | None], None] = {}
    for start in range(0, len(licence_ids), 5000):
        part = licence_ids[start : start + 5000]
        rows = session.execute(
            select(PartyRow.name, PartyRow.country).where(
                PartyRow.licence_id.in_(part), PartyRow.unit_id.is_(None), PartyRow.list_entry_id.is_(None)
            )
        )
        for name, country in rows:
            found.setdefault((name, country), None)
        for _, text in shipment_consignees(session, part):
            found.setdefault((text, "MX"), None)
    return list(found)


@dataclass
class ResolveStats:
    parties: int = 0
    screened_names: int = 0
    withdrawn: int = 0
    # What was stored, by party row id, as the review reads it back (`service.load_facts`), and the list
    # entries it points at; only when every party of the licences was resolved (no `only_names`).
    resolutions: dict[int, Resolution] | None = None
    entry_ids: set[int] = field(default_factory=set)
    # Licences where a party or a shipment consignee now resolves otherwise than before, in anything the
    # review reads (entity, decision, score, matched name, why, source); only with `only_names`.
    changed_licences: set[int] = field(default_factory=set)


def resolve_parties(
    session: Session,
    screener: NameScreener,
    licence_ids: Sequence[int],
    *,
    matcher_version: str,
    actor: str,
    screen_many: ScreenMany | None = None,
    only_names: set[str] | None = None,
) -> ResolveStats:
    """Screen and resolve every party of these licences (or only those written as one of `only_names`),
    replacing their current resolutions.

    Names are screened once however many parties carry them. Analysts' dispositions on a name are applied,
    and withdrawn first when the entity they judged, or the matcher's answer, has changed since.
    """
    stats = ResolveStats()
    parties = party_names(session, licence_ids, only_names)
    consignees = shipment_consignees(session, licence_ids)
    if only_names is not None:
        consignees = [c for c in consignees if c[1] in only_names]
    stats.parties = len(parties)
    if not parties and not consignees:
        return stats
    wanted = {(p.name, p.country) for p in parties if p.data_entity is None}
    wanted |= {(text, "MX") for _, text in consignees}
    queries = sorted(wanted, key=lambda q: (q[0], q[1] or ""))
    if screen_many is not None:
        results = dict(zip(queries, screen_many(queries), strict=True))
    else:
        results = {q: screener.screen(q[0], country=q[1], limit=10) for q in queries}
    stats.screened_names = len(queries)

    names = [*(p.name for p in parties), *(text for _, text in consignees)]
    verdicts = standing_verdicts(session, (name_key(name) for name in names))
    if verdicts:
        stats.withdrawn = _withdraw_stale(session, verdicts, results, matcher_version, actor)
    all_entities: set[str] = set()
    chosen = {}
    # A name written on many licences (SEDENA on most of a book) with no analyst's verdict resolves the
    # same way each time: chosen once, and the one resolution shared.
    plain: dict[tuple[str, str | None], Resolution] = {}
    for party in parties:
        applicable = verdicts_for(verdicts, party.name, party.country)
        query = (party.name, party.country)
        if applicable or party.data_entity:
            resolution = choose(results.get(query, ()), applicable, data_entity=party.data_entity)
        elif query in plain:
            resolution = plain[query]
        else:
            resolution = plain[query] = choose(results.get(query, ()))
        chosen[party.party_id] = (party, resolution)
        if resolution.entity_id:
            all_entities.add(resolution.entity_id)
    shipment_choices = []
    for shipment_id, text in consignees:
        consignee = choose(results.get((text, "MX"), ()), verdicts_for(verdicts, text, "MX"))
        shipment_choices.append((shipment_id, consignee))
        if consignee.entity_id:
            all_entities.add(consignee.entity_id)
    units, entries = entity_row_ids(session, all_entities)
    if only_names is not None:
        stats.changed_licences = _consignees_changed(session, shipment_choices, units)
    if shipment_choices:
        session.execute(
            update(ShipmentRow),
            [
                {
                    "id": shipment_id,
                    "consignee_entity_id": consignee.entity_id,
                    "consignee_unit_id": units.get(consignee.entity_id or "")
                    if consignee.decision is Decision.MATCH
                    else None,
                    "consignee_score": consignee.score,
                }
                for shipment_id, consignee in shipment_choices
            ],
        )
    if only_names is not None:
        changed, same = _resolutions_changed(session, chosen, units, entries, matcher_version)
        stats.changed_licences |= changed
        # A resolution stored exactly as it would be written again is left as it is.
        chosen = {party_id: pair for party_id, pair in chosen.items() if party_id not in same}
    party_ids = list(chosen)
    for start in range(0, len(party_ids), 30_000):
        part = party_ids[start : start + 30_000]
        session.execute(delete(ResolutionRow).where(ResolutionRow.party_id.in_(part)))
    now = datetime.now(UTC)
    # Each distinct resolution's stored columns (and its form as read back) worked out once.
    columns: dict[int, tuple[dict[str, object], Resolution]] = {}
    for _, res in chosen.values():
        if id(res) not in columns:
            columns[id(res)] = (
                {
                    "entity_id": res.entity_id,
                    "unit_id": units.get(res.entity_id or ""),
                    "list_entry_id": entries.get(res.entity_id or ""),
                    "decision": res.decision.value,
                    "score": res.score,
                    "matched_name": res.matched_name,
                    "why": res.why,
                    "explanation": None,
                    "candidates": [list(c) for c in res.candidates],
                    "source": res.source,
                    "matcher_version": matcher_version,
                    "resolved_at": now,
                },
                replace(res, score=float(res.score), candidates=tuple((c[0], c[1]) for c in res.candidates)),
            )
    if only_names is None:
        stats.resolutions = {party_id: columns[id(res)][1] for party_id, (_, res) in chosen.items()}
        stats.entry_ids = {entries[e] for _, res in chosen.values() if (e := res.entity_id) in entries}
    # COPY on PostgreSQL, one executemany on SQLite: a full review writes a million resolutions, and the
    # ORM's bulk insert spent a quarter of the review's time building its statements.
    insert_rows(
        session,
        table(ResolutionRow),
        [
            {"party_id": party.party_id, "licence_id": party.licence_id, **columns[id(res)][0]}
            for party, res in chosen.values()
        ],
    )
    return stats


def _resolutions_changed(
    session: Session,
    chosen: dict[int, tuple[PartyName, Resolution]],
    units: dict[str, int],
    entries: dict[str, int],
    matcher_version: str,
) -> tuple[set[int], set[int]]:
    """Compare the parties' stored resolutions with the new ones. Returns the licences where one differs in
    what the review reads (entity, decision, score, matched name, why, source; a party with none stored
    counts), and the parties whose stored row is the same in every column but the time (the candidates
    and the matcher version too), which need not be written again."""
    before: dict[int, tuple[tuple[object, ...], tuple[object, ...]]] = {}
    ids = list(chosen)
    for start in range(0, len(ids), 900):
        rows = read_columns(
            session,
            select(
                ResolutionRow.party_id,
                ResolutionRow.entity_id,
                ResolutionRow.unit_id,
                ResolutionRow.list_entry_id,
                ResolutionRow.decision,
                ResolutionRow.score,
                ResolutionRow.matched_name,
                ResolutionRow.why,
                ResolutionRow.source,
                ResolutionRow.candidates,
                ResolutionRow.matcher_version,
                ResolutionRow.explanation,
            ).where(ResolutionRow.party_id.in_(ids[start : start + 900])),
        )
        for party_id, *values in rows:
            before[party_id] = (tuple(values[:8]), tuple(values[8:]))
    changed: set[int] = set()
    same: set[int] = set()
    for party_id, (party, res) in chosen.items():
        read = (
            res.entity_id,
            units.get(res.entity_id or ""),
            entries.get(res.entity_id or ""),
            res.decision.value,
            float(res.score),
            res.matched_name,
            res.why,
            res.source,
        )
        stored = before.get(party_id)
        if stored is None or stored[0] != read:
            changed.add(party.licence_id)
        elif stored[1] == ([list(c) for c in res.candidates], matcher_version, None):
            same.add(party_id)
    return changed, same


def _consignees_changed(
    session: Session, choices: list[tuple[int, Resolution]], units: dict[str, int]
) -> set[int]:
    """Licences with a shipment whose consignee now resolves otherwise than before."""
    before: dict[int, tuple[int, tuple[object, ...]]] = {}
    ids = [shipment_id for shipment_id, _ in choices]
    for start in range(0, len(ids), 900):
        rows = session.execute(
            select(
                ShipmentRow.id,
                ShipmentRow.licence_id,
                ShipmentRow.consignee_entity_id,
                ShipmentRow.consignee_unit_id,
                ShipmentRow.consignee_score,
            ).where(ShipmentRow.id.in_(ids[start : start + 900]))
        )
        for shipment_id, licence_id, *values in rows:
            before[shipment_id] = (licence_id, tuple(values))
    changed: set[int] = set()
    for shipment_id, consignee in choices:
        licence_id, old = before[shipment_id]
        unit_id = units.get(consignee.entity_id or "") if consignee.decision is Decision.MATCH else None
        if old != (consignee.entity_id, unit_id, consignee.score):
            changed.add(licence_id)
    return changed


def _withdraw_stale(
    session: Session,
    verdicts: dict[str, list[ResolutionDispositionRow]],
    results: dict[tuple[str, str | None], Sequence[Candidate]],
    matcher_version: str,
    actor: str,
) -> int:
    entity_ids = {v.entity_id for rows in verdicts.values() for v in rows}
    prints = entity_fingerprints(session, entity_ids)
    by_key: dict[str, dict[str, str]] = defaultdict(dict)
    for (name, _country), candidates in results.items():
        for candidate in candidates:
            by_key[name_key(name)].setdefault(candidate.entity_id, candidate.decision)
    withdrawn = 0
    now = datetime.now(UTC)
    for key, rows in verdicts.items():
        for row in rows:
            reason = None
            current = prints.get(row.entity_id)
            if current is None:
                reason = f"{row.entity_id} is no longer in the registry"
            elif row.entity_fingerprint and current != row.entity_fingerprint:
                reason = f"{row.entity_id} changed (names, kind or place) since the analyst decided"
            elif row.matcher_version != matcher_version:
                now_says = by_key.get(key, {}).get(row.entity_id, Decision.NO_MATCH.value)
                if row.screened_decision and now_says != row.screened_decision:
                    reason = (
                        f"matcher {matcher_version} now says {now_says} where {row.matcher_version} said "
                        f"{row.screened_decision}"
                    )
            if reason is None:
                continue
            row.withdrawn_at = now
            row.withdrawn_reason = reason
            withdrawn += 1
            record_change(
                session,
                actor=actor,
                action="resolution_disposition.withdraw",
                entity_type="resolution_disposition",
                entity_key=str(row.id),
                before={"withdrawn_at": None},
                after={"withdrawn_at": now.isoformat(), "withdrawn_reason": reason},
            )
    return withdrawn


def dispose_resolution(
    session: Session,
    *,
    party_id: int,
    entity_id: str,
    verdict: str,
    actor: str,
    reason: str,
    matcher_version: str,
) -> ResolutionDispositionRow:
    """Record an analyst's confirmation or rejection of a party's resolution.

    It applies to every party written with the same name, so the same question is never asked twice.
    """
    if verdict not in {"confirm", "reject"}:
        raise LanternError("A resolution can only be confirmed or rejected.")
    if not reason.strip():
        raise LanternError("Say why: a disposition needs a justification.")
    party = session.get(PartyRow, party_id)
    if party is None:
        raise NotFound(f"No party {party_id}.")
    prints = entity_fingerprints(session, [entity_id])
    if entity_id not in prints:
        raise NotFound(f"No unit or list entry {entity_id!r}.")
    current = session.execute(
        select(ResolutionRow).where(ResolutionRow.party_id == party_id)
    ).scalar_one_or_none()
    screened = None
    if current is not None:
        if current.entity_id == entity_id:
            screened = current.decision
        else:
            screened = next(
                (Decision.POSSIBLE.value for cid, _ in current.candidates if cid == entity_id),
                Decision.NO_MATCH.value,
            )
    row = ResolutionDispositionRow(
        name_key=name_key(party.name),
        country=party.country,
        entity_id=entity_id,
        verdict=verdict,
        actor=actor,
        reason=reason,
        matcher_version=matcher_version,
        screened_decision=screened,
        entity_fingerprint=prints[entity_id],
    )
    # A new verdict on the same name and entity supersedes the older ones.
    session.execute(
        update(ResolutionDispositionRow)
        .where(
            ResolutionDispositionRow.name_key == row.name_key,
            ResolutionDispositionRow.entity_id == entity_id,
            ResolutionDispositionRow.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=datetime.now(UTC), withdrawn_reason="superseded by a later disposition")
    )
    session.add(row)
    session.flush()
    record_change(
        session,
        actor=actor,
        action=f"resolution.{verdict}",
        entity_type="party",
        entity_key=f"{party.licence_id}:{party.name}",
        before={"entity_id": current.entity_id if current else None},
        after={"entity_id": entity_id, "verdict": verdict, "reason": reason, "name": party.name},
    )
    return row
