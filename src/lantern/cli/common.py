"""What every command shares: settings, the database, JSON output and error reporting."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import orjson
import typer
from rich.console import Console

from lantern.db import migrate
from lantern.db.engine import Database
from lantern.settings import Settings

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


@dataclass
class AppState:
    settings: Settings
    _database: Database | None = field(default=None, repr=False)

    def database(self, *, check: bool = True) -> Database:
        """The configured database; stops with an upgrade hint when its schema is behind."""
        if self._database is None:
            self._database = Database.from_url(self.settings.resolved_database_url)
        if check:
            migrate.check_schema(self._database.engine)
        return self._database

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState(Settings())
    return root.obj


def _default(value: Any) -> Any:
    if hasattr(value, "__json__"):
        return value.__json__()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def dumps(value: Any, *, pretty: bool = True) -> str:
    option = orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS
    if pretty:
        option |= orjson.OPT_INDENT_2
    return orjson.dumps(value, default=_default, option=option).decode()


def print_json(value: Any) -> None:
    sys.stdout.write(dumps(value) + "\n")


JsonOption = typer.Option(False, "--json", help="Print JSON instead of text.")
