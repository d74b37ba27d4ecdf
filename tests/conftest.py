"""Fixtures shared by every test: settings, and databases on SQLite and PostgreSQL.

Database tests take the `db` fixture and run once per backend. PostgreSQL runs when a server answers at
LANTERN_TEST_PG_URL (default: the local server); without one those tests skip with the reason, except in CI
(CI=true), where a missing PostgreSQL fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from lantern.db import migrate
from lantern.db.engine import Database, make_engine
from lantern.settings import Settings

PG_ADMIN_URL = os.environ.get("LANTERN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BACKENDS = ["sqlite", "postgresql"]


def _pg_reason() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure to reach the server means "no PostgreSQL here"
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}: {exc}".splitlines()[0]
    return None


PG_UNAVAILABLE = _pg_reason()


def require_backend(backend: str) -> None:
    if backend == "postgresql" and PG_UNAVAILABLE:
        if IN_CI:
            pytest.fail(f"CI requires PostgreSQL for database tests. {PG_UNAVAILABLE}", pytrace=False)
        pytest.skip(PG_UNAVAILABLE)


class DatabaseFactory:
    """Creates throwaway databases, migrated by Lantern's own migrations, and drops them afterwards."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self._pg_names: list[str] = []
        self._engines: list[Engine] = []

    def url(self, backend: str) -> str:
        require_backend(backend)
        if backend == "sqlite":
            return f"sqlite:///{self.tmp / f'lantern-{uuid.uuid4().hex[:8]}.db'}"
        name = f"lantern_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self._pg_names.append(name)
        return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def create(self, backend: str, *, migrated: bool = True) -> Database:
        engine = make_engine(self.url(backend))
        self._engines.append(engine)
        if migrated:
            migrate.upgrade(engine)
        return Database(engine)

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()
        if not self._pg_names:
            return
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self._pg_names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("databases"))
    yield factory
    factory.close()


@pytest.fixture(scope="session")
def _migrated(database_factory: DatabaseFactory) -> dict[str, Database]:
    return {}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    require_backend(request.param)
    return str(request.param)


@pytest.fixture
def db(backend: str, database_factory: DatabaseFactory, _migrated: dict[str, Database]) -> Iterator[Database]:
    """A migrated database whose every change is rolled back after the test."""
    if backend not in _migrated:
        _migrated[backend] = database_factory.create(backend)
    engine = _migrated[backend].engine
    with engine.connect() as connection:
        outer = connection.begin()
        yield Database.bound(connection)
        outer.rollback()


@pytest.fixture
def fresh_db(backend: str, database_factory: DatabaseFactory) -> Database:
    """A new migrated database that commits for real: for concurrency, kill and CLI tests."""
    return database_factory.create(backend)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=None)
