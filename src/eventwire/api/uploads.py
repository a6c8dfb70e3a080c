"""Request bodies of the write endpoints, written to a file chunk by chunk and never held whole in memory.

A body over the limit is refused at once when its Content-Length says so (nothing is read),
else as soon as the bytes read pass the limit (a chunked body has no length): the partial
file is removed and the rest of the body is never read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from anyio import to_thread
from starlette.requests import ClientDisconnect, Request

from .errors import ApiError

HEAD_BYTES = 8192  # kept in memory for the content checks (WARC sniffing needs 4096)
_WRITE_BYTES = 1 << 20  # chunks are gathered up to this much, then written from a worker thread


@dataclass
class Upload:
    path: Path
    size: int
    head: bytes  # the first HEAD_BYTES bytes


def megabytes(n: int) -> str:
    return f"{n / 1e6:g} MB"


def check_length(request: Request, limit: int, what: str) -> None:
    """413 now when the declared Content-Length is over ``limit``; 400 when it is not a length."""
    declared = request.headers.get("content-length")
    if declared is None:
        return
    if not declared.strip().isdigit():
        raise ApiError(400, f"Content-Length {declared!r} is not a number of bytes")
    if int(declared) > limit:
        raise ApiError(413, f"{what} of {megabytes(int(declared))} is over the {megabytes(limit)} limit")


async def receive(request: Request, path: Path, limit: int, what: str,
                  check_head: Callable[[bytes], None] | None = None) -> Upload:
    """Write the body to ``path`` (created here, removed again on any refusal); 413 past ``limit`` bytes,
    400 when it is empty or the client goes away.

    ``check_head`` sees the first HEAD_BYTES bytes (all of a shorter body) as soon as they are in, and
    raises ApiError for a body that is not what the endpoint takes: the rest of it is then never read.
    """
    check_length(request, limit, what)
    size, head, pending, pending_bytes, checked = 0, b"", [], 0, check_head is None
    fh = await to_thread.run_sync(lambda: open(path, "xb"))
    try:
        try:
            async for chunk in request.stream():
                if not chunk:
                    continue
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, f"{what} is over the {megabytes(limit)} limit")
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                    if len(head) == HEAD_BYTES and not checked:
                        check_head(head)
                        checked = True
                pending.append(chunk)
                pending_bytes += len(chunk)
                if pending_bytes >= _WRITE_BYTES:
                    data, pending, pending_bytes = b"".join(pending), [], 0
                    await to_thread.run_sync(fh.write, data)
        except ClientDisconnect:
            raise ApiError(400, f"the client went away before the end of the {what}") from None
        if pending:
            await to_thread.run_sync(fh.write, b"".join(pending))
        await to_thread.run_sync(fh.close)
        if size == 0:
            raise ApiError(400, f"the {what} is empty")
        if not checked:
            check_head(head)
    except BaseException:
        fh.close()
        path.unlink(missing_ok=True)
        raise
    return Upload(path, size, head)
