"""A small world for web tests: units with a hierarchy, an allegation, licences of two exporters, and one
account per role. Every record is synthetic test data (the names follow the demo's public cases)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from lantern.accounts.model import Role
from lantern.accounts.secrets import hash_password
from lantern.core.text import company_key
from lantern.db.tables.accounts import UserRow
from lantern.db.tables.cases import EndUseCheckRow, ViolationCaseRow
from lantern.db.tables.licences import LicenceRow
from lantern.db.tables.registry import AllegationRow, UnitRow
from lantern.monitoring.cases import open_case
from lantern.monitoring.cases_model import CaseKind
from lantern.settings import MonitoringSettings
from tests.factories import add_allegation, add_licence, add_source, add_unit

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose

EXPORTER_COMPANY = "Example Arms Inc."
OTHER_COMPANY = "Other Defense Co."

#: The sign-in name of the account for each role; `exporter2` belongs to the other company.
USERNAMES = {role: role.value.replace("_", "-") for role in Role}
OTHER_EXPORTER = "exporter2"


@dataclass
class World:
    units: dict[str, UnitRow] = field(default_factory=dict)
    allegations: dict[str, AllegationRow] = field(default_factory=dict)
    licences: dict[str, LicenceRow] = field(default_factory=dict)
    cases: dict[str, ViolationCaseRow] = field(default_factory=dict)
    checks: dict[str, EndUseCheckRow] = field(default_factory=dict)

    @property
    def own_licence(self) -> LicenceRow:
        """A licence of the exporter account's company."""
        return self.licences["own"]

    @property
    def other_licence(self) -> LicenceRow:
        """A licence of another company, which the exporter account must never see."""
        return self.licences["other"]


def add_account(
    session: Session, username: str, role: Role, *, company: str | None = None, active: bool = True
) -> UserRow:

    row = UserRow(
        username=username,
        role=role.value,
        company=company,
        exporter_key=company_key(company) if company else None,
        password_hash=_HASH,
        active=active,
        session_epoch=0,
    )
    session.add(row)
    session.flush()
    return row


def seed_world(session: Session, *, name_prefix: str = "") -> World:
    """Records for every page. `name_prefix` starts every free-text field (security tests pass HTML)."""
    p = name_prefix
    world = World()
    ssp = add_unit(
        session, "mx-ssp-tamaulipas", f"{p}Secretaría de Seguridad Pública de Tamaulipas", state="Tamaulipas"
    )
    gopes = add_unit(
        session,
        "mx-gopes",
        f"{p}Grupo de Operaciones Especiales (GOPES)",
        state="Tamaulipas",
        aliases=(f"{p}GOPES",),
        parent=ssp,
        parent_start="2016",
    )
    world.units = {"ssp": ssp, "gopes": gopes}
    source = add_source(
        session, "src-camargo", title=f"{p}Synthetic test source on Camargo", url="javascript:alert(1)"
    )
    allegation = add_allegation(
        session,
        "alg-camargo",
        [gopes],
        violations=("extrajudicial_killing",),
        start="2021-01-22",
        credible_on=date(2021, 2, 2),
        source=source,
    )
    allegation.description = f"{p}Synthetic test allegation: 19 people killed near Camargo."
    allegation.place = f"{p}Santa Anita, Camargo"
    world.allegations = {"camargo": allegation}
    world.licences["own"] = add_licence(
        session,
        "050000001",
        issue_date=date(2019, 5, 6),
        end_user=f"{p}Grupo de Operaciones Especiales, Tamaulipas",
        end_user_unit=gopes,
        applicant=EXPORTER_COMPANY,
        items=[{"description": f"{p}Semi-automatic rifle", "manufacturer": f"{p}Colt", "quantity": 300}],
    )
    world.licences["later"] = add_licence(
        session,
        "050000002",
        issue_date=date(2022, 3, 1),
        end_user=f"{p}GOPES Tamaulipas",
        end_user_unit=gopes,
        applicant=EXPORTER_COMPANY,
    )
    world.licences["other"] = add_licence(
        session,
        "D123456",
        agency="BIS",
        kind="BIS-748P",
        issue_date=date(2020, 11, 2),
        end_user=f"{p}Policía Estatal de Guerrero",
        applicant=OTHER_COMPANY,
        items=[{"usml_category": None, "eccn": "0A501.a", "quantity": 50}],
    )
    world.licences["other"].status_history[-1].reason = f"{p}approved with provisos"
    world.cases["gopes"] = open_case(
        session,
        kind=CaseKind.OTHER,
        opened_on=date(2026, 11, 1),
        actor="monitor",
        settings=MonitoringSettings(),
        licence=world.licences["own"],
        holder_unit_id=gopes.id,
        justification=f"{p}Synthetic test case: rifles reported with the GOPES after Camargo.",
    )
    check = EndUseCheckRow(
        key="EUC-TEST-0001",
        licence_id=world.licences["own"].id,
        stage="post_shipment",
        status="done",
        performed_on=date(2021, 6, 1),
        outcome="favourable",
        reasons=[],
        notes=f"{p}Synthetic test check.",
        recorded_by="monitor",
    )
    session.add(check)
    world.checks["test"] = check
    for role, username in USERNAMES.items():
        add_account(session, username, role, company=EXPORTER_COMPANY if role is Role.EXPORTER else None)
    add_account(session, OTHER_EXPORTER, Role.EXPORTER, company=OTHER_COMPANY)
    session.flush()
    return world
