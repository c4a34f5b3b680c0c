"""``vouchsafe staff``: the reviewer's, authority's and auditor's side of the reference server.

``keygen`` makes a staff signing key (give the printed public key to the operator's staff
file); ``login`` signs a console sign-in challenge; ``queue`` lists review items; ``reveal``
fetches one item's visual derivative into a file for a person to look at (the server records
the exposure, and refuses a confirmation without one); ``decide`` records a decision;
``reports`` and ``dispose`` are the stand-in authority's;
``audit`` asks the server to verify its log.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

NAME = "staff"
HELP = "review, report handling and audit against a running reference server (staff roles)"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    keygen = sub.add_parser("keygen", help="create a staff signing key; prints its public key")
    keygen.add_argument("--out", default="staff.key", help="seed file to write (mode 0600)")

    def with_server(name: str, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text)
        command.add_argument("--server", default="http://127.0.0.1:8080", help="server URL")
        command.add_argument("--key", default="staff.key", help="staff seed file (from keygen)")
        return command

    login = with_server("login", "sign a console sign-in challenge; prints the sign-in code")
    login.add_argument(
        "--challenge", default="", help="the challenge the sign-in page shows (else a fresh one)"
    )
    with_server("queue", "list pending review items (derivatives stay on the server)")
    reveal = with_server("reveal", "fetch one item's visual derivative (the exposure is recorded)")
    reveal.add_argument("review_id")
    reveal.add_argument("--out", default="review", help="folder for the visual derivative")
    decide = with_server("decide", "record a decision on one review item")
    decide.add_argument("review_id")
    verdict = decide.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--confirmed", action="store_true", help="the item is what is listed")
    verdict.add_argument("--not-confirmed", action="store_true", help="it is not")
    decide.add_argument("--urgent", action="store_true", help="flag the report as urgent")
    decide.add_argument("--notes", default="", help="reviewer's notes")
    with_server("reports", "list reports delivered to the authority (signatures checked)")
    dispose = with_server("dispose", "authority: mark a report forwarded or manifestly unfounded")
    dispose.add_argument("report_id")
    outcome = dispose.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--forwarded", action="store_true")
    outcome.add_argument("--unfounded", action="store_true")
    dispose.add_argument("--reason", default="", help="required with --unfounded")
    with_server("audit", "auditor: have the server verify its audit log")


def run(args: argparse.Namespace) -> int:
    if args.staff_command == "keygen":
        return _keygen(Path(args.out))
    from vouchsafe.cli import UsageError
    from vouchsafe.sdk.api import ApiClient
    from vouchsafe.sdk.errors import ServerRejected, ServerUnreachable

    client = ApiClient(args.server, _load_key(Path(args.key)))
    try:
        return int(_ACTIONS[args.staff_command](client, args))
    except ServerRejected as exc:
        raise UsageError(f"the server refused: {exc.server_code}: {exc}") from exc
    except ServerUnreachable as exc:
        raise UsageError(f"cannot reach {args.server}: {exc}") from exc
    finally:
        client.close()


def _keygen(out: Path) -> int:
    import os

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vouchsafe.cli import UsageError

    key = Ed25519PrivateKey.generate()
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise UsageError(f"{out} exists; refusing to overwrite a key") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes_raw())
    print(f"wrote {out}; public key {key.public_key().public_bytes_raw().hex()}")
    return 0


def _load_key(path: Path) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vouchsafe.cli import UsageError

    try:
        seed = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read staff key {path} (make one with: staff keygen)") from exc
    if len(seed) != 32:
        raise UsageError(f"{path} is not a 32-byte Ed25519 seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def _login(client: Any, args: argparse.Namespace) -> int:
    from vouchsafe.sdk.console_signin import sign_in_code

    challenge = args.challenge.strip() or client.console_challenge()
    print(sign_in_code(challenge, client.signing_key))
    return 0


def _queue(client: Any, args: argparse.Namespace) -> int:
    items = client.review_queue()
    for item in items:
        kind = "APPEAL" if item.appeal_id else "match"
        print(
            f"{item.review_id}  {kind}  account {item.account_id}  entry {item.matched_entry_id}"
            f"  distance {item.match_distance}"
            + (f"  appeal: {item.appeal_reason!r}" if item.appeal_id else "")
        )
    print(f"{len(items)} item(s) waiting; `staff reveal REVIEW_ID` fetches a derivative")
    return 0


def _reveal(client: Any, args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    revealed = client.reveal(args.review_id)
    suffix = ".png" if revealed.visual_derivative_type == "image/png" else ".bin"
    path = out / f"{revealed.review_id}{suffix}"
    path.write_bytes(revealed.visual_derivative)
    print(f"derivative of {revealed.review_id} written to {path} (exposure recorded)")
    return 0


def _decide(client: Any, args: argparse.Namespace) -> int:
    answer = client.decide(
        args.review_id,
        bool(args.confirmed),
        notes=args.notes,
        urgent=bool(args.urgent),
    )
    print(f"decision {answer.decision_id} recorded")
    if answer.report_id:
        print(f"report {answer.report_id} delivered to the authority")
    if answer.appeal_id:
        print(f"appeal {answer.appeal_id} decided")
    return 0


def _reports(client: Any, args: argparse.Namespace) -> int:
    from vouchsafe.protocol import api_pb2
    from vouchsafe.sdk.api.provider_signatures import verify_signed_report

    provider_key = client.provider().public_key
    entries = client.reports()
    for entry in entries:
        report = verify_signed_report(entry.signed_report, provider_key)
        status = api_pb2.ReportStatus.Name(entry.status).removeprefix("REPORT_STATUS_").lower()
        print(
            f"{entry.report_id}  {status}  account {report.account_id}  items {len(report.items)}"
            f"  urgent {report.urgent}  signature OK"
            + (f"  reason: {entry.reason!r}" if entry.reason else "")
        )
    print(f"{len(entries)} report(s)")
    return 0


def _dispose(client: Any, args: argparse.Namespace) -> int:
    from vouchsafe.protocol import api_pb2

    answer = client.dispose(args.report_id, bool(args.forwarded), args.reason)
    print(f"{answer.report_id}: {api_pb2.ReportStatus.Name(answer.status)}")
    return 0


def _audit(client: Any, args: argparse.Namespace) -> int:
    result = client.audit_verify()
    if result["ok"]:
        print(f"audit log OK: {result['entries']} entries, {result['checkpoints']} checkpoints")
        return 0
    print(f"audit log BROKEN at entry {result['first_broken_seq']}: {result['reason']}")
    return 1


_ACTIONS = {
    "login": _login,
    "queue": _queue,
    "reveal": _reveal,
    "decide": _decide,
    "reports": _reports,
    "dispose": _dispose,
    "audit": _audit,
}
