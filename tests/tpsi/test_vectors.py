"""The committed test vectors are exactly what the seeded generator produces, and verify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vouchsafe.cli import main
from vouchsafe.protocol.vectors.generate import VECTORS_PATH, check_vectors, render


def test_committed_vectors_regenerate_identically_and_verify() -> None:
    assert check_vectors(VECTORS_PATH) == []


def test_a_tampered_vector_file_is_reported(tmp_path: Path) -> None:
    data = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    case = data["vouchers"][0]
    case["opened_voucher"] = data["vouchers"][2]["opened_voucher"]  # claim it did not open
    data["negative"][0]["error"] = "malformed_message"
    path = tmp_path / "tampered.json"
    path.write_text(render(data), encoding="utf-8")
    problems = check_vectors(path)
    assert any("differs from what the seeded generator" in p for p in problems)
    assert any("ProcessVoucher" in p for p in problems)
    assert any("identity Q" in p for p in problems)


def test_cli_vectors_check_and_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vectors", "check"]) == 0
    out = tmp_path / "v.json"
    assert main(["vectors", "generate", "--path", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == VECTORS_PATH.read_text(encoding="utf-8")
    assert main(["vectors", "check", "--path", str(tmp_path / "missing.json")]) == 2
    capsys.readouterr()
