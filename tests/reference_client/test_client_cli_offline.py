"""``vouchsafe client`` errors that need no server: each is one clear line, exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from vouchsafe.cli import main
from vouchsafe.demo.server_process import free_loopback_port


def test_commands_without_a_profile_say_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        ["client", "--profile", str(tmp_path / "none"), "send", "--to", "bob", "--text", "hi"]
    )
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert "client init" in err and len(err.splitlines()) == 1


def test_init_against_an_unreachable_server_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_loopback_port()}"
    status = main(
        ["client", "--profile", str(tmp_path / "a"), "init", "--name", "alice", "--server", url]
    )
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert "unreachable" in err and len(err.splitlines()) == 1


def test_send_needs_exactly_one_of_text_and_file(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["client", "--profile", str(tmp_path), "send", "--to", "bob"])
    assert exited.value.code == 2


def test_failed_init_leaves_no_half_profile(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_loopback_port()}"
    assert (
        main(["client", "--profile", str(tmp_path / "a"), "init", "--name", "a", "--server", url])
        == 2
    )
    assert not (tmp_path / "a").exists()
