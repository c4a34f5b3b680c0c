"""What the provider announces about itself (``GET /v1/provider``), typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vouchsafe.sdk.errors import MalformedResponse

PUBLIC_KEY_SIZE = 32


@dataclass(frozen=True)
class ProviderInfo:
    """The provider's name, Ed25519 key (signs receipts, reports, audit checkpoints), match
    threshold and current release id; the last two are None until a release is loaded."""

    name: str
    key_id: str
    public_key: bytes
    match_threshold: int | None
    release_id: str | None


def provider_info_from_json(document: Any) -> ProviderInfo:
    """Checks and types the JSON ``GET /v1/provider`` answers; MalformedResponse otherwise."""
    if not isinstance(document, dict):
        raise MalformedResponse("/v1/provider is not a JSON object")
    try:
        public_key = bytes.fromhex(str(document["provider_public_key"]))
        threshold = document.get("match_threshold")
        release_id = document.get("release_id")
        info = ProviderInfo(
            name=str(document.get("provider", "")),
            key_id=str(document["provider_key_id"]),
            public_key=public_key,
            match_threshold=threshold if isinstance(threshold, int) else None,
            release_id=release_id if isinstance(release_id, str) else None,
        )
    except (KeyError, ValueError) as exc:
        raise MalformedResponse("/v1/provider misses the provider key") from exc
    if len(info.public_key) != PUBLIC_KEY_SIZE:
        raise MalformedResponse("the provider key is not 32 bytes", field="provider_public_key")
    return info
