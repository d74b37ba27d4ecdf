"""The demo's monitoring cases, end to end through the command line on both stores: `lantern demo` opens the
cases the synthetic custody records raise and records the synthetic end-use checks; the cases listed in
docs/review-cases.md ("Monitoring cases") are exactly these."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lantern.cli.main import app
from tests.conftest import DatabaseFactory

runner = CliRunner()

#: licence → (holder, licensed serials, custody evidence lines, check evidence lines): docs/review-cases.md.
EXPECTED = {
    "DDTC/SYN-11-0051": ("mx-gro-iguala-pm", 25, 100, 0),
    "DDTC/SYN-12-0001": ("mx-gro-iguala-pm", 20, 80, 0),
    "DDTC/SYN-13-0037": ("mx-gro-iguala-pm", 10, 40, 0),
    "DDTC/SYN-15-0002": ("mx-gro-chilpancingo-pm", 10, 10, 13),
}


def run(url: str, data_dir: Path, *args: str) -> Any:
    done = runner.invoke(app, ["--database-url", url, *args], env={"LANTERN_DATA_DIR": str(data_dir)})
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout) if "--json" in args else done.output


@pytest.mark.db
def test_the_demo_opens_the_documented_cases_and_records_its_checks(
    backend: str, database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    url = database_factory.url(backend)
    data = tmp_path / "data"
    run(url, data, "demo", "--quiet")
    listed = run(url, data, "cases", "list", "--json")
    by_licence = {c["licence"]: c for c in listed}
    assert set(by_licence) == set(EXPECTED)
    for licence, (holder, serials, custody, check) in EXPECTED.items():
        case = run(url, data, "cases", "show", by_licence[licence]["key"], "--json")
        assert case["kind"] == "retransfer"
        assert case["status"] == "open"
        assert case["holder"]["key"] == holder
        assert case["serial_count"] == serials
        kinds = [e["kind"] for e in case["evidence"]]
        assert kinds.count("custody_event") == custody
        assert kinds.count("check") + kinds.count("serial") == check
        assert sorted(r["kind"] for r in case["reports"]) == ["aeca_3c2", "aeca_3e"]
    # The Iguala cases carry the implication of the holder (credible 2015-07-23) as evidence too.
    iguala = run(url, data, "cases", "show", by_licence["DDTC/SYN-12-0001"]["key"], "--json")
    assert any(
        "implicated" in e["description"] and "2015-07-23" in e["description"] for e in iguala["evidence"]
    )

    checks = {c["key"]: c for c in run(url, data, "checks", "list", "--json")}
    assert checks["EUC-SYN-0001"]["outcome"] == "favourable"
    assert checks["EUC-SYN-0001"]["serials"] == {"found": 5, "missing": 0, "unlisted": 0}
    assert checks["EUC-SYN-0002"]["outcome"] == "unfavourable"
    assert checks["EUC-SYN-0002"]["serials"] == {"found": 10, "missing": 10, "unlisted": 2}

    # A second demo changes nothing.
    run(url, data, "demo", "--quiet")
    assert run(url, data, "cases", "list", "--json") == listed
    assert run(url, data, "cases", "detect", "--json")["evidence_added"] == 0

    # The 3(e) report of the Chilpancingo case names its facts, and is marked sent.
    key = by_licence["DDTC/SYN-15-0002"]["key"]
    (report,) = run(url, data, "cases", "report", key, "--kind", "aeca_3e", "--mark-sent", "--json")
    assert report["sent_on"] is not None
    for fact in (
        "DDTC/SYN-15-0002",
        "mx-gro-chilpancingo-pm",
        "SYN-SIG000451",
        "SYN-UNL-000001",
        "EUC-SYN-0002",
    ):
        assert fact in report["draft"]

    # The plan covers the most risk for the capacity, over USML Category I and 0A501-0A505 licences alike.
    plan = run(url, data, "checks", "plan", "--capacity", "40", "--quarter", "2026Q4", "--json")
    assert len(plan["chosen"]) == 40
    scores = [e["score"] for e in plan["chosen"]]
    assert scores == sorted(scores, reverse=True)
    assert {e["agency"] for e in plan["chosen"]} == {"DDTC", "BIS"}
    assert all(f["weight"] > 0 for e in plan["chosen"] for f in e["factors"])

    # Recording a check whose inventory misses a serial feeds a case.
    inventory = tmp_path / "inventory.csv"
    inventory.write_text("serial,make,state\nSYN-BER002096,Beretta,missing\nSYN-NOPE-1,Beretta,found\n")
    (done,) = run(
        url,
        data,
        "checks",
        "record",
        "BIS/SYN-D100046",
        "--outcome",
        "no_action",
        "--date",
        "2026-11-20",
        "--serials",
        str(inventory),
        "--json",
    )
    assert (done["missing"], done["unlisted"], done["case_opened"]) == (1, 1, True)
    new_case = run(url, data, "cases", "show", done["case"], "--json")
    assert new_case["kind"] == "missing_serials"
    assert new_case["licence"] == "BIS/SYN-D100046"
