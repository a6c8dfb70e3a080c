"""The write endpoints: upload an article or a WARC for ingestion, then poll its job.

They answer only when the server was started with a token (``eventwire serve --token`` or
$EVENTWIRE_API_TOKEN), and then only to requests carrying it as ``Authorization: Bearer
<token>``: 403 when no token is configured (no credentials could help), 401 when the header
is missing or the token is wrong. Nothing here fetches a URL: an article's ``url`` is only
recorded (it also gives the article its stable id).
"""

from __future__ import annotations

import codecs
import hmac
import re
from datetime import date
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from ..reading.decode import declared_charset, looks_binary
from ..warc import looks_like_warc
from .errors import ApiError, responses
from .jobs import Job, QueueFull
from .models import Job as JobOut
from .models import JobAccepted, JobList
from .uploads import HEAD_BYTES, Upload, receive

_bearer = HTTPBearer(auto_error=False, description="the token `eventwire serve --token` was started with")
_REALM = 'Bearer realm="eventwire"'


def require_token(request: Request,
                  cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    """403 when writing is off; 401 (with WWW-Authenticate) for a missing or wrong token."""
    token: str | None = request.app.state.write_token
    if not token:
        raise ApiError(403, "write endpoints are disabled: start serve with --token")
    if cred is None:
        raise HTTPException(401, "a token is needed: send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": _REALM})
    # Constant time: how long the comparison takes says nothing about how much of the token matched.
    if not hmac.compare_digest(cred.credentials.encode("utf-8"), token.encode("utf-8")):
        raise HTTPException(401, "wrong token", headers={"WWW-Authenticate": _REALM + ', error="invalid_token"'})


router = APIRouter(prefix="/api", dependencies=[Depends(require_token)], tags=["write"])

_AUTH = responses(401, 403)
ARTICLE_TYPES = {"text/plain": False, "text/html": True, "application/xhtml+xml": True}
WARC_TYPES = ("application/warc", "application/gzip", "application/x-gzip", "application/octet-stream")
_TEXT = {"schema": {"type": "string"}}
_BINARY = {"schema": {"type": "string", "format": "binary"}}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _runner(request: Request):
    return request.app.state.jobs


def _media(request: Request, allowed, what: str) -> tuple[str, str | None]:
    """(media type, charset) of the body; 415 for another type or any Content-Encoding."""
    if request.headers.get("content-encoding", "identity").strip().lower() != "identity":
        raise ApiError(415, f"Content-Encoding {request.headers['content-encoding']!r} is not taken: "
                            f"send the {what} as it is")
    raw = request.headers.get("content-type")
    if not raw:
        raise ApiError(415, f"no Content-Type: send the {what} as {' or '.join(allowed)}")
    media, _, params = raw.partition(";")
    media = media.strip().lower()
    if media not in allowed:
        raise ApiError(415, f"Content-Type {media!r} is not taken here: send the {what} as {' or '.join(allowed)}")
    m = re.search(r"charset\s*=\s*\"?([^\";\s]+)", params, re.I)
    return media, m.group(1) if m else None


def _room(request: Request) -> None:
    try:
        _runner(request).check_room()
    except QueueFull as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": "60"}) from None


def _accepted(request: Request, job: Job) -> JSONResponse:
    try:
        _runner(request).submit(job)
    except QueueFull as exc:
        job.path.unlink(missing_ok=True)
        raise HTTPException(503, str(exc), headers={"Retry-After": "60"}) from None
    url = f"/api/jobs/{job.id}"
    return JSONResponse({"job": job.id, "status": job.status, "url": url}, status_code=202,
                        headers={"Location": url})


def _text(name: str, value: str | None) -> str | None:
    if value is not None and _CONTROL.search(value):
        raise ApiError(422, f"{name}: contains a control character")
    return value.strip() or None if value is not None else None


def _url(value: str | None) -> str | None:
    value = _text("url", value)
    if value is not None and not re.match(r"https?://[^\s/?#]+[^\s]*$", value, re.I):
        raise ApiError(422, f"url: {value!r} is not an http(s) URL")
    return value


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ApiError(422, f"published: {value!r} is not a date (YYYY-MM-DD)")


Name = Annotated[str | None, Query(max_length=300, description="what to call the upload (the article's `input`)")]
_ERRORS = responses(400, 401, 403, 413, 415, 422, 503)
_ACCEPTED = {202: {"model": JobAccepted, "description": "queued: poll the job at its url (also in Location)"}}


@router.post("/articles", status_code=202, response_model=JobAccepted, responses={**_ACCEPTED, **_ERRORS},
             summary="Submit one article (its text or HTML as the body) for ingestion",
             openapi_extra={"requestBody": {"required": True, "content": {t: _TEXT for t in ARTICLE_TYPES}}})
async def submit_article(
    request: Request,
    name: Name = None,
    url: Annotated[str | None, Query(max_length=2000, description="where it was published (recorded, never "
                                                                     "fetched; it gives the article its id)")] = None,
    published: Annotated[str | None, Query(description="publication date, YYYY-MM-DD")] = None,
    title: Annotated[str | None, Query(max_length=1000, description="its headline, if the body lacks one")] = None,
) -> JSONResponse:
    media, charset = _media(request, ARTICLE_TYPES, "article")
    name, url, when, title = _text("name", name) or "upload", _url(url), _date(published), _text("title", title)
    if charset:
        try:
            charset = codecs.lookup(charset).name
        except LookupError:
            raise ApiError(415, f"charset {charset!r} is unknown") from None
    _room(request)
    runner = _runner(request)
    limit = min(request.app.state.max_upload_bytes, runner.settings.max_bytes)
    job_id = runner.new_id()
    up = await receive(request, runner.spool_path(job_id), limit, "article", lambda head: _article_head(head, media))
    try:
        await _check_article(up, media, charset)
    except BaseException:
        up.path.unlink(missing_ok=True)
        raise
    return _accepted(request, Job(job_id, "article", name, up.path, up.size, url=url, published=when, title=title,
                                  is_html=ARTICLE_TYPES[media]))


def _article_head(head: bytes, media: str) -> None:
    """415/422 for a body that is no article's text, from its first bytes (the rest is then not read)."""
    if looks_like_warc(head):
        raise ApiError(415, "this is a WARC archive: POST it to /api/warc")
    if head.startswith(b"\x1f\x8b"):
        raise ApiError(415, "the body is gzip-compressed: send the article's text or HTML uncompressed")
    if looks_binary(head):
        raise ApiError(422, f"the body is binary, not text or HTML (Content-Type {media})")


async def _check_article(up: Upload, media: str, charset: str | None) -> None:
    """400 for a blank article; a declared charset other than UTF-8 is decoded here."""
    if up.size <= HEAD_BYTES and not up.head.strip():
        raise ApiError(400, "the article is empty")
    if charset and charset not in ("utf-8", "ascii") and (media == "text/plain" or not declared_charset(up.head)):
        # The reader knows a page's own <meta charset> but not the HTTP header's: give it UTF-8.
        await to_thread.run_sync(_to_utf8, up, charset)


def _to_utf8(up: Upload, charset: str) -> None:
    try:
        text = up.path.read_bytes().decode(charset)
    except UnicodeDecodeError as exc:
        raise ApiError(422, f"the body is not {charset}: byte {exc.start} cannot be decoded") from None
    data = text.encode("utf-8")
    up.path.write_bytes(data)
    up.size = len(data)


@router.post("/warc", status_code=202, response_model=JobAccepted, responses={**_ACCEPTED, **_ERRORS},
             summary="Submit a WARC archive (.warc or .warc.gz) for ingestion: its HTML pages become articles",
             openapi_extra={"requestBody": {"required": True, "content": {t: _BINARY for t in WARC_TYPES}}})
async def submit_warc(request: Request, name: Name = None) -> JSONResponse:
    _media(request, WARC_TYPES, "WARC file")
    name = _text("name", name) or "upload.warc"
    _room(request)
    runner = _runner(request)
    job_id = runner.new_id()
    limit = request.app.state.max_upload_bytes
    up = await receive(request, runner.spool_path(job_id), limit, "WARC file", _warc_head)
    return _accepted(request, Job(job_id, "warc", name, up.path, up.size))


def _warc_head(head: bytes) -> None:
    if not looks_like_warc(head):
        raise ApiError(422, "not a WARC file: it does not start with a WARC record ('WARC/1.0', plain or gzipped)")


@router.get("/jobs", response_model=JobList, responses=responses(401, 403, 422),
            summary="The jobs of this server run, newest first (kept in memory: a restart forgets them)")
def list_jobs(request: Request,
              limit: Annotated[int, Query(ge=1, le=1000, description="at most this many")] = 100) -> dict:
    return {"items": _runner(request).recent(limit)}


@router.get("/jobs/{id}", response_model=JobOut, responses=responses(401, 403, 404, 422),
            summary="A job's status, counts, the articles it stored and why any input was skipped or unreadable")
def get_job(request: Request, id: Annotated[str, Path(max_length=64, description="the job id")]) -> dict:
    job = _runner(request).get(id)
    if job is None:
        raise ApiError(404, f"no job with id {id}")
    return job

