"""Lantern's settings: the one reader of the environment.

Every setting is declared here with its help text and read from `LANTERN_<NAME>` environment variables (or a
`.env` file). Code receives a `Settings` object; it never reads the environment itself. `docs/settings.md`
lists every setting, and a test keeps that page complete.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "lantern"


class ImportSettings(BaseModel):
    """How `lantern import` reads files (LANTERN_IMPORTS__<NAME>)."""

    chunk_size: int = Field(
        default=2000, ge=1, description="Records checked and written together; larger uses more memory."
    )
    max_problems: int = Field(
        default=200,
        ge=1,
        description="An import stops reading after this many problems and reports them (nothing is stored).",
    )
    max_line_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=1024,
        description="Longest line read as one record; longer lines are reported as problems, not read whole.",
    )
    sqlite_cache_mb: int = Field(
        default=256,
        ge=2,
        description="SQLite page cache for the import's connection, in MB: large imports update big indexes.",
    )
    parallel_min_bytes: int = Field(
        default=20_000_000,
        ge=0,
        description="Lantern JSON Lines and CSV files at least this large are read by a second process.",
    )
    progress_min_bytes: int = Field(
        default=5_000_000, ge=0, description="Files at least this large show a progress bar while importing."
    )


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
    imports: ImportSettings = Field(
        default_factory=ImportSettings, description="Reading files with `lantern import`."
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'lantern.db'}"
