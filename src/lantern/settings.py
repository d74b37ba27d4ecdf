"""Lantern's settings: the one reader of the environment.

Every setting is declared here with its help text and read from `LANTERN_<NAME>` environment variables (or a
`.env` file). Code receives a `Settings` object; it never reads the environment itself. `docs/settings.md`
lists every setting, and a test keeps that page complete.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "lantern"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LANTERN_", env_file=".env", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder for the default SQLite database, the screening index cache and job queues.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy database URL. Empty means SQLite at <data_dir>/lantern.db. "
            "For PostgreSQL: postgresql+psycopg://user@host:5432/dbname"
        ),
    )
    actor: str = Field(
        default="cli",
        description="Who the audit log names for changes made from the command line.",
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'lantern.db'}"
