"""End to end as a transcript of what crosses the wire: only encoded bytes travel between the
server, two devices of one account, and the server's storage."""

from __future__ import annotations

from tests.tpsi.conftest import TEST_ACCOUNT_ID
from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.tpsi import (
    account_from_secret,
    blind_hash_set,
    generate_server_keys,
    generate_voucher,
    new_account,
    process_voucher,
    recover_associated_data,
    wire,
)
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule


def test_transcript_two_devices_reach_threshold_over_the_wire() -> None:
    rng = SeededRandomness(b"transcript")
    known = [rng.random_bytes(32) for _ in range(40)]

    # server: key file and published set are bytes
    key_file = wire.encode_server_key(generate_server_keys(rng=rng))
    server_key = wire.decode_server_key(key_file)
    published = wire.encode_blinded_hash_set(
        blind_hash_set(
            server_key,
            known,
            max_candidates=2,
            synthetic_max=6,
            padded_associated_data_length=96,
            rng=rng,
        )
    )

    # devices: each decodes (and so verifies) the set; they share only the account secret
    phone = wire.decode_blinded_hash_set(published)
    laptop = wire.decode_blinded_hash_set(published)
    account = new_account(phone.params, threshold=3, rng=rng)
    second = account_from_secret(laptop.params, account.secret, threshold=3)
    # each device its own schedule (a low scale: 12 items only) and half the synthetic budget
    schedules = {
        id(device): SyntheticSchedule.for_account(device, devices=2, scale=2)
        for device in (account, second)
    }

    uploads: list[bytes] = []
    sent_real: list[bytes] = []
    for i in range(12):
        item_id = b"photo-%d" % i
        device, blinded = (account, phone) if i % 2 else (second, laptop)
        candidates = [known[i] if i < 4 else rng.random_bytes(32), rng.random_bytes(32)]
        schedule = schedules[id(device)]
        if i < 4 and not schedule.decide(device, item_id):
            sent_real.append(item_id)
        uploads.append(
            wire.encode_safety_voucher(
                generate_voucher(
                    device,
                    blinded,
                    candidate_hashes=candidates,
                    item_id=item_id,
                    associated_data=b"derivative of " + item_id,
                    rng=rng,
                    account_id=TEST_ACCOUNT_ID,
                    schedule=schedule,
                )
            )
        )
    uploads.append(uploads[0])  # a retried upload

    # server: decode, outer step, store opened vouchers as bytes keyed by VoucherId
    server_set = wire.decode_blinded_hash_set(published)
    stored: dict[bytes, bytes] = {}
    for upload in uploads:
        voucher = wire.decode_safety_voucher(upload, server_set.params)
        assert len(upload) == len(uploads[0])
        opened = process_voucher(server_key, server_set, voucher, account_id=TEST_ACCOUNT_ID)
        if opened is not None:
            stored[wire.voucher_id_from_bytes(upload)] = wire.encode_opened_voucher(opened)

    result = recover_associated_data(
        server_set.params, [wire.decode_opened_voucher(b) for b in stored.values()], threshold=3
    )
    assert len(sent_real) >= 3, "the seed should give at least t real matches"
    assert result.threshold_reached
    assert sorted(i.item_id for i in result.items) == sorted(sent_real)
    assert len(result.synthetic_item_tags) == result.distinct_shares - len(sent_real)
