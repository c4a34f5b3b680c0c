"""Assembling one device: profile, server connection, detection SDK and the messenger.

``create_device`` is ``vouchsafe client init``: fresh identity keys, registration, the release
key and match threshold pinned, the current release fetched and verified, a new detection
account secret; all stored in the profile folder (0600). ``open_device`` reloads all of it for
every later command and refreshes the release when the server is reachable (never required:
the verified release already held keeps working offline).

Where the trust comes from, plainly: the reference messenger pins the release key and the match
threshold from the server at first run (trust on first use) and takes the published root from
the server too. A vendor ships the release key and threshold inside the app and obtains the root
through a channel the provider alone does not control (e.g. a transparency log), so that a
provider cannot hand one user a lower threshold or a different hash set unnoticed.
"""

from __future__ import annotations

import os
from pathlib import Path

from vouchsafe.messenger.detection_hook import DetectionHook
from vouchsafe.messenger.errors import ProfileError
from vouchsafe.messenger.identity import Identity, generate_identity
from vouchsafe.messenger.messenger import Messenger
from vouchsafe.messenger.profile import (
    IDENTITY_FILE,
    VOUCHER_QUEUE_DIR,
    VOUCHER_RECEIPTS_DIR,
    Profile,
    write_private,
)
from vouchsafe.messenger.relay import ServerRelay
from vouchsafe.sdk import DetectionClient, PreparedVoucher, ReleaseError
from vouchsafe.sdk.api import ApiClient
from vouchsafe.sdk.errors import MalformedResponse, ServerRejected, ServerUnreachable

SERVER_ENV = "VOUCHSAFE_SERVER"
DEFAULT_SERVER = "http://127.0.0.1:8080"
ACCOUNT_SECRET_FILE = "detection-account.key"
# The device's synthetic decisions (SyntheticSchedule), kept with the account secret.
SYNTHETIC_SCHEDULE_FILE = "detection-synthetic.state"
RELEASE_FILE = "release.pb"
ROOT_FILE = "release.root"
# Short: uploads happen after a message is sent and must never hold the user up for long.
NETWORK_TIMEOUT_S = 5.0


def default_server_url() -> str:
    """``$VOUCHSAFE_SERVER`` or the local default."""
    return os.environ.get(SERVER_ENV, DEFAULT_SERVER)


def _fetch_release(api: ApiClient) -> tuple[bytes, bytes]:
    release = api.release()
    try:
        return release, bytes.fromhex(api.release_root())
    except ValueError as exc:
        raise MalformedResponse("the server's release root is not hex", field="root") from exc


def _api(url: str, identity: Identity, provider_key_hex: object = None) -> ApiClient:
    pinned = bytes.fromhex(provider_key_hex) if isinstance(provider_key_hex, str) else None
    return ApiClient(
        url,
        identity.signing_key,
        provider_public_key=pinned,
        timeout_s=NETWORK_TIMEOUT_S,
    )


def _store_release(profile: Profile, release: bytes, root: bytes, release_id: str) -> None:
    write_private(profile.folder / RELEASE_FILE, release)
    write_private(profile.folder / ROOT_FILE, root.hex().encode("ascii"))
    profile.set_setting("release_id", release_id)


class _PersistingMaker:
    """Makes vouchers with the DetectionClient and persists its synthetic schedule after each,
    so a re-sent item keeps its decision across restarts."""

    def __init__(self, detection: DetectionClient, path: Path) -> None:
        self._detection = detection
        self._path = path

    def voucher_for_media(self, media: bytes) -> PreparedVoucher:
        voucher = self._detection.voucher_for_media(media)
        write_private(self._path, self._detection.synthetic_schedule)
        return voucher


def _hook(profile: Profile, relay: ServerRelay, detection: DetectionClient) -> DetectionHook:
    folder = profile.folder
    maker = _PersistingMaker(detection, folder / SYNTHETIC_SCHEDULE_FILE)
    return DetectionHook(maker, relay, folder / VOUCHER_QUEUE_DIR, folder / VOUCHER_RECEIPTS_DIR)


def create_device(
    folder: Path,
    name: str,
    server_url: str | None = None,
    release_key_hex: str | None = None,
    threshold: int | None = None,
    synthetic_rate: float | None = None,
) -> Messenger:
    """Registers, pins release key and threshold, installs the release, then writes the profile.

    Everything that needs the server happens first, so a failed init leaves no half profile.
    """
    if (folder / IDENTITY_FILE).exists():
        raise ProfileError(f"a profile already exists in {folder}", field="profile")
    url = server_url or default_server_url()
    identity = generate_identity()
    api = _api(url, identity)
    relay = ServerRelay(api)
    try:
        account_id = relay.register(name, identity.public)
        provider_key_hex = api.provider_public_key().hex()
        key_hex = release_key_hex or api.release_key()
        if threshold is None:
            threshold = api.match_threshold()
        detection = DetectionClient(
            bytes.fromhex(key_hex),
            threshold=threshold,
            account_id=account_id,
            synthetic_rate=synthetic_rate,
        )
        release, root = _fetch_release(api)
        release_id = detection.install_release(release, root)
    except BaseException:
        api.close()
        raise
    profile = Profile.create(folder, name, url, identity)
    profile.set_setting("account_id", account_id)
    profile.set_setting("provider_public_key", provider_key_hex)
    profile.set_setting("release_key", key_hex)
    profile.set_setting("match_threshold", threshold)
    profile.set_setting("synthetic_rate", synthetic_rate)
    write_private(folder / ACCOUNT_SECRET_FILE, detection.account_secret)
    _store_release(profile, release, root, release_id)
    return Messenger(profile, relay, _hook(profile, relay, detection))


def open_device(folder: Path) -> Messenger:
    """Loads the profile and its detection state; refreshes the release if the server answers."""
    profile = Profile.load(folder)
    key_hex = profile.setting("release_key")
    threshold = profile.setting("match_threshold")
    secret_path = folder / ACCOUNT_SECRET_FILE
    if not isinstance(key_hex, str) or not isinstance(threshold, int) or not secret_path.is_file():
        raise ProfileError(
            f"the profile in {folder} is incomplete; run init again", field="profile"
        )
    schedule_path = folder / SYNTHETIC_SCHEDULE_FILE
    rate = profile.setting("synthetic_rate")
    detection = DetectionClient(
        bytes.fromhex(key_hex),
        threshold=threshold,
        account_id=str(profile.setting("account_id")),
        synthetic_rate=rate if isinstance(rate, float) else None,
        account_secret=secret_path.read_bytes(),
        synthetic_schedule=schedule_path.read_bytes() if schedule_path.is_file() else None,
    )
    detection.install_release(
        (folder / RELEASE_FILE).read_bytes(),
        bytes.fromhex((folder / ROOT_FILE).read_text(encoding="ascii").strip()),
    )
    api = _api(profile.server_url, profile.identity, profile.setting("provider_public_key"))
    relay = ServerRelay(api)
    try:
        release, root = _fetch_release(api)
        if release != (folder / RELEASE_FILE).read_bytes():
            _store_release(profile, release, root, detection.install_release(release, root))
    except (ServerUnreachable, ServerRejected, MalformedResponse, ReleaseError):
        pass  # keep using the verified release already held (a refused one never replaces it)
    return Messenger(profile, relay, _hook(profile, relay, detection))


def close_device(messenger: Messenger) -> None:
    """Releases the network connection."""
    relay = messenger.relay
    if isinstance(relay, ServerRelay):
        relay.close()
