"""``vouchsafe server``: runs the reference server (Starlette on uvicorn)."""

from __future__ import annotations

import argparse

NAME = "server"
HELP = "run the provider's reference server (voucher intake, review, reports, appeals)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=None,
        help="database URL: sqlite:///relative.db, sqlite:////absolute.db or memory: "
        "(default: $VOUCHSAFE_DB or sqlite:///vouchsafe-server.db)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on")
    parser.add_argument(
        "--release-dir", default=None, help="release folder with its private server bundle"
    )
    parser.add_argument(
        "--previous-release-dir",
        action="append",
        default=None,
        help=(
            "an earlier release folder of the same chain (repeatable): deltas are served from "
            "it and its vouchers are processed until its expiry plus the grace period"
        ),
    )
    parser.add_argument(
        "--staff-keys", default=None, help="JSON file of staff {name, role, public_key hex}"
    )
    parser.add_argument("--provider-key", default=None, help="provider Ed25519 seed file")
    parser.add_argument(
        "--match-threshold", type=int, default=None, help="match threshold t (default 30)"
    )
    parser.add_argument(
        "--schedule-interval", type=float, default=None, help="seconds between scheduled passes"
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=None,
        help="connections open at once; more are refused with 503 (default 1000, kept below "
        "the descriptor limit)",
    )
    parser.add_argument(
        "--max-connections-per-client",
        type=int,
        default=None,
        help="connections from one address (default 64; 0 = no cap, e.g. behind a proxy)",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=None,
        help="seconds for a request's headers to arrive (default 10)",
    )
    parser.add_argument(
        "--body-timeout",
        type=float,
        default=None,
        help="seconds for a request's whole body to arrive (default 30)",
    )
    parser.add_argument(
        "--checkpoint-interval",
        type=float,
        default=None,
        help="seconds between signed audit checkpoints (default 30; also at shutdown)",
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from vouchsafe.server.app import create_app
    from vouchsafe.server.serving import serve
    from vouchsafe.server.settings import load_staff_keys, settings_from_env

    settings = settings_from_env(
        db_url=args.db,
        release_dir=Path(args.release_dir) if args.release_dir else None,
        previous_release_dirs=(
            tuple(Path(p) for p in args.previous_release_dir) if args.previous_release_dir else None
        ),
        staff=load_staff_keys(Path(args.staff_keys)) if args.staff_keys else None,
        provider_key_path=Path(args.provider_key) if args.provider_key else None,
        schedule_interval_s=args.schedule_interval,
        checkpoint_interval_s=args.checkpoint_interval,
        max_connections=args.max_connections,
        max_connections_per_client=args.max_connections_per_client,
        header_timeout_s=args.header_timeout,
        body_timeout_s=args.body_timeout,
        match_threshold=args.match_threshold,
    )
    app = create_app(settings)
    print(f"vouchsafe server: listening on http://{args.host}:{args.port} ({settings.db_url})")
    serve(app, settings, args.host, args.port)
    return 0
