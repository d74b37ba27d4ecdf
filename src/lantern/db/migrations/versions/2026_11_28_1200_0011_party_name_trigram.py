"""party name trigram index (PostgreSQL)

Revision ID: 0011_party_name_trigram
Revises: 0010_consultations
Create Date: 2026-11-28 12:00:00

Licence searches by end user ("name contains") read a GIN trigram index on PostgreSQL instead of every party
of the book. The index needs the pg_trgm extension, which PostgreSQL ships and lets a database owner install
(a trusted extension since PostgreSQL 13). Where it cannot be installed the migration leaves the index out and
says so: searches stay correct, only slower on a large book. SQLite has no such index.
"""

import logging
from collections.abc import Sequence

from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = "0011_party_name_trigram"
down_revision: str | None = "0010_consultations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:
        log.warning("pg_trgm could not be installed (%s): party name searches go without an index", exc.orig)
        return
    op.create_index(
        "ix_party_name_trgm",
        "party",
        ["name"],
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_party_name_trgm")
