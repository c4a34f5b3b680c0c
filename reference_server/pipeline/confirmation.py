"""Step 3, confirmation: two independent checks of a recovered match.

1. **Full hash** (``pdq``): the perceptual hash from the associated data must be within
   ``PDQ_MATCH_DISTANCE`` (31 of 256 bits: the threshold of Meta's PDQ reference and hashing
   paper, ThreatExchange ``pdq/README.md``) of a hash-set entry; otherwise it is a coarse-key
   collision (outcome ``collision``).
2. **Keyed confirmation hash** (``keyed-derivative``, ``vouchsafe.server.confirmation``): the
   server hashes the visual derivative from the associated data under the provider's secret key
   and compares it with the confirmation hashes the sources listed for those entries; it must be
   within ``CONFIRMATION_MATCH_DISTANCE`` of one of them. A device cannot compute this hash, so
   an image forged to collide with PDQ fails here (outcome ``confirmation_failed``).

Only a match passing both goes to human review. When the second check cannot run (the server
has no confirmation key, or no source listed a confirmation hash for the entry) the match goes
to review marked ``second_check="unavailable"``, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from google.protobuf.message import DecodeError

from vouchsafe.protocol import associated_data_pb2
from vouchsafe.sdk.errors import InvalidMedia
from vouchsafe.sdk.media.pdq import PDQ_MATCH_DISTANCE
from vouchsafe.server.pipeline.matching import EntryCandidate, EntryIndex

if TYPE_CHECKING:
    from vouchsafe.server.confirmation.keyed_hash import ConfirmationHasher

ASSOCIATED_DATA_VERSION = 1
FULL_HASH_CHECK = "pdq"
SECOND_CHECK = "keyed-derivative"
SECOND_PASSED = "passed"
SECOND_UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Confirmation:
    """The entry the match is confirmed against, with the parsed associated data.

    ``second_check`` is ``"passed"`` (``second_distance`` is then the keyed-hash distance) or
    ``"unavailable"`` (``second_distance`` is -1).
    """

    entry_id: str
    distance: int
    associated_data: associated_data_pb2.AssociatedData
    second_check: str = SECOND_PASSED
    second_distance: int = -1


@dataclass(frozen=True)
class Rejection:
    """Why a recovered match was dropped and which check dropped it.

    ``reason``: "unparseable", "collision" (full hash, ``check="pdq"``), or
    "confirmation_failed" (``check="keyed-derivative"``; ``entry_id`` the PDQ-matched entry,
    ``second_distance`` the closest keyed-hash distance, -1 if the derivative was unusable).
    """

    reason: str
    signal_type: str
    check: str = FULL_HASH_CHECK
    entry_id: str = ""
    second_distance: int = -1


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
    """Runs both checks on a recovered match, or says which one dropped it and why."""
    ad = parse_associated_data(associated_data)
    if ad is None:
        return Rejection("unparseable", "")
    found = entries.within(ad.signal_type, ad.perceptual_hash, PDQ_MATCH_DISTANCE)
    if not found:
        return Rejection("collision", ad.signal_type)
    return second_check(ad, found, entries.confirmation_hasher)


def second_check(
    ad: associated_data_pb2.AssociatedData,
    found: list[EntryCandidate],
    hasher: ConfirmationHasher | None,
) -> Confirmation | Rejection:
    """The keyed check of a match whose full hash is within distance of ``found`` (nearest
    first): passed against the listed entry whose keyed hash is closest, failed when that is
    beyond ``CONFIRMATION_MATCH_DISTANCE`` (or the derivative is unusable), unavailable when
    there is no key or no listed hash (the match is then confirmed on the full hash alone)."""
    from vouchsafe.server.confirmation.keyed_hash import (
        CONFIRMATION_MATCH_DISTANCE,
        listing_distance,
    )

    listed = [c for c in found if c.confirmation_hashes]
    if hasher is None or not listed:
        best = found[0]
        return Confirmation(best.entry_id, best.distance, ad, SECOND_UNAVAILABLE)
    try:
        seen = hasher.hash_derivative(bytes(ad.visual_derivative))
    except InvalidMedia:
        return Rejection("confirmation_failed", ad.signal_type, SECOND_CHECK, listed[0].entry_id)
    scored = [(listing_distance(seen, c.confirmation_hashes), c) for c in listed]
    second, candidate = min(scored, key=lambda pair: (pair[0], pair[1].distance))
    if second > CONFIRMATION_MATCH_DISTANCE:
        return Rejection(
            "confirmation_failed", ad.signal_type, SECOND_CHECK, candidate.entry_id, second
        )
    return Confirmation(candidate.entry_id, candidate.distance, ad, SECOND_PASSED, second)
