"""Alembic, driven from code: upgrade, current revision, and the check that the schema is not behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from lantern.errors import SchemaBehind

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    # Migrations are named by date, then revision and slug.
    config.set_main_option(
        "file_template",
        "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s",
    )
    return config


def for_dialect(dialect: str) -> Callable[[Any, str | None, str, bool, Any], bool]:
    """Autogenerate's filter: leave out of the comparison the indexes built for another database only
    (declared with `Index(...).ddl_if(dialect=...)`, such as the index in the licence search order)."""

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        condition = getattr(obj, "_ddl_if", None) if type_ == "index" else None
        wanted = getattr(condition, "dialect", None)
        return wanted is None or wanted == dialect

    return include


def make_revision(url: str, message: str, autogenerate: bool = True) -> None:
    """Write a new migration (for developers); autogenerate compares the tables with the database."""
    command.revision(alembic_config(url), message=message, autogenerate=autogenerate)


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads; merge them with `alembic merge`")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def check_schema(engine: Engine) -> None:
    """Stop when the database schema is behind the code, saying how to bring it up to date."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    where = engine.url.render_as_string(hide_password=True)
    if current is None:
        raise SchemaBehind(
            f"The database at {where} has no Lantern schema yet. Run `lantern db upgrade` to create it."
        )
    raise SchemaBehind(
        f"The database at {where} is at schema revision {current}, but this version of Lantern needs "
        f"{head}. Run `lantern db upgrade` to migrate it (back it up first)."
    )
