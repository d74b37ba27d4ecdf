"""Foundation: licence book, unit registry, allegations, watch lists, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 04:24:53.153368
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "allegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("incident_start", sa.String(length=10), nullable=True),
        sa.Column("incident_end", sa.String(length=10), nullable=True),
        sa.Column("incident_start_date", sa.Date(), nullable=True),
        sa.Column("incident_end_date", sa.Date(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=100), nullable=True),
        sa.Column("municipality", sa.String(length=200), nullable=True),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allegation")),
        sa.UniqueConstraint("key", name=op.f("uq_allegation_key")),
    )
    with op.batch_alter_table("allegation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_allegation_incident", ["incident_start_date", "incident_end_date"], unique=False
        )

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity_type", sa.String(length=60), nullable=False),
        sa.Column("entity_key", sa.Text(), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_log_seq")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_actor"), ["actor"], unique=False)

    op.create_table(
        "licence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=10), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("destination_country", sa.String(length=2), nullable=False),
        sa.Column("end_use", sa.Text(), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("total_value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("cn_reference", sa.String(length=100), nullable=True),
        sa.Column("proviso_text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("exporter_key", sa.String(length=300), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licence")),
        sa.UniqueConstraint("agency", "number", name=op.f("uq_licence_agency_number")),
    )
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_licence_destination_country"), ["destination_country"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_licence_exporter_key"), ["exporter_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_licence_issue_date"), ["issue_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_licence_status"), ["status"], unique=False)

    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("publisher", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=10), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("document_ref", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("key", name=op.f("uq_source_key")),
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("state", sa.String(length=100), nullable=True),
        sa.Column("municipality", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint("key", name=op.f("uq_unit_key")),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_state"), ["state"], unique=False)

    op.create_table(
        "allegation_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allegation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["allegation_id"],
            ["allegation.id"],
            name=op.f("fk_allegation_person_allegation_id_allegation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_allegation_person_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allegation_person")),
    )
    with op.batch_alter_table("allegation_person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allegation_person_allegation_id"), ["allegation_id"], unique=False
        )

    op.create_table(
        "allegation_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allegation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["allegation_id"],
            ["allegation.id"],
            name=op.f("fk_allegation_status_allegation_id_allegation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allegation_status")),
    )
    with op.batch_alter_table("allegation_status", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allegation_status_allegation_id"), ["allegation_id"], unique=False
        )

    op.create_table(
        "allegation_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allegation_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["allegation_id"],
            ["allegation.id"],
            name=op.f("fk_allegation_unit_allegation_id_allegation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_allegation_unit_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allegation_unit")),
        sa.UniqueConstraint(
            "allegation_id", "unit_id", name=op.f("uq_allegation_unit_allegation_id_unit_id")
        ),
    )
    with op.batch_alter_table("allegation_unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allegation_unit_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "allegation_violation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allegation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("violation", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["allegation_id"],
            ["allegation.id"],
            name=op.f("fk_allegation_violation_allegation_id_allegation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allegation_violation")),
    )
    with op.batch_alter_table("allegation_violation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allegation_violation_allegation_id"), ["allegation_id"], unique=False
        )

    op.create_table(
        "citation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allegation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("access_point", sa.Text(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["allegation_id"],
            ["allegation.id"],
            name=op.f("fk_citation_allegation_id_allegation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_citation_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citation")),
    )
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citation_allegation_id"), ["allegation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_citation_source_id"), ["source_id"], unique=False)

    op.create_table(
        "item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("usml_category", sa.String(length=20), nullable=True),
        sa.Column("eccn", sa.String(length=20), nullable=True),
        sa.Column("fire_mode", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("manufacturer", sa.Text(), nullable=True),
        sa.Column("model", sa.Text(), nullable=True),
        sa.Column("calibre", sa.String(length=50), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("total_value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licence.id"],
            name=op.f("fk_item_licence_id_licence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item")),
        sa.UniqueConstraint("licence_id", "line", name=op.f("uq_item_licence_id_line")),
    )
    op.create_table(
        "licence_exclusion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licence.id"],
            name=op.f("fk_licence_exclusion_licence_id_licence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licence_exclusion")),
    )
    with op.batch_alter_table("licence_exclusion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_licence_exclusion_licence_id"), ["licence_id"], unique=False)

    op.create_table(
        "licence_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licence.id"],
            name=op.f("fk_licence_status_licence_id_licence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licence_status")),
    )
    with op.batch_alter_table("licence_status", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_licence_status_licence_id"), ["licence_id"], unique=False)

    op.create_table(
        "unit_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_unit_alias_unit_id_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_alias")),
    )
    with op.batch_alter_table("unit_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_alias_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "unit_parent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start", sa.String(length=10), nullable=True),
        sa.Column("end", sa.String(length=10), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["unit.id"],
            name=op.f("fk_unit_parent_parent_id_unit"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_unit_parent_source_id_source")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_unit_parent_unit_id_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_parent")),
    )
    with op.batch_alter_table("unit_parent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_parent_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_parent_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "unit_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_unit_source_source_id_source")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_unit_source_unit_id_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_source")),
        sa.UniqueConstraint("unit_id", "source_id", name=op.f("uq_unit_source_unit_id_source_id")),
    )
    with op.batch_alter_table("unit_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_source_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "watch_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("list_date", sa.Date(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_watch_list_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_list")),
        sa.UniqueConstraint("key", name=op.f("uq_watch_list_key")),
    )
    op.create_table(
        "list_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_list_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("entry_type", sa.String(length=20), nullable=False),
        sa.Column(
            "aliases",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "countries",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "programs",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "identifiers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("listed", sa.String(length=10), nullable=True),
        sa.Column("delisted", sa.String(length=10), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["watch_list_id"],
            ["watch_list.id"],
            name=op.f("fk_list_entry_watch_list_id_watch_list"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_entry")),
        sa.UniqueConstraint("watch_list_id", "key", name=op.f("uq_list_entry_watch_list_id_key")),
    )
    op.create_table(
        "party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("list_entry_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licence.id"],
            name=op.f("fk_party_licence_id_licence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["list_entry_id"], ["list_entry.id"], name=op.f("fk_party_list_entry_id_list_entry")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_party_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party")),
    )
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_licence_id"), ["licence_id"], unique=False)
        batch_op.create_index("ix_party_role_name", ["role", "name"], unique=False)
        batch_op.create_index(batch_op.f("ix_party_unit_id"), ["unit_id"], unique=False)
    # The audit chain starts from a fixed genesis hash.
    op.bulk_insert(
        sa.table(
            "audit_head",
            sa.column("id", sa.Integer),
            sa.column("seq", sa.BigInteger),
            sa.column("hash", sa.String),
        ),
        [{"id": 1, "seq": 0, "hash": "0" * 64}],
    )


def downgrade() -> None:

    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_unit_id"))
        batch_op.drop_index("ix_party_role_name")
        batch_op.drop_index(batch_op.f("ix_party_licence_id"))

    op.drop_table("party")
    op.drop_table("list_entry")
    op.drop_table("watch_list")
    with op.batch_alter_table("unit_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_source_unit_id"))

    op.drop_table("unit_source")
    with op.batch_alter_table("unit_parent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_parent_unit_id"))
        batch_op.drop_index(batch_op.f("ix_unit_parent_parent_id"))

    op.drop_table("unit_parent")
    with op.batch_alter_table("unit_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_alias_unit_id"))

    op.drop_table("unit_alias")
    with op.batch_alter_table("licence_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_licence_status_licence_id"))

    op.drop_table("licence_status")
    with op.batch_alter_table("licence_exclusion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_licence_exclusion_licence_id"))

    op.drop_table("licence_exclusion")
    op.drop_table("item")
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citation_source_id"))
        batch_op.drop_index(batch_op.f("ix_citation_allegation_id"))

    op.drop_table("citation")
    with op.batch_alter_table("allegation_violation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allegation_violation_allegation_id"))

    op.drop_table("allegation_violation")
    with op.batch_alter_table("allegation_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allegation_unit_unit_id"))

    op.drop_table("allegation_unit")
    with op.batch_alter_table("allegation_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allegation_status_allegation_id"))

    op.drop_table("allegation_status")
    with op.batch_alter_table("allegation_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allegation_person_allegation_id"))

    op.drop_table("allegation_person")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_state"))
        batch_op.drop_index(batch_op.f("ix_unit_country"))

    op.drop_table("unit")
    op.drop_table("source")
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_licence_status"))
        batch_op.drop_index(batch_op.f("ix_licence_issue_date"))
        batch_op.drop_index(batch_op.f("ix_licence_exporter_key"))
        batch_op.drop_index(batch_op.f("ix_licence_destination_country"))

    op.drop_table("licence")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_actor"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    op.drop_table("audit_head")
    with op.batch_alter_table("allegation", schema=None) as batch_op:
        batch_op.drop_index("ix_allegation_incident")

    op.drop_table("allegation")
