"""The review's use cases on a small store: runs, resumption, alerts, dispositions and decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from lantern.core.text import fold
from lantern.db.engine import Database
from lantern.db.tables.review import AlertRow, FindingRow, ResolutionDispositionRow, ResolutionRow
from lantern.errors import Conflict, LanternError
from lantern.review import service
from lantern.review.resolution import dispose_resolution
from lantern.settings import ReviewSettings
from tests.factories import add_allegation, add_licence, add_unit

AS_OF = date(2026, 11, 1)


@dataclass(frozen=True)
class Candidate:
    entity_id: str
    name: str
    score: float
    decision: str
    explanation: str = "exact name"


class TableScreener:
    """A test double of the screening engine: answers from a fixed table of folded names."""

    def __init__(self, table: dict[str, list[Candidate]]) -> None:
        self.table = table
        self.calls = 0

    def screen(
        self, name: str, *, country: str | None = None, kind: str | None = None, limit: int = 10
    ) -> Sequence[Candidate]:
        self.calls += 1
        return self.table.get(fold(name), [])[:limit]


SSP = Candidate("unit:mx-tam-ssp", "Secretaría de Seguridad Pública de Tamaulipas", 0.96, "match")
SCREENER = TableScreener({fold("SSP Tamaulipas"): [SSP]})


def book(db: Database) -> None:
    with db.transaction() as session:
        ssp = add_unit(
            session, "mx-tam-ssp", "Secretaría de Seguridad Pública de Tamaulipas", state="Tamaulipas"
        )
        add_unit(
            session,
            "mx-tam-gopes",
            "Grupo de Operaciones Especiales",
            state="Tamaulipas",
            parent=ssp,
            parent_start="2016",
        )
        add_unit(session, "mx-tam-pe", "Policía Estatal de Tamaulipas", state="Tamaulipas", parent=ssp)
        add_licence(session, "T-2019", issue_date=date(2019, 6, 1), end_user="SSP Tamaulipas")
        add_licence(session, "T-2020", issue_date=date(2020, 2, 1), end_user="SSP Tamaulipas")
        add_licence(session, "CLEAN", issue_date=date(2020, 2, 1), end_user="Nobody we know")


def run(db: Database, screener: TableScreener = SCREENER) -> service.Outcome:
    job = service.start_job(db, kind="full", params={"as_of": AS_OF.isoformat()})
    return service.run_job(
        db,
        job,
        settings=ReviewSettings(batch_size=2),
        screener=screener,
        matcher_version="test-1",
        actor="tester",
    )


def findings(db: Database, number: str) -> list[tuple[str, str, str]]:
    with db.session() as session:
        rows, _ = service.read_review(session)
        return sorted(
            (f.criterion, f.code, f.status) for r in rows if r.licence.number == number for f in r.findings
        )


def test_a_full_run_resolves_parties_and_stores_findings(db: Database) -> None:
    book(db)
    outcome = run(db)
    assert outcome.licences == 3
    assert findings(db, "T-2019") == []
    assert findings(db, "CLEAN") == [("unidentified_end_user", "unresolved_end_user", "open")]
    with db.session() as session:
        resolved = session.execute(
            select(ResolutionRow.entity_id).where(ResolutionRow.entity_id.is_not(None))
        )
        assert sorted(resolved.scalars()) == ["unit:mx-tam-ssp", "unit:mx-tam-ssp"]
        assert session.execute(select(func.count(AlertRow.id))).scalar_one() == 1


def test_a_second_run_changes_nothing(db: Database) -> None:
    book(db)
    run(db)
    again = run(db)
    assert (again.new, again.changed, again.resolved) == (0, 0, 0)


def test_a_new_allegation_raises_alerts_on_exactly_the_affected_licences(db: Database) -> None:
    book(db)
    run(db)
    with db.transaction() as session:
        from lantern.db.tables.registry import UnitRow

        gopes = session.execute(select(UnitRow).where(UnitRow.key == "mx-tam-gopes")).scalar_one()
        add_allegation(
            session,
            "camargo-2021",
            [gopes],
            violations=("extrajudicial_killing",),
            start="2021-01-22",
            credible_on=date(2021, 2, 2),
        )
        outcome = service.review_affected(
            session,
            ReviewSettings(),
            unit_keys=["mx-tam-gopes"],
            cause="allegation camargo-2021 added",
            as_of=AS_OF,
            actor="analyst",
        )
    assert outcome.licences == 2
    assert outcome.new == 2
    with db.session() as session:
        alerts = service.list_alerts(session)
        lines = [a.what_changed for a in alerts if a.cause == "allegation camargo-2021 added"]
    assert len(lines) == 2
    assert all(
        "Grupo de Operaciones Especiales, part of Secretaría de Seguridad Pública de Tamaulipas" in line
        for line in lines
    )
    assert any(
        "implicated on 2021-02-02 (source src-camargo-2021): licence DDTC/T-2019, 2019" in line
        for line in lines
    )
    assert ("implicated_end_user", "implicated_after_approval", "open") in findings(db, "T-2019")


def test_an_interrupted_run_resumes_from_its_checkpoint(db: Database) -> None:
    book(db)

    class Failing(TableScreener):
        def screen(self, name: str, **kwargs: object) -> Sequence[Candidate]:  # type: ignore[override]
            if name == "Nobody we know":  # only the third licence, in the second batch, names it
                raise KeyboardInterrupt
            return super().screen(name)

    job = service.start_job(db, kind="full", params={"as_of": AS_OF.isoformat()})
    with pytest.raises(KeyboardInterrupt):
        service.run_job(
            db,
            job,
            settings=ReviewSettings(batch_size=2),
            screener=Failing(SCREENER.table),
            matcher_version="t",
            actor="tester",
        )
    with db.session() as session:
        stuck = service.resumable_job(session)
        assert stuck is not None
        assert stuck.status == "interrupted"
        assert stuck.done == 2
    outcome = service.run_job(
        db, job, settings=ReviewSettings(batch_size=2), screener=SCREENER, matcher_version="t", actor="tester"
    )
    assert outcome.licences == 1
    with db.session() as session:
        assert service.resumable_job(session) is None


def test_an_analyst_rejection_is_remembered_for_the_same_name(db: Database) -> None:
    book(db)
    run(db)
    with db.transaction() as session:
        party_id = (
            session.execute(
                select(ResolutionRow.party_id).where(ResolutionRow.entity_id == "unit:mx-tam-ssp")
            )
            .scalars()
            .first()
        )
        assert party_id is not None
        dispose_resolution(
            session,
            party_id=party_id,
            entity_id="unit:mx-tam-ssp",
            verdict="reject",
            actor="analyst",
            reason="This SSP is the municipal one",
            matcher_version="test-1",
        )
    screener = TableScreener(SCREENER.table)
    run(db, screener)
    assert findings(db, "T-2019") == [("unidentified_end_user", "unresolved_end_user", "open")]
    assert findings(db, "T-2020") == [("unidentified_end_user", "unresolved_end_user", "open")]


def test_a_disposition_is_withdrawn_when_the_entity_changes(db: Database) -> None:
    book(db)
    run(db)
    with db.transaction() as session:
        party_id = (
            session.execute(
                select(ResolutionRow.party_id).where(ResolutionRow.entity_id == "unit:mx-tam-ssp")
            )
            .scalars()
            .first()
        )
        assert party_id is not None
        dispose_resolution(
            session,
            party_id=party_id,
            entity_id="unit:mx-tam-ssp",
            verdict="reject",
            actor="analyst",
            reason="wrong state",
            matcher_version="test-1",
        )
        from lantern.db.tables.registry import UnitRow

        unit = session.execute(select(UnitRow).where(UnitRow.key == "mx-tam-ssp")).scalar_one()
        unit.state = "Tamaulipas (reorganised)"
    run(db)
    with db.session() as session:
        row = session.execute(select(ResolutionDispositionRow)).scalar_one()
        assert row.withdrawn_at is not None
        assert "changed" in (row.withdrawn_reason or "")
    assert findings(db, "T-2019") == []


def test_dispositions_and_decisions_are_checked_and_audited(db: Database) -> None:
    book(db)
    run(db)
    with db.transaction() as session:
        finding = session.execute(select(FindingRow).order_by(FindingRow.id)).scalars().first()
        assert finding is not None
        with pytest.raises(LanternError, match="justification"):
            service.dispose_finding(session, finding.id, status="dismissed", actor="officer", reason=" ")
        service.dispose_finding(session, finding.id, status="confirmed", actor="officer", reason="seen")
        decision = service.decide(
            session,
            "CLEAN",
            action="suspend",
            actor="officer",
            justification="Criterion 2",
            finding_ids=[finding.id],
        )
        with pytest.raises(Conflict, match="it is suspended"):
            service.decide(session, "CLEAN", action="suspend", actor="officer", justification="again")
        alert = session.execute(select(AlertRow).where(AlertRow.finding_id == finding.id)).scalar_one()
        service.acknowledge_alert(session, alert.id, actor="officer", decision_id=decision.id)
        with pytest.raises(Conflict):
            service.acknowledge_alert(session, alert.id, actor="officer")
    from lantern.audit.service import recent, verify_chain

    with db.session() as session:
        actions = [r.action for r in recent(session, limit=10)]
        assert {"finding.confirmed", "licence.suspend", "alert.acknowledge"} <= set(actions)
        assert verify_chain(session).ok
        from lantern.licences.service import get_licence

        assert get_licence(session, "CLEAN").status is not None
        assert get_licence(session, "CLEAN").status.value == "suspended"  # type: ignore[union-attr]


def test_findings_that_vanish_are_alerted_with_their_evidence_read_in_one_query(db: Database) -> None:
    """The alert for a finding no longer found quotes its previous content, evidence included. Findings are
    read without their evidence (most do not change); the few that change have it read for the whole batch
    at once, not one query per finding."""
    from sqlalchemy import event

    from lantern.db.tables.registry import AllegationRow, UnitRow

    book(db)
    with db.transaction() as session:
        for number in range(10):
            add_licence(session, f"MORE-{number}", issue_date=date(2020, 2, 1), end_user="SSP Tamaulipas")
    run(db)

    def affected(cause: str) -> service.Outcome:
        with db.transaction() as session:
            return service.review_affected(
                session,
                ReviewSettings(),
                unit_keys=["mx-tam-gopes"],
                cause=cause,
                as_of=AS_OF,
                actor="analyst",
            )

    with db.transaction() as session:
        gopes = session.execute(select(UnitRow).where(UnitRow.key == "mx-tam-gopes")).scalar_one()
        add_allegation(session, "camargo-2021", [gopes], start="2021-01-22", credible_on=date(2021, 2, 2))
    assert affected("allegation added").new == 12
    with db.transaction() as session:
        allegation = session.execute(select(AllegationRow)).scalar_one()
        allegation.confidence = "low"  # below the default minimum: the allegation no longer counts
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        outcome = affected("confidence lowered")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert outcome.resolved == 12
    evidence_reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "evidence" in s]
    assert len(evidence_reads) == 1, evidence_reads
    with db.session() as session:
        lines = session.execute(
            select(AlertRow.what_changed).where(AlertRow.cause == "confidence lowered")
        ).scalars()
        resolved = list(lines)
    assert len(resolved) == 12
    # The line is built from the previous evidence: the implicated unit and the allegation's date and source.
    assert all(
        line.startswith("Resolved: no longer found — Grupo de Operaciones Especiales")
        and "implicated on 2021-02-02 (source src-camargo-2021)" in line
        for line in resolved
    )
