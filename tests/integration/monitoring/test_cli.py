"""`lantern shipments file|list|show` and `lantern trace` as a user runs them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lantern.cli import shipments
from lantern.cli.common import AppState
from lantern.cli.main import app
from lantern.db.engine import Database
from lantern.settings import Settings
from tests.factories import add_licence, add_unit
from tests.integration.monitoring.helpers import notice, resolve_end_user

pytestmark = pytest.mark.db


@pytest.fixture
def cli(fresh_db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    with fresh_db.transaction() as session:
        ssp = add_unit(session, "mx-gro-ssp", "SSP Guerrero", state="Guerrero")
        lic = add_licence(
            session, "G-1", end_user="SSP Guerrero", end_user_unit=ssp, items=[{"quantity": 12}]
        )
        resolve_end_user(session, lic, ssp)
        add_licence(session, "OTHER", applicant="Other Guns LLC")
    app_state = AppState(settings, fresh_db)
    monkeypatch.setattr(shipments, "state", lambda ctx: app_state)
    return CliRunner()


def test_file_from_options_then_list_show_and_trace(cli: CliRunner, tmp_path: Path) -> None:
    serials = tmp_path / "serials.csv"
    serials.write_text("serial,item,make,model,calibre\nLE-1,1,Colt,AR-15,5.56\nLE-2,1,Colt,AR-15,5.56\n")
    args = ["shipments", "file", "--licence", "G-1", "--date", "2016-05-02", "--line", "1:10:4800.00"]
    result = cli.invoke(app, [*args, "--serials", str(serials), "--id", "S-1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "key": "S-1",
        "licence": "DDTC/G-1",
        "status": "accepted",
        "reason": None,
        "alerts": [],
        "replayed": False,
    }
    refused = cli.invoke(app, [*args, "--id", "S-2"])
    assert refused.exit_code == 3
    assert "REJECTED" in refused.stdout
    assert "item 1 would over-ship: 10 more after 10 of 12 licensed (2 remain)" in refused.stdout
    listed = json.loads(cli.invoke(app, ["shipments", "list", "--json"]).stdout)
    assert [(s["key"], s["status"]) for s in listed["shipments"]] == [
        ("S-2", "rejected"),
        ("S-1", "accepted"),
    ]
    shown = json.loads(cli.invoke(app, ["shipments", "show", "S-1", "--json"]).stdout)
    assert [s["serial"] for s in shown["serials"]] == ["LE-1", "LE-2"]
    traced = cli.invoke(app, ["trace", "le 2", "--json"])
    assert traced.exit_code == 0, traced.output
    [chain] = json.loads(traced.stdout)
    assert chain["licence"]["key"] == "DDTC/G-1"
    assert chain["chain"][-1] == {
        "kind": "declared_end_user",
        "date": None,
        "holder": "SSP Guerrero",
        "holder_unit": "mx-gro-ssp",
        "place": None,
        "source": None,
        "note": None,
        "authorised": None,
        "flag": None,
    }
    assert cli.invoke(app, ["trace", "NOT-SHIPPED"]).exit_code == 4


def test_file_a_json_notice_as_an_exporter(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "notices.json"
    path.write_text(json.dumps([notice("G-1", key="N-1", quantity=2, shipped_on=date(2016, 1, 4))]))
    own = cli.invoke(app, ["shipments", "file", str(path), "--company", "Example Arms, Inc.", "--json"])
    assert own.exit_code == 0, own.output
    assert json.loads(own.stdout)[0]["status"] == "accepted"
    path.write_text(json.dumps(notice("OTHER", key="N-2")))
    other = cli.invoke(app, ["shipments", "file", str(path), "--company", "Example Arms Inc."])
    # main() turns the error into a message and exit 1; the runner calls the app under it.
    assert str(other.exception) == "No licence 'OTHER' in the book."


def test_trace_a_file_prints_a_summary_json_and_csv(cli: CliRunner, tmp_path: Path) -> None:
    cli.invoke(
        app, ["shipments", "file", "--licence", "G-1", "--date", "2016-05-02", "--line", "1:1", "--id", "S-1"]
    )
    path = tmp_path / "recovered.csv"
    path.write_text("serial,make,holder\nLE-9,Colt,SSP Guerrero\nXX-1,Glock,SSP Guerrero\n")
    text = cli.invoke(app, ["trace", "--file", str(path)])
    assert text.exit_code == 0, text.output
    assert "2 weapon(s); 0 US-licensed, 2 on no licence in the store" in text.stdout
    as_csv = cli.invoke(app, ["trace", "--file", str(path), "--csv"])
    assert as_csv.stdout.splitlines()[0].startswith("line,serial,make,")
    bad = tmp_path / "bad.csv"
    bad.write_text("serial,found_date\nA,yesterday\n")
    result = cli.invoke(app, ["trace", "--file", str(bad), "--json"])
    assert result.exit_code != 0
    assert isinstance(result.exception, Exception)
    assert f"{bad}:2: found_date" in str(getattr(result.exception, "problems", ""))
