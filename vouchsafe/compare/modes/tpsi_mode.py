"""``tpsi``: this project's threshold PSI with associated data, through ``vouchsafe.sdk.tpsi``.

Setup: the provider receives the hash set (PSI keys and full PDQ hashes), blinds the keys
(``blind_hash_set``) and sends the blinded hash set to the device, which verifies it on
decoding. The provider also draws its secret confirmation key (``vouchsafe.server.
confirmation``); the hash source, which holds the known items, lists under it each item's keyed
confirmation hashes (its tone variants' listing) next to its PDQ hash. Per item: the device
derives its account keys once (``new_account``, threshold and synthetic rate from the scenario)
and sends one safety voucher (``generate_voucher``) whose associated data is a
``vouchsafe.v1.AssociatedData`` with the item's full PDQ hash and its visual derivative; the
provider runs the outer step (``process_voucher``). At the end, for every account with opened
vouchers, the provider runs the inner step (``recover_associated_data``); only past the
threshold does it read associated data, and it then confirms each recovered item with **both
checks** of the reference server (``reference_server/pipeline/confirmation.py``): PDQ distance
<= 31 to a list entry, then the keyed hash of the derivative within
``CONFIRMATION_MATCH_DISTANCE`` of one that entry's source listed (an entry without a listing,
a filler, is confirmed on PDQ alone: "second check unavailable"). An account is flagged with at
least ``threshold`` confirmed matches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from vouchsafe.compare.matching import HashTable
from vouchsafe.compare.modes.base import (
    DetectionMode,
    DeviceItem,
    KnownEntry,
    MatchBook,
    ModeConfig,
    Verdicts,
)
from vouchsafe.compare.modes.common import deliver_encrypted, match_byte
from vouchsafe.compare.modes.partial import decode_bucket, encode_bucket
from vouchsafe.compare.transcript import (
    DEVICE,
    HASH_SOURCE,
    PROVIDER,
    FieldKind,
    Phase,
    Transcript,
    wire_field,
)
from vouchsafe.protocol import associated_data_pb2
from vouchsafe.sdk.errors import InvalidMedia
from vouchsafe.sdk.media.candidates import DEFAULT_SCHEME
from vouchsafe.sdk.media.decode import decode_image
from vouchsafe.sdk.tpsi import (
    OpenedVoucher,
    SyntheticSchedule,
    blind_hash_set,
    generate_server_keys,
    generate_voucher,
    new_account,
    process_voucher,
    recover_associated_data,
)
from vouchsafe.sdk.tpsi.params import DEFAULT_PADDED_ASSOCIATED_DATA_LENGTH
from vouchsafe.sdk.tpsi.wire import (
    decode_blinded_hash_set,
    decode_safety_voucher,
    encode_blinded_hash_set,
    encode_safety_voucher,
)
from vouchsafe.sdk.visual_derivative import VISUAL_DERIVATIVE_TYPE, visual_derivative
from vouchsafe.server.confirmation.key import generate_confirmation_key
from vouchsafe.server.confirmation.keyed_hash import (
    CONFIRMATION_MATCH_DISTANCE,
    HASH_BYTES,
    ConfirmationHasher,
    split_listing,
)
from vouchsafe.server.pipeline.confirmation import Rejection, second_check
from vouchsafe.server.pipeline.matching import EntryCandidate

# The default release budget (SPEC "PSI candidates"): the device sends its whole list.
MAX_CANDIDATES = DEFAULT_SCHEME.max_candidates
# The protocol's default: the associated data carries the visual derivative (up to 5 KiB).
PADDED_ASSOCIATED_DATA_LENGTH = DEFAULT_PADDED_ASSOCIATED_DATA_LENGTH


def _derivative_of(media: bytes) -> bytes:
    """The item's visual derivative, or empty when the bytes are no image (the hash-level toy
    populations of the tests; a listed entry's keyed check then fails, as on the server)."""
    try:
        return visual_derivative(decode_image(media))
    except InvalidMedia:
        return b""


class TpsiMode(DetectionMode):
    """Threshold PSI with associated data and synthetic vouchers (ours)."""

    name = "tpsi"
    uses_candidates = True
    title = "Threshold PSI with associated data (vouchsafe)"
    summary = (
        "The device sends one safety voucher per item; the provider learns nothing about an "
        "account's items until it has at least t matches, then reads their associated data and "
        "confirms each at PDQ <= 31 and with its keyed confirmation hash of the derivative."
    )

    def setup(self, hash_set: Sequence[KnownEntry], config: ModeConfig, wire: Transcript) -> None:
        """Provider blinds the set; the device downloads and verifies the blinded set."""
        record = wire.send(
            HASH_SOURCE,
            PROVIDER,
            "hash_list",
            [
                wire_field(
                    FieldKind.BUCKET, encode_bucket([(k, e.perceptual_hash) for k in e.keys])
                )
                for e in hash_set
            ],
            phase=Phase.SETUP,
        )
        with wire.cpu(PROVIDER, Phase.SETUP):
            pairs = [p for f in record.fields for p in decode_bucket(f.value)]
            self._table = HashTable(sorted({h for _k, h in pairs}))
            self._server_key = generate_server_keys()
            self._blinded = blind_hash_set(
                self._server_key,
                sorted({k for k, _h in pairs}),
                max_candidates=MAX_CANDIDATES,
                padded_associated_data_length=PADDED_ASSOCIATED_DATA_LENGTH,
            )
            encoded = encode_blinded_hash_set(self._blinded)
        download = wire.send(
            PROVIDER,
            DEVICE,
            "blinded_hash_set",
            [wire_field(FieldKind.BLINDED_HASH_SET, encoded)],
            phase=Phase.SETUP,
        )
        with wire.cpu(DEVICE, Phase.SETUP):
            self._device_set = decode_blinded_hash_set(download.fields[0].value)
        # The provider's confirmation key goes to the hash source (out of band, as SPEC R.10
        # says), which lists each known item's keyed hashes next to its PDQ hash.
        with wire.cpu(PROVIDER, Phase.SETUP):
            self._hasher = ConfirmationHasher(generate_confirmation_key())
        with wire.cpu(HASH_SOURCE, Phase.SETUP):
            listings = [
                e.perceptual_hash + b"".join(map(self._hasher.hash_derivative, e.tone_derivatives))
                for e in hash_set
                if e.tone_derivatives
            ]
        confirmation = wire.send(
            HASH_SOURCE,
            PROVIDER,
            "confirmation_hash_list",
            [wire_field(FieldKind.HASH_LIST, listing) for listing in listings],
            phase=Phase.SETUP,
        )
        with wire.cpu(PROVIDER, Phase.SETUP):
            self._listed: dict[bytes, tuple[bytes, ...]] = {
                f.value[:HASH_BYTES]: split_listing(f.value[HASH_BYTES:])
                for f in confirmation.fields
            }
        self._config = config
        self._accounts: dict[str, object] = {}
        self._schedules: dict[str, SyntheticSchedule] = {}
        self._opened: dict[str, list[OpenedVoucher]] = defaultdict(list)
        self._book = MatchBook(config.threshold)
        self._voucher_bytes: set[int] = set()
        self._truncated = 0
        self._recovered_synthetic = 0
        self._hashes_read = 0
        self._second = {"passed": 0, "failed": 0, "unavailable": 0}
        self._failed_distances: list[int] = []

    def send_item(self, item: DeviceItem, wire: Transcript) -> None:
        """One voucher up; the outer step on the provider."""
        deliver_encrypted(item, wire)
        with wire.cpu(DEVICE):
            account = self._accounts.get(item.account)
            if account is None:
                account = new_account(self._device_set.params, threshold=self._config.threshold)
                self._accounts[item.account] = account
                # The scenario's constant rate (its small accounts would otherwise sit inside
                # the protocol schedule's first, all-synthetic items).
                self._schedules[item.account] = SyntheticSchedule.constant_rate(
                    self._config.synthetic_rate, account.synthetic_max
                )
            candidates = list(dict.fromkeys(item.candidates))  # most likely first, as sent
            if len(candidates) > MAX_CANDIDATES:
                self._truncated += 1
                candidates = candidates[:MAX_CANDIDATES]
            ad = associated_data_pb2.AssociatedData(
                version=1,
                signal_type="pdq",
                perceptual_hash=item.perceptual_hash,
                quality=item.quality,
                visual_derivative=_derivative_of(item.media),
                visual_derivative_type=VISUAL_DERIVATIVE_TYPE,
                media_type="image/jpeg",
            ).SerializeToString()
            voucher = generate_voucher(
                account,  # type: ignore[arg-type]
                self._device_set,
                candidate_hashes=candidates,
                item_id=item.item_id.encode(),
                associated_data=ad,
                account_id=item.account.encode(),
                schedule=self._schedules[item.account],
            )
            encoded = encode_safety_voucher(voucher)
        self._voucher_bytes.add(len(encoded))
        upload = wire.send(
            DEVICE,
            PROVIDER,
            "safety_voucher",
            [wire_field(FieldKind.SAFETY_VOUCHER, encoded)],
            item_id=item.item_id,
        )
        with wire.cpu(PROVIDER):
            received = decode_safety_voucher(upload.fields[0].value, self._blinded.params)
            opened = process_voucher(
                self._server_key, self._blinded, received, account_id=item.account.encode()
            )
            if opened is not None:
                self._opened[item.account].append(opened)

    def finish(self, wire: Transcript) -> Verdicts:
        """Inner step per account; confirm recovered items with both checks."""
        for account, opened in self._opened.items():
            with wire.cpu(PROVIDER, Phase.FINISH):
                result = recover_associated_data(self._blinded.params, opened)
            if not result.threshold_reached:
                continue
            self._recovered_synthetic += len(result.synthetic_item_tags)
            for recovered in result.items:
                self._hashes_read += 1
                item_id = recovered.item_id.decode()
                with wire.cpu(PROVIDER, Phase.FINISH):
                    ad = associated_data_pb2.AssociatedData.FromString(recovered.associated_data)
                    hit = self._confirmed(ad)
                wire.derive(
                    PROVIDER, FieldKind.PERCEPTUAL_HASH, ad.perceptual_hash, item_id=item_id
                )
                wire.derive(PROVIDER, FieldKind.MATCH_RESULT, match_byte(hit), item_id=item_id)
                if hit:
                    self._book.record(account, item_id)
        return self._book.verdicts()

    def _confirmed(self, ad: associated_data_pb2.AssociatedData) -> bool:
        """Both checks, as the reference server runs them: the full hash within the scenario's
        distance of a list entry, then the server's own keyed check (``second_check``) against
        the hashes the source listed for those entries."""
        rows = self._table.within(ad.perceptual_hash, self._config.match_distance)
        if not rows:
            return False
        found = [
            EntryCandidate(str(row), distance, self._listed.get(self._table.row(row), ()))
            for row, distance in rows
        ]
        outcome = second_check(ad, found, self._hasher)
        if isinstance(outcome, Rejection):
            self._second["failed"] += 1
            if outcome.second_distance >= 0:
                self._failed_distances.append(outcome.second_distance)
            return False
        self._second[outcome.second_check] += 1
        return True

    def extras(self) -> dict[str, object]:
        """Voucher size, set size, cuckoo rehashes, opened counts, truncation, both checks."""
        cuckoo = self._blinded.cuckoo
        return {
            "voucher_bytes": sorted(self._voucher_bytes),
            "table_size": self._blinded.params.table_size,
            "cuckoo_attempts": cuckoo.attempts if cuckoo else None,
            "cuckoo_dropped_per_attempt": list(cuckoo.dropped) if cuckoo else None,
            "vouchers_opened_by_outer_step": sum(len(v) for v in self._opened.values()),
            "synthetic_vouchers_labelled_past_threshold": self._recovered_synthetic,
            "item_hashes_read_past_threshold": self._hashes_read,
            "items_with_candidates_truncated": self._truncated,
            "max_candidates": MAX_CANDIDATES,
            "confirmation_match_distance": CONFIRMATION_MATCH_DISTANCE,
            "pdq_confirmed_keyed_check_passed": self._second["passed"],
            "pdq_confirmed_keyed_check_failed": self._second["failed"],
            "pdq_confirmed_keyed_check_unavailable": self._second["unavailable"],
            "keyed_distances_of_failures": sorted(self._failed_distances),
        }
