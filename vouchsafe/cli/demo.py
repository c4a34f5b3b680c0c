"""``vouchsafe demo``: the whole system end to end, on embedded benign defaults (about a minute).

Builds signed source lists and a release from the shared benign corpus, starts the reference
server on a free loopback port (SQLite in a temporary folder), lets messenger users exchange
end-to-end encrypted text and photos over the HTTP API (one sends more than t copies of "known"
photos, one fewer than t), walks threshold, review, report, appeal and transparency, verifies the
audit log, searches the server's files for plaintext, and writes one self-contained HTML report.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vouchsafe.demo.result import DemoSettings

NAME = "demo"
HELP = "run the end-to-end demo on embedded defaults and write an HTML report"

DEFAULT_OUT = Path("out") / "demo"


def configure(parser: argparse.ArgumentParser) -> None:
    """The demo's knobs; every one has a default."""
    parser.add_argument("--users", type=int, default=4, help="number of users (>= 2; default 4)")
    parser.add_argument(
        "--images-per-user",
        type=int,
        default=10,
        help="photos each user sends (default 10; at least 2t)",
    )
    parser.add_argument(
        "--threshold",
        type=int,
        default=4,
        help="match threshold t (default 4; Apple's 2021 design used 30)",
    )
    parser.add_argument(
        "--synthetic-rate",
        type=float,
        default=0.05,
        help="probability that a voucher is synthetic (default 0.05)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed for who sends which photo")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="folder of benign images (default: ../shared/corpus)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"report folder (default: {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep the working files (server DB, logs, profiles) in this folder",
    )
    parser.add_argument(
        "--db",
        default=None,
        help="the server's database, an empty one: postgresql://user@host/db "
        "(default: SQLite in the working folder)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.add_argument(
        "--serve",
        action="store_true",
        help="after the demo, keep the server up so a person can use the web console "
        "(staff keys are written for `vouchsafe staff login`); Enter or Ctrl-C stops it",
    )


def _serve(console_url: str, key_files: dict[str, Path]) -> None:
    """Prints how to sign in to the console, then waits until the person is done."""
    import threading

    print(f"\nThe server is up. Web console: {console_url}")
    print("Sign in with a staff key: open the console, then sign its challenge with")
    for name, path in key_files.items():
        print(f"  {name:<12} vouchsafe staff login --key {path} --challenge CHALLENGE")
    print(f"Public transparency page: {console_url.removesuffix('/console/')}/transparency")
    try:
        input("Press Enter (or Ctrl-C) to stop the server... ")
    except EOFError:  # no terminal: serve until interrupted
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


def _settings(args: argparse.Namespace) -> DemoSettings:
    from vouchsafe.cli import UsageError
    from vouchsafe.demo.result import DemoSettings

    if args.users < 2:
        raise UsageError("--users must be at least 2 (one above and one below the threshold)")
    if args.threshold < 2:
        raise UsageError("--threshold must be at least 2")
    # Forwarded copies survive the PSI candidates about 80% of the time (vouchsafe/demo/images.py),
    # so the flagged user sends 2t of them to pass t with high probability.
    heavy = 2 * args.threshold
    if args.images_per_user < heavy:
        raise UsageError(
            f"--images-per-user must be at least 2t = {heavy} so that one user "
            "sends clearly more than t known items"
        )
    if not 0.0 <= args.synthetic_rate < 1.0:
        raise UsageError("--synthetic-rate must be in [0, 1)")
    return DemoSettings(
        users=args.users,
        images_per_user=args.images_per_user,
        threshold=args.threshold,
        synthetic_rate=args.synthetic_rate,
        seed=args.seed,
        heavy_known=heavy,
        light_known=args.threshold - 1,
    )


def run(args: argparse.Namespace) -> int:
    """Runs the demo, writes the report, prints the summary; 0 when every check passed."""
    from vouchsafe.cli import UsageError
    from vouchsafe.corpus import default_corpus_dir
    from vouchsafe.demo.report import write_report
    from vouchsafe.demo.run import run_demo
    from vouchsafe.demo.summary import summary_lines
    from vouchsafe.server.storage.engine import is_postgresql_url

    settings = _settings(args)
    corpus = args.corpus or default_corpus_dir()
    if not (corpus / "MANIFEST.tsv").is_file():
        raise UsageError(f"the benign corpus was not found at {corpus} (MANIFEST.tsv missing)")
    print("vouchsafe demo: every image is a benign, openly licensed stand-in")
    if args.db is not None and not is_postgresql_url(args.db):
        raise UsageError("--db takes a postgresql:// URL (the default is SQLite)")
    result = run_demo(
        settings,
        corpus,
        progress=not args.no_progress,
        keep_dir=args.keep,
        serve=_serve if args.serve else None,
        db_url=args.db,
    )
    path = write_report(result, args.out)
    lines, ok = summary_lines(result)
    print()
    for line in lines:
        print(line)
    print(f"\nHTML report: {path.resolve()}")
    if result.console_url and not args.serve:
        print(
            f"Web console: {result.console_url} (served while the demo ran, now stopped: "
            "`vouchsafe demo --serve` keeps the server up to click through)"
        )
    return 0 if ok else 1
