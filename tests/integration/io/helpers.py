"""Shared helpers for import and export tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from lantern.audit.service import verify_chain
from lantern.db.base import Base
from lantern.db.engine import Database
from lantern.errors import ValidationProblem
from lantern.io.service import ImportReport, import_files
from lantern.settings import ImportSettings

SETTINGS = ImportSettings(chunk_size=3, max_problems=50)


def run_import(db: Database, paths: Sequence[Path], **options: Any) -> ImportReport:
    options.setdefault("settings", SETTINGS)
    return import_files(db, paths, actor="test@example.org", **options)


def snapshot(db: Database) -> dict[str, Any]:
    """Every table's row count and the audit chain's head: equal snapshots mean nothing was stored."""
    with db.session() as session:
        counts = {
            name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in Base.metadata.tables.items()
        }
        head = session.execute(text("SELECT seq, hash FROM audit_head")).one()
    return {"counts": counts, "head": tuple(head)}


def import_fails(db: Database, paths: Sequence[Path], **options: Any) -> list[str]:
    """Import, expect it to fail, check nothing changed, and return the problems."""
    before = snapshot(db)
    with pytest.raises(ValidationProblem) as caught:
        run_import(db, paths, **options)
    assert snapshot(db) == before
    with db.session() as session:
        assert verify_chain(session).ok
    return caught.value.problems
