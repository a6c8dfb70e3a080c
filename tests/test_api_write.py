"""The write endpoints (issue 11): uploads for ingestion, their jobs, the token, the limits and every refusal.

An upload goes through `eventwire ingest`'s own code, so what a job stores is checked against the
CLI's ingest of the same file; the size limits are checked through a real `eventwire serve` over
HTTP, where a 100 MB body must be refused without the server's memory growing with it.
"""

from __future__ import annotations

import gzip
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from http.client import HTTPResponse
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import ROOT
from .test_store import BACKENDS, PG_URL, _fresh_pg_database

SAMPLES = ROOT / "samples"
RAQQA = SAMPLES / "raqqa-2017-06.txt"
WARC = SAMPLES / "cc-main-2020-34-excerpt.warc.gz"
PAGE = sorted((SAMPLES / "pages").glob("*.html.gz"))[0]
TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = {**AUTH, "Content-Type": "text/plain"}
WARC_TYPE = {**AUTH, "Content-Type": "application/warc"}


def _empty_store(db: str) -> str:
    from eventwire.store import Store

    Store(db).close()
    return db


@pytest.fixture(scope="module", params=BACKENDS)
def db(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return _empty_store(str(tmp_path_factory.mktemp("write") / "events.db"))
    return _empty_store(_fresh_pg_database(PG_URL, "write" + tmp_path_factory.mktemp("pg").name))


@pytest.fixture(scope="module")
def client(db):
    from eventwire.api import create_app

    with TestClient(create_app(db, token=TOKEN)) as c:
        yield c


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """An app with a 10 kB upload limit and articles held to 5 kB (it never runs a job)."""
    from eventwire.api import create_app
    from eventwire.config import Settings

    db = _empty_store(str(tmp_path_factory.mktemp("small") / "events.db"))
    with TestClient(create_app(db, token=TOKEN, max_upload_bytes=10_000, settings=Settings(max_bytes=5_000))) as c:
        yield c


@pytest.fixture(scope="module")
def readonly(tmp_path_factory):
    from eventwire.api import create_app

    db = _empty_store(str(tmp_path_factory.mktemp("ro") / "events.db"))
    with TestClient(create_app(db)) as c:
        yield c


def submit(client, path: str, body: bytes, headers: dict, **params) -> dict:
    r = client.post(path, content=body, headers=headers, params=params)
    assert r.status_code == 202, r.text
    body = r.json()
    assert list(body) == ["job", "status", "url"] and body["status"] == "queued"
    assert r.headers["location"] == body["url"] == f"/api/jobs/{body['job']}"
    return body


def wait(client, url: str, timeout: float = 600) -> dict:
    """Poll a job until it ends; it must pass through its states in order."""
    seen, deadline = [], time.monotonic() + timeout
    while True:
        r = client.get(url, headers=AUTH)
        assert r.status_code == 200, r.text
        job = r.json()
        if not seen or seen[-1] != job["status"]:
            seen.append(job["status"])
        if job["status"] in ("done", "failed"):
            break
        assert time.monotonic() < deadline, f"job still {job['status']} after {timeout} s"
        time.sleep(0.2)
    order = ["queued", "running", "done", "failed"]
    assert [order.index(s) for s in seen] == sorted(order.index(s) for s in seen), seen
    assert job["finished"] and "\n" not in (job["error"] or "") and "Traceback" not in json.dumps(job)
    return job


def ok(client, path: str, **params) -> dict:
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True, timeout=900,
                          env=env)


# ---- the happy paths (every back-end) ----------------------------------------------------------


def test_an_article_submitted_is_ingested_and_its_events_are_served(client):
    job = submit(client, "/api/articles", RAQQA.read_bytes(), TEXT, name="raqqa-2017-06.txt",
                 url="https://example.org/news/raqqa", published="2017-06-08")
    done = wait(client, job["url"])
    assert done["status"] == "done" and done["error"] is None
    assert done["kind"] == "article" and done["name"] == "raqqa-2017-06.txt"
    assert done["size_bytes"] == RAQQA.stat().st_size
    assert done["counts"]["inputs"] == 1 and done["counts"]["new"] == 1 and done["counts"]["events"] > 0
    assert done["fusion"].startswith("fused ")
    [art] = done["articles"]
    assert art["outcome"] == "new" and art["events"] == done["counts"]["events"]
    rec = ok(client, f"/api/articles/{art['id']}")
    assert rec["article"]["input"] == "raqqa-2017-06.txt"
    assert rec["article"]["url"] == "https://example.org/news/raqqa"
    assert rec["article"]["published"] == "2017-06-08"
    assert "Raqqa" in rec["article"]["text"]
    assert len(rec["events"]) == art["events"]
    reports = {e["id"] for e in ok(client, "/api/events", reports=True, limit=1000)["items"]}
    assert {e["id"] for e in rec["events"]} <= reports
    fused = {e["id"] for e in ok(client, "/api/events", limit=1000)["items"]}
    assert {e["fused_into"] for e in rec["events"]} <= fused  # fusion ran at the end of the job


def test_the_same_article_again_is_already_stored(client):
    for _ in range(2):  # the first time may be the first (alone, this test's own) or not (after the test above)
        first = wait(client, submit(client, "/api/articles", RAQQA.read_bytes(), TEXT, name="again.txt",
                                    url="https://example.org/news/raqqa")["url"])
    assert first["status"] == "done"
    assert first["counts"] | {"inputs": 0} == {"inputs": 0, "new": 0, "duplicates": 0, "already": 1, "skipped": 0,
                                                "failed": 0, "events": 0}
    assert first["articles"][0]["outcome"] == "already"
    assert first["fusion"] is None  # nothing new to fuse


def test_a_near_copy_is_linked_to_its_original(client):
    original = wait(client, submit(client, "/api/articles", RAQQA.read_bytes(), TEXT,
                                   url="https://example.org/news/raqqa")["url"])["articles"][0]["id"]
    copy = RAQQA.read_bytes() + b"\nThis story was syndicated by Example Wire.\n"
    done = wait(client, submit(client, "/api/articles", copy, TEXT, name="copy.txt",
                               url="https://mirror.example.net/raqqa")["url"])
    assert done["status"] == "done" and done["counts"]["duplicates"] == 1 and done["counts"]["events"] == 0
    [art] = done["articles"]
    assert art["outcome"] == "duplicate" and art["duplicate_of"] == original and art["similarity"] >= 0.8
    assert ok(client, f"/api/articles/{art['id']}")["article"]["duplicate_of"] == original


def test_a_warc_submitted_is_ingested_as_the_cli_ingests_it(client, db, tmp_path):
    done = wait(client, submit(client, "/api/warc", WARC.read_bytes(), WARC_TYPE, name="cc.warc.gz")["url"])
    assert done["status"] == "done" and done["kind"] == "warc"
    counts = done["counts"]
    assert counts["inputs"] == 50 and counts["new"] == 16 and counts["failed"] == 0
    assert done["skipped"] == {"warcinfo": 1, "request": 17, "metadata": 16} and counts["skipped"] == 34
    ids = [a["id"] for a in done["articles"]]
    assert len(set(ids)) == 16 and {a["outcome"] for a in done["articles"]} == {"new"}
    # The records are named after the upload, not the server's spool file.
    for aid in ids[:3]:
        assert ok(client, f"/api/articles/{aid}")["article"]["input"].startswith("cc.warc.gz#")
    if not db.startswith("postgresql"):
        # `eventwire ingest` of the same file stores the same articles with the same events.
        other = str(tmp_path / "cli.db")
        proc = cli("ingest", "--db", other, "--quiet", str(WARC))
        assert proc.returncode == 0, proc.stderr
        listed = cli("articles", "--db", other, "--json", "--limit", "1000")
        assert sorted(json.loads(ln)["id"] for ln in listed.stdout.splitlines()) == sorted(ids)
        shown = json.loads(cli("show", "--db", other, ids[0]).stdout)
        assert [e["id"] for e in shown["events"]] == [e["id"] for e in ok(client, f"/api/articles/{ids[0]}")["events"]]


def test_an_html_page_is_read_as_html_with_what_the_client_says(client):
    from eventwire.reading import read_article

    html = gzip.decompress(PAGE.read_bytes())
    done = wait(client, submit(client, "/api/articles", html, {**AUTH, "Content-Type": "text/html; charset=utf-8"},
                               name=PAGE.name[:-3])["url"])
    assert done["status"] == "done" and done["counts"]["new"] == 1, done
    rec = ok(client, f"/api/articles/{done['articles'][0]['id']}")["article"]
    expected = read_article(html, PAGE.name[:-3])
    assert rec["title"] == expected.title and rec["text"] == expected.text and rec["id"] == expected.id


def test_jobs_are_listed_newest_first(client):
    items = ok_auth(client, "/api/jobs")["items"]
    assert len(items) >= 3 and all(j["status"] in ("done", "failed") for j in items)
    assert [j["submitted"] for j in items] == sorted((j["submitted"] for j in items), reverse=True)
    assert [j["job"] for j in ok_auth(client, "/api/jobs", limit=2)["items"]] == [j["job"] for j in items[:2]]
    assert ok_auth(client, f"/api/jobs/{items[-1]['job']}") == items[-1]


def ok_auth(client, path: str, **params) -> dict:
    r = client.get(path, params=params, headers=AUTH)
    assert r.status_code == 200, r.text
    return r.json()


# ---- jobs whose content cannot be ingested ---------------------------------------------------------


def test_an_article_with_no_text_is_a_failed_job_with_one_line(client):
    page = b"<html><head><title>Home</title><script>var x = 1;</script></head><body><!-- ad --></body></html>"
    done = wait(client, submit(client, "/api/articles", page, {**AUTH, "Content-Type": "text/html"},
                               name="empty.html")["url"])
    assert done["status"] == "failed" and done["counts"]["failed"] == 1 and done["articles"] == []
    assert done["error"] and done["messages"] and done["messages"][0].startswith("empty.html: ")
    assert done["error"] == done["messages"][0].split(": ", 1)[1]


def test_a_text_in_another_language_is_stored_without_events_and_says_why(client):
    text = ("Die Polizei hat am Montag in Berlin eine Demonstration aufgelöst. Nach Angaben der Behörden "
            "wurden mehrere Menschen festgenommen, als die Kundgebung vor dem Rathaus eskalierte. "
            "Die Veranstalter kritisierten das Vorgehen der Beamten scharf und kündigten weitere Proteste an.\n")
    done = wait(client, submit(client, "/api/articles", text.encode(), TEXT, name="berlin-de.txt")["url"])
    assert done["status"] == "done" and done["counts"]["new"] == 1 and done["counts"]["events"] == 0
    assert done["messages"] == ["berlin-de.txt: language 'de' is not supported: stored without events"]


def test_a_declared_charset_is_decoded(client):
    text = "A café in Aleppo was shelled on 3 March 2016, residents said. Nobody was hurt, according to Reuters.\n"
    done = wait(client, submit(client, "/api/articles", text.encode("latin-1"),
                               {**AUTH, "Content-Type": "text/plain; charset=ISO-8859-1"}, name="cafe.txt")["url"])
    assert done["status"] == "done", done
    assert "café in Aleppo" in ok(client, f"/api/articles/{done['articles'][0]['id']}")["article"]["text"]


def test_a_warc_cut_short_still_ingests_what_it_holds(client, tmp_path):
    data = WARC.read_bytes()
    done = wait(client, submit(client, "/api/warc", data[: len(data) // 2], WARC_TYPE, name="cut.warc.gz")["url"])
    assert done["status"] == "done" and 0 < done["counts"]["inputs"] < 50
    assert done["skipped"]["truncated"] == 1  # the record cut in two: counted, as `eventwire ingest` counts it
    assert done["articles"] and done["counts"]["new"] + done["counts"]["already"] == len(done["articles"])
    for a in done["articles"]:
        assert ok(client, f"/api/articles/{a['id']}")["article"]["id"] == a["id"]


# ---- refusals: one JSON line each, with the right status ---------------------------------------


ENDPOINTS = [("post", "/api/articles"), ("post", "/api/warc"), ("get", "/api/jobs"), ("get", "/api/jobs/abc")]


def _call(client, method: str, path: str, headers: dict):
    if method == "post":
        return client.post(path, content=b"text", headers={"Content-Type": "text/plain", **headers})
    return client.get(path, headers=headers)


def refused(r, status: int, says: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert list(body) == ["error"] and says in body["error"] and "\n" not in body["error"], body
    return body


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_without_a_configured_token_the_write_endpoints_are_disabled(readonly, method, path):
    for headers in ({}, AUTH, {"Authorization": "Bearer "}):
        refused(_call(readonly, method, path, headers), 403, "write endpoints are disabled: start serve with --token")


@pytest.mark.parametrize("method, path", ENDPOINTS)
@pytest.mark.parametrize("headers, says", [
    ({}, "a token is needed"),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, "a token is needed"),
    ({"Authorization": "Bearer"}, "a token is needed"),
    ({"Authorization": "Bearer wrong-token-0123456789abcdef"}, "wrong token"),
    ({"Authorization": f"Bearer {TOKEN}x"}, "wrong token"),
    ({"Authorization": f"Bearer {TOKEN[:-1]}"}, "wrong token"),
    ({"Authorization": "Bearer " + TOKEN.upper()}, "wrong token"),
])
def test_a_missing_or_wrong_token_is_refused(small, method, path, headers, says):
    r = _call(small, method, path, headers)
    refused(r, 401, says)
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert ("invalid_token" in r.headers["www-authenticate"]) == (says == "wrong token")


@pytest.mark.parametrize("path, body, headers, params, status, says", [
    ("/api/articles", b"Some text.", {}, {}, 415, "no Content-Type: send the article as text/plain or text/html"),
    ("/api/articles", b"{}", {"Content-Type": "application/json"}, {}, 415, "Content-Type 'application/json' is not"),
    ("/api/articles", b"Some text.", {"Content-Type": "text/plain", "Content-Encoding": "gzip"}, {}, 415,
     "Content-Encoding 'gzip' is not taken"),
    ("/api/articles", b"Some text.", {"Content-Type": "text/plain; charset=klingon"}, {}, 415,
     "charset 'klingon' is unknown"),
    ("/api/articles", b"", {"Content-Type": "text/plain"}, {}, 400, "the article is empty"),
    ("/api/articles", b" \n\t\n", {"Content-Type": "text/plain"}, {}, 400, "the article is empty"),
    ("/api/articles", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), {"Content-Type": "text/plain"}, {}, 422,
     "the body is binary, not text or HTML"),
    ("/api/articles", gzip.compress(b"Some text."), {"Content-Type": "text/plain"}, {}, 415, "gzip-compressed"),
    ("/api/articles", WARC.read_bytes()[:4096], {"Content-Type": "text/plain"}, {}, 415,
     "this is a WARC archive: POST it to /api/warc"),
    ("/api/articles", b"caf\x81 text", {"Content-Type": "text/plain; charset=cp1252"}, {}, 422,
     "the body is not cp1252: byte 3 cannot be decoded"),
    ("/api/articles", b"Some text.", {"Content-Type": "text/plain"}, {"url": "file:///etc/passwd"}, 422,
     "url: 'file:///etc/passwd' is not an http(s) URL"),
    ("/api/articles", b"Some text.", {"Content-Type": "text/plain"}, {"url": "https://"}, 422, "is not an http(s)"),
    ("/api/articles", b"Some text.", {"Content-Type": "text/plain"}, {"published": "2017-02-30"}, 422,
     "published: '2017-02-30' is not a date (YYYY-MM-DD)"),
    ("/api/articles", b"Some text.", {"Content-Type": "text/plain"}, {"published": "June 2017"}, 422, "published:"),
    ("/api/articles", b"Some text.", {"Content-Type": "text/plain"}, {"name": "a\x00b"}, 422,
     "name: contains a control character"),
    ("/api/articles", b"Some text.", {"Content-Type": "text/plain"}, {"name": "x" * 301}, 422, "name:"),
    ("/api/articles", b"Some text.", {"Content-Type": "text/plain"}, {"title": "a\nb"}, 422,
     "title: contains a control character"),
    ("/api/warc", WARC.read_bytes()[:4096], {"Content-Type": "application/warc"}, {"name": "a\tb"}, 422,
     "name: contains a control character"),
    ("/api/articles", b"x" * 5_001, {"Content-Type": "text/plain"}, {}, 413,
     "article of 0.005001 MB is over the 0.005 MB limit"),
    ("/api/warc", WARC.read_bytes()[:4096], {}, {}, 415, "no Content-Type: send the WARC file as application/warc"),
    ("/api/warc", WARC.read_bytes()[:4096], {"Content-Type": "text/plain"}, {}, 415, "'text/plain' is not taken"),
    ("/api/warc", b"", {"Content-Type": "application/warc"}, {}, 400, "the WARC file is empty"),
    ("/api/warc", RAQQA.read_bytes(), {"Content-Type": "application/warc"}, {}, 422, "not a WARC file"),
    ("/api/warc", gzip.compress(RAQQA.read_bytes()), {"Content-Type": "application/gzip"}, {}, 422,
     "not a WARC file"),
    ("/api/warc", b"W" * 10_001, {"Content-Type": "application/warc"}, {}, 413,
     "WARC file of 0.010001 MB is over the 0.01 MB limit"),
])
def test_bad_uploads_are_refused_with_one_json_line(small, path, body, headers, params, status, says):
    refused(small.post(path, content=body, headers={**AUTH, **headers}, params=params), status, says)
    assert small.get("/api/jobs", headers=AUTH).json()["items"] == []  # nothing was queued
    spool = small.app.state.jobs.spool_path("x").parent
    assert list(spool.iterdir()) == []  # nor left on disk


def test_a_chunked_body_over_the_limit_is_refused_and_removed(small):
    def chunks():
        for _ in range(40):
            yield b"WARC/1.0\r\n" + b"x" * 990

    refused(small.post("/api/warc", content=chunks(), headers=WARC_TYPE), 413, "WARC file is over the 0.01 MB limit")
    assert list(small.app.state.jobs.spool_path("x").parent.iterdir()) == []


def test_a_bad_content_length_is_a_400(small):
    r = small.post("/api/warc", content=b"WARC/1.0", headers={**WARC_TYPE, "Content-Length": "lots"})
    refused(r, 400, "Content-Length 'lots' is not a number of bytes")


def test_job_ids_and_limits(small):
    refused(small.get("/api/jobs/no-such-job", headers=AUTH), 404, "no job with id no-such-job")
    refused(small.get("/api/jobs/" + "a" * 65, headers=AUTH), 422, "id:")
    refused(small.get("/api/jobs", params={"limit": 0}, headers=AUTH), 422, "limit:")
    refused(small.get("/api/jobs", params={"limit": 1001}, headers=AUTH), 422, "limit:")


def test_a_full_queue_is_a_503_to_retry_later(small):
    runner = small.app.state.jobs
    runner.max_queued, before = 0, runner.max_queued
    try:
        r = small.post("/api/articles", content=b"Some text.", headers=TEXT)
    finally:
        runner.max_queued = before
    refused(r, 503, "0 jobs are waiting already; try again later")
    assert r.headers["retry-after"] == "60"


# ---- the schema ---------------------------------------------------------------------------------


def test_the_schema_documents_the_write_endpoints(readonly):
    spec = ok(readonly, "/openapi.json")
    art = spec["paths"]["/api/articles"]["post"]
    assert set(art["requestBody"]["content"]) == {"text/plain", "text/html", "application/xhtml+xml"}
    assert {"202", "400", "401", "403", "413", "415", "422", "503"} <= set(art["responses"])
    assert art["responses"]["202"]["content"]["application/json"]["schema"]["$ref"].endswith("/JobAccepted")
    warc = spec["paths"]["/api/warc"]["post"]
    assert "application/warc" in warc["requestBody"]["content"]
    assert {"401", "403", "404"} <= set(spec["paths"]["/api/jobs/{id}"]["get"]["responses"])
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path, method in [("/api/articles", "post"), ("/api/warc", "post"), ("/api/jobs", "get"),
                         ("/api/jobs/{id}", "get")]:
        assert spec["paths"][path][method]["security"] == [{"HTTPBearer": []}]
    assert "security" not in spec["paths"]["/api/articles"]["get"]  # reading needs no token


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.parametrize("which", ["readonly", "small"])
def test_the_write_endpoints_keep_to_their_schema(request, which):
    """Schemathesis against the write endpoints, without a token configured and with one (and it sent)."""
    app_client = request.getfixturevalue(which)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app_client.app)
    ops = [op.ok() for op in schema.get_all_operations()]
    ops = [op for op in ops if op.method.upper() == "POST" or op.path.startswith("/api/jobs")]
    assert len(ops) == 4
    statuses: set[int] = set()
    for op in ops:
        @given(case=op.as_strategy())
        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            statuses.add(case.call_and_validate(checks=CHECKS, headers=AUTH).status_code)

        check()
    assert statuses == {403} if which == "readonly" else {200, 400, 404, 422} <= statuses


# ---- through `eventwire serve`, over HTTP ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _vm(pid: int, key: str) -> int:
    """A process's VmRSS or VmHWM (peak resident memory), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {key} for process {pid}")


class Server:
    def __init__(self, proc: subprocess.Popen, port: int, tmp: Path) -> None:
        self.proc, self.port, self.tmp = proc, port, tmp

    def request(self, method: str, path: str, headers: dict, body=None, chunked: bool = False) -> tuple[int, dict, int]:
        """(status, JSON body, body bytes sent before the answer came): the body is sent while watching for
        an early answer, as a client that streams an upload does."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        sent = 0
        try:
            head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", *(f"{k}: {v}" for k, v in
                                                                                    headers.items())]
            if chunked:
                head.append("Transfer-Encoding: chunked")
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
            for chunk in body or ():
                if select.select([sock], [], [], 0)[0]:
                    break  # the server has answered: stop sending
                try:
                    sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk)
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent += len(chunk)
            else:
                if chunked:
                    sock.sendall(b"0\r\n\r\n")
            resp = HTTPResponse(sock)
            resp.begin()
            return resp.status, json.loads(resp.read() or b"null"), sent
        finally:
            sock.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _start(db: str, tmp: Path, *args: str, env: dict | None = None) -> Server:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "eventwire", "serve", "--db", db, "--port", str(port), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(tmp), **(env or {})})
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
    return Server(proc, port, tmp)


def _stop(server: Server) -> str:
    server.proc.send_signal(signal.SIGTERM)
    try:
        server.proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        raise
    return server.proc.stderr.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`eventwire serve` with the token from the environment and the default upload limit (50 MB)."""
    tmp = tmp_path_factory.mktemp("served")
    db = _empty_store(str(tmp / "events.db"))
    server = _start(db, tmp, env={"EVENTWIRE_API_TOKEN": TOKEN})
    yield server
    if server.proc.poll() is None:
        _stop(server)


def _spooled(tmp: Path) -> list[Path]:
    return [f for d in tmp.glob("eventwire-uploads-*") for f in d.iterdir()]


def test_a_100_mb_upload_is_refused_without_holding_it_in_memory(served):
    before = _vm(served.proc.pid, "VmHWM")
    chunk = b"WARC/1.0\r\n" + b"x" * (1 << 20)
    status, body, sent = served.request("POST", "/api/warc", WARC_TYPE, (chunk for _ in range(100)), chunked=True)
    peak = _vm(served.proc.pid, "VmHWM")
    assert status == 413 and body == {"error": "WARC file is over the 50 MB limit"}
    assert 50_000_000 <= sent < 100 * len(chunk)  # answered after the limit, before the end of the body
    growth = peak - before
    print(f"server peak RSS before {before / 1e6:.1f} MB, after a 100 MB upload {peak / 1e6:.1f} MB "
          f"(+{growth / 1e6:.1f} MB); {sent / 1e6:.1f} MB sent before the 413")
    assert growth < 20_000_000
    assert _spooled(served.tmp) == []  # the 50 MB written to disk were removed


def test_a_100_mb_body_that_is_no_warc_is_refused_at_its_first_bytes(served):
    chunk = b"a" * (1 << 20)
    status, body, sent = served.request("POST", "/api/warc", WARC_TYPE, (chunk for _ in range(100)), chunked=True)
    assert status == 422 and body["error"].startswith("not a WARC file")
    assert sent < 20 * len(chunk)  # what the sockets' buffers took before the answer came, not the 100 MB
    assert _spooled(served.tmp) == []


def test_a_declared_100_mb_upload_is_refused_before_any_of_it_is_read(served):
    headers = {**WARC_TYPE, "Content-Length": str(100_000_000)}

    def body():
        time.sleep(2)  # time for the server to answer on the headers alone
        yield b"WARC/1.0\r\n"

    status, answer, sent = served.request("POST", "/api/warc", headers, body())
    assert status == 413 and answer == {"error": "WARC file of 100 MB is over the 50 MB limit"}
    assert sent == 0


def test_serve_takes_the_token_from_the_environment_and_never_prints_it(served):
    assert served.request("GET", "/api/jobs", {})[0] == 401
    assert served.request("GET", "/api/jobs", {"Authorization": "Bearer not-the-token-0123456789"})[0] == 401
    assert served.request("GET", "/api/jobs", AUTH)[:2] == (200, {"items": []})


def test_an_article_uploaded_to_serve_is_ingested_and_served(served):
    data = RAQQA.read_bytes()
    status, job, _ = served.request("POST", "/api/articles?name=raqqa.txt", {**TEXT, "Content-Length": str(len(data))},
                                    [data])
    assert status == 202, job
    deadline = time.monotonic() + 600
    while (done := served.request("GET", job["url"], AUTH)[1])["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert done["status"] == "done" and done["counts"]["new"] == 1 and done["counts"]["events"] > 0
    status, rec, _ = served.request("GET", f"/api/articles/{done['articles'][0]['id']}", {})  # reading: no token
    assert status == 200 and rec["article"]["input"] == "raqqa.txt" and len(rec["events"]) == done["counts"]["events"]
    assert _spooled(served.tmp) == []  # the upload is gone once its job is done


def test_serve_says_what_was_not_finished_when_it_stops(tmp_path):
    db = _empty_store(str(tmp_path / "events.db"))
    server = _start(db, tmp_path, "--token", TOKEN)
    jobs = []
    for path, data, headers in [("/api/warc", WARC.read_bytes(), WARC_TYPE), ("/api/articles", RAQQA.read_bytes(),
                                                                               TEXT)]:
        status, body, _ = server.request("POST", path, {**headers, "Content-Length": str(len(data))}, [data])
        assert status == 202, body
        jobs.append(body["job"])
    stderr = _stop(server)
    assert TOKEN not in stderr
    assert "write endpoints enabled for requests bearing the token (uploads up to 50 MB)" in stderr
    lines = [ln for ln in stderr.splitlines() if ln.startswith("eventwire: job ")]
    assert len(lines) == 2 and "Traceback" not in stderr, stderr
    warc_line, article_line = lines
    # The WARC's job was taken up (it may still be loading the pipeline): it stops after the article in hand.
    assert warc_line.startswith((f"eventwire: job {jobs[0]} (warc upload.warc) was stopped after ",
                                 f"eventwire: job {jobs[0]} (warc upload.warc) was not run: "))
    assert article_line.startswith(f"eventwire: job {jobs[1]} (article upload) was not run: ")
    kept = _spooled(tmp_path)
    assert sorted(p.name for p in kept) == sorted(f"{j}.upload" for j in jobs)
    for line, p in zip(lines, sorted(kept, key=lambda p: jobs.index(p.stem)), strict=True):
        assert f"'eventwire ingest --db DB {p}' ingests the rest" in line
    assert {p.read_bytes() for p in kept} == {WARC.read_bytes(), RAQQA.read_bytes()}


def test_serve_refuses_a_short_token_in_one_line(tmp_path):
    db = _empty_store(str(tmp_path / "events.db"))
    proc = cli("serve", "--db", db, "--token", "short")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "--token: use a token of at least 16 characters" in proc.stderr and "short" not in proc.stderr
    proc = cli("serve", "--db", db, env={**os.environ, "EVENTWIRE_API_TOKEN": "has space 0123456789"})
    assert proc.returncode == 2 and "EVENTWIRE_API_TOKEN: a token is printable ASCII without spaces" in proc.stderr
