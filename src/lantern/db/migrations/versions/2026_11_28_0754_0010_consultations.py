"""consultations and communications

Revision ID: 0010_consultations
Revises: 0008_cases
Create Date: 2026-11-28 07:54:31.084659
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_consultations"
down_revision: str | None = "0008_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "communication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=30), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licence.id"],
            name=op.f("fk_communication_licence_id_licence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_communication_unit_id_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communication")),
        sa.UniqueConstraint("key", name=op.f("uq_communication_key")),
    )
    with op.batch_alter_table("communication", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_communication_licence_id"), ["licence_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_communication_sent_on"), ["sent_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_communication_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("bureau", sa.String(length=200), nullable=False),
        sa.Column("consulted_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licence.id"],
            name=op.f("fk_consultation_licence_id_licence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_consultation_unit_id_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
        sa.UniqueConstraint("key", name=op.f("uq_consultation_key")),
    )
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_consulted_on"), ["consulted_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_licence_id"), ["licence_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_unit_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_licence_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_consulted_on"))

    op.drop_table("consultation")
    with op.batch_alter_table("communication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_communication_unit_id"))
        batch_op.drop_index(batch_op.f("ix_communication_sent_on"))
        batch_op.drop_index(batch_op.f("ix_communication_licence_id"))

    op.drop_table("communication")
