"""The expert process's five criteria, one cell per mode, each citing the measured figures.

Effectiveness, feasibility and privacy cells are built only from measurements of the run.
Security and transparency cells start from measurements (who holds the list, who learns the
match outcome and so can suppress it, how many crafted collisions matched) and add one short
design property per mode, marked "design:" so no reader mistakes it for a measurement.
"""

from __future__ import annotations

from dataclasses import dataclass

from vouchsafe.compare.ledger import PartyLedger
from vouchsafe.compare.run import ModeResult
from vouchsafe.compare.stats import wilson
from vouchsafe.compare.transcript import DEVICE, PROVIDER

CRITERIA = ("effectiveness", "feasibility", "privacy", "security", "transparency")

DESIGN_NOTES: dict[str, tuple[str, str]] = {
    # mode: (security design note, transparency design note)
    "none": ("nothing to attack or abuse", "nothing to audit; no detection"),
    "server_plaintext": (
        "the provider can scan for anything it likes; a breach exposes all media",
        "the list and the matching are server-side, invisible to users",
    ),
    "local_match": (
        "the list on every device can be extracted and used to test evasions offline",
        "the list can be audited by anyone holding a device",
    ),
    "hash_upload": (
        "the provider can match hashes against any list, later and in bulk",
        "the list stays server-side; users cannot check what it contains",
    ),
    "partial_hash": (
        "devices accumulate the buckets they query: the list leaks over time",
        "bucket contents are visible to devices; the full list is not",
    ),
    "tpsi": (
        "the threshold is enforced by cryptography; the provider could insert targets into the "
        "blinded set (mitigated by signed, committed releases)",
        "the blinded set is published; a commitment lets third parties check every device got "
        "the same one",
    ),
    "psi_per_item": (
        "the provider holding the OPRF key can test items against any image it chooses",
        "the list stays server-side behind the OPRF key",
    ),
    "third_party": (
        "the matching service sees every hash; collusion with the provider = hash_upload",
        "the service's list is auditable only by the service",
    ),
    "multi_party": (
        "safe while the two services do not collude; colluding they learn every candidate",
        "both services hold the list; each can be audited separately",
    ),
    "enclave_sim": (
        "SIMULATION: rests on TEE isolation, not modelled here; real TEEs have side channels",
        "the code measurement is published and checked by the device",
    ),
    "he_match": (
        "the device holds the secret key: it learns the match count and reports the result",
        "the list stays server-side, encrypted computation only",
    ),
}


@dataclass(frozen=True)
class CriteriaRow:
    """The five cells for one mode."""

    mode: str
    cells: dict[str, str]


def _ci(successes: int, trials: int) -> str:
    """``62% (95% CI 31-86%)``."""
    e = wilson(successes, trials)
    if e is None:
        return "n/a"
    return f"{100 * e.value:.0f}% (95% CI {100 * e.low:.0f}-{100 * e.high:.0f}%)"


def _party(result: ModeResult, name: str) -> PartyLedger | None:
    return next((p for p in result.ledger if p.party == name), None)


def criteria_row(result: ModeResult) -> CriteriaRow:
    """The five cells for one measured mode."""
    if not result.available:
        cell = f"not run: {result.reason}"
        return CriteriaRow(result.name, dict.fromkeys(CRITERIA, cell))
    provider = _party(result, PROVIDER)
    device = _party(result, DEVICE)
    security_note, transparency_note = DESIGN_NOTES.get(result.name, ("", ""))
    effectiveness = (
        f"item recall {_ci(result.known_items_detected, result.known_items_sent)} "
        f"({result.known_items_detected}/{result.known_items_sent} known items); account recall "
        f"{_ci(result.offenders_flagged, result.offenders)} "
        f"({result.offenders_flagged}/{result.offenders}); {result.false_item_matches} false item "
        f"matches; {len(result.false_flag_accounts)} accounts falsely flagged"
    )
    feasibility = (
        f"device {result.client_cpu_ms_per_item:.1f} ms/item, servers "
        f"{result.server_cpu_ms_per_item:.1f} ms/item CPU; {result.bytes_up_per_item:.0f} B up, "
        f"{result.bytes_down_per_item:.0f} B down per item; {result.setup_bytes_to_device} B "
        f"to each device at setup"
    )
    others = [p for p in result.ledger if p.party not in (PROVIDER, DEVICE, "hash_source")]
    privacy_parts = []
    if provider is not None:
        privacy_parts.append(
            f"provider holds {provider.media_in_clear} items in the clear, "
            f"{provider.item_hashes_in_clear} item hashes, match results for "
            f"{provider.match_results_known} items ({provider.positive_results_known} positive), "
            f"{provider.linkable_items} linkable items"
        )
    privacy_parts += [
        f"{p.party} holds {p.item_hashes_in_clear} item hashes and match results for "
        f"{p.match_results_known} items"
        for p in others
    ]
    security = []
    if device is not None:
        security.append(
            f"device holds {device.hash_set_entries_in_clear} list hashes and "
            f"{device.hash_set_keys_in_clear} list keys in the clear; device knows the match "
            f"outcome of {device.match_results_known} items (a modified client can suppress those)"
        )
    if result.colliding_items_sent:
        security.append(
            f"{result.colliding_items_matched}/{result.colliding_items_sent} crafted colliding "
            f"images matched"
        )
    security.append(f"design: {security_note}")
    holders = [
        p.party for p in result.ledger if p.hash_set_entries_in_clear or p.hash_set_keys_in_clear
    ]
    transparency = (
        f"parties holding list entries in the clear: {', '.join(holders) or 'none'}; "
        f"design: {transparency_note}"
    )
    return CriteriaRow(
        result.name,
        {
            "effectiveness": effectiveness,
            "feasibility": feasibility,
            "privacy": "; ".join(privacy_parts),
            "security": "; ".join(security),
            "transparency": transparency,
        },
    )
