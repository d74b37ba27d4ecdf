from datetime import date

import pytest

from lantern.db.engine import Database
from lantern.errors import NotFound
from lantern.units import service
from tests.factories import add_allegation, add_licence, add_unit


def _registry(db: Database) -> None:
    with db.transaction() as session:
        ssp = add_unit(
            session,
            "mx-tam-ssp",
            "Secretaría de Seguridad Pública de Tamaulipas",
            state="Tamaulipas",
            aliases=("SSP Tamaulipas",),
        )
        gopes = add_unit(
            session,
            "mx-tam-gopes",
            "Grupo de Operaciones Especiales",
            state="Tamaulipas",
            aliases=("GOPES",),
            parent=ssp,
            parent_start="2016",
        )
        add_allegation(
            session,
            "camargo-2021",
            [gopes],
            violations=("extrajudicial_killing",),
            start="2021-01-22",
            credible_on=date(2021, 2, 2),
        )
        add_licence(
            session, "T-2019", issue_date=date(2019, 6, 1), end_user="SSP Tamaulipas", end_user_unit=ssp
        )


def test_a_unit_shows_its_hierarchy_allegations_and_licences(db: Database) -> None:
    _registry(db)
    with db.session() as session:
        gopes = service.view_unit(session, "GOPES")
        ssp = service.view_unit(session, "mx-tam-ssp")
    assert gopes.unit.key == "mx-tam-gopes"
    assert gopes.ancestors == [("mx-tam-ssp", "Secretaría de Seguridad Pública de Tamaulipas")]
    assert [a.key for a in gopes.allegations] == ["camargo-2021"]
    assert [c.key for c in ssp.children] == ["mx-tam-gopes"]
    assert [(lic.number, role) for lic, role, _ in ssp.licences] == [("T-2019", "end_user")]


def test_the_hierarchy_follows_the_dates(db: Database) -> None:
    _registry(db)
    with db.session() as session:
        before = service.view_unit(session, "mx-tam-gopes", on=date(2015, 1, 1))
        after = service.view_unit(session, "mx-tam-gopes", on=date(2016, 6, 1))
    assert before.ancestors == []
    assert [k for k, _ in after.ancestors] == ["mx-tam-ssp"]


def test_an_ambiguous_or_unknown_unit_is_refused(db: Database) -> None:
    with db.transaction() as session:
        add_unit(session, "mx-a", "Policía Municipal", aliases=("PM",))
        add_unit(session, "mx-b", "Policía Preventiva", aliases=("PM",))
    with db.session() as session:
        with pytest.raises(NotFound, match="more than one unit"):
            service.view_unit(session, "PM")
        with pytest.raises(NotFound, match="No unit"):
            service.view_unit(session, "nothing")


def test_units_list_filters(db: Database) -> None:
    _registry(db)
    with db.session() as session:
        assert [u.key for u in service.list_units(session, text="gopes")] == ["mx-tam-gopes"]
        assert len(service.list_units(session, state="Tamaulipas")) == 2
        assert service.list_units(session, state="Guerrero") == []
