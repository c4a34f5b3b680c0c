"""The keyed stream that makes release tables re-derivable by an auditor with the build seed."""

from __future__ import annotations

import pytest

from vouchsafe.sdk.crypto.keyed_stream import KeyedStream

SEED = bytes(range(32))


def test_same_seed_and_label_give_the_same_stream_in_any_chunking() -> None:
    whole = KeyedStream(SEED, b"a").random_bytes(100)
    parts = KeyedStream(SEED, b"a")
    assert parts.random_bytes(7) + parts.random_bytes(93) == whole


def test_other_seed_or_label_gives_an_unrelated_stream() -> None:
    base = KeyedStream(SEED, b"a").random_bytes(64)
    assert KeyedStream(SEED, b"b").random_bytes(64) != base
    assert KeyedStream(bytes(32), b"a").random_bytes(64) != base


def test_seed_of_wrong_length_is_refused_and_never_printed() -> None:
    with pytest.raises(ValueError):
        KeyedStream(b"short", b"a")
    assert SEED.hex() not in repr(KeyedStream(SEED, b"a"))
