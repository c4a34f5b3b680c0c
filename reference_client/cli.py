"""The actions behind ``vouchsafe client``: each prints what happened in plain words.

Errors the user can fix (server unreachable, unknown recipient, unreadable file, missing
profile) are raised as typed MessengerErrors and printed by the CLI as one line, exit 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from vouchsafe.messenger.detection_hook import DISCLOSURE_TEXT
from vouchsafe.messenger.device import close_device, create_device, open_device
from vouchsafe.messenger.errors import ProfileError
from vouchsafe.messenger.media import prepare_photo
from vouchsafe.messenger.messenger import InboxEntry, Messenger
from vouchsafe.messenger.profile import default_profile_dir


def run_action(args: argparse.Namespace) -> int:
    """Dispatches ``args.action``; returns the exit status."""
    folder: Path = args.profile or default_profile_dir()
    if args.action == "init":
        return _init(folder, args)
    messenger = open_device(folder)
    try:
        if args.action == "send":
            return _send(messenger, args)
        if args.action == "inbox":
            return _inbox(messenger, show_all=args.all)
        if args.action == "verify":
            return _verify(messenger, args.contact, confirm=args.confirm)
        if args.action == "appeal":
            appeal_id = messenger.appeal(args.report_id, args.reason)
            print(
                f"appeal {appeal_id} filed for report {args.report_id}; "
                "a different reviewer will decide"
            )
            return 0
    finally:
        close_device(messenger)
    raise ProfileError(f"unknown action {args.action}", field="action")


def _init(folder: Path, args: argparse.Namespace) -> int:
    print(DISCLOSURE_TEXT)
    messenger = create_device(folder, args.name, args.server, args.release_key)
    try:
        messenger.profile.set_setting("disclosure_shown", True)
        account_id = messenger.profile.setting("account_id")
        print(f"profile for {messenger.profile.name} created in {folder} (files mode 0600)")
        print(f"registered on {messenger.profile.server_url} as account {account_id}")
        print(f"release in use: {messenger.profile.setting('release_id')}")
    finally:
        close_device(messenger)
    return 0


def _send(messenger: Messenger, args: argparse.Namespace) -> int:
    if args.text is not None:
        outcome = messenger.send_text(args.to, args.text)
        print(
            f"text sent to {outcome.recipient} ({outcome.ciphertext_bytes} bytes of ciphertext; "
            "text is never scanned)"
        )
        return 0
    photo = prepare_photo(args.file)
    if photo.recompressed:
        print(f"{args.file} is large; sending a compressed copy ({len(photo.data)} bytes)")
    outcome = messenger.send_media(args.to, photo.data, photo.media_type, photo.file_name)
    print(f"photo sent to {outcome.recipient} ({outcome.ciphertext_bytes} bytes of ciphertext)")
    if outcome.voucher_id is not None:
        print(f"safety voucher {outcome.voucher_id.hex()} made on this device")
    if outcome.flush is not None:
        if outcome.flush.pending:
            print(
                f"{outcome.flush.pending} voucher(s) queued; upload will be retried "
                f"({outcome.flush.last_error})"
            )
        else:
            print(f"{outcome.flush.uploaded} voucher(s) uploaded")
        if outcome.flush.rejected:
            print(
                f"{outcome.flush.rejected} voucher(s) refused by the server and set aside "
                f"in {messenger.profile.folder / 'voucher-queue'}"
            )
    return 0


def _show(entry: InboxEntry) -> None:
    when = dt.datetime.fromtimestamp(entry.sent_at, dt.UTC).strftime("%Y-%m-%d %H:%M")
    if entry.error is not None:
        print(f"  [could not open a message: {entry.error}]")
    elif entry.text is not None:
        print(f"  {when} {entry.sender}: {entry.text}")
    else:
        print(f"  {when} {entry.sender}: [{entry.media_type}] saved to {entry.media_path}")


def _inbox(messenger: Messenger, *, show_all: bool) -> int:
    flush = messenger.flush_vouchers()
    new = messenger.receive()
    entries = messenger.stored_messages() if show_all else new
    print(f"{len(new)} new message(s)")
    for entry in entries:
        _show(entry)
    for note in messenger.notifications():
        report = f" (report {note.report_id})" if note.report_id else ""
        print(f"notice from the provider: {note.text}{report}")
    if flush is not None and flush.pending:
        print(f"{flush.pending} safety voucher(s) still queued for upload")
    return 0


def _verify(messenger: Messenger, contact: str, *, confirm: bool) -> int:
    number = messenger.safety_number_with(contact)
    print(f"safety number with {contact}:")
    print(f"  {number}")
    if confirm:
        messenger.profile.mark_verified(contact)
        print(f"{contact} marked as verified")
    else:
        print(
            f"compare it with {contact} in person; if it matches run "
            f"`vouchsafe client verify {contact} --confirm`"
        )
    return 0
