"""A version counter per kind of data, raised by the transactions that change it (issue 11).

Fusion raises ``fused_events`` in the transaction that rewrites fused events, so the API can keep
an aggregate it counted until the fused events change (the dashboard asks for the same whole-store
counts on every page load).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "store_versions",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(table, [{"name": "fused_events", "version": 0}])


def downgrade() -> None:
    op.drop_table("store_versions")
