"""A user's profile folder: identity keys, settings, pinned contacts, queued vouchers, inbox.

One folder is one device. The folder is created with mode 0700 and every file in it with 0600,
written atomically (temporary file, then rename). Loading refuses a key file that group or others
can read, as ssh does, rather than silently using a key that may have leaked.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vouchsafe.messenger.errors import IdentityKeyChanged, ProfileError
from vouchsafe.messenger.identity import KEY_BYTES, Identity, PublicIdentity

PROFILE_ENV = "VOUCHSAFE_CLIENT_HOME"
SETTINGS_FILE = "profile.json"
IDENTITY_FILE = "identity.key"
CONTACTS_FILE = "contacts.json"
VOUCHER_QUEUE_DIR = "voucher-queue"
VOUCHER_RECEIPTS_DIR = "voucher-receipts"
INBOX_DIR = "inbox"
FILE_MODE = 0o600
DIR_MODE = 0o700


def default_profile_dir() -> Path:
    """``$VOUCHSAFE_CLIENT_HOME`` if set, else ``~/.vouchsafe/client``."""
    override = os.environ.get(PROFILE_ENV)
    if override:
        return Path(override)
    return Path.home() / ".vouchsafe" / "client"


def write_private(path: Path, data: bytes) -> None:
    """Writes ``data`` to ``path`` atomically with mode 0600."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def make_private_dir(path: Path) -> None:
    """Creates ``path`` (and parents) and sets it to mode 0700."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(DIR_MODE)


@dataclass(frozen=True)
class Contact:
    """A pinned contact: the keys first seen for that name, and whether the user verified them."""

    name: str
    identity: PublicIdentity
    verified: bool = False


class Profile:
    """Everything one device keeps about its user. Construct with :meth:`create` or :meth:`load`."""

    def __init__(self, folder: Path, name: str, server_url: str, identity: Identity) -> None:
        self.folder = folder
        self.name = name
        self.server_url = server_url
        self.identity = identity

    @classmethod
    def create(cls, folder: Path, name: str, server_url: str, identity: Identity) -> Profile:
        """Writes a new profile; refuses to overwrite an existing one."""
        if (folder / IDENTITY_FILE).exists():
            raise ProfileError(f"a profile already exists in {folder}", field="profile")
        make_private_dir(folder)
        make_private_dir(folder / VOUCHER_QUEUE_DIR)
        make_private_dir(folder / INBOX_DIR)
        write_private(folder / IDENTITY_FILE, identity.signing_seed + identity.agreement_secret)
        profile = cls(folder, name, server_url, identity)
        profile._save_settings({"name": name, "server_url": server_url, "disclosure_shown": False})
        write_private(folder / CONTACTS_FILE, b"{}")
        return profile

    @classmethod
    def load(cls, folder: Path) -> Profile:
        """Reads a profile, checking that the key file is private to its owner."""
        key_path = folder / IDENTITY_FILE
        if not key_path.is_file():
            raise ProfileError(
                f"no profile in {folder}; run `vouchsafe client init --name NAME` first",
                field="profile",
            )
        if stat.S_IMODE(key_path.stat().st_mode) & 0o077:
            raise ProfileError(
                f"{key_path} is readable by others; expected mode 0600", field="profile"
            )
        secret = key_path.read_bytes()
        if len(secret) != 2 * KEY_BYTES:
            raise ProfileError(f"{key_path} is damaged", field="profile")
        identity = Identity(signing_seed=secret[:KEY_BYTES], agreement_secret=secret[KEY_BYTES:])
        settings = cls._read_json(folder / SETTINGS_FILE)
        return cls(folder, str(settings["name"]), str(settings["server_url"]), identity)

    @staticmethod
    def _read_json(path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ProfileError(f"cannot read {path}", field="profile") from exc
        if not isinstance(data, dict):
            raise ProfileError(f"{path} is damaged", field="profile")
        return data

    def _save_settings(self, settings: dict[str, Any]) -> None:
        write_private(self.folder / SETTINGS_FILE, json.dumps(settings, indent=2).encode())

    def setting(self, key: str) -> Any:
        """One value from profile.json (None if absent)."""
        return self._read_json(self.folder / SETTINGS_FILE).get(key)

    def set_setting(self, key: str, value: Any) -> None:
        """Stores one value in profile.json."""
        settings = self._read_json(self.folder / SETTINGS_FILE)
        settings[key] = value
        self._save_settings(settings)

    def contacts(self) -> dict[str, Contact]:
        """Every pinned contact by name."""
        raw = self._read_json(self.folder / CONTACTS_FILE)
        return {
            name: Contact(
                name=name,
                identity=PublicIdentity(
                    bytes.fromhex(entry["signing_key"]), bytes.fromhex(entry["agreement_key"])
                ),
                verified=bool(entry.get("verified", False)),
            )
            for name, entry in raw.items()
        }

    def _save_contacts(self, contacts: dict[str, Contact]) -> None:
        raw = {
            c.name: {
                "signing_key": c.identity.signing_key.hex(),
                "agreement_key": c.identity.agreement_key.hex(),
                "verified": c.verified,
            }
            for c in contacts.values()
        }
        write_private(self.folder / CONTACTS_FILE, json.dumps(raw, indent=2).encode())

    def pin_contact(self, name: str, identity: PublicIdentity) -> Contact:
        """Trust on first use: pins ``identity`` for ``name`` the first time it is seen.

        Raises :class:`IdentityKeyChanged` if different keys were pinned for ``name`` before;
        the user must re-verify the safety number before talking to that contact again.
        """
        contacts = self.contacts()
        existing = contacts.get(name)
        if existing is not None:
            if existing.identity != identity:
                raise IdentityKeyChanged(
                    f"{name}'s identity keys changed since first contact; "
                    f"compare safety numbers with `vouchsafe client verify {name}`",
                    field="identity",
                )
            return existing
        contact = Contact(name=name, identity=identity)
        contacts[name] = contact
        self._save_contacts(contacts)
        return contact

    def mark_verified(self, name: str) -> None:
        """Records that the user compared the safety number with ``name`` and it matched."""
        contacts = self.contacts()
        if name not in contacts:
            raise ProfileError(f"{name} is not a contact yet", field="name")
        contact = contacts[name]
        contacts[name] = Contact(contact.name, contact.identity, verified=True)
        self._save_contacts(contacts)

    def contact_named_by_key(self, identity: PublicIdentity) -> str | None:
        """The pinned contact name for ``identity``, if any."""
        for contact in self.contacts().values():
            if contact.identity == identity:
                return contact.name
        return None
