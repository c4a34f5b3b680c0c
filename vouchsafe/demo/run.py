"""The end-to-end demo: every step of the system, for real, on benign stand-ins.

``run_demo`` builds a release from signed benign source lists, starts the reference server in a
child process (SQLite in a temporary folder, or the PostgreSQL database given), lets messenger
devices exchange text and photos over the HTTP API, and then walks the provider's side: what the
server saw, who crossed the threshold, review, report, authority, appeal, transparency, audit
log. It prints each step, checks the server's files for plaintext, and returns a
:class:`DemoResult` for the HTML report.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from vouchsafe.demo.images import split_corpus
from vouchsafe.demo.leakcheck import (
    Needle,
    find_plaintext,
    media_needles,
    server_files,
    text_needles,
)
from vouchsafe.demo.provider import ProviderSide
from vouchsafe.demo.release import build_demo_release
from vouchsafe.demo.result import DemoResult, DemoSettings, Step
from vouchsafe.demo.server_process import ServerProcess, demo_server_args
from vouchsafe.demo.staff import make_staff, write_staff_keys
from vouchsafe.demo.users import close_all, create_users, deliver, exchange
from vouchsafe.server.hashset.blinding import HashSetBlinder

Echo = Callable[[str], None]


class Steps:
    """Prints numbered steps as they happen and keeps them for the report."""

    def __init__(self, result: DemoResult, echo: Echo) -> None:
        self.result = result
        self.echo = echo

    def add(self, title: str, lines: list[str]) -> None:
        """Prints and records one step."""
        number = len(self.result.steps) + 1
        self.echo(f"\n[{number}] {title}")
        for line in lines:
            self.echo(f"    {line}")
        self.result.steps.append(Step(title, tuple(lines)))


def _server_snapshot(db_url: str) -> dict[str, object]:
    """What an operator with database access sees: row counts and per-account voucher counts."""
    from sqlalchemy import func, select

    from vouchsafe.server.storage import open_storage
    from vouchsafe.server.storage.schema import messages, vouchers

    storage = open_storage(db_url)
    try:
        with storage.read() as tx:
            db = tx.tx.db
            count, size = db.execute(
                select(func.count(), func.coalesce(func.sum(func.length(messages.c.ciphertext)), 0))
            ).one()
            sample = db.execute(select(messages.c.ciphertext).limit(1)).scalar()
            grouped = select(vouchers.c.account_id, func.count()).group_by(vouchers.c.account_id)
            per_account = {str(row[0]): int(row[1]) for row in db.execute(grouped)}
    finally:
        storage.close()
    return {
        "message_count": int(count),
        "message_bytes": int(size),
        "sample": bytes(sample[:48]).hex() if sample else "",
        "vouchers_per_account": per_account,
    }


def _database_contents(db_url: str, into: Path) -> Path:
    """Every stored value of a PostgreSQL database, written to one file for the plaintext check
    (a SQLite database is checked as its files, WAL included)."""
    from sqlalchemy import select

    from vouchsafe.server.storage import open_storage
    from vouchsafe.server.storage.schema import metadata

    storage = open_storage(db_url)
    try:
        with storage.read() as tx, into.open("wb") as out:
            for table in metadata.sorted_tables:
                for row in tx.tx.db.execute(select(table)):
                    for value in row:
                        out.write(value if isinstance(value, bytes) else str(value).encode())
    finally:
        storage.close()
    return into


def _audit_verify(db_url: str, key_args: list[str]) -> tuple[bool, str]:
    """``vouchsafe audit verify`` pinned to the provider key the server signed with (beside a
    SQLite database by default; for PostgreSQL the ``--provider-key`` file the server was given)."""
    completed = subprocess.run(
        [sys.executable, "-m", "vouchsafe", "audit", "verify", "--db", db_url, *key_args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    output = (completed.stdout + completed.stderr).strip().splitlines()
    return completed.returncode == 0, (output[-1] if output else f"exit {completed.returncode}")


def run_demo(
    settings: DemoSettings,
    corpus_dir: Path,
    *,
    echo: Echo = print,
    progress: bool = True,
    keep_dir: Path | None = None,
    blinder: HashSetBlinder | None = None,
    db_url: str | None = None,
    serve: Callable[[str, dict[str, Path]], None] | None = None,
) -> DemoResult:
    """Runs the whole demo and returns what it observed (the caller writes the report).

    ``db_url``: the server's database (an empty one); by default SQLite in the work folder.
    With ``serve``, once the provider's side has run, the staff keys are written to files and
    ``serve(console_url, key_files)`` is called while the server is still up (it returns when
    the person is done); the server stops after it either way.
    """
    started = time.monotonic()
    result = DemoResult(settings)
    steps = Steps(result, echo)
    needles: list[Needle] = []
    with tempfile.TemporaryDirectory(prefix="vouchsafe-demo-") as tmp:
        work = keep_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        split = split_corpus(
            corpus_dir, settings.known_images, settings.ordinary_images, settings.seed
        )
        release = build_demo_release(work / "release", split.known, settings, blinder)
        result.release_entries = release.entry_count
        split = release.usable_split(split)
        steps.add("Hash set and release", release.describe())

        members, staff_file = make_staff(work)
        db_path, log_path = work / "server.db", work / "server.log"
        url = db_url or f"sqlite:///{db_path}"
        key_args = ["--provider-key", str(work / "provider.key")] if db_url else []
        server = ServerProcess(
            url,
            log_path,
            extra_args=[
                *demo_server_args(release.directory, staff_file, settings.threshold),
                *key_args,
            ],
        )
        with server:
            steps.add(
                "Reference server",
                [
                    f"listening on {server.url} (child process), "
                    + ("PostgreSQL" if db_url else f"SQLite at {db_path.name}"),
                    f"staff provisioned: {', '.join(f'{m.name} ({m.role})' for m in members)}",
                ],
            )
            users = create_users(work, settings, server.url, release.release_key_hex)
            result.accounts = [u.outcome for u in users]
            try:
                steps.add(
                    "Users",
                    [f"{u.name}: account {u.outcome.account_id[:12]}..., {u.role}" for u in users]
                    + [
                        "each device set up as `vouchsafe client init` does it: identity keys, "
                        "release key pinned, release verified (init also prints the disclosure)"
                    ],
                )

                def remember(label: str, data: bytes) -> None:
                    if label.startswith("text"):
                        needles.extend(text_needles(label, data.decode()))
                    else:
                        needles.extend(media_needles(label, data))

                total = settings.users * (2 + settings.images_per_user)
                with tqdm(total=total, desc="messages", unit="msg", disable=not progress) as bar:
                    exchange(users, split, settings, remember, lambda: bar.update())
                snapshot = _server_snapshot(url)
                result.server_blob_count = int(snapshot["message_count"])  # type: ignore[call-overload]
                result.server_blob_bytes = int(snapshot["message_bytes"])  # type: ignore[call-overload]
                per_account: dict[str, int] = snapshot["vouchers_per_account"]  # type: ignore[assignment]
                steps.add(
                    "Messages exchanged over the HTTP API",
                    [
                        f"{u.name} -> sent {u.outcome.texts_sent} texts and "
                        f"{u.outcome.photos_sent} photos "
                        f"({u.outcome.known_sent} copies of known items)"
                        for u in users
                    ],
                )
                steps.add(
                    "What the server saw",
                    [
                        f"{result.server_blob_count} opaque message blobs waiting in mailboxes, "
                        f"{result.server_blob_bytes} bytes; first bytes of one: "
                        f"{str(snapshot['sample'])[:48]}...",
                        *(
                            f"{u.name}: {per_account.get(u.outcome.account_id, 0)} safety vouchers "
                            "(a count of vouchers, not of matches)"
                            for u in users
                        ),
                    ],
                )
                deliver(users)
                steps.add(
                    "Delivery",
                    [
                        f"{u.name}: {u.outcome.messages_received_intact} of "
                        f"{u.outcome.messages_received} messages decrypted, signature-verified and "
                        "byte-identical to what was sent"
                        for u in users
                    ],
                )
                provider = ProviderSide(server.url, members, users, release, settings)
                for title, lines in provider.run():
                    steps.add(title, lines)
                result.transparency = provider.transparency
                result.reviewed = provider.reviewed
                result.console_url = f"{server.url}/console/"
                if serve is not None:
                    serve(result.console_url, write_staff_keys(members, work / "staff-keys"))
            finally:
                close_all(users)
        ok, detail = _audit_verify(url, key_args)
        result.audit_log_ok, result.audit_log_detail = ok, detail
        if db_url:
            files = [_database_contents(db_url, work / "database-contents.bin"), log_path]
        else:
            files = server_files(db_path, [log_path])
        result.plaintext_found_on_server = find_plaintext(files, needles)
        steps.add(
            "Audit log and plaintext check (server stopped)",
            [
                f"audit log: {'verified' if ok else 'FAILED'} ({detail})",
                "sent texts and photo bytes searched for in the database, WAL and server log: "
                + (
                    "none found"
                    if not result.plaintext_found_on_server
                    else "FOUND: " + ", ".join(result.plaintext_found_on_server)
                ),
            ],
        )
    result.seconds = time.monotonic() - started
    return result
