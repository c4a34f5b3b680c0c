from __future__ import annotations

from pathlib import Path

import pytest

from vouchsafe.protocol.build import PROTOCOL_DIR, generate, proto_sources


def test_every_proto_source_has_committed_generated_code() -> None:
    for source in proto_sources():
        stem = source.stem
        assert (PROTOCOL_DIR / f"{stem}_pb2.py").is_file(), f"run `make proto` for {source}"
        assert (PROTOCOL_DIR / f"{stem}_pb2.pyi").is_file(), f"run `make proto` for {source}"


def test_committed_generated_code_matches_its_proto_sources(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools")
    generated = generate(tmp_path)
    assert generated, "protoc produced no files"
    for fresh in generated:
        committed = PROTOCOL_DIR / fresh.name
        assert committed.is_file(), f"{fresh.name} is not committed; run `make proto`"
        assert committed.read_bytes() == fresh.read_bytes(), (
            f"protocol/{fresh.name} is stale; run `make proto`"
        )


def test_error_message_round_trips() -> None:
    from vouchsafe.protocol import common_pb2

    error = common_pb2.Error(code="invalid_point", message="Q is not a valid point", field="Q")
    decoded = common_pb2.Error.FromString(error.SerializeToString())
    assert decoded == error
