"""Fused events: one row per real-world event with every report kept (issue 10).

Stores made before this revision get empty tables; ``eventwire fuse`` (or the next ingest) fuses
the events they hold.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fused_events",
        sa.Column("id", sa.String(length=40), primary_key=True),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("sub_event_type", sa.String(length=96), nullable=True),
        sa.Column("actor1", sa.Text(), nullable=True),
        sa.Column("actor2", sa.Text(), nullable=True),
        sa.Column("assoc_actors", sa.JSON(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("geonameid", sa.Integer(), nullable=True),
        sa.Column("geo_precision", sa.Integer(), nullable=True),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("date_precision", sa.String(length=8), nullable=True),
        sa.Column("fatalities", sa.Integer(), nullable=True),
        sa.Column("fatalities_min", sa.Integer(), nullable=True),
        sa.Column("fatalities_max", sa.Integer(), nullable=True),
        sa.Column("fatalities_rule", sa.Text(), nullable=True),
        sa.Column("modality", sa.String(length=16), nullable=False),
        sa.Column("contested", sa.Boolean(), nullable=False),
        sa.Column("attributed_to", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("sources_independent", sa.Integer(), nullable=False),
        sa.Column("outlets", sa.Text(), nullable=True),
    )
    op.create_index("ix_fused_events_date", "fused_events", ["date"])
    op.create_index("ix_fused_events_type", "fused_events", ["event_type", "sub_event_type"])
    op.create_index("ix_fused_events_country", "fused_events", ["country"])
    op.create_index("ix_fused_events_latlon", "fused_events", ["lat", "lon"])
    op.create_table(
        "fused_reports",
        sa.Column("event_id", sa.String(length=40), sa.ForeignKey("events.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("fused_id", sa.String(length=40), sa.ForeignKey("fused_events.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("copy_of", sa.String(length=40), nullable=True),
        sa.Column("why", sa.JSON(), nullable=True),
    )
    op.create_index("ix_fused_reports_fused", "fused_reports", ["fused_id"])
    op.create_table(
        "evidence_keys",
        sa.Column("key", sa.BigInteger(), primary_key=True),
        sa.Column("event_id", sa.String(length=40), sa.ForeignKey("events.id", ondelete="CASCADE"),
                  primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("evidence_keys")
    op.drop_index("ix_fused_reports_fused", table_name="fused_reports")
    op.drop_table("fused_reports")
    for ix in ("ix_fused_events_latlon", "ix_fused_events_country", "ix_fused_events_type", "ix_fused_events_date"):
        op.drop_index(ix, table_name="fused_events")
    op.drop_table("fused_events")
