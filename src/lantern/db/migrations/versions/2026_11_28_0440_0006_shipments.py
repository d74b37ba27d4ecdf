"""Shipments, serials and custody events; content hashes for idempotent imports.

Revision ID: 0006_shipments
Revises: 0005_accounts
Create Date: 2026-11-28 04:38:40.086707
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_shipments"
down_revision: str | None = "0005_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("shipment_date", sa.Date(), nullable=False),
        sa.Column("aes_itn", sa.String(length=40), nullable=True),
        sa.Column("consignee", sa.Text(), nullable=True),
        sa.Column("value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("filed_by", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column(
            "rejected_serials",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["licence_id"], ["licence.id"], name=op.f("fk_shipment_licence_id_licence")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment")),
        sa.UniqueConstraint("key", name=op.f("uq_shipment_key")),
    )
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_licence_id"), ["licence_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipment_shipment_date"), ["shipment_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipment_status"), ["status"], unique=False)

    op.create_table(
        "serial",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=100), nullable=False),
        sa.Column("serial_key", sa.String(length=100), nullable=False),
        sa.Column("make", sa.String(length=200), nullable=False),
        sa.Column("make_key", sa.String(length=200), nullable=False),
        sa.Column("model", sa.Text(), nullable=True),
        sa.Column("calibre", sa.String(length=50), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_serial_item_id_item")),
        sa.ForeignKeyConstraint(["licence_id"], ["licence.id"], name=op.f("fk_serial_licence_id_licence")),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipment.id"], name=op.f("fk_serial_shipment_id_shipment"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_serial")),
        sa.UniqueConstraint("make_key", "serial_key", name=op.f("uq_serial_make_key_serial_key")),
    )
    with op.batch_alter_table("serial", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_serial_licence_id"), ["licence_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_serial_serial_key"), ["serial_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_serial_shipment_id"), ["shipment_id"], unique=False)

    op.create_table(
        "shipment_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_shipment_line_item_id_item")),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipment.id"],
            name=op.f("fk_shipment_line_shipment_id_shipment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_line")),
        sa.UniqueConstraint("shipment_id", "item_id", name=op.f("uq_shipment_line_shipment_id_item_id")),
    )
    with op.batch_alter_table("shipment_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_line_item_id"), ["item_id"], unique=False)

    op.create_table(
        "custody_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("serial_id", sa.Integer(), nullable=False),
        sa.Column("serial_written", sa.String(length=100), nullable=False),
        sa.Column("make_written", sa.String(length=200), nullable=True),
        sa.Column("partial_date", sa.String(length=10), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=100), nullable=True),
        sa.Column("municipality", sa.String(length=200), nullable=True),
        sa.Column("holder", sa.Text(), nullable=True),
        sa.Column("holder_unit_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("given_key", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_unit_id"], ["unit.id"], name=op.f("fk_custody_event_holder_unit_id_unit")
        ),
        sa.ForeignKeyConstraint(["serial_id"], ["serial.id"], name=op.f("fk_custody_event_serial_id_serial")),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_custody_event_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_event")),
        sa.UniqueConstraint("key", name=op.f("uq_custody_event_key")),
    )
    with op.batch_alter_table("custody_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custody_event_holder_unit_id"), ["holder_unit_id"], unique=False)
        batch_op.create_index("ix_custody_event_serial_date", ["serial_id", "event_date"], unique=False)

    with op.batch_alter_table("allegation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))

    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))

    with op.batch_alter_table("list_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))

    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))

    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))

    with op.batch_alter_table("watch_list", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("watch_list", schema=None) as batch_op:
        batch_op.drop_column("content_hash")

    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("content_hash")

    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_column("content_hash")

    with op.batch_alter_table("list_entry", schema=None) as batch_op:
        batch_op.drop_column("content_hash")

    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.drop_column("content_hash")

    with op.batch_alter_table("allegation", schema=None) as batch_op:
        batch_op.drop_column("content_hash")

    with op.batch_alter_table("custody_event", schema=None) as batch_op:
        batch_op.drop_index("ix_custody_event_serial_date")
        batch_op.drop_index(batch_op.f("ix_custody_event_holder_unit_id"))

    op.drop_table("custody_event")
    with op.batch_alter_table("shipment_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_line_item_id"))

    op.drop_table("shipment_line")
    with op.batch_alter_table("serial", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_serial_shipment_id"))
        batch_op.drop_index(batch_op.f("ix_serial_serial_key"))
        batch_op.drop_index(batch_op.f("ix_serial_licence_id"))

    op.drop_table("serial")
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_status"))
        batch_op.drop_index(batch_op.f("ix_shipment_shipment_date"))
        batch_op.drop_index(batch_op.f("ix_shipment_licence_id"))

    op.drop_table("shipment")
