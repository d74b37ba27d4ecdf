from datetime import date
from decimal import Decimal

import pytest

from lantern.db.engine import Database
from lantern.errors import LanternError, NotFound
from lantern.licences import service
from lantern.licences.model import LicenceStatus, PartyRole
from tests.factories import add_licence


def test_a_licence_reads_back_as_a_domain_object(db: Database) -> None:
    with db.transaction() as session:
        add_licence(session, "050000001", items=[{"quantity": 300, "total_value": Decimal("360000")}])
    with db.session() as session:
        lic = service.get_licence(session, "050000001")
    assert lic.key == "DDTC/050000001"
    assert lic.status is LicenceStatus.APPROVED
    assert [p.role for p in lic.parties] == [PartyRole.APPLICANT, PartyRole.END_USER]
    assert lic.items[0].quantity == 300
    assert lic.items[0].is_usml_category_i
    assert lic.approved_at() is not None


def test_an_unknown_licence_is_not_found(db: Database) -> None:
    with db.session() as session, pytest.raises(NotFound, match="No licence"):
        service.get_licence(session, "nope")


def test_a_number_two_agencies_share_must_be_qualified(db: Database) -> None:
    with db.transaction() as session:
        add_licence(session, "X-1", agency="DDTC")
        add_licence(session, "X-1", agency="BIS", kind="BIS-748P")
    with db.session() as session:
        with pytest.raises(LanternError, match="more than one agency"):
            service.get_licence(session, "X-1")
        assert service.get_licence(session, "BIS/X-1").kind.value == "BIS-748P"


def test_search_filters_narrow_the_book(db: Database) -> None:
    with db.transaction() as session:
        add_licence(session, "A-1", issue_date=date(2015, 3, 2), end_user="Policía Estatal de Guerrero")
        add_licence(
            session,
            "A-2",
            agency="BIS",
            kind="BIS-748P",
            issue_date=date(2021, 5, 1),
            end_user="Secretaría de Marina",
            items=[{"usml_category": None, "eccn": "0A501.a"}],
        )
        add_licence(
            session, "A-3", issue_date=date(2019, 1, 1), status="suspended", end_user="SSP Tamaulipas"
        )
    with db.session() as session:

        def keys(**kwargs: object) -> list[str]:
            rows, total = service.search_licences(session, service.LicenceFilter(**kwargs))  # type: ignore[arg-type]
            assert total == len(rows)
            return sorted(r.number for r in rows)

        assert keys() == ["A-1", "A-2", "A-3"]
        assert keys(agency="bis") == ["A-2"]
        assert keys(status="suspended") == ["A-3"]
        assert keys(end_user="guerrero") == ["A-1"]
        assert keys(category="0A501") == ["A-2"]
        assert keys(category="I(a)") == ["A-1", "A-3"]
        assert keys(issued_from=date(2019, 1, 1)) == ["A-2", "A-3"]
        assert keys(text="marina") == ["A-2"]
        assert keys(text="100%_") == []


def test_a_search_counts_up_to_its_limit_and_pages_on(db: Database) -> None:
    with db.transaction() as session:
        for n in range(7):
            add_licence(session, f"C-{n}", issue_date=date(2020, 1, 1 + n), end_user="Policía Estatal")
    flt = service.LicenceFilter(end_user="policía")
    with db.session() as session:
        exact = service.search_licence_page(session, flt, limit=3)
        assert (exact.total, exact.total_exact) == (7, True)
        assert [r.number for r in exact.rows] == ["C-6", "C-5", "C-4"]  # newest first
        capped = service.search_licence_page(session, flt, limit=3, offset=3, count_limit=5)
        assert (capped.total, capped.total_exact) == (5, False)
        assert [r.number for r in capped.rows] == ["C-3", "C-2", "C-1"]
        at_limit = service.search_licence_page(session, flt, limit=3, count_limit=7)
        assert (at_limit.total, at_limit.total_exact) == (7, True)


def test_the_book_summary_counts_everything(db: Database) -> None:
    with db.transaction() as session:
        add_licence(session, "S-1", issue_date=date(2015, 3, 2), value=Decimal("100"))
        add_licence(
            session, "S-2", issue_date=date(2019, 1, 1), value=Decimal("250.50"), items=[{}, {"quantity": 5}]
        )
    with db.session() as session:
        book = service.summarise_book(session)
    assert book.licences == 2
    assert book.parties == 4
    assert book.items == 3
    assert book.quantity == 205
    assert book.value == Decimal("350.50")
    assert book.by_year == {2015: 1, 2019: 1}
    assert book.first_issue == date(2015, 3, 2)
