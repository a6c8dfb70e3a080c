"""The near-duplicate index in the database: LSH band keys of original articles.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lsh_bands",
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.String(length=40), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "article_id"),
    )
    # Stores made before this revision: index their originals from the signatures they kept.
    from eventwire.dedup import DedupSettings, band_keys, signature_from_bytes

    bind = op.get_bind()
    settings = DedupSettings()
    bands = sa.table("lsh_bands", sa.column("band"), sa.column("key"), sa.column("article_id"))
    rows = bind.execute(sa.text(
        "SELECT id, signature FROM articles WHERE signature IS NOT NULL AND duplicate_of IS NULL"))
    for aid, sig in rows.fetchall():
        keys = band_keys(signature_from_bytes(sig, settings), settings)
        if keys:
            bind.execute(bands.insert(), [{"band": b, "key": k, "article_id": aid} for b, k in keys])


def downgrade() -> None:
    op.drop_table("lsh_bands")
