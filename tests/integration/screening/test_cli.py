"""`lantern screen`, one name and a file of names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lantern.cli import screen
from lantern.cli.common import AppState
from lantern.cli.main import app
from lantern.db.engine import Database
from lantern.settings import Settings
from tests.integration.screening.test_service import add_registry


@pytest.fixture
def runner_args(fresh_db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The command runs on the test's database (whose engine the fixture disposes) and data folder."""
    add_registry(fresh_db)
    app_state = AppState(settings, fresh_db)
    monkeypatch.setattr(screen, "state", lambda ctx: app_state)
    return []


def test_screen_one_name(runner_args: list[str]) -> None:
    result = CliRunner().invoke(app, [*runner_args, "screen", "Pol. Estatal Gro.", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout[result.stdout.index("{") :])
    assert payload["matches"][0]["id"] == "unit:mx-gro-pe"
    assert payload["matches"][0]["decision"] == "match"


def test_screen_a_file(runner_args: list[str], tmp_path: Path) -> None:
    names = tmp_path / "names.jsonl"
    names.write_text('{"id": "a", "name": "SEMAR"}\n{"id": "b", "query": "SIG SAUER INC"}\n')
    result = CliRunner().invoke(
        app, [*runner_args, "screen", "--file", str(names), "--json", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(r["id"], r["matches"][0]["id"]) for r in lines] == [
        ("a", "unit:mx-semar"),
        ("b", "entry:synthetic/e1"),
    ]


def test_screen_a_bad_file(runner_args: list[str], tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("id,name\n1,\n")
    result = CliRunner().invoke(app, [*runner_args, "screen", "--file", str(names)])
    assert result.exit_code != 0
