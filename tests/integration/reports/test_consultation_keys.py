"""Consultation keys come from the locked counter cases and checks use: never a key already recorded."""

from datetime import date

from lantern.consultations.model import Consultation, Outcome
from lantern.consultations.service import add_consultation, next_key
from lantern.db.engine import Database
from lantern.db.tables.consultations import ConsultationRow
from tests.factories import add_licence


def _consultation(key: str) -> Consultation:
    return Consultation(
        key=key,
        bureau="DRL",
        consulted_on=date(2024, 3, 1),
        outcome=Outcome.NO_OBJECTION,
        licence_key="DDTC/050000001",
    )


def test_a_key_chosen_by_hand_is_never_given_again(db: Database) -> None:
    with db.transaction() as session:
        add_licence(session, "050000001")
        add_consultation(session, _consultation("CONS-00002"), actor="analyst")
        first = next_key(session, "CONS", ConsultationRow)  # one record so far, but CONS-00002 is taken
        add_consultation(session, _consultation(first), actor="analyst")
        second = next_key(session, "CONS", ConsultationRow)
    assert (first, second) == ("CONS-00003", "CONS-00004")
