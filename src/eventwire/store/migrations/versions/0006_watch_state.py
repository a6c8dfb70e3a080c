"""The monitor's state: polled sources and the items already handled (issue 12, `eventwire watch`).

Revision ID: 0006
Revises: 0004 (the lead re-chains it after 0005 at merge)
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch_sources",
        sa.Column("id", sa.String(length=40), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("last_poll", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("items_seen", sa.Integer(), nullable=False),
        sa.Column("newest_published", sa.Date(), nullable=True),
        sa.Column("newest_item_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_due", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "watch_items",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("source_id", sa.String(length=40), nullable=False),
        sa.Column("article_id", sa.String(length=40), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_watch_items_source", "watch_items", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_watch_items_source", table_name="watch_items")
    op.drop_table("watch_items")
    op.drop_table("watch_sources")
