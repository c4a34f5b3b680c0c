"""A smaller ``vouchsafe demo``, end to end: server in a child process, several users over HTTP.

Asserts the outcomes the demo claims: the account past the threshold is flagged and confirmed,
the one below yields nothing, every message arrives intact, and neither the database nor the
server's log contains any sent text or photo bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from vouchsafe.demo.report import write_report
from vouchsafe.demo.result import DemoResult, DemoSettings
from vouchsafe.demo.run import run_demo
from vouchsafe.demo.summary import summary_lines

from ..browser.harness import check_page

SETTINGS = DemoSettings(
    users=3,
    images_per_user=6,
    threshold=3,
    synthetic_rate=0.0,
    seed=2,
    heavy_known=6,
    light_known=2,
)


CONSOLE_SEEN: dict[str, str] = {}


def _use_console(console_url: str, key_files: dict[str, Path]) -> None:
    """What `vouchsafe demo --serve` lets a person do: sign in to the live console with a key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vouchsafe.sdk.console_signin import sign_in_code

    with httpx.Client(base_url=console_url.removesuffix("/console/")) as browser:
        challenge = browser.get("/console/challenge").text
        key = Ed25519PrivateKey.from_private_bytes(key_files["reviewer-1"].read_bytes())
        browser.post("/console/login", data={"code": sign_in_code(challenge, key)})
        CONSOLE_SEEN["review"] = browser.get("/console/review").text
        CONSOLE_SEEN["transparency"] = browser.get("/transparency").text


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(
    request: pytest.FixtureRequest, corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> DemoResult:
    """The demo on its default SQLite, then as ``vouchsafe demo --db postgresql://...``."""
    db_url = None
    if request.param == "postgresql":
        db_url = request.getfixturevalue("postgres_server").fresh_database()
    lines: list[str] = []
    result = run_demo(
        SETTINGS,
        corpus_dir,
        echo=lines.append,
        progress=False,
        keep_dir=tmp_path_factory.mktemp("demo"),
        db_url=db_url,
        serve=_use_console,
    )
    assert lines
    return result


def test_serve_keeps_the_console_up_for_a_person_with_a_staff_key(demo: DemoResult) -> None:
    assert demo.console_url.endswith("/console/")
    assert "Review queue" in CONSOLE_SEEN["review"]  # signed in as reviewer-1
    assert "Latest signed checkpoint" in CONSOLE_SEEN["transparency"]
    with pytest.raises(httpx.TransportError):  # and nothing is left running afterwards
        httpx.get(demo.console_url, timeout=2)


def test_account_past_threshold_is_flagged_confirmed_and_reported(demo: DemoResult) -> None:
    alice = demo.account("alice")
    assert alice.known_sent == 6
    assert alice.items_in_review >= SETTINGS.threshold
    assert alice.confirmed_by_reviewer >= SETTINGS.threshold
    assert alice.report_id and alice.report_status == "REPORT_STATUS_FORWARDED"
    assert alice.suspended
    assert alice.appeal_status == "rejected"
    assert {user for user, _, _, _ in demo.reviewed} == {"alice"}
    assert all(decision == "confirmed" for _, _, decision, _ in demo.reviewed)


def test_account_below_threshold_and_ordinary_account_reveal_nothing(demo: DemoResult) -> None:
    for name in ("bob", "carol"):
        account = demo.account(name)
        assert account.items_in_review == 0 and not account.report_id
    assert demo.account("bob").known_sent == 2


def test_every_message_arrives_intact(demo: DemoResult) -> None:
    for account in demo.accounts:
        assert account.messages_received == 2 + SETTINGS.images_per_user
        assert account.messages_received_intact == account.messages_received


def test_no_plaintext_on_the_server_and_audit_log_verifies(demo: DemoResult) -> None:
    assert demo.plaintext_found_on_server == []
    assert demo.audit_log_ok, demo.audit_log_detail
    assert demo.server_blob_count == SETTINGS.users * (2 + SETTINGS.images_per_user)


def test_summary_passes_and_report_is_written(
    demo: DemoResult, tmp_path: Path, browser: Any
) -> None:
    lines, ok = summary_lines(demo)
    assert ok, lines
    path = write_report(demo, tmp_path)
    page = check_page(browser, path, "demo-real")
    assert "alice" in page.text and page.charts == 2
