"""``vouchsafe client``: the reference messenger (init, send, inbox, verify, appeal)."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "client"
HELP = "the reference E2EE messenger with the detection hook (init, send, inbox, verify, appeal)"


def configure(parser: argparse.ArgumentParser) -> None:
    """One sub-action per use case; ``--profile`` picks the device folder."""
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="device profile folder (default: $VOUCHSAFE_CLIENT_HOME or ~/.vouchsafe/client)",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = actions.add_parser("init", help="create identity keys, register, show the disclosure")
    init.add_argument("--name", required=True, help="your user name on the server")
    init.add_argument(
        "--server",
        default=None,
        help="server URL (default: $VOUCHSAFE_SERVER or http://127.0.0.1:8080)",
    )
    init.add_argument(
        "--release-key",
        default=None,
        help="hex Ed25519 key releases must be signed with (default: from server)",
    )
    send = actions.add_parser("send", help="send an end-to-end encrypted text or photo")
    send.add_argument("--to", required=True, help="recipient's user name")
    body = send.add_mutually_exclusive_group(required=True)
    body.add_argument("--text", help="a text message (never scanned)")
    body.add_argument("--file", type=Path, help="a photo to send (vouchered before sending)")
    inbox = actions.add_parser("inbox", help="fetch, decrypt and show new messages")
    inbox.add_argument("--all", action="store_true", help="show every message stored here")
    verify = actions.add_parser("verify", help="show the safety number with a contact")
    verify.add_argument("contact", help="the contact's user name")
    verify.add_argument(
        "--confirm", action="store_true", help="record that you compared the number and it matched"
    )
    appeal = actions.add_parser("appeal", help="appeal an action taken on your account")
    appeal.add_argument("report_id", metavar="REPORT_ID")
    appeal.add_argument("--reason", required=True, help="why the decision is wrong")


def run(args: argparse.Namespace) -> int:
    """Runs the chosen action; user errors surface as one line and exit status 2."""
    from vouchsafe.messenger.cli import run_action

    return run_action(args)
