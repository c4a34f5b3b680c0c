"""Every decoder on hostile bytes (random, or a valid encoding mutated): it returns or raises
a typed VouchsafeError, never anything else (``make fuzz`` runs the same with more examples)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.mutations import hostile
from tests.fuzz.profile import FUZZ
from tests.fuzz.seeds import FUZZ_ACCOUNT_ID, World, world
from vouchsafe.sdk.errors import VouchsafeError

W = world()


def _typed_or_accepted(decode: Callable[[bytes], object], data: bytes) -> None:
    try:
        decode(data)
    except VouchsafeError as exc:
        assert exc.code and exc.message
    # anything else propagates and fails the test with the input that caused it


def _server_side_voucher(w: World) -> Callable[[bytes], object]:
    from vouchsafe.sdk.tpsi import process_voucher, wire

    def decode(data: bytes) -> object:
        decoded = wire.decode_safety_voucher(data, w.blinded.params)
        return process_voucher(w.server_key, w.blinded, decoded, account_id=FUZZ_ACCOUNT_ID)

    return decode


@FUZZ
@given(data=hostile(W.voucher))
def test_safety_voucher_decoder_and_outer_step(data: bytes) -> None:
    from vouchsafe.sdk.tpsi import wire

    _typed_or_accepted(wire.decode_safety_voucher, data)
    _typed_or_accepted(_server_side_voucher(W), data)


@FUZZ
@given(data=hostile(W.blinded_set))
def test_blinded_hash_set_decoder(data: bytes) -> None:
    from vouchsafe.sdk.tpsi import wire

    _typed_or_accepted(wire.decode_blinded_hash_set, data)


@FUZZ
@given(data=st.one_of(hostile(W.server_params), hostile(W.server_key_file), hostile(W.opened)))
def test_params_key_and_opened_voucher_decoders(data: bytes) -> None:
    from vouchsafe.sdk.tpsi import wire

    for decode in (wire.decode_server_params, wire.decode_server_key, wire.decode_opened_voucher):
        _typed_or_accepted(decode, data)


@FUZZ
@given(data=hostile(W.releases[1].data))
def test_release_verifier(data: bytes) -> None:
    from vouchsafe.sdk.release import verify_release

    def decode(blob: bytes) -> object:
        return verify_release(
            blob, release_key=W.release_key, published_root=W.releases[1].root, now=1_800_000_000
        )

    _typed_or_accepted(decode, data)


@FUZZ
@given(data=hostile(W.delta))
def test_release_delta_applier(data: bytes) -> None:
    from vouchsafe.sdk.release import ReleaseHolder

    client = ReleaseHolder(W.release_key, clock=lambda: 1_800_000_000)
    client.install(W.releases[0].data, W.releases[0].root)
    _typed_or_accepted(lambda blob: client.install_delta(blob, W.releases[1].root), data)


@FUZZ
@given(data=hostile(W.signed_request))
def test_signed_request_envelope_decoder(data: bytes) -> None:
    from vouchsafe.sdk.api.signing import parse_signed_request

    _typed_or_accepted(parse_signed_request, data)


@FUZZ
@given(data=hostile(W.sealed))
def test_sealed_message_opener(data: bytes) -> None:
    from vouchsafe.messenger.e2ee import open_message, parse_sealed_message

    _typed_or_accepted(parse_sealed_message, data)
    _typed_or_accepted(lambda blob: open_message(W.recipient, blob), data)


@FUZZ
@given(data=hostile(W.associated_data))
def test_associated_data_parser_and_confirmation_never_raise(data: bytes) -> None:
    from tests.reference_server.conftest import KNOWN_HASH
    from vouchsafe.server.pipeline.confirmation import confirm_match, parse_associated_data
    from vouchsafe.server.pipeline.matching import ConfirmationEntry, ListEntryIndex

    parse_associated_data(data)
    confirm_match(data, ListEntryIndex((ConfirmationEntry("e", "pdq", KNOWN_HASH),)))


@FUZZ
@given(data=hostile(W.image))
def test_image_decoder(data: bytes) -> None:
    from vouchsafe.sdk.media.decode import decode_image

    _typed_or_accepted(decode_image, data)
