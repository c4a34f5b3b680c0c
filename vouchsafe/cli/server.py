"""``vouchsafe server``: runs the reference server (Starlette on uvicorn)."""

from __future__ import annotations

import argparse
import os

NAME = "server"
HELP = "run the provider's reference server (voucher intake, review, reports, appeals)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=None,
        help="database URL: sqlite:///relative.db, sqlite:////absolute.db, memory: or "
        "postgresql://user@host/db (default: $VOUCHSAFE_DB or sqlite:///vouchsafe-server.db)",
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
        "--public-requests-per-second",
        type=float,
        default=None,
        help="unsigned requests (GET/HEAD, registration, console sign-in) per second from one "
        "address after a burst; faster ones wait their turn (default 20; 0 = off, e.g. behind "
        "a proxy)",
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
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes sharing the database (PostgreSQL, or SQLite on one machine)",
    )


def run(args: argparse.Namespace) -> int:
    from vouchsafe.server.app import build_context, create_app
    from vouchsafe.server.serving import serve
    from vouchsafe.server.settings import settings_from_env

    if args.workers < 1:
        print("error: --workers must be at least 1")
        return 2
    overrides = {
        "VOUCHSAFE_DB": args.db,
        "VOUCHSAFE_RELEASE_DIR": args.release_dir,
        "VOUCHSAFE_STAFF_KEYS": args.staff_keys,
        "VOUCHSAFE_PROVIDER_KEY": args.provider_key,
        "VOUCHSAFE_MATCH_THRESHOLD": args.match_threshold,
        "VOUCHSAFE_SCHEDULE_INTERVAL_S": args.schedule_interval,
        "VOUCHSAFE_CHECKPOINT_INTERVAL_S": args.checkpoint_interval,
        "VOUCHSAFE_MAX_CONNECTIONS": args.max_connections,
        "VOUCHSAFE_MAX_CONNECTIONS_PER_CLIENT": args.max_connections_per_client,
        "VOUCHSAFE_PUBLIC_REQUESTS_PER_S": args.public_requests_per_second,
        "VOUCHSAFE_HEADER_TIMEOUT_S": args.header_timeout,
        "VOUCHSAFE_BODY_TIMEOUT_S": args.body_timeout,
    }
    if args.previous_release_dir:
        overrides["VOUCHSAFE_PREVIOUS_RELEASE_DIRS"] = os.pathsep.join(args.previous_release_dir)
    # The options travel as VOUCHSAFE_* variables so every worker process reads the same ones.
    os.environ.update({k: str(v) for k, v in overrides.items() if v is not None})
    settings = settings_from_env()
    where = f"http://{args.host}:{args.port} ({settings.db_url})"
    if args.workers == 1:
        app = create_app(settings)
        print(f"vouchsafe server: listening on {where}")
        serve(app, settings, args.host, args.port)
        return 0
    if settings.db_url.startswith("memory"):
        print("error: --workers needs a shared database (postgresql://... or sqlite:///PATH)")
        return 2
    # Migrate, create the provider key and provision staff once, before the workers start.
    build_context(settings).storage.close()
    print(f"vouchsafe server: {args.workers} workers listening on {where}")
    serve("vouchsafe.server.app:app_from_env", settings, args.host, args.port, args.workers)
    return 0
