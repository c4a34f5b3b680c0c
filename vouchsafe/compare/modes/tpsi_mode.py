"""``tpsi``: this project's threshold PSI with associated data, through ``vouchsafe.sdk.tpsi``.

Setup: the provider receives the hash set (PSI keys and full PDQ hashes), blinds the keys
(``blind_hash_set``) and sends the blinded hash set to the device, which verifies it on
decoding. Per item: the device derives its account keys once (``new_account``, threshold and
synthetic rate from the scenario) and sends one safety voucher (``generate_voucher``) whose
associated data is a ``vouchsafe.v1.AssociatedData`` with the item's full PDQ hash; the provider
runs the outer step (``process_voucher``). At the end, for every account with opened vouchers,
the provider runs the inner step (``recover_associated_data``); only past the threshold does it
read associated data, and it then confirms each recovered item with PDQ distance <= 31 against
the full hashes of the list (the two-tier design of the hashing issue). An account is flagged
with at least ``threshold`` confirmed matches.
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
from vouchsafe.sdk.media.candidates import DEFAULT_SCHEME
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
from vouchsafe.sdk.tpsi.wire import (
    decode_blinded_hash_set,
    decode_safety_voucher,
    encode_blinded_hash_set,
    encode_safety_voucher,
)

# The default release budget (SPEC "PSI candidates"): the device sends its whole list.
MAX_CANDIDATES = DEFAULT_SCHEME.max_candidates
PADDED_ASSOCIATED_DATA_LENGTH = 256


class TpsiMode(DetectionMode):
    """Threshold PSI with associated data and synthetic vouchers (ours)."""

    name = "tpsi"
    title = "Threshold PSI with associated data (vouchsafe)"
    summary = (
        "The device sends one safety voucher per item; the provider learns nothing about an "
        "account's items until it has at least t matches, then reads their associated data and "
        "confirms each at PDQ <= 31."
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
        self._config = config
        self._accounts: dict[str, object] = {}
        self._schedules: dict[str, SyntheticSchedule] = {}
        self._opened: dict[str, list[OpenedVoucher]] = defaultdict(list)
        self._book = MatchBook(config.threshold)
        self._voucher_bytes: set[int] = set()
        self._truncated = 0
        self._recovered_synthetic = 0
        self._hashes_read = 0

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
        """Inner step per account; confirm recovered items at PDQ <= 31."""
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
                    hit = self._table.nearest_within(
                        ad.perceptual_hash, self._config.match_distance
                    )
                wire.derive(
                    PROVIDER, FieldKind.PERCEPTUAL_HASH, ad.perceptual_hash, item_id=item_id
                )
                wire.derive(
                    PROVIDER, FieldKind.MATCH_RESULT, match_byte(hit is not None), item_id=item_id
                )
                if hit is not None:
                    self._book.record(account, item_id)
        return self._book.verdicts()

    def extras(self) -> dict[str, object]:
        """Voucher size, set size, cuckoo rehashes, opened counts, truncation."""
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
        }
