"""Step 3, confirmation: the second, independent check of a recovered match.

The PSI match compares coarse keys; past threshold the server re-checks the full perceptual hash
from the associated data against the hash-set entries and keeps the match only when the PDQ
Hamming distance is at most ``PDQ_MATCH_DISTANCE`` (31 of 256 bits: the threshold of Meta's PDQ
reference and hashing paper, ThreatExchange ``pdq/README.md``). Anything else is a coarse-key
collision and is dropped (the caller logs it as such).
"""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.message import DecodeError

from vouchsafe.protocol import associated_data_pb2
from vouchsafe.sdk.media.pdq import PDQ_MATCH_DISTANCE
from vouchsafe.server.pipeline.matching import EntryIndex

ASSOCIATED_DATA_VERSION = 1


@dataclass(frozen=True)
class Confirmation:
    """The nearest entry within the distance bound, with the parsed associated data."""

    entry_id: str
    distance: int
    associated_data: associated_data_pb2.AssociatedData


@dataclass(frozen=True)
class Rejection:
    """Why a recovered match was dropped: "collision" or "unparseable"."""

    reason: str
    signal_type: str


def parse_associated_data(data: bytes) -> associated_data_pb2.AssociatedData | None:
    """The AssociatedData message, or None when the bytes are not a usable version-1 message."""
    message = associated_data_pb2.AssociatedData()
    try:
        message.ParseFromString(data)
    except DecodeError:
        return None
    if message.version != ASSOCIATED_DATA_VERSION or not message.perceptual_hash:
        return None
    return message


def confirm_match(associated_data: bytes, entries: EntryIndex) -> Confirmation | Rejection:
    """Confirms a recovered match against the full hashes, or says why it is dropped."""
    ad = parse_associated_data(associated_data)
    if ad is None:
        return Rejection("unparseable", "")
    best = entries.nearest(ad.signal_type, ad.perceptual_hash, PDQ_MATCH_DISTANCE)
    if best is None:
        return Rejection("collision", ad.signal_type)
    return Confirmation(best[0], best[1], ad)
