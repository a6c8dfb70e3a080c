"""Memory and time of `eventwire serve` refusing large uploads (the write endpoints, issue 11).

Starts `eventwire serve` on an empty store, then POSTs to /api/warc, over plain HTTP:
a chunked body of SIZE MB that looks like a WARC (read up to the limit, then 413), the same
that is no WARC (422 after its first 8 KB), and one that declares SIZE MB in Content-Length
(413 on the headers alone). For each it prints the server's peak resident memory (VmHWM)
before and after, the bytes the client got to send before the answer, and the time to the answer.

    python benchmarks/upload_memory.py [--mb 100] [--limit-mb 50]
"""

from __future__ import annotations

import argparse
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
from http.client import HTTPResponse
from pathlib import Path

TOKEN = "benchmark-token-0123456789"


def vm_hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM")


def post(port: int, headers: dict, chunks, chunked: bool) -> tuple[int, str, int]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    sent = 0
    try:
        head = ["POST /api/warc HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Authorization: Bearer {TOKEN}",
                "Content-Type: application/warc", *(f"{k}: {v}" for k, v in headers.items())]
        if chunked:
            head.append("Transfer-Encoding: chunked")
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        for chunk in chunks:
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        resp = HTTPResponse(sock)
        resp.begin()
        return resp.status, json.loads(resp.read())["error"], sent
    finally:
        sock.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=100, help="size of each upload (MB)")
    ap.add_argument("--limit-mb", type=float, default=50, help="the server's --max-upload-mb")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        from eventwire.store import Store

        db = str(Path(tmp) / "events.db")
        Store(db).close()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "EVENTWIRE_API_TOKEN": TOKEN, "TMPDIR": tmp}
        proc = subprocess.Popen([sys.executable, "-m", "eventwire", "serve", "--db", db, "--port", str(port),
                                 "--max-upload-mb", str(args.limit_mb)], env=env, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            mib = 1 << 20
            cases = [
                ("chunked, looks like a WARC", {}, lambda: (b"WARC/1.0\r\n" + b"x" * (mib - 10)
                                                            for _ in range(args.mb)), True),
                ("chunked, not a WARC", {}, lambda: (b"a" * mib for _ in range(args.mb)), True),
                ("Content-Length declared", {"Content-Length": str(args.mb * mib)},
                 lambda: (b"WARC/1.0\r\n" + b"x" * (mib - 10) for _ in range(args.mb)), False),
            ]
            print(f"{args.mb} MB uploads to POST /api/warc, server limit {args.limit_mb:g} MB")
            for label, headers, body, chunked in cases:
                before = vm_hwm(proc.pid)
                t0 = time.perf_counter()
                status, error, sent = post(port, headers, body(), chunked)
                took = time.perf_counter() - t0
                after = vm_hwm(proc.pid)
                print(f"  {label:28s} -> {status} in {took:5.2f} s, {sent / 1e6:6.1f} MB sent; server peak RSS "
                      f"{before / 1e6:.1f} -> {after / 1e6:.1f} MB (+{(after - before) / 1e6:.1f}); {error}")
            left = [f for d in Path(tmp).glob("eventwire-uploads-*") for f in d.iterdir()]
            print(f"  upload files left on disk: {len(left)}")
        finally:
            proc.terminate()
            proc.wait(timeout=60)


if __name__ == "__main__":
    main()
