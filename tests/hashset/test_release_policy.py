"""Devices pin a policy on a release's protocol parameters (SPEC.md R.6 check 16): a release
signed by the right key is still refused if it weakens below-threshold hiding."""

from __future__ import annotations

import dataclasses

import pytest

from tests.hashset.release_helpers import NOW, RELEASE_PUB, make_release, params_for, random_table
from vouchsafe.sdk import errors
from vouchsafe.sdk.release import ReleaseHolder
from vouchsafe.sdk.release_policy import MIN_SYNTHETIC_MAX, ReleasePolicy
from vouchsafe.sdk.tpsi.wire import decode_server_params, encode_server_params

TABLE = random_table(6)


def _signed_with(**changes: object) -> tuple[bytes, bytes]:
    params = dataclasses.replace(decode_server_params(params_for(TABLE)), **changes)  # type: ignore[arg-type]
    release = make_release(TABLE, server_params=encode_server_params(params))
    return release.data, release.root


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"synthetic_max": 1}, "synthetic_max"),
        ({"synthetic_max": MIN_SYNTHETIC_MAX - 1}, "synthetic_max"),
        ({"synthetic_open_weights": (0, 1)}, "synthetic_open_weights"),
    ],
)
def test_signed_release_outside_the_pinned_policy_is_refused(
    changes: dict[str, object], field: str
) -> None:
    data, root = _signed_with(**changes)
    holder = ReleaseHolder(RELEASE_PUB, clock=lambda: NOW)
    with pytest.raises(errors.ReleasePolicyRefused) as refused:
        holder.install(data, root)
    assert refused.value.code == "release_policy_refused" and refused.value.field == field
    assert not holder.has_release


def test_a_vendor_may_pin_another_policy() -> None:
    data, root = _signed_with(synthetic_open_weights=(0, 1))
    policy = ReleasePolicy(allowed_synthetic_open_weights=frozenset({(1,), (0, 1)}))
    held = ReleaseHolder(RELEASE_PUB, clock=lambda: NOW, policy=policy).install(data, root)
    assert held.params.synthetic_open_weights == (0, 1)


def test_release_at_the_pinned_minimum_is_accepted() -> None:
    data, root = _signed_with(synthetic_max=MIN_SYNTHETIC_MAX)
    assert ReleaseHolder(RELEASE_PUB, clock=lambda: NOW).install(data, root).version == 1
