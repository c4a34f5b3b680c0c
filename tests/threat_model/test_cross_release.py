"""Attack 9 (cross-release): two public releases of one chain are no membership oracle."""

from __future__ import annotations

from vouchsafe.threat_model.attacks import cross_release


def test_two_releases_of_one_chain_flag_no_member_beyond_chance() -> None:
    outcome = cross_release.run(cross_release.Config(entries=300, swapped=10))
    fresh = outcome.evidence["fresh_server_key_per_release"]
    assert outcome.held
    assert fresh["shared_elements"] == 0
    assert fresh["members_flagged"] == 0 and fresh["changed_flagged"] == 0
    # The oracle is real: with the server key carried over it finds every member.
    control = outcome.evidence["control_server_key_reused"]
    assert control["member_rate"] == 1.0 and control["shared_elements"] > 0
