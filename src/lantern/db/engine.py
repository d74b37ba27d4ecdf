"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (the multi-user store)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

#: Execution option that makes a SQLite transaction take the write lock at BEGIN (BEGIN IMMEDIATE),
#: so that read-check-write sequences (draw-downs, audit appends) cannot interleave.
WRITE_INTENT = "lantern_write_intent"


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    # JSON columns are read with orjson (a review reads a million resolutions' candidates); values are still
    # written by the standard library, whose output every reader accepts.
    kwargs.setdefault("json_deserializer", orjson.loads)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60}, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below (the pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(WRITE_INTENT):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


class Database:
    """An engine with its session factories.

    Tests bind the factories to one connection whose outer transaction is rolled back afterwards
    (`Database.bound`); the services cannot tell the difference.
    """

    def __init__(self, engine: Engine, connection: Connection | None = None) -> None:
        self.engine = engine
        if connection is None:
            self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
            self._write_sessions = sessionmaker(
                bind=engine.execution_options(**{WRITE_INTENT: True}), expire_on_commit=False
            )
        else:
            # Read sessions leave the test's transaction alone when they close: a savepoint of theirs
            # rolled back at the end of a web request would also undo the writes made during it.
            self._sessions = sessionmaker(
                bind=connection, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
            self._write_sessions = sessionmaker(
                bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )

    @classmethod
    def bound(cls, connection: Connection) -> Database:
        return cls(connection.engine, connection)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session; commit explicitly if it writes."""
        with self._sessions() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any error."""
        with self._write_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def read_columns(session: Session, statement: Any) -> Any:
    """Rows of a select of plain columns, executed past the ORM, whose per-row bookkeeping cost a full review
    about a tenth of its time. What the session holds pending is flushed first, as its autoflush would."""
    session.flush()
    return session.connection().execute(statement)
