import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from lantern.cli.main import app
from tests.conftest import DatabaseFactory

runner = CliRunner()


def test_a_database_with_no_schema_stops_with_the_upgrade_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "lantern", "--database-url", url, "licences", "summary"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "lantern db upgrade" in done.stderr
    assert "Traceback" not in done.stderr


def test_upgrade_then_read_an_empty_book(backend: str, database_factory: DatabaseFactory) -> None:
    url = database_factory.url(backend)
    first = runner.invoke(app, ["--database-url", url, "db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert "migrated from empty" in first.output
    again = runner.invoke(app, ["--database-url", url, "db", "upgrade"])
    assert "up to date" in again.output
    summary = runner.invoke(app, ["--database-url", url, "licences", "summary", "--json"])
    assert summary.exit_code == 0, summary.output
    assert json.loads(summary.output)["licences"] == 0
    verify = runner.invoke(app, ["--database-url", url, "audit", "verify", "--json"])
    assert json.loads(verify.output) == {"ok": True, "records": 0, "breaks": []}
