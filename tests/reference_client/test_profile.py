"""The profile folder keeps keys private to their owner and pins contacts on first use."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from vouchsafe.messenger.errors import IdentityKeyChanged, ProfileError
from vouchsafe.messenger.identity import generate_identity
from vouchsafe.messenger.profile import IDENTITY_FILE, Profile


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_profile_file_is_0600_and_folder_0700(tmp_path: Path) -> None:
    folder = tmp_path / "alice"
    profile = Profile.create(folder, "alice", "http://127.0.0.1:9", generate_identity())
    profile.pin_contact("bob", generate_identity().public)
    profile.set_setting("disclosure_shown", True)
    assert _mode(folder) == 0o700
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    assert all(_mode(p) == 0o600 for p in files), {p.name: oct(_mode(p)) for p in files}


def test_profile_round_trips_identity(tmp_path: Path) -> None:
    identity = generate_identity()
    Profile.create(tmp_path / "p", "alice", "http://x", identity)
    loaded = Profile.load(tmp_path / "p")
    assert loaded.identity.public == identity.public
    assert (loaded.name, loaded.server_url) == ("alice", "http://x")


def test_world_readable_key_file_is_refused(tmp_path: Path) -> None:
    Profile.create(tmp_path / "p", "alice", "http://x", generate_identity())
    (tmp_path / "p" / IDENTITY_FILE).chmod(0o644)
    with pytest.raises(ProfileError, match="readable by others"):
        Profile.load(tmp_path / "p")


def test_missing_profile_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="client init"):
        Profile.load(tmp_path / "nothing")


def test_init_refuses_to_overwrite_existing_keys(tmp_path: Path) -> None:
    Profile.create(tmp_path / "p", "alice", "http://x", generate_identity())
    with pytest.raises(ProfileError, match="already exists"):
        Profile.create(tmp_path / "p", "alice", "http://x", generate_identity())


def test_changed_contact_keys_are_refused_after_first_use(tmp_path: Path) -> None:
    profile = Profile.create(tmp_path / "p", "alice", "http://x", generate_identity())
    bob = generate_identity().public
    profile.pin_contact("bob", bob)
    assert profile.pin_contact("bob", bob).identity == bob
    with pytest.raises(IdentityKeyChanged):
        profile.pin_contact("bob", generate_identity().public)
    assert profile.contacts()["bob"].identity == bob


def test_verified_flag_persists(tmp_path: Path) -> None:
    profile = Profile.create(tmp_path / "p", "alice", "http://x", generate_identity())
    profile.pin_contact("bob", generate_identity().public)
    assert not profile.contacts()["bob"].verified
    profile.mark_verified("bob")
    assert Profile.load(tmp_path / "p").contacts()["bob"].verified
