"""review: resolutions, findings, dispositions, alerts, decisions, jobs

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-28 04:38:13.568237
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consignee_statement", sa.Text(), nullable=True))
    op.create_table(
        "resolution_disposition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_key", sa.String(length=500), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("entity_id", sa.String(length=420), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("matcher_version", sa.String(length=40), nullable=True),
        sa.Column("screened_decision", sa.String(length=20), nullable=True),
        sa.Column("entity_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolution_disposition")),
    )
    with op.batch_alter_table("resolution_disposition", schema=None) as batch_op:
        batch_op.create_index("ix_resolution_disposition_lookup", ["name_key", "withdrawn_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_resolution_disposition_name_key"), ["name_key"], unique=False)

    op.create_table(
        "review_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("checkpoint", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_job")),
    )
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("criterion", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("recommendation", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("shipped_since_quantity", sa.Integer(), nullable=True),
        sa.Column("shipped_since_value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["licence_id"], ["licence.id"], name=op.f("fk_finding_licence_id_licence"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
        sa.UniqueConstraint("licence_id", "fingerprint", name=op.f("uq_finding_licence_id_fingerprint")),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_criterion"), ["criterion"], unique=False)
        batch_op.create_index(batch_op.f("ix_finding_status"), ["status"], unique=False)

    op.create_table(
        "licence_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column(
            "finding_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("proviso", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licence.id"],
            name=op.f("fk_licence_decision_licence_id_licence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licence_decision")),
    )
    with op.batch_alter_table("licence_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_licence_decision_licence_id"), ["licence_id"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("what_changed", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["licence_decision.id"], name=op.f("fk_alert_decision_id_licence_decision")
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["finding.id"], name=op.f("fk_alert_finding_id_finding"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["licence_id"], ["licence.id"], name=op.f("fk_alert_licence_id_licence"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_finding_id"), ["finding_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_licence_id"), ["licence_id"], unique=False)
        batch_op.create_index("ix_alert_open", ["acknowledged_at", "created_at"], unique=False)

    op.create_table(
        "finding_disposition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["finding.id"],
            name=op.f("fk_finding_disposition_finding_id_finding"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_disposition")),
    )
    with op.batch_alter_table("finding_disposition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_disposition_finding_id"), ["finding_id"], unique=False)

    op.create_table(
        "resolution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(length=420), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("list_entry_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("matched_name", sa.Text(), nullable=True),
        sa.Column("why", sa.Text(), nullable=True),
        sa.Column(
            "explanation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "candidates",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("matcher_version", sa.String(length=40), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["licence_id"], ["licence.id"], name=op.f("fk_resolution_licence_id_licence"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["list_entry_id"],
            ["list_entry.id"],
            name=op.f("fk_resolution_list_entry_id_list_entry"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_resolution_party_id_party"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_resolution_unit_id_unit"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolution")),
        sa.UniqueConstraint("party_id", name=op.f("uq_resolution_party_id")),
    )
    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resolution_licence_id"), ["licence_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_resolution_list_entry_id"), ["list_entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_resolution_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.drop_column("consignee_statement")
    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resolution_unit_id"))
        batch_op.drop_index(batch_op.f("ix_resolution_list_entry_id"))
        batch_op.drop_index(batch_op.f("ix_resolution_licence_id"))

    op.drop_table("resolution")
    with op.batch_alter_table("finding_disposition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_disposition_finding_id"))

    op.drop_table("finding_disposition")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_open")
        batch_op.drop_index(batch_op.f("ix_alert_licence_id"))
        batch_op.drop_index(batch_op.f("ix_alert_finding_id"))

    op.drop_table("alert")
    with op.batch_alter_table("licence_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_licence_decision_licence_id"))

    op.drop_table("licence_decision")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_status"))
        batch_op.drop_index(batch_op.f("ix_finding_criterion"))

    op.drop_table("finding")
    op.drop_table("review_job")
    with op.batch_alter_table("resolution_disposition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resolution_disposition_name_key"))
        batch_op.drop_index("ix_resolution_disposition_lookup")

    op.drop_table("resolution_disposition")
