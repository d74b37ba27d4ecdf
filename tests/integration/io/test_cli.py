"""`lantern import`, `lantern export` and `lantern synth` as a user runs them."""

import subprocess
import sys
from pathlib import Path

import orjson

from lantern.db.engine import Database
from tests.integration.io.helpers import snapshot
from tests.unit.io import samples

LANTERN = Path(sys.executable).with_name("lantern")


def _run(db: Database, *args: str) -> subprocess.CompletedProcess[str]:
    url = db.engine.url.render_as_string(hide_password=False)
    return subprocess.run(
        [str(LANTERN), "--database-url", url, "--actor", "cli-test", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
    )


def test_import_reports_counts_and_a_second_run_changes_nothing(fresh_db: Database, tmp_path: Path) -> None:
    paths = [str(p) for p in samples.write_world(tmp_path)]
    first = _run(fresh_db, "import", *paths)
    assert first.returncode == 0, first.stderr
    assert "licences" in first.stdout
    second = _run(fresh_db, "import", "--json", *paths)
    report = orjson.loads(second.stdout)
    assert report["counts"]["licences"] == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    verify = _run(fresh_db, "audit", "verify")
    assert verify.returncode == 0
    assert "chain verified" in verify.stdout


def test_problems_go_to_stderr_one_per_line_and_exit_2(fresh_db: Database, tmp_path: Path) -> None:
    unit = samples.units()[3] | {"name": " ", "kind": "municipal police force of a very long name indeed"}
    path = samples.write_jsonl(tmp_path / "units-with-a-rather-long-file-name-for-wrapping.jsonl", [unit])
    before = snapshot(fresh_db)
    result = _run(fresh_db, "import", str(path))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "error: nothing was imported: 2 problem(s) found"
    assert lines[1] == f"  {path}:1: name: must not be blank"
    assert lines[2].startswith(f"  {path}:1: kind: must be 'army', 'navy'")
    assert snapshot(fresh_db) == before


def test_a_dry_run_checks_and_stores_nothing(fresh_db: Database, tmp_path: Path) -> None:
    before = snapshot(fresh_db)
    result = _run(fresh_db, "import", "--dry-run", *map(str, samples.write_world(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert "Dry run" in result.stdout
    assert snapshot(fresh_db) == before


def test_export_and_synth_write_files(fresh_db: Database, tmp_path: Path) -> None:
    synth = _run(fresh_db, "synth", str(tmp_path / "synth"), "--licences", "20", "--units", "60", "--json")
    assert synth.returncode == 0, synth.stderr
    assert orjson.loads(synth.stdout)["licences"] == 20
    files = sorted(str(p) for p in (tmp_path / "synth").glob("*.jsonl"))
    imported = _run(fresh_db, "import", *files)
    assert imported.returncode == 0, imported.stderr
    exported = _run(
        fresh_db, "export", str(tmp_path / "out"), "--format", "csv", "--kind", "licences", "--json"
    )
    assert exported.returncode == 0, exported.stderr
    written = orjson.loads(exported.stdout)
    assert written == {str(tmp_path / "out" / "licences.csv"): 20}
    assert (tmp_path / "out" / "licences.csv").read_text(encoding="utf-8").startswith("part,agency,number,")
