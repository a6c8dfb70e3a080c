"""The eventwire command line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from . import __version__
from .config import Settings
from .errors import EventwireError, InputError, UsageError

log = logging.getLogger("eventwire")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="eventwire", description="Turn news articles into event records.")
    ap.add_argument("--version", action="version", version=f"eventwire {__version__}")
    ap.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    ex = sub.add_parser("extract", help="print the record of each article (JSON; JSON Lines for several)")
    ex.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or - for standard input")
    ex.add_argument("--model", default=os.environ.get("EVENTWIRE_MODEL") or None,
                    help="spaCy pipeline to use (default: $EVENTWIRE_MODEL, else en_core_web_sm)")
    ex.add_argument("--url", help="the page's URL, when reading a single page")
    ex.add_argument("--jsonl", action="store_true", help="always print JSON Lines, one record a line")
    ex.add_argument("--max-mb", type=float, default=20.0, help="refuse inputs larger than this (MB)")
    return ap



def cmd_extract(args: argparse.Namespace) -> int:
    from .extract import extract_bytes
    from .pipeline import Pipeline
    from .sources import iter_inputs

    settings = Settings(model=args.model, max_bytes=int(args.max_mb * 1_000_000))
    pipeline = Pipeline(settings)
    many = args.jsonl or len(args.paths) > 1 or any(p != "-" and _is_dir(p) for p in args.paths)
    done = failed = 0
    for raw in iter_inputs(args.paths, settings.max_bytes):
        if raw.error:
            _fail(raw.name, raw.error)
            failed += 1
            continue
        try:
            doc = extract_bytes(raw.data, raw.name, pipeline, url=args.url)
        except InputError as exc:
            _fail(raw.name, str(exc))
            failed += 1
            continue
        except EventwireError:
            raise
        except Exception as exc:  # one bad article must not stop the others
            if args.debug:
                raise
            _fail(raw.name, f"internal error ({type(exc).__name__}: {exc}); rerun with --debug")
            failed += 1
            continue
        rec = doc.to_record()
        if many:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False, indent=2) + "\n")
        sys.stdout.flush()
        done += 1
    if failed and not done:
        return 1
    return 0


def _is_dir(p: str) -> bool:
    return os.path.isdir(p)


def _fail(name: str, message: str) -> None:
    print(f"eventwire: {name}: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(format="eventwire: %(levelname)s: %(message)s", level=logging.WARNING)
    # Third-party extractors log their own diagnostics at WARNING; keep the user's stderr ours.
    for noisy in ("trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    ap = _parser()
    args = ap.parse_args(argv)
    if not args.command:
        ap.print_help(sys.stderr)
        return 2
    try:
        if args.command == "extract":
            return cmd_extract(args)
    except UsageError as exc:
        print(f"eventwire: {exc}", file=sys.stderr)
        return 2
    except EventwireError as exc:
        print(f"eventwire: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("eventwire: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
