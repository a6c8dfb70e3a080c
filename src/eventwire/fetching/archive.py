"""Raw responses as WARC (request + response records), in rotating .warc.gz files `eventwire ingest` replays."""

from __future__ import annotations

import io
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROTATE_BYTES = 100_000_000  # start a new file past this size
# Headers that describe the transfer, not the stored body (which httpx has already decoded).
_TRANSFER = ("content-encoding", "transfer-encoding", "content-length")


class WarcArchive:
    """Appends each response to ``folder``/eventwire-<UTC time>-<pid>.warc.gz; thread-safe."""

    def __init__(self, folder: str | os.PathLike, rotate_bytes: int = ROTATE_BYTES) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.rotate_bytes = rotate_bytes
        self._lock = threading.Lock()
        self._path: Path | None = None
        self._n = 0

    @property
    def path(self) -> Path | None:
        return self._path

    def _target(self) -> Path:
        if self._path is None or self._path.stat().st_size >= self.rotate_bytes:
            self._n += 1
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            self._path = self.folder / f"eventwire-{stamp}-{os.getpid()}-{self._n:04d}.warc.gz"
            self._path.touch()
        return self._path

    def write(self, resp) -> None:
        """One ``client.Response`` as a request record and a response record (written in one append)."""
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        headers = [(k, v) for k, v in resp.headers.items() if k not in _TRANSFER]
        headers.append(("Content-Length", str(len(resp.body))))
        http = StatusAndHeaders(f"{resp.status} OK", headers, protocol="HTTP/1.1")
        rec = writer.create_warc_record(resp.url, "response", payload=io.BytesIO(resp.body), http_headers=http)
        path = resp.url.split("://", 1)[-1].split("/", 1)
        req_http = StatusAndHeaders(f"GET /{path[1] if len(path) > 1 else ''} HTTP/1.1",
                                    list(resp.request_headers.items()), is_http_request=True)
        req = writer.create_warc_record(resp.url, "request", http_headers=req_http)
        writer.write_request_response_pair(req, rec)
        with self._lock, open(self._target(), "ab") as fh:
            fh.write(buf.getvalue())  # one append per pair: a killed run leaves at most one torn pair
            fh.flush()
