"""The PSI-candidate scheme is a signed release parameter (SPEC "PSI candidates", P.1)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.hashset.release_helpers import (
    _BASE_PARAMS,
    NOW,
    RELEASE_KEY,
    RELEASE_PUB,
    random_table,
)
from vouchsafe.sdk.errors import ReleaseParamsMismatch, ReleaseUnsupported
from vouchsafe.sdk.media.candidates import CANDIDATE_SCHEME, scheme_for_budget
from vouchsafe.sdk.release import verify_release
from vouchsafe.sdk.tpsi.params import table_digest
from vouchsafe.sdk.tpsi.wire import encode_server_params
from vouchsafe.server.hashset.release_file import ReleaseDraft, SignedRelease, sign_release


def _release(scheme: str, max_candidates: int) -> SignedRelease:
    table = random_table(8)
    params = dataclasses.replace(
        _BASE_PARAMS,
        table_size=8,
        table_digest=table_digest(table),
        max_candidates=max_candidates,
        synthetic_open_weights=(1,),
    )
    draft = ReleaseDraft(
        ciphersuite=params.ciphersuite, version=1, previous_release_digest=b"",
        created_at=NOW - 10, expires_at=NOW + 1000, server_params=encode_server_params(params),
        entry_count=4, signal_types=("pdq",), candidate_scheme=scheme,
    )  # fmt: skip
    return sign_release(draft, table, RELEASE_KEY)


def _verify(release: SignedRelease) -> object:
    return verify_release(release.data, release_key=RELEASE_PUB, published_root=release.root,
                          now=NOW)  # fmt: skip


@pytest.mark.parametrize("budget", [16, 64, 256])
def test_a_release_names_its_scheme_and_budget_under_the_signature(budget: int) -> None:
    scheme = scheme_for_budget(budget)
    verified = _verify(_release(scheme.name, budget))
    assert verified.candidate_scheme == scheme.name  # type: ignore[attr-defined]
    assert verified.params.max_candidates == budget  # type: ignore[attr-defined]


def test_a_release_of_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ReleaseUnsupported) as caught:
        _verify(_release("lowfreq52-mirror-multiprobe16-v1", 16))
    assert caught.value.field == "candidate_scheme"


def test_a_release_taking_more_candidates_than_its_scheme_derives_is_refused() -> None:
    with pytest.raises(ReleaseParamsMismatch):
        _verify(_release(scheme_for_budget(16).name, 32))


def test_the_default_draft_names_the_default_scheme() -> None:
    assert _verify(_release(CANDIDATE_SCHEME, 4)).candidate_scheme == CANDIDATE_SCHEME  # type: ignore[attr-defined]
