"""The protocol parameters a device accepts in a release (``protocol/SPEC.md`` R.6, check 16).

A release is signed by the provider, so the provider alone chooses its ``ServerParams``. Some of
them decide how much the protocol hides from that same provider: a release with
``synthetic_max = 1`` switches synthetic vouchers off in effect, and open weights other than the
ones the device's candidate scheme was measured with let a server tell synthetic vouchers from
real ones by their count of opened halves (SPEC.md section 11). So the device pins a
:class:`ReleasePolicy` and refuses a release outside it (``release_policy_refused``), exactly
as it refuses a release signed by another key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from vouchsafe.sdk.errors import ReleasePolicyRefused
from vouchsafe.sdk.tpsi.params import (
    DEFAULT_SYNTHETIC_MAX,
    DEFAULT_SYNTHETIC_OPEN_WEIGHTS,
    ServerParams,
)

# The smallest s_max a device accepts: the synthetic design's own value (SPEC.md section 10).
# The one constant to change when that design changes.
MIN_SYNTHETIC_MAX: Final = DEFAULT_SYNTHETIC_MAX
# The synthetic open-weight sets a device accepts (SPEC.md section 11).
ALLOWED_SYNTHETIC_OPEN_WEIGHTS: Final[frozenset[tuple[int, ...]]] = frozenset(
    {tuple(DEFAULT_SYNTHETIC_OPEN_WEIGHTS)}
)


@dataclass(frozen=True)
class ReleasePolicy:
    """What a device pins about a release's parameters besides the release key."""

    min_synthetic_max: int = MIN_SYNTHETIC_MAX
    allowed_synthetic_open_weights: frozenset[tuple[int, ...]] = ALLOWED_SYNTHETIC_OPEN_WEIGHTS

    def check(self, params: ServerParams) -> None:
        """Raises ReleasePolicyRefused naming the first parameter outside this policy."""
        if params.synthetic_max < self.min_synthetic_max:
            raise ReleasePolicyRefused(
                f"the release allows {params.synthetic_max} synthetic shares, fewer than the "
                f"{self.min_synthetic_max} this device requires",
                field="synthetic_max",
            )
        if tuple(params.synthetic_open_weights) not in self.allowed_synthetic_open_weights:
            raise ReleasePolicyRefused(
                f"synthetic open weights {params.synthetic_open_weights} are not among the "
                "sets this device accepts",
                field="synthetic_open_weights",
            )


DEVICE_POLICY: Final = ReleasePolicy()
