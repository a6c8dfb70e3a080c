"""The store and query commands refuse bad input clearly, through the real CLI (issue 8).

Each case checks what a user meets: the exit code, exactly one line on stderr, no traceback,
and nothing created or changed that should not be.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from .conftest import SEED, need

HEAVY = ("spacy", "thinc", "torch", "transformers", "en_core_web_sm")


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True,
                          timeout=600, cwd=cwd, env={**os.environ, **(env or {})})


def one_line(proc: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>" for p in folder.rglob("*")}


@pytest.fixture
def filled_store(tmp_path: Path) -> Path:
    """A store holding one article (published 2017-06-18) with one event, written without a model."""
    from eventwire.document import Document
    from eventwire.fusion import fuse
    from eventwire.models import Article, Event, Location
    from eventwire.store import Store

    text = "Syrian Democratic Forces captured a district of Raqqa on 12 June, a spokesman said."
    ev = Event(event_type="Battles", sub_event_type="Non-state actor overtakes territory", evidence=text,
               start=0, end=len(text), actor1="Syrian Democratic Forces", actor2="Islamic State",
               location=Location("Ar Raqqah", 35.95, 39.01, "SY", 163843, 1), date="2017-06-12",
               date_precision="day", modality="reported")
    path = tmp_path / "store" / "events.db"
    path.parent.mkdir()
    with Store(str(path)) as s:
        s.add_document(Document(Article(id="a1", text=text, title="Raqqa", published=date(2017, 6, 18)),
                                events=[ev]))
        fuse(s)  # as ingest does after storing
    return path


# ---- a store that does not exist, or is not a store ------------------------------------------------

@pytest.mark.parametrize("command", [["events"], ["articles"], ["show", "abc"], ["export"],
                                     ["export", "--format", "geojson"]])
def test_reading_commands_refuse_a_missing_store_and_create_nothing(tmp_path: Path, command):
    proc = run(*command, "--db", "typo.db", cwd=tmp_path)
    assert proc.returncode == 1
    assert one_line(proc) == "eventwire: no store at typo.db (run 'eventwire ingest --db typo.db ...' first)"
    assert proc.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_reading_commands_do_not_create_directories(tmp_path: Path):
    db = tmp_path / "no" / "such" / "dir" / "x.db"
    proc = run("events", "--db", str(db))
    assert proc.returncode == 1
    assert one_line(proc) == f"eventwire: no store at {db} (run 'eventwire ingest --db {db} ...' first)"
    assert not (tmp_path / "no").exists()


def test_default_store_is_refused_by_readers_when_absent(tmp_path: Path):
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "EVENTWIRE_DB": ""}
    proc = run("events", env=env)
    want = tmp_path / "data" / "eventwire" / "eventwire.db"
    assert proc.returncode == 1
    assert one_line(proc) == f"eventwire: no store at {want} (run 'eventwire ingest PATH ...' first)"
    assert not (tmp_path / "data").exists()


def test_ingest_does_not_create_missing_directories(tmp_path: Path):
    db = tmp_path / "missing" / "x.db"
    proc = run("ingest", "--db", str(db), str(need(SEED / "raqqa-2017-06.txt")))
    assert proc.returncode == 1
    assert one_line(proc) == f"eventwire: cannot create store {db}: directory {db.parent} does not exist"
    assert list(tmp_path.iterdir()) == []


def _foreign_sqlite(path: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kind", ["text", "binary", "other-sqlite", "damaged-sqlite"])
@pytest.mark.parametrize("command", ["ingest", "events", "export"])
def test_a_file_that_is_not_a_store_is_refused_untouched(tmp_path: Path, kind: str, command: str):
    db = tmp_path / "file.db"
    if kind == "text":
        db.write_text("shopping list: eggs, milk\n")
    elif kind == "binary":
        db.write_bytes(bytes(range(256)) * 8)
    elif kind == "damaged-sqlite":
        db.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)  # the header, then garbage
    else:
        _foreign_sqlite(db)
    before = tree(tmp_path)
    args = [command, "--db", str(db)] + ([str(need(SEED / "raqqa-2017-06.txt"))] if command == "ingest" else [])
    proc = run(*args)
    assert proc.returncode == 1
    line = one_line(proc)
    if kind == "damaged-sqlite":
        assert line == f"eventwire: cannot open store {db}: file is not a database"
    elif kind == "other-sqlite":
        assert line == f"eventwire: {db} is a SQLite database but not an eventwire store; left untouched"
    else:
        assert line == f"eventwire: {db} is not an eventwire store (not a SQLite database); left untouched"
    assert tree(tmp_path) == before


def test_an_empty_file_is_no_store_for_readers(tmp_path: Path):
    db = tmp_path / "empty.db"
    db.touch()
    proc = run("events", "--db", str(db))
    assert proc.returncode == 1
    assert one_line(proc).startswith(f"eventwire: no store at {db} ")
    assert db.read_bytes() == b"" and [p.name for p in tmp_path.iterdir()] == ["empty.db"]


def test_a_directory_is_a_usage_error(tmp_path: Path):
    proc = run("events", "--db", str(tmp_path))
    assert proc.returncode == 2
    assert one_line(proc) == f"eventwire: --db {tmp_path}: is a directory; give a file name"


def test_unreachable_postgresql_server_is_one_line(tmp_path: Path):
    # Port 9 (discard) on the local host: nothing listens there, the connection is refused at once.
    proc = run("events", "--db", "postgresql://ew:secret-pw@127.0.0.1:9/ew")
    assert proc.returncode == 1
    line = one_line(proc)
    assert line.startswith("eventwire: cannot open the store postgresql+psycopg://ew:***@127.0.0.1:9/ew: ")
    assert "secret-pw" not in proc.stderr


# ---- an existing store: reading leaves nothing beside it ------------------------------------------

def test_reading_an_existing_store_leaves_no_lock_beside_it(filled_store: Path):
    from eventwire.store.db import lock_path

    folder = filled_store.parent
    for args in (["events"], ["articles"], ["show", "a1"], ["export", "--format", "json"]):
        proc = run(*args, "--db", str(filled_store))
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["events.db"]
    assert not lock_path(str(filled_store)).exists()


def test_reading_commands_load_no_language_model(filled_store: Path):
    code = (
        "import json, sys\n"
        "from eventwire.cli import main\n"
        "rcs = [main(a) for a in json.loads(sys.argv[1])]\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(json.dumps({'rcs': rcs, 'heavy': heavy}))\n"
    )
    db = str(filled_store)
    argvs = [["events", "--db", db, "--json"], ["articles", "--db", db], ["show", "a1", "--db", db],
             ["export", "--db", db, "--format", "geojson"], ["events", "--db", db, "--near", "35.9,39.0"]]
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(argvs)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.splitlines()[-1])
    assert out == {"rcs": [0, 0, 0, 0, 0], "heavy": []}


@pytest.mark.parametrize("argv", [["extract", "/nonexistent/a.txt"], ["ingest", "/nonexistent/a.txt"],
                                  ["events", "--since", "garbage"], ["ingest", "--workers", "0", "x"]])
def test_usage_errors_load_nothing_heavy(argv):
    code = (
        "import json, sys\n"
        "from eventwire.cli import main\n"
        "try:\n"
        "    rc = main(json.loads(sys.argv[1]))\n"
        "except SystemExit as exc:\n"
        "    rc = exc.code\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY + ('sqlalchemy', 'alembic')!r})\n"
        "print(json.dumps({'rc': rc, 'heavy': heavy}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(argv)], capture_output=True, text=True,
                          timeout=300)
    assert json.loads(proc.stdout.splitlines()[-1]) == {"rc": 2, "heavy": []}
    assert one_line(proc)


# ---- bad option values are usage errors -----------------------------------------------------------

BAD = [
    (["events", "--since", "garbage"], "argument --since: 'garbage' is not a date; give YYYY, YYYY-MM or YYYY-MM-DD"),
    (["events", "--since", "2017-13"], "argument --since: '2017-13' is not a real date"),
    (["events", "--until", "2017-02-30"], "argument --until: '2017-02-30' is not a real date"),
    (["events", "--since", "2018", "--until", "2017-12"], "eventwire: --until 2017-12 is before --since 2018"),
    (["events", "--limit", "-1"], "argument --limit: -1 is not at least 1"),
    (["events", "--limit", "0"], "argument --limit: 0 is not at least 1"),
    (["events", "--limit", "ten"], "argument --limit: 'ten' is not a whole number"),
    (["events", "--near", "35.9,39.0", "--radius", "-5"], "argument --radius: -5 is not a number above 0"),
    (["events", "--near", "35.9,39.0", "--radius", "nan"], "argument --radius: nan is not a number above 0"),
    (["events", "--radius", "5"], "eventwire: --radius needs --near PLACE or --near LAT,LON"),
    (["events", "--near", "95,39"], "argument --near: latitude 95 is outside -90..90"),
    (["events", "--bbox", "1,2,3"], "argument --bbox: '1,2,3': give MIN_LON,MIN_LAT,MAX_LON,MAX_LAT"),
    (["events", "--bbox", "10,20,5,30"], "a minimum is above its maximum"),
    (["events", "--bbox", "0,-100,10,10"], "argument --bbox: latitude -100 is outside -90..90"),
    (["events", "--country", "Syria"], "argument --country: 'Syria' is not an ISO 3166-1 alpha-2 code such as SY"),
    (["events", "--country", "XX"], "argument --country: 'XX' is not a known ISO 3166-1 alpha-2 country code"),
    (["events", "--modality", "maybe"], "argument --modality: 'maybe' is not a modality (one of: asserted;"),
    (["events", "--type", "Battle"], "argument --type: 'Battle' is not an ACLED event type (did you mean 'Battles'?)"),
    (["events", "--sub-type", "Armed clashes"], "is not an ACLED sub-event type (did you mean 'Armed clash'?)"),
    (["events", "--type", "Protests", "--sub-type", "Armed clash"],
     "eventwire: --sub-type 'Armed clash' is not a sub-event type of 'Protests'"),
    (["export", "--since", "20170"], "argument --since: '20170' is not a date"),
    (["export", "-o", "/nonexistent/dir/out.csv"], "eventwire: -o /nonexistent/dir/out.csv: directory "
                                                   "/nonexistent/dir does not exist"),
    (["articles", "--since", "2017-00"], "argument --since: '2017-00' is not a real date"),
    (["articles", "--limit", "-3"], "argument --limit: -3 is not at least 1"),
    (["ingest", "--workers", "0", "x"], "argument --workers: 0 is not at least 1"),
    (["ingest", "--max-mb", "-1", "x"], "argument --max-mb: -1 is not a number above 0"),
    (["extract", "--max-mb", "0", "x"], "argument --max-mb: 0 is not a number above 0"),
    (["eval", "dates", "--limit", "0"], "argument --limit: 0 is not at least 1"),
    (["ingest", "/nonexistent/article.txt"], "eventwire: /nonexistent/article.txt: no such file or directory"),
]


@pytest.mark.parametrize(("argv", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_values_are_one_line_usage_errors_and_create_nothing(tmp_path: Path, argv, message):
    db = tmp_path / "store.db"
    proc = run(*argv[:1], "--db", str(db), *argv[1:]) if argv[0] not in ("extract", "eval") else run(*argv)
    assert proc.returncode == 2
    assert message in one_line(proc)
    assert proc.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_good_values_are_accepted_and_normalised(filled_store: Path):
    db = str(filled_store)
    proc = run("events", "--db", db, "--since", "2017", "--until", "2017-06", "--type", "battles",
               "--sub-type", "non-state actor overtakes territory", "--country", "sy", "--modality", "REPORTED",
               "--bbox", "38.9,35.9,39.1,36.0", "--near", "35.95,39.0", "--radius", "10", "--limit", "1")
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 1 and "Non-state actor overtakes territory" in proc.stdout
    assert one_line(proc) == "1 events"
    assert run("events", "--db", db, "--since", "2017-06-13").stdout == ""


@pytest.mark.parametrize(("since", "until", "found"), [("2017-06", "2017-06", True), ("2017", None, True),
                                                       (None, "2017-05", False), ("2017-06-19", None, False),
                                                       (None, "2017-06-18", True)])
def test_articles_by_publication_period(filled_store: Path, since, until, found):
    args = ["articles", "--db", str(filled_store), "--json"]
    args += ["--since", since] if since else []
    args += ["--until", until] if until else []
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(ln)["id"] for ln in proc.stdout.splitlines()] == (["a1"] if found else [])


def test_export_to_a_file_appears_whole_or_not_at_all(filled_store: Path, tmp_path: Path):
    out = tmp_path / "out" / "events.json"
    out.parent.mkdir()
    proc = run("export", "--db", str(filled_store), "--format", "json", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert [e["actor1"] for e in json.loads(out.read_text())] == ["Syrian Democratic Forces"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["events.json"]
    assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()  # as a plain open() would have made it
    # A store that fails once writing has begun: the earlier file stays as it was, no partial file beside it.
    import sqlite3

    conn = sqlite3.connect(filled_store)
    conn.execute("DROP TABLE event_sources")
    conn.commit()
    conn.close()
    before = out.read_bytes()
    proc = run("export", "--db", str(filled_store), "--format", "json", "-o", str(out))
    assert proc.returncode == 1 and "no such table: event_sources" in one_line(proc)
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["events.json"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---- the migration lock -----------------------------------------------------------------------------

def test_migration_lock_excludes_and_is_removed(tmp_path: Path):
    from sqlalchemy import create_engine

    from eventwire.store.db import _sqlite_migration_lock, lock_path

    db = tmp_path / "x.db"
    engine = create_engine(f"sqlite:///{db}")
    got = threading.Event()

    def second():
        with _sqlite_migration_lock(engine):
            got.set()

    with _sqlite_migration_lock(engine):
        assert lock_path(str(db)).exists() and lock_path(str(db)).parent != tmp_path
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.3)
        assert not got.is_set()  # waits while the first holds it
    t.join(timeout=30)
    assert got.is_set()
    assert not lock_path(str(db)).exists()
    assert list(tmp_path.iterdir()) == []


# ---- ingest never reads the store -------------------------------------------------------------------

def test_ingest_in_the_stores_own_folder_skips_the_store(tmp_path: Path):
    """The default store (its folder made by ingest), then `ingest .` run inside that folder."""
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "EVENTWIRE_DB": ""}
    seed = need(SEED / "raqqa-2017-06.txt")
    first = run("ingest", str(seed), env=env)
    assert first.returncode == 0, first.stderr
    folder = tmp_path / "data" / "eventwire"
    assert sorted(p.name for p in folder.iterdir()) == ["eventwire.db"]
    shutil.copy(seed, folder / "copy.txt")
    (folder / "eventwire.db.migrate-lock").write_bytes(b"")  # as versions before this one left it
    again = run("ingest", ".", cwd=folder, env=env)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr and "eventwire:" not in again.stderr
    assert "already in the store: 1; unreadable: 0" in again.stdout
    skipped = next(ln for ln in again.stdout.splitlines() if ln.startswith("skipped: "))
    assert "1 database or lock file" in skipped and "files of the store being written" in skipped
    # Named on the command line, the store is still not read.
    named = run("ingest", "--db", str(folder / "eventwire.db"), str(folder / "eventwire.db"), env=env)
    assert named.returncode == 1 and "skipped: 1 files of the store being written" in named.stdout
    assert one_line(named) == "eventwire: nothing could be ingested"


def test_sources_skip_databases_their_journals_and_locks_but_not_lookalike_names(tmp_path: Path):
    import sqlite3

    from eventwire.sources import SKIP_DATABASE, SKIP_STORE, iter_inputs, store_files

    conn = sqlite3.connect(tmp_path / "store")  # no suffix: recognised by its first bytes
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (a)")
    conn.commit()  # left open: the -wal and -shm files exist while the folder is walked
    _foreign_sqlite(tmp_path / "other")
    (tmp_path / "x.db.migrate-lock").write_bytes(b"")
    (tmp_path / "stray-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\x00" * 100)
    (tmp_path / "march").write_text("A story.")
    (tmp_path / "march-journal").write_text("A diary of the march on the capital.")  # no database beside it
    got = {Path(r.name).name: r.skipped for r in iter_inputs([str(tmp_path)], 10**6,
                                                               exclude=store_files(tmp_path / "store"))}
    conn.close()
    assert got == {"store": SKIP_STORE, "store-wal": SKIP_STORE, "store-shm": SKIP_STORE, "other": SKIP_DATABASE,
                   "x.db.migrate-lock": SKIP_DATABASE, "stray-journal": SKIP_DATABASE, "march": None,
                   "march-journal": None}
    # Without the store named, its files are still databases' files, not articles.
    again = {Path(r.name).name: r.skipped for r in iter_inputs([str(tmp_path / "store")], 10**6)}
    assert again == {"store": SKIP_DATABASE}


@pytest.mark.parametrize("table, view", [("event_sources", ["--reports"]), ("fused_events", [])])
def test_a_damaged_store_met_while_reading_is_one_line(filled_store: Path, table: str, view: list[str]):
    import sqlite3

    conn = sqlite3.connect(filled_store)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute(f"DROP TABLE {table}")  # a store someone edited by hand
    conn.commit()
    conn.close()
    proc = run("events", "--db", str(filled_store), *view)
    assert proc.returncode == 1
    assert one_line(proc) == f"eventwire: the store failed: no such table: {table}"
