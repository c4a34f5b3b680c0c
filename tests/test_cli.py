from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sdk._version import __version__
from vouchsafe.cli import SUBCOMMANDS, main


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


def test_demo_runs_on_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    assert "demo" in capsys.readouterr().out


def test_module_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vouchsafe", "version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
