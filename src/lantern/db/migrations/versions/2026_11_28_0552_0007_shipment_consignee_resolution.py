"""shipment consignee resolution

Revision ID: 0007_consignee
Revises: 0006_shipments
Create Date: 2026-11-28 05:52:35.416008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_consignee"
down_revision: str | None = "0006_shipments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consignee_entity_id", sa.String(length=420), nullable=True))
        batch_op.add_column(sa.Column("consignee_unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("consignee_score", sa.Double(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_shipment_consignee_unit_id"), ["consignee_unit_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_shipment_consignee_unit_id_unit"),
            "unit",
            ["consignee_unit_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_shipment_consignee_unit_id_unit"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_shipment_consignee_unit_id"))
        batch_op.drop_column("consignee_score")
        batch_op.drop_column("consignee_unit_id")
        batch_op.drop_column("consignee_entity_id")
