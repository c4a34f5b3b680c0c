"""``vouchsafe client`` against the real server in a child process, over loopback HTTP."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from vouchsafe.cli import main
from vouchsafe.demo.images import split_corpus
from vouchsafe.demo.release import build_demo_release
from vouchsafe.demo.result import DemoSettings
from vouchsafe.demo.server_process import ServerProcess, demo_server_args, free_loopback_port
from vouchsafe.demo.staff import make_staff
from vouchsafe.messenger.device import close_device, open_device
from vouchsafe.messenger.media import prepare_photo
from vouchsafe.messenger.profile import Profile

SETTINGS = DemoSettings(
    users=2,
    images_per_user=4,
    threshold=3,
    synthetic_rate=0.0,
    seed=3,
    heavy_known=4,
    light_known=1,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[ServerProcess]:
    work = tmp_path_factory.mktemp("server")
    split = split_corpus(corpus_dir, 12, 2, seed=3)
    release = build_demo_release(work / "release", split.known, SETTINGS)
    _, staff_file = make_staff(work)
    process = ServerProcess(
        work / "server.db",
        work / "server.log",
        extra_args=demo_server_args(release.directory, staff_file, SETTINGS.threshold),
    )
    with process:
        yield process


def _client(profile: Path, *args: str) -> int:
    return main(["client", "--profile", str(profile), *args])


@pytest.fixture(scope="module")
def people(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("people")
    profiles = {}
    for name in ("alice", "bob"):
        profiles[name] = root / name
        assert _client(profiles[name], "init", "--name", name, "--server", server.url) == 0
    return profiles


def test_init_shows_the_disclosure_and_keeps_every_file_private(
    server: ServerProcess, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _client(tmp_path / "carol", "init", "--name", "carol", "--server", server.url) == 0
    out = capsys.readouterr().out
    assert "Text messages are never checked" in out and "registered on" in out
    files = [p for p in (tmp_path / "carol").rglob("*") if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)


def test_text_and_photo_arrive_intact(
    people: dict[str, Path], corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = sorted(corpus_dir.glob("kodak_*.png"))[0]
    assert _client(people["alice"], "send", "--to", "bob", "--text", "lunch at one?") == 0
    assert _client(people["alice"], "send", "--to", "bob", "--file", str(photo)) == 0
    sent = capsys.readouterr().out
    assert "text is never scanned" in sent and "voucher(s) uploaded" in sent
    assert _client(people["bob"], "inbox") == 0
    out = capsys.readouterr().out
    assert "alice: lunch at one?" in out
    saved = [p for p in (people["bob"] / "inbox").iterdir() if p.suffix in {".png", ".jpg"}]
    assert len(saved) == 1
    assert saved[0].read_bytes() == prepare_photo(photo).data


def test_both_users_see_the_same_safety_number(
    people: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _client(people["alice"], "verify", "bob") == 0
    alice_view = capsys.readouterr().out.splitlines()[1]
    assert _client(people["bob"], "verify", "alice", "--confirm") == 0
    bob_out = capsys.readouterr().out
    assert alice_view.strip() and alice_view in bob_out and "marked as verified" in bob_out


def test_unknown_recipient_is_one_clear_line(
    people: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _client(people["alice"], "send", "--to", "nobody", "--text", "hello?") == 2
    err = capsys.readouterr().err.strip()
    assert "no user named 'nobody'" in err and len(err.splitlines()) == 1


def test_unreadable_file_is_one_clear_line(
    people: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _client(people["alice"], "send", "--to", "bob", "--file", str(tmp_path / "x.jpg")) == 2
    assert "cannot read" in capsys.readouterr().err


def test_unknown_report_appeal_is_refused(
    people: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _client(people["alice"], "appeal", "no-such-report", "--reason", "mistake") == 2
    assert "server refused" in capsys.readouterr().err


def test_unreachable_server_is_one_clear_line_and_vouchers_wait_for_it(
    server: ServerProcess,
    people: dict[str, Path],
    corpus_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    profile = Profile.load(people["alice"])
    profile.set_setting("server_url", f"http://127.0.0.1:{free_loopback_port()}")
    try:
        assert _client(people["alice"], "send", "--to", "bob", "--text", "anyone?") == 2
        assert "unreachable" in capsys.readouterr().err
        # The voucher of a photo made while the server is away waits in the queue.
        device = open_device(people["alice"])
        assert device.hook is not None
        photo = prepare_photo(sorted(corpus_dir.glob("kodak_*.png"))[1]).data
        device.hook.before_send_media(photo)
        assert device.hook.flush().pending == 1
        close_device(device)
    finally:
        profile.set_setting("server_url", server.url)
    account = profile.setting("account_id")
    db_file = server.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True) as db:
        before = db.execute(
            "SELECT COUNT(*) FROM vouchers WHERE account_id = ?", (account,)
        ).fetchone()[0]
    assert _client(people["alice"], "inbox") == 0
    with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True) as db:
        after = db.execute(
            "SELECT COUNT(*) FROM vouchers WHERE account_id = ?", (account,)
        ).fetchone()[0]
    assert after == before + 1
    assert not list((people["alice"] / "voucher-queue").glob("*.voucher"))
