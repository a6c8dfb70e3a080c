"""Alerts (issue 12): rules, event identity across fusion runs, what each alert fired on, an outbox.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(length=200), nullable=False, unique=True),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("deliveries", sa.JSON(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("backfill", sa.Boolean(), nullable=False),
        sa.Column("baselined", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "alert_lineage",
        sa.Column("report_id", sa.String(length=40), primary_key=True),
        sa.Column("event_key", sa.String(length=40), nullable=False),
        sa.Column("fused_id", sa.String(length=40), nullable=False),
    )
    op.create_index("ix_alert_lineage_key", "alert_lineage", ["event_key"])
    op.create_table(
        "alert_state",
        sa.Column("alert_id", sa.Integer(), sa.ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("event_key", sa.String(length=40), primary_key=True),
        sa.Column("fused_id", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.JSON(), nullable=False),
        sa.Column("fired_at", sa.Float(), nullable=True),
    )
    op.create_index("ix_alert_state_key", "alert_state", ["event_key"])
    op.create_table(
        "alert_outbox",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("alert_id", sa.Integer(), sa.ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("event_key", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.Float(), nullable=False),
        sa.Column("lease_until", sa.Float(), nullable=True),
        sa.Column("delivered_at", sa.Float(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_alert_outbox_pending", "alert_outbox", ["delivered_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_outbox_pending", table_name="alert_outbox")
    op.drop_table("alert_outbox")
    op.drop_index("ix_alert_state_key", table_name="alert_state")
    op.drop_table("alert_state")
    op.drop_index("ix_alert_lineage_key", table_name="alert_lineage")
    op.drop_table("alert_lineage")
    op.drop_table("alerts")
