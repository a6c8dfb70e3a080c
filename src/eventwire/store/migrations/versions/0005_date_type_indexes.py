"""Events by date and type, and by country, date and type: indexes that both pages and counts read (issue 11).

The API's keyset pages read the events in date order off an index on ``date``; its aggregates count
events per date and type. An index on (date, event_type) serves both: the pages as before (date
leads), and the counts without reading the table (a covering index: 0.27 s -> 0.02 s for 100,000
fused events in SQLite). One on (country, date, event_type) does the same for a country: its pages
in date order, its counts from the index alone (without it SQLite counted a country's events by
walking the date index and reading every row: 0.2-0.5 s). They replace the indexes on date alone
and on country alone, which they make redundant.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("events", "fused_events"):
        op.create_index(f"ix_{table}_date_type", table, ["date", "event_type"])
        op.create_index(f"ix_{table}_country_date_type", table, ["country", "date", "event_type"])
        op.drop_index(f"ix_{table}_date", table_name=table)
        op.drop_index(f"ix_{table}_country", table_name=table)


def downgrade() -> None:
    for table in ("events", "fused_events"):
        op.create_index(f"ix_{table}_date", table, ["date"])
        op.create_index(f"ix_{table}_country", table, ["country"])
        op.drop_index(f"ix_{table}_date_type", table_name=table)
        op.drop_index(f"ix_{table}_country_date_type", table_name=table)
