"""licence index in search order, finer statistics of party names (PostgreSQL)

Revision ID: 0013_licence_newest
Revises: 0012_key_counter
Create Date: 2026-11-28 12:30:00

Licence searches list the newest first: issue date descending with undated licences last, then id. On
PostgreSQL an index in exactly that order lets a search page stop after its 50 rows instead of sorting the
whole book. SQLite cannot declare NULLS LAST in an index and gets none.

PostgreSQL also samples party names ten times as finely (statistics target 1000), so that it judges better
how many end users a "name contains" search matches, and so whether to walk the newest licences.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_licence_newest"
down_revision: str | None = "0012_key_counter"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(
        "ix_licence_newest",
        "licence",
        [sa.text("issue_date DESC NULLS LAST"), sa.text("id DESC")],
    )
    op.execute("ALTER TABLE party ALTER COLUMN name SET STATISTICS 1000")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE party ALTER COLUMN name SET STATISTICS -1")
        op.drop_index("ix_licence_newest", table_name="licence")
