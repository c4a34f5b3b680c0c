"""The demo's closing summary and the checks that decide its exit status."""

from __future__ import annotations

from vouchsafe.demo.result import DemoResult


def summary_lines(result: DemoResult) -> tuple[list[str], bool]:
    """Readable summary lines and whether every check the demo makes passed.

    Checks: every account that sent at least t known items was opened and confirmed, no account
    below t was opened, every message arrived intact, no plaintext on the server, audit log valid.
    """
    t = result.settings.threshold
    checks: list[tuple[str, bool]] = []
    for account in result.accounts:
        if account.known_sent > t:
            checks.append(
                (
                    f"{account.name} (sent {account.known_sent} known items > t = {t}) "
                    "was flagged and confirmed by a reviewer",
                    account.confirmed_by_reviewer > 0,
                )
            )
        elif account.known_sent < t:
            checks.append(
                (
                    f"{account.name} (sent {account.known_sent} known items < t = {t}) "
                    "revealed nothing",
                    account.items_in_review == 0,
                )
            )
        checks.append(
            (
                f"{account.name} received {account.messages_received} messages intact",
                account.messages_received > 0
                and account.messages_received_intact == account.messages_received,
            )
        )
    checks.append(
        (
            "no sent text or photo bytes in the server's database or logs",
            not result.plaintext_found_on_server,
        )
    )
    checks.append(("audit log verified", result.audit_log_ok))
    lines = [f"Summary ({result.seconds:.0f} s):"]
    lines += [f"  [{'ok' if passed else 'FAILED'}] {text}" for text, passed in checks]
    return lines, all(passed for _, passed in checks)
