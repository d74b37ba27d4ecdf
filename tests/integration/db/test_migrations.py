import pytest
from sqlalchemy import inspect

from lantern.db import migrate
from lantern.db.base import Base
from lantern.errors import SchemaBehind
from tests.conftest import DatabaseFactory


def test_migrations_build_every_table(backend: str, database_factory: DatabaseFactory) -> None:
    database = database_factory.create(backend)
    tables = set(inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert migrate.current_revision(database.engine) == migrate.head_revision()
    migrate.check_schema(database.engine)


def test_an_empty_database_says_how_to_create_the_schema(
    backend: str, database_factory: DatabaseFactory
) -> None:
    database = database_factory.create(backend, migrated=False)
    with pytest.raises(SchemaBehind, match="lantern db upgrade"):
        migrate.check_schema(database.engine)


def test_a_database_behind_says_how_to_upgrade(backend: str, database_factory: DatabaseFactory) -> None:
    database = database_factory.create(backend)
    migrate.downgrade(database.engine, "base")
    migrate.upgrade(database.engine, migrate.head_revision())
    migrate.check_schema(database.engine)
    migrate.downgrade(database.engine, "base")
    with pytest.raises(SchemaBehind, match="lantern db upgrade"):
        migrate.check_schema(database.engine)


def test_the_models_match_the_migrations(backend: str, database_factory: DatabaseFactory) -> None:
    """Autogenerate finds nothing to do: every table change came with its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    database = database_factory.create(backend)
    with database.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": migrate.for_dialect(conn.dialect.name)}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
