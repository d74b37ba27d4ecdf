"""key counters for case and check numbers

Revision ID: 0012_key_counter
Revises: 0010_consultations
Create Date: 2026-11-28 12:10:00

Violation cases (CASE-2026-0001) and end-use checks (EUC-2026-0001) take their numbers from one counter row
per prefix, locked while a number is given, instead of "highest existing number + 1", which two writers
could compute alike. The counters are filled from the keys already in the book; a prefix without a row is
filled the same way on first use (lantern.monitoring.numbering).
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_key_counter"
down_revision: str | None = "0010_consultations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NUMBERED = re.compile(r"^((?:CASE|EUC)-\d{4}-)(\d+)$")


def upgrade() -> None:
    counter = op.create_table(
        "key_counter",
        sa.Column("prefix", sa.String(length=40), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_key_counter")),
    )
    bind = op.get_bind()
    highest: dict[str, int] = {}
    for table in ("violation_case", "end_use_check"):
        for (key,) in bind.execute(sa.text(f"SELECT key FROM {table}")):
            match = _NUMBERED.match(key)
            if match:
                prefix, number = match.group(1), int(match.group(2))
                highest[prefix] = max(highest.get(prefix, 0), number)
    if highest:
        op.bulk_insert(counter, [{"prefix": p, "last": n} for p, n in sorted(highest.items())])


def downgrade() -> None:
    op.drop_table("key_counter")
