"""``vouchsafe compare`` on the command line."""

from __future__ import annotations

import pytest

from vouchsafe.cli import main


def test_unknown_mode_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--modes", "telepathy"]) == 2
    err = capsys.readouterr().err
    assert "unknown mode(s) telepathy" in err and err.count("\n") == 1


def test_bad_scenario_file_is_a_typed_error(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.yaml"
    path.write_text("name: x\nthreshold: 0\n", encoding="utf-8")
    assert main(["compare", "--scenario", str(path), "--modes", "none"]) == 2
    assert "vouchsafe compare: error:" in capsys.readouterr().err
