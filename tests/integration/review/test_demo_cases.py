"""The demo book reviewed end to end: every licence gets the findings docs/review-cases.md designs for it.

The demo licences are synthetic and each reproduces one case of the seed letter; the units and allegations
are real and cited. This test loads the demo data into a fresh database on each backend, runs the full review
as of a fixed day, and compares each licence's findings (criterion, code and, for criterion 1, how the end
user relates to the implicated unit) with the table below. Where the review is known to differ from the
designed outcome because screening does not yet resolve the name as written, the case is an expected failure
naming the miss (strict: it fails loudly once screening resolves the name, so the table is then updated).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from lantern.db.engine import Database
from lantern.demo.service import data_dir, load_demo_data
from lantern.review.runner import run_review
from lantern.review.service import read_review
from lantern.settings import Settings
from tests.conftest import DatabaseFactory

pytestmark = [pytest.mark.db, pytest.mark.slow]

AS_OF = date(2026, 11, 1)

C1_BEFORE = "implicated_end_user:implicated_before_approval"
C1_AFTER = "implicated_end_user:implicated_after_approval"
B502_IMPLICATED = "crime_control_502b:police_end_user_implicated"
B502_UNIDENTIFIED = "crime_control_502b:police_end_user_unidentified"
GENERIC = "unidentified_end_user:generic_end_user"
RESELLER = "unidentified_end_user:reseller_without_final_end_user"
UNRESOLVED = "unidentified_end_user:unresolved_end_user"
UNCERTAIN = "unidentified_end_user:uncertain_end_user"
SECRETARIAT = "unidentified_end_user:secretariat_level_end_user"
NO_END_USER = "unidentified_end_user:no_end_user"
STA = "unidentified_end_user:sta_without_consignee_statement"
CN_MISSING = "congressional_notification:notification_missing"
PROVISO = "proviso_breach:excluded_state"
WATCH = "watch_list:watch_list_match"

# licence → (finding codes, relation of each criterion-1 finding to the implicated unit)
DESIGNED: dict[str, tuple[set[str], set[str]]] = {
    "BIS/SYN-D100007": ({C1_BEFORE, B502_IMPLICATED}, {"contains"}),
    "BIS/SYN-D100008": ({C1_BEFORE, B502_IMPLICATED}, {"is"}),
    "BIS/SYN-D100015": ({CN_MISSING}, set()),
    "BIS/SYN-D100016": (set(), set()),
    "BIS/SYN-D100017": (set(), set()),
    "BIS/SYN-D100018": (set(), set()),
    "BIS/SYN-D100020": ({PROVISO}, set()),
    "BIS/SYN-D100023": ({GENERIC, B502_UNIDENTIFIED}, set()),
    "BIS/SYN-D100024": ({GENERIC, RESELLER, B502_UNIDENTIFIED}, set()),
    "BIS/SYN-D100025": ({GENERIC, B502_UNIDENTIFIED}, set()),
    "BIS/SYN-D100027": ({UNRESOLVED, B502_UNIDENTIFIED}, set()),
    # SSPC named while the Guardia Nacional was its sub-unit (2019-05-27 to 2022-09-09) and the items went to
    # the GN: criterion 2 (secretariat level) and, since the GN was implicated later, criterion 1 too.
    "BIS/SYN-D100028": ({SECRETARIAT, C1_AFTER}, {"contains"}),
    "BIS/SYN-D100030": ({GENERIC, B502_UNIDENTIFIED}, set()),
    "BIS/SYN-D100033": ({WATCH}, set()),
    "BIS/SYN-D100034": ({WATCH}, set()),
    "BIS/SYN-D100035": (set(), set()),
    "BIS/SYN-D100043": ({C1_AFTER, B502_IMPLICATED}, {"is"}),
    "BIS/SYN-D100046": (set(), set()),
    "BIS/SYN-D100047": (set(), set()),
    "BIS/SYN-D100049": (set(), set()),
    "BIS/SYN-STA-21-001": (set(), set()),
    # No end user and no consignee statement: both are criterion 2.
    "BIS/SYN-STA-21-002": ({STA, NO_END_USER}, set()),
    "DDTC/SYN-11-0051": ({RESELLER}, set()),
    "DDTC/SYN-12-0001": ({C1_AFTER}, {"contains"}),
    "DDTC/SYN-13-0037": ({C1_AFTER}, {"is"}),
    "DDTC/SYN-15-0002": ({C1_AFTER}, {"is"}),
    # Generic wording fails criterion 2; screening still finds the Guerrero state police behind it.
    "DDTC/SYN-15-0003": ({GENERIC, C1_AFTER}, {"is"}),
    "DDTC/SYN-15-0038": ({C1_AFTER}, {"is"}),
    "DDTC/SYN-15-0039": (set(), set()),  # denied
    "DDTC/SYN-16-0036": ({C1_BEFORE}, {"is"}),
    "DDTC/SYN-16-0044": ({C1_AFTER}, {"is"}),
    # SEDENA as end user is the reseller case; the review does not carry the allegations of SEDENA's
    # battalions to a licence that names SEDENA itself (docs/review.md, "Resellers").
    "DDTC/SYN-16-0019": ({PROVISO, GENERIC, RESELLER}, set()),
    "DDTC/SYN-17-0013": ({C1_AFTER}, {"is"}),
    "DDTC/SYN-17-0026": ({NO_END_USER}, set()),
    "DDTC/SYN-17-0041": ({C1_AFTER}, {"is"}),
    "DDTC/SYN-17-0045": (set(), set()),
    "DDTC/SYN-18-0021": ({RESELLER}, set()),
    "DDTC/SYN-19-0004": ({C1_AFTER}, {"contains"}),
    "DDTC/SYN-19-0048": (set(), set()),
    "DDTC/SYN-20-0006": ({C1_BEFORE}, {"is"}),
    "DDTC/SYN-21-0010": ({C1_BEFORE}, {"is"}),
    "DDTC/SYN-21-0014": ({CN_MISSING}, set()),
    "DDTC/SYN-23-0042": ({RESELLER}, set()),
    # Designed outcomes that need screening to resolve the name as written.
    "BIS/SYN-D100009": (set(), set()),
    "BIS/SYN-D100029": ({SECRETARIAT}, set()),
    "BIS/SYN-D100050": (set(), set()),
    "DDTC/SYN-15-0040": ({C1_BEFORE}, {"contains"}),
    "DDTC/SYN-18-0022": ({RESELLER}, set()),
    "DDTC/SYN-20-0005": ({C1_AFTER}, {"is"}),
    "DDTC/SYN-20-0011": ({RESELLER}, set()),
    "DDTC/SYN-22-0012": ({C1_BEFORE}, {"belongs to"}),
}

SCREENING_MISSES = {
    "BIS/SYN-D100009": "“Fuerzas Especiales de la Guardia Estatal (SSP Tamaulipas)”: parent in brackets",
    "BIS/SYN-D100029": "shipment consignee naming Fuerza Civil is not resolved",
    "BIS/SYN-D100050": "“… del Estado de México (FGJEM)”: acronym in brackets",
    "DDTC/SYN-15-0040": (
        "“SEDENA - 22/a. Zona Militar (Santa María Rayón, Edo. Méx.)”: parent prefixed, place"
    ),
    "DDTC/SYN-18-0022": "English long name of DCAM",
    "DDTC/SYN-20-0005": "“Grupo de Operaciones Especiales (GOPES), SSP Tamaulipas”: parent appended",
    "DDTC/SYN-20-0011": "English long name of DCAM",
    "DDTC/SYN-22-0012": "“Batallón de Infantería de Marina No. 10 (BIM-10), Primera Zona Naval”",
}


def _relation(finding_evidence: list[dict[str, object]]) -> str:
    for step in finding_evidence:
        if step.get("kind") == "hierarchy":
            data = step.get("data")
            if isinstance(data, dict):
                return str(data.get("relation"))
    return "is"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def reviewed_demo(
    request: pytest.FixtureRequest,
    database_factory: DatabaseFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[set[str], set[str]]]:
    database: Database = database_factory.create(str(request.param))
    settings = Settings(data_dir=tmp_path_factory.mktemp("demo-data"), database_url=None)
    load_demo_data(database, settings)
    run_review(database, settings, as_of=AS_OF)
    outcome: dict[str, tuple[set[str], set[str]]] = {}
    with database.session() as session:
        reviewed, _summary = read_review(session)
        for item in reviewed:
            key = f"{item.licence.agency}/{item.licence.number}"
            codes = {f"{f.criterion}:{f.code}" for f in item.findings}
            relations = {_relation(f.evidence) for f in item.findings if f.criterion == "implicated_end_user"}
            outcome[key] = (codes, relations)
    return outcome


def _cases() -> list[object]:
    out: list[object] = []
    for key in sorted(DESIGNED):
        marks = []
        if key in SCREENING_MISSES:
            marks.append(pytest.mark.xfail(reason=f"screening miss: {SCREENING_MISSES[key]}", strict=True))
        out.append(pytest.param(key, id=key, marks=marks))
    return out


@pytest.mark.parametrize("licence", _cases())
def test_each_demo_licence_gets_its_designed_findings(
    reviewed_demo: dict[str, tuple[set[str], set[str]]], licence: str
) -> None:
    codes, relations = reviewed_demo.get(licence, (set(), set()))
    expected_codes, expected_relations = DESIGNED[licence]
    assert (codes, relations) == (expected_codes, expected_relations)


def test_every_demo_licence_has_a_designed_outcome() -> None:
    with (data_dir() / "licences.jsonl").open(encoding="utf-8") as lines:
        keys = {f"{r['agency']}/{r['number']}" for r in map(json.loads, lines)}
    assert keys == set(DESIGNED)
