"""Plain-language names and one-paragraph descriptions of the detection modes, for readers
who are not programmers (policy teams). The code names stay in the JSON and in small print."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModeText:
    """How the report names and explains one mode."""

    name: str
    description: str


MODE_TEXT: dict[str, ModeText] = {
    "none": ModeText(
        "No detection",
        "Messages and photos are end-to-end encrypted and nobody checks them. This is the "
        "reference point for privacy and cost: it finds nothing, and nobody learns anything.",
    ),
    "server_plaintext": ModeText(
        "Scanning on the provider's servers (no end-to-end encryption)",
        "Photos reach the provider unencrypted; the provider computes a fingerprint (PDQ hash) "
        "of every photo and compares it with its list of known material. It sees every photo, "
        "so it can find anything it wants to, and so can anyone who breaks into its servers.",
    ),
    "local_match": ModeText(
        "Matching on the phone against a downloaded list",
        "Every phone downloads the whole list of fingerprints and compares each photo with it "
        "before sending. The provider learns only what the phone reports, but the list itself "
        "sits on every phone, where it can be copied and studied to dodge it.",
    ),
    "hash_upload": ModeText(
        "Phone sends each photo's fingerprint to the provider",
        "The phone computes a fingerprint of each photo and sends it to the provider, who "
        "compares it with the list. Photos stay encrypted, but the provider keeps a fingerprint "
        "of every photo, which it can compare with any other list at any time.",
    ),
    "partial_hash": ModeText(
        "Phone sends part of each fingerprint",
        "The phone sends only the first bits of each fingerprint; the provider answers with the "
        "list entries that start the same way and the phone finishes the comparison. Less of "
        "each fingerprint leaves the phone, but phones gradually collect pieces of the list.",
    ),
    "tpsi": ModeText(
        "Threshold private matching (this project, vouchsafe)",
        "The phone attaches a sealed 'safety voucher' to each photo. The provider can open "
        "nothing until one account has at least t vouchers that match the list; only then can "
        "it read those matching vouchers (a fingerprint and a small blurred preview for a human "
        "reviewer). Below the threshold, fake 'synthetic' vouchers hide how many matched.",
    ),
    "psi_per_item": ModeText(
        "Private matching per photo, without a threshold",
        "The same kind of cryptographic comparison as threshold matching, but the provider "
        "learns the result for every photo at once: it knows each match as it happens, without "
        "seeing non-matching fingerprints.",
    ),
    "third_party": ModeText(
        "An independent matching service",
        "Phones send fingerprints to a separate organisation that holds the list and tells the "
        "provider only which photos matched. The service sees every fingerprint; if it and the "
        "provider work together, this is the same as sending fingerprints to the provider.",
    ),
    "multi_party": ModeText(
        "Two services that match jointly",
        "Each fingerprint is split into two meaningless halves sent to two separate services; "
        "together they work out whether it matches without either seeing it. Safe as long as "
        "the two services never combine what they hold.",
    ),
    "enclave_sim": ModeText(
        "Matching inside a sealed server chip (simulated)",
        "Fingerprints go to a 'trusted execution environment', a protected area of a server "
        "chip meant to hide them even from the provider. Here it is only simulated: the "
        "protection of real chips, and their known weaknesses, are not modelled.",
    ),
    "he_match": ModeText(
        "Matching on encrypted data (homomorphic encryption)",
        "The phone encrypts the fingerprint so that the provider can compare it with the list "
        "without decrypting it; the phone decrypts the answer and reports it. The phone learns "
        "whether a photo matched and could hide that.",
    ),
}


def plain_name(mode: str) -> str:
    """The mode's plain-language name (its code name when there is none)."""
    text = MODE_TEXT.get(mode)
    return text.name if text else mode


def short_name(mode: str) -> str:
    """A name short enough for a chart axis."""
    return SHORT_NAMES.get(mode, mode)


SHORT_NAMES = {
    "none": "No detection",
    "server_plaintext": "Server scanning",
    "local_match": "On-phone list",
    "hash_upload": "Fingerprint upload",
    "partial_hash": "Partial fingerprint",
    "tpsi": "Threshold PSI (ours)",
    "psi_per_item": "PSI per photo",
    "third_party": "Matching service",
    "multi_party": "Two services",
    "enclave_sim": "Sealed chip (sim.)",
    "he_match": "Homomorphic",
}
