"""Violation cases with evidence and statutory reports; end-use checks with serial inventories.

Revision ID: 0008_cases
Revises: 0007_consignee
Create Date: 2026-11-28 07:48:27.643804
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_cases"
down_revision: str | None = "0007_consignee"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "violation_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("substantiated_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("licence_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("holder_unit_id", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("status_by", sa.String(length=200), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_unit_id"], ["unit.id"], name=op.f("fk_violation_case_holder_unit_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["licence_id"], ["licence.id"], name=op.f("fk_violation_case_licence_id_licence")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_violation_case_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_violation_case")),
        sa.UniqueConstraint("key", name=op.f("uq_violation_case_key")),
    )
    with op.batch_alter_table("violation_case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_violation_case_holder_unit_id"), ["holder_unit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_violation_case_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_violation_case_licence_id"), ["licence_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_violation_case_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_violation_case_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "end_use_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("performed_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("risk_score", sa.Double(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["licence_id"], ["licence.id"], name=op.f("fk_end_use_check_licence_id_licence")
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipment.id"], name=op.f("fk_end_use_check_shipment_id_shipment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_end_use_check")),
        sa.UniqueConstraint("key", name=op.f("uq_end_use_check_key")),
    )
    with op.batch_alter_table("end_use_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_end_use_check_licence_id"), ["licence_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_end_use_check_shipment_id"), ["shipment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_end_use_check_status"), ["status"], unique=False)

    op.create_table(
        "statutory_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("sent_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["violation_case.id"],
            name=op.f("fk_statutory_report_case_id_violation_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statutory_report")),
    )
    with op.batch_alter_table("statutory_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statutory_report_case_id"), ["case_id"], unique=False)

    op.create_table(
        "check_serial",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("serial_written", sa.String(length=100), nullable=False),
        sa.Column("serial_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["end_use_check.id"],
            name=op.f("fk_check_serial_check_id_end_use_check"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["serial_id"], ["serial.id"], name=op.f("fk_check_serial_serial_id_serial")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_serial")),
    )
    with op.batch_alter_table("check_serial", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_serial_check_id"), ["check_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_check_serial_serial_id"), ["serial_id"], unique=False)

    op.create_table(
        "case_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("custody_event_id", sa.Integer(), nullable=True),
        sa.Column("serial_id", sa.Integer(), nullable=True),
        sa.Column("check_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["violation_case.id"],
            name=op.f("fk_case_evidence_case_id_violation_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["check_id"], ["end_use_check.id"], name=op.f("fk_case_evidence_check_id_end_use_check")
        ),
        sa.ForeignKeyConstraint(
            ["custody_event_id"],
            ["custody_event.id"],
            name=op.f("fk_case_evidence_custody_event_id_custody_event"),
        ),
        sa.ForeignKeyConstraint(["serial_id"], ["serial.id"], name=op.f("fk_case_evidence_serial_id_serial")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_evidence")),
    )
    with op.batch_alter_table("case_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_evidence_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_evidence_check_id"), ["check_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_evidence_custody_event_id"), ["custody_event_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_case_evidence_serial_id"), ["serial_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_evidence_serial_id"))
        batch_op.drop_index(batch_op.f("ix_case_evidence_custody_event_id"))
        batch_op.drop_index(batch_op.f("ix_case_evidence_check_id"))
        batch_op.drop_index(batch_op.f("ix_case_evidence_case_id"))

    op.drop_table("case_evidence")
    with op.batch_alter_table("check_serial", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_serial_serial_id"))
        batch_op.drop_index(batch_op.f("ix_check_serial_check_id"))

    op.drop_table("check_serial")
    with op.batch_alter_table("statutory_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statutory_report_case_id"))

    op.drop_table("statutory_report")
    with op.batch_alter_table("end_use_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_end_use_check_status"))
        batch_op.drop_index(batch_op.f("ix_end_use_check_shipment_id"))
        batch_op.drop_index(batch_op.f("ix_end_use_check_licence_id"))

    op.drop_table("end_use_check")
    with op.batch_alter_table("violation_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_violation_case_unit_id"))
        batch_op.drop_index(batch_op.f("ix_violation_case_status"))
        batch_op.drop_index(batch_op.f("ix_violation_case_licence_id"))
        batch_op.drop_index(batch_op.f("ix_violation_case_kind"))
        batch_op.drop_index(batch_op.f("ix_violation_case_holder_unit_id"))

    op.drop_table("violation_case")
