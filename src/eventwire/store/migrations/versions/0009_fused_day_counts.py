"""Fused events per date and type, kept by the database itself: what whole-store counts read (issue 11).

The API's weekly counts by type over the whole store grouped every fused event (a scan of the
(date, event_type) index: 10-13 ms at 100,000 events, per request). ``fused_day_counts`` holds the
same counts, a few thousand rows, kept exact by triggers on ``fused_events`` (after insert, delete,
and update of date or event_type), so that every writer (fusion's batched deletes and inserts, a
benchmark writing rows straight in, later migrations) keeps it right without knowing of it.

A fused event's date is kept exactly as stored (a day, a month, a year, even an impossible day);
a missing date is ``date = ''`` with ``undated`` true, so that the key (date, undated, event_type)
works as a primary key in both databases (NULL cannot) and an event whose date is '' is still told
apart from one without a date. A key whose events all went keeps its row at 0 (readers skip it).

SQLite: row triggers with ``INSERT ... ON CONFLICT DO UPDATE``. PostgreSQL: statement triggers
with transition tables (one grouped upsert per statement: fusion writes 500-2000 rows a statement),
and one on TRUNCATE, which fires no row or delete trigger. A later migration that rebuilds
``fused_events`` (Alembic's batch mode on SQLite copies, drops and renames the table) drops these
triggers with it and must create them again (SQLITE_TRIGGERS here).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# A key whose events all went keeps its row at n = 0 (readers skip it; a key comes back when an event
# has it again): one statement per written row in SQLite, and in PostgreSQL no second statement
# (its join over the table) per write; the keys are dates and types, so such rows stay few.
_OLD = "date = coalesce(OLD.date, '') AND undated = (OLD.date IS NULL) AND event_type = OLD.event_type"
_ADD_NEW = """INSERT INTO fused_day_counts (date, undated, event_type, n)
        VALUES (coalesce(NEW.date, ''), NEW.date IS NULL, NEW.event_type, 1)
        ON CONFLICT (date, undated, event_type) DO UPDATE SET n = n + 1;"""
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER fused_day_counts_insert AFTER INSERT ON fused_events
    BEGIN
        {_ADD_NEW}
    END""",
    f"""CREATE TRIGGER fused_day_counts_delete AFTER DELETE ON fused_events
    BEGIN
        UPDATE fused_day_counts SET n = n - 1 WHERE {_OLD};
    END""",
    f"""CREATE TRIGGER fused_day_counts_update AFTER UPDATE OF date, event_type ON fused_events
    WHEN OLD.date IS NOT NEW.date OR OLD.event_type IS NOT NEW.event_type
    BEGIN
        UPDATE fused_day_counts SET n = n - 1 WHERE {_OLD};
        {_ADD_NEW}
    END""",
]

# One function for every statement: the rows it added (new_rows, +1) and removed (old_rows, -1) summed
# per key and applied as one upsert, whose conflict check finds each key through the primary key
# (a join would scan the table, and each write leaves dead row versions in it until vacuumed).
# Keys in order, so that two writers lock them in the same order. Each branch names only the
# transition tables its trigger declares (plpgsql plans a branch when it runs).
_KEYS = "coalesce(date, '') AS date, date IS NULL AS undated, event_type"
_UPSERT = """INSERT INTO fused_day_counts AS c (date, undated, event_type, n)
        SELECT date, undated, event_type, sum(n) FROM ({rows}) x
        GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (date, undated, event_type) DO UPDATE SET n = c.n + excluded.n;"""
PG_FUNCTION = f"""
CREATE FUNCTION fused_day_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM fused_day_counts;
    ELSIF TG_OP = 'INSERT' THEN
        {_UPSERT.format(rows=f"SELECT {_KEYS}, 1 AS n FROM new_rows")}
    ELSIF TG_OP = 'DELETE' THEN
        {_UPSERT.format(rows=f"SELECT {_KEYS}, -1 AS n FROM old_rows")}
    ELSE
        {_UPSERT.format(rows=f"SELECT {_KEYS}, 1 AS n FROM new_rows UNION ALL SELECT {_KEYS}, -1 FROM old_rows")}
    END IF;
    RETURN NULL;
END
$$
"""

PG_TRIGGERS = [
    """CREATE TRIGGER fused_day_counts_insert AFTER INSERT ON fused_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fused_day_counts_apply()""",
    """CREATE TRIGGER fused_day_counts_delete AFTER DELETE ON fused_events
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION fused_day_counts_apply()""",
    # PostgreSQL takes no column list (UPDATE OF) with transition tables: every UPDATE, netted per key.
    """CREATE TRIGGER fused_day_counts_update AFTER UPDATE ON fused_events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fused_day_counts_apply()""",
    """CREATE TRIGGER fused_day_counts_truncate AFTER TRUNCATE ON fused_events
    FOR EACH STATEMENT EXECUTE FUNCTION fused_day_counts_apply()""",
]

TRIGGERS = ("fused_day_counts_insert", "fused_day_counts_delete", "fused_day_counts_update",
            "fused_day_counts_truncate")


def upgrade() -> None:
    op.create_table(
        "fused_day_counts",
        sa.Column("date", sa.String(length=10), primary_key=True),  # '' when undated
        sa.Column("undated", sa.Boolean(), primary_key=True),
        sa.Column("event_type", sa.String(length=64), primary_key=True),
        sa.Column("n", sa.BigInteger(), nullable=False),
    )
    # Triggers first, then the backfill: creating a trigger locks fused_events against writes
    # until this transaction commits, so no row is written between the count and the triggers.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for sql in PG_TRIGGERS:
            op.execute(sql)
    else:
        for sql in SQLITE_TRIGGERS:
            op.execute(sql)
    op.execute(f"INSERT INTO fused_day_counts (date, undated, event_type, n) "
               f"SELECT {_KEYS}, count(*) FROM fused_events GROUP BY 1, 2, 3")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON fused_events" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS fused_day_counts_apply()")
    op.drop_table("fused_day_counts")
