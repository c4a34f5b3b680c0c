from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from vouchsafe.cli import SUBCOMMANDS, main
from vouchsafe.sdk._version import __version__


def test_help_lists_every_registered_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert name in out


def test_version_prints_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["version"]) == 0
    assert f"vouchsafe {__version__}" in capsys.readouterr().out


def test_unknown_subcommand_exits_with_usage_status() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["no-such-command"])
    assert exited.value.code == 2


def test_console_script_runs_as_installed() -> None:
    script = Path(sys.executable).parent / "vouchsafe"
    assert script.is_file(), "the vouchsafe console script is not installed in this environment"
    result = subprocess.run(
        [str(script), "version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert __version__ in result.stdout


def test_demo_help_lists_its_knobs(capsys: pytest.CaptureFixture[str]) -> None:
    # The demo itself runs end to end in tests/demo/test_demo_end_to_end.py (smaller settings).
    with pytest.raises(SystemExit) as exited:
        main(["demo", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for knob in ("--users", "--images-per-user", "--threshold", "--synthetic-rate", "--seed"):
        assert knob in out


def test_demo_refuses_knobs_it_cannot_honour(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--threshold", "6", "--images-per-user", "8"]) == 2
    assert "at least 2t" in capsys.readouterr().err


def test_module_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vouchsafe", "version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
