"""WARC web archives -> one RawInput per record (warcio does the parsing).

Only ``response`` records with HTTP status 200 and an HTML payload become articles; every
other record is yielded too, with ``data=None`` and a ``skipped`` reason from
:data:`SKIP_REASONS`, so an ingest summary can count what an archive held. A truncated or
corrupt archive never raises: what could be read is yielded, then one last RawInput says
why reading stopped.
"""

from __future__ import annotations

import contextlib
import io
import re
import zlib
from collections.abc import Iterator
from datetime import date
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from .prolog import skip_prolog
from .sources import RawInput

SKIP_REQUEST = "request"
SKIP_METADATA = "metadata"
SKIP_WARCINFO = "warcinfo"
SKIP_REVISIT = "revisit"
SKIP_NON_HTML = "non-html"  # another content type, or a response that is not HTTP (dns:, whois:)
SKIP_HTTP_STATUS = "http-status"  # not 200 (redirects, errors, 304 ...)
SKIP_TOO_LARGE = "too-large"  # decoded payload over max_bytes
SKIP_TRUNCATED = "truncated"  # the record stops before its Content-Length
SKIP_EMPTY = "empty"  # a 200 HTML response with no payload
SKIP_OTHER_RECORD = "other-record"  # resource, conversion, continuation: not a crawled HTTP page

SKIP_REASONS: tuple[str, ...] = (
    SKIP_REQUEST,
    SKIP_METADATA,
    SKIP_WARCINFO,
    SKIP_REVISIT,
    SKIP_NON_HTML,
    SKIP_HTTP_STATUS,
    SKIP_TOO_LARGE,
    SKIP_TRUNCATED,
    SKIP_EMPTY,
    SKIP_OTHER_RECORD,
)

_BY_RECORD_TYPE = {
    "request": SKIP_REQUEST,
    "metadata": SKIP_METADATA,
    "warcinfo": SKIP_WARCINFO,
    "revisit": SKIP_REVISIT,
}

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

# Sniffed only when the response has no Content-Type at all: the first tag after any
# comments (skipped by a scanner: a starred "<!--.*?-->" group backtracks exponentially).
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.I)

_DRAIN = 1 << 16


def _looks_like_html_start(head: bytes) -> bool:
    start = skip_prolog(head, declarations=False)
    return start is not None and _HTML_START.match(head, start) is not None


def looks_like_warc(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file) starts a WARC, plain or gzipped."""
    if head.startswith(b"WARC/"):
        return True
    if head[:2] != b"\x1f\x8b":
        return False
    try:
        # Each record is its own gzip member: the first few bytes decompress to "WARC/1.x".
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head[:4096], 64).startswith(b"WARC/")
    except zlib.error:
        return False


def _warc_date(value: str | None) -> date | None:
    # WARC-Date is ISO 8601 in UTC ("2020-08-08T17:27:41Z"); the day is all we keep.
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _one_line(exc: BaseException) -> str:
    # warcio quotes the bytes it choked on: keep the message printable and short.
    text = re.split(r",? first line:", " ".join(str(exc).split()))[0].strip()
    text = "".join(c if c.isprintable() else "?" for c in text) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    # warcio writes decompression and Content-Length warnings straight to sys.stderr; eventwire
    # reports the consequence itself (a truncated record), so keep the user's stderr ours.
    # Never held across a yield, so the caller's own output is not swallowed.
    with contextlib.redirect_stderr(io.StringIO()):
        yield


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def _drain(stream: BinaryIO) -> None:
    while stream.read(_DRAIN):
        pass


def iter_warc(path: str, max_bytes: int) -> Iterator[RawInput]:
    """Yield one RawInput per record of the WARC file at ``path`` (.warc or .warc.gz).

    ``name`` is ``f"{path}#{offset}"`` with the record's byte offset in the file as stored
    (compressed), so a record can be found again (``warcio extract path offset``).
    """
    try:
        fh = open(path, "rb")  # closed by the with below, once the records are done
    except OSError as exc:
        yield RawInput(path, None, exc.strerror or str(exc))
        return
    with fh:
        yield from iter_warc_stream(fh, path, max_bytes)


def iter_warc_bytes(data: bytes, name: str, max_bytes: int) -> Iterator[RawInput]:
    """The same for a WARC already in memory (e.g. read from standard input)."""
    yield from iter_warc_stream(io.BytesIO(data), name, max_bytes)


def iter_warc_stream(fh: BinaryIO, name: str, max_bytes: int) -> Iterator[RawInput]:
    """The same for an open binary stream (it need not be seekable); ``name`` labels records."""
    records = 0
    offset = 0  # where the next record starts, for the final message
    try:
        with _quiet():
            archive = ArchiveIterator(fh)
            it = iter(archive)
    except Exception as exc:  # warcio may raise anything on garbage; nothing must escape
        yield RawInput(name, None, f"not a readable WARC: {_one_line(exc)}")
        return
    while True:
        try:
            with _quiet():
                record = next(it)
        except StopIteration:
            if not records:
                yield RawInput(name, None, "not a readable WARC: no records in it")
            elif (left := _bytes_left(fh, offset)) > 0:
                # warcio stops quietly when a record's header is cut off; the file says otherwise.
                yield RawInput(name, None, f"truncated WARC: {left} unreadable bytes at byte {offset} "
                                           f"after {records} records")
            return
        except Exception as exc:
            # A cut-short gzip member or garbage where a record header should be.
            if records:
                yield RawInput(name, None, f"truncated WARC: unreadable record at byte {offset} after {records} "
                                           f"records ({_one_line(exc)})")
            else:
                yield RawInput(name, None, f"not a readable WARC: {_one_line(exc)}")
            return
        records += 1
        with _quiet():
            raw, stop = _read_record(archive, record, name, max_bytes, first=records == 1)
            try:
                offset = archive.get_record_offset() + archive.get_record_length()
            except Exception:
                pass
        yield raw
        if stop:
            return


def _bytes_left(fh: BinaryIO, offset: int) -> int:
    """Bytes after ``offset`` that are more than blank lines (0 when unknown, e.g. a pipe)."""
    try:
        if not getattr(fh, "seekable", lambda: False)():
            return 0
        size = fh.seek(0, io.SEEK_END)
        fh.seek(offset)
        # An uncompressed WARC ends with the blank lines after its last record.
        return 0 if not fh.read(4096).strip() and size - offset <= 4096 else size - offset
    except (OSError, ValueError):
        return 0


def _record_offset(archive: ArchiveIterator) -> int | None:
    try:
        # Reads the rest of the record: call only once its payload has been consumed.
        return archive.get_record_offset()
    except Exception:
        # The read to the record's end failed; warcio still holds where the record began.
        return getattr(archive, "offset", None)


def _read_record(archive: ArchiveIterator, record, name: str, max_bytes: int,
                 first: bool = False) -> tuple[RawInput, bool]:
    """One record -> (RawInput, whether reading must stop here)."""
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    retrieved = _warc_date(headers.get_header("WARC-Date"))

    def out(data: bytes | None = None, skipped: str | None = None, error: str | None = None) -> RawInput:
        offset = _record_offset(archive)
        label = f"{name}#{offset}" if offset is not None else name
        return RawInput(label, data, error=error, skipped=skipped, url=url, retrieved=retrieved,
                        is_html=True if data is not None else None)

    rec_type = record.rec_type
    if not rec_type or headers.get_header("Content-Length") is None:
        # Both are mandatory: a header block without them was cut short, or is not a WARC's
        # (warcio reads any line of five words as an old ARC header).
        if first:
            return RawInput(name, None, "not a readable WARC: no WARC record header"), True
        return out(skipped=SKIP_TRUNCATED), True
    http = record.http_headers
    status = http.get_statuscode() if http is not None else None
    media = _media_type(http.get_header("Content-Type")) if http is not None else None
    candidate = rec_type == "response" and status == "200" and (media is None or media in HTML_TYPES)

    payload: bytes | None = None
    decode_error: Exception | None = None
    if candidate:
        try:
            payload = record.content_stream().read(max_bytes + 1)
        except Exception as exc:
            # A broken Content-Encoding or chunking; whether the record itself is whole decides below.
            decode_error = exc
    try:
        _drain(record.raw_stream)
    except Exception as exc:
        return out(error=f"truncated WARC: {_one_line(exc)}"), True
    # raw_stream is limited to the record's Content-Length: bytes still owed mean the file ended early.
    if getattr(record.raw_stream, "limit", 0) > 0:
        return out(skipped=SKIP_TRUNCATED), True

    if rec_type != "response":
        return out(skipped=_BY_RECORD_TYPE.get(rec_type, SKIP_OTHER_RECORD)), False
    if http is None:
        return out(skipped=SKIP_NON_HTML), False
    if status != "200":
        return out(skipped=SKIP_HTTP_STATUS), False
    if not candidate:
        return out(skipped=SKIP_NON_HTML), False
    if decode_error is not None or payload is None:
        return out(error=f"payload could not be decoded: {_one_line(decode_error)}"), False
    if len(payload) > max_bytes:
        return out(skipped=SKIP_TOO_LARGE), False
    if not payload.strip():
        return out(skipped=SKIP_EMPTY), False
    if media is None and not _looks_like_html_start(payload[:4096]):
        return out(skipped=SKIP_NON_HTML), False
    return out(data=payload), False
