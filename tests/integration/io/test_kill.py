"""A real `lantern import` killed with SIGKILL half-way leaves the database exactly as it was."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from sqlalchemy import text

from lantern.audit.service import verify_chain
from lantern.db.engine import Database
from lantern.synth.generate import SynthOptions, generate
from tests.integration.io.helpers import run_import, snapshot
from tests.unit.io import samples

LANTERN = Path(sys.executable).with_name("lantern")


def _writing(db: Database, url: str) -> bool:
    """True once the import's transaction has written to the database."""
    if db.dialect == "sqlite":
        wal = Path(url.removeprefix("sqlite:///") + "-wal")
        return wal.exists() and wal.stat().st_size > 2_000_000
    with db.engine.connect() as conn:
        query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        )
        return bool(conn.execute(query).scalar())


@pytest.mark.slow
def test_a_killed_import_leaves_the_database_as_it_was(fresh_db: Database, tmp_path: Path) -> None:
    run_import(fresh_db, samples.write_world(tmp_path / "world"))
    before = snapshot(fresh_db)
    generate(SynthOptions(seed=7, licences=20000, units=0, entries=0, shipment_share=0), tmp_path / "big")
    url = fresh_db.engine.url.render_as_string(hide_password=False)
    # A small SQLite page cache makes the import spill uncommitted pages into the WAL file as it goes,
    # so the kill lands while the database files hold half a transaction.
    env = {**os.environ, "LANTERN_IMPORTS__SQLITE_CACHE_MB": "2"}
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            [str(LANTERN), "--database-url", url, "import", str(tmp_path / "big" / "licences.jsonl")],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
    deadline = time.monotonic() + 120
    while not _writing(fresh_db, url):
        assert process.poll() is None, errors.read_text()
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.05)
    time.sleep(0.3)
    children = psutil.Process(process.pid).children(recursive=True)
    assert children, "a file this large is read by a second process"
    process.kill()
    process.wait()
    assert process.returncode == -9
    # The reader process notices its writer is gone and exits too.
    _gone, alive = psutil.wait_procs(children, timeout=15)
    assert alive == []
    fresh_db.engine.dispose()

    if fresh_db.dialect == "postgresql":
        # The server ends the killed connection's transaction once it sees the socket close.
        deadline = time.monotonic() + 30
        while _writing(fresh_db, url) and time.monotonic() < deadline:
            time.sleep(0.1)
    assert snapshot(fresh_db) == before
    with fresh_db.session() as session:
        assert verify_chain(session).ok
        if fresh_db.dialect == "sqlite":
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    # And the database takes the next import as usual.
    extra = [{"id": "test-after-kill", "title": "Imported after the kill"}]
    report = run_import(fresh_db, [samples.write_jsonl(tmp_path / "sources.jsonl", extra)])
    assert report.changed == 1
