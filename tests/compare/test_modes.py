"""Each detection mode's recall and leakage, asserted on a small hash-level population."""

from __future__ import annotations

from dataclasses import replace

import pytest

from vouchsafe.compare.modes import MODE_NAMES, make_mode
from vouchsafe.compare.modes.base import NotAvailable
from vouchsafe.compare.modes.services import AttestationRejected, EnclaveMatcher, EnclaveSim
from vouchsafe.compare.run import ModeResult, run_mode
from vouchsafe.compare.transcript import DEVICE, PROVIDER, Phase, Transcript

from .toy import ToySignals, toy_population

# CKKS products take seconds per item: he_match's full-population runs are marked slow; a
# two-item run below keeps it in the fast suite.
SLOW_MODES = {"he_match"}
DETECTING = [
    pytest.param(m, marks=pytest.mark.slow) if m in SLOW_MODES else m
    for m in MODE_NAMES
    if m != "none"
]


def _run(name: str, **kwargs: float) -> ModeResult:
    population, signals = toy_population(**kwargs)  # type: ignore[arg-type]
    mode = make_mode(name, signals)
    if isinstance(mode, NotAvailable):
        pytest.skip(f"{name}: {mode.reason}")
    result, _wire = run_mode(mode, population)
    return result


def _party(result: ModeResult, party: str):  # type: ignore[no-untyped-def]
    return next(p for p in result.ledger if p.party == party)


@pytest.mark.parametrize("name", DETECTING)
def test_mode_detects_every_known_item_and_flags_only_the_offender(name: str) -> None:
    result = _run(name)
    assert result.known_items_detected == result.known_items_sent == 3
    assert result.offenders_flagged == result.offenders == 1
    assert result.false_item_matches == 0
    assert result.false_flag_accounts == ()


def test_none_detects_nothing_and_the_provider_holds_only_ciphertext() -> None:
    result = _run("none")
    assert result.known_items_detected == 0 and result.offenders_flagged == 0
    provider = _party(result, PROVIDER)
    assert provider.media_in_clear == 0
    assert provider.item_hashes_in_clear == 0
    assert provider.match_results_known == 0
    assert provider.opaque_fields == {"MEDIA_CIPHERTEXT": result.items}


def test_server_plaintext_provider_holds_every_item_in_the_clear() -> None:
    result = _run("server_plaintext")
    provider = _party(result, PROVIDER)
    assert provider.media_in_clear == result.items
    assert provider.match_results_known == result.items


def test_local_match_puts_the_whole_hash_list_on_the_device() -> None:
    result = _run("local_match")
    device = _party(result, DEVICE)
    assert device.hash_set_entries_in_clear == 44
    provider = _party(result, PROVIDER)
    # the provider sees hashes of reported matches only
    assert provider.item_hashes_in_clear == 3
    assert result.bytes_down_per_item == 0
    assert result.setup_bytes_to_device > 44 * 32


def test_hash_upload_gives_the_provider_every_items_hash() -> None:
    result = _run("hash_upload")
    provider = _party(result, PROVIDER)
    assert provider.item_hashes_in_clear == result.items
    assert provider.match_results_known == result.items
    assert _party(result, DEVICE).hash_set_entries_in_clear == 0


def test_partial_hash_sends_prefixes_and_returns_buckets_to_the_device() -> None:
    result = _run("partial_hash", filler=400)
    provider = _party(result, PROVIDER)
    assert provider.prefix_bits_per_item > 0
    assert provider.item_hashes_in_clear == 3  # only the reported matches
    device = _party(result, DEVICE)
    # every bucket the device queried came back whole: it now holds part of the list
    sizes = result.extras["bucket_sizes"]
    assert device.hash_set_keys_in_clear >= max(sizes) > 0


def test_third_party_service_sees_hashes_and_provider_only_match_bits() -> None:
    result = _run("third_party")
    provider = _party(result, PROVIDER)
    service = _party(result, "matching_service")
    assert provider.item_hashes_in_clear == 0
    assert provider.opaque_fields["SEALED_HASH"] == result.items
    assert provider.match_results_known == result.items
    assert provider.positive_results_known == 3
    assert service.item_hashes_in_clear == result.items


def test_enclave_holds_hashes_and_the_provider_relays_sealed_boxes() -> None:
    result = _run("enclave_sim")
    assert _party(result, "enclave_sim").item_hashes_in_clear == result.items
    assert _party(result, PROVIDER).item_hashes_in_clear == 0


def test_device_refuses_an_enclave_running_other_code() -> None:
    class TamperedMatcher(EnclaveMatcher):
        """Same behaviour, different code: its measurement differs."""

        def match_sealed(self, sealed: bytes) -> tuple[bytes, bool]:
            return super().match_sealed(sealed)

    population, _signals = toy_population()
    mode = EnclaveSim(TamperedMatcher)
    from vouchsafe.compare.modes.base import ModeConfig

    with pytest.raises(AttestationRejected) as caught:
        mode.setup(population.hash_set, ModeConfig(2, 0.0), Transcript("enclave_sim"))
    assert caught.value.field == "measurement"


def test_multi_party_services_learn_neither_hashes_nor_candidates() -> None:
    result = _run("multi_party")
    for server in ("server_a", "server_b"):
        ledger = _party(result, server)
        assert ledger.item_hashes_in_clear == 0
        assert ledger.match_results_known == 0
        assert ledger.hash_set_keys_in_clear == 88  # they hold the list itself
    provider = _party(result, PROVIDER)
    assert provider.match_results_known == result.items
    assert provider.positive_results_known == 3
    assert provider.item_hashes_in_clear == 0


def test_below_threshold_offender_is_not_flagged_by_any_mode() -> None:
    population, signals = toy_population(threshold=4, known_per_offender=3)
    for name in (m for m in MODE_NAMES if m != "none" and m not in SLOW_MODES):
        mode = make_mode(name, signals)
        if isinstance(mode, NotAvailable):
            continue
        result, _ = run_mode(mode, population)
        assert result.offenders == 0
        assert result.false_flag_accounts == (), name


def test_unavailable_modes_say_why() -> None:
    for name in MODE_NAMES:
        mode = make_mode(name, ToySignals())
        if isinstance(mode, NotAvailable):
            assert mode.reason


def test_he_match_device_learns_the_match_and_provider_only_the_bit() -> None:
    result = _run("he_match", known_per_offender=1, ordinary_per_user=1, users=1, threshold=1)
    assert result.known_items_detected == result.known_items_sent == 1
    assert result.false_item_matches == 0
    provider = _party(result, PROVIDER)
    assert provider.item_hashes_in_clear == 0
    assert provider.opaque_fields["HE_CIPHERTEXT"] == result.items
    assert provider.match_results_known == result.items
    device = _party(result, DEVICE)
    assert device.match_results_known == result.items
    assert device.hash_set_entries_in_clear == 0
    assert result.extras["public_context_bytes"] > 1_000_000


def test_tpsi_provider_learns_nothing_below_threshold() -> None:
    result = _run("tpsi", threshold=4, known_per_offender=3, synthetic_rate=0.3)
    provider = _party(result, PROVIDER)
    assert result.known_items_detected == 0 and result.offenders == 0
    assert provider.item_hashes_in_clear == 0
    assert provider.match_results_known == 0
    assert provider.opaque_fields["SAFETY_VOUCHER"] == result.items
    assert _party(result, DEVICE).hash_set_entries_in_clear == 0


def test_tpsi_past_threshold_reveals_exactly_the_matched_items() -> None:
    result = _run("tpsi", threshold=2, known_per_offender=3)
    provider = _party(result, PROVIDER)
    assert result.known_items_detected == 3 and result.offenders_flagged == 1
    assert provider.item_hashes_in_clear == 3
    assert provider.match_results_known == 3


def test_psi_per_item_links_repeats_and_reveals_each_match() -> None:
    result = _run("psi_per_item", threshold=10, known_per_offender=6)
    provider = _party(result, PROVIDER)
    # below the scenario threshold, the provider still knows every single match
    assert provider.positive_results_known == 6
    assert provider.item_hashes_in_clear == 0
    # six known items drawn from four entries: repeats share tags
    assert provider.linkable_items >= 2


def test_hash_holders_can_link_copies_of_one_picture_and_tpsi_cannot() -> None:
    # six known items drawn from four entries: at least two are copies of one picture
    hashes = _run("hash_upload", threshold=10, known_per_offender=6)
    assert _party(hashes, PROVIDER).linkable_items >= 2
    vouchers = _run("tpsi", threshold=10, known_per_offender=6)
    assert _party(vouchers, PROVIDER).linkable_items == 0


def test_list_holder_is_not_charged_with_an_unchanged_known_items_hash() -> None:
    # a known item sent unchanged has exactly its list entry's hash; below threshold the tpsi
    # provider (which holds the list to blind it) must still show no item hash learned
    population, signals = toy_population(threshold=5, known_per_offender=1)
    entry = population.hash_set[0].perceptual_hash
    first = population.items[0]
    unchanged = replace(first, perceptual_hash=entry)
    population = replace(population, items=(unchanged, *population.items[1:]))
    mode = make_mode("tpsi", signals)
    if isinstance(mode, NotAvailable):
        pytest.skip(mode.reason)
    result, _wire = run_mode(mode, population)
    assert _party(result, PROVIDER).item_hashes_in_clear == 0
    assert _party(result, PROVIDER).hash_set_entries_in_clear == len(population.hash_set)


def test_device_hashing_cost_is_the_hash_alone_unless_the_mode_sends_psi_candidates() -> None:
    population, signals = toy_population()
    items = [i.item_id for i in population.items]
    population = replace(
        population,
        device_hash_cpu={i: 0.001 for i in items},  # 1 ms: decode and PDQ alone
        device_candidates_cpu={i: 0.030 for i in items},  # 30 ms: with views and candidates
    )
    charged = {}
    for name in ("local_match", "hash_upload", "psi_per_item", "partial_hash"):
        mode = make_mode(name, signals)
        assert not isinstance(mode, NotAvailable)
        result, wire = run_mode(mode, population)
        own = 1000 * (wire.cpu_of(DEVICE, Phase.ITEM) + wire.cpu_of(DEVICE, Phase.FINISH))
        charged[name] = result.client_cpu_ms_per_item - own / result.items
    assert charged["local_match"] == pytest.approx(1.0)
    assert charged["hash_upload"] == pytest.approx(1.0)
    assert charged["psi_per_item"] == pytest.approx(30.0)
    assert charged["partial_hash"] == pytest.approx(30.0)
