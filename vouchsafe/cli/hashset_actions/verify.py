"""``vouchsafe hashset verify RELEASE --root HEX --release-key PUB``: the device's checks.

Runs exactly what a device runs before it uses a release (``vouchsafe.sdk.release``). ``--held OLD``
verifies OLD first, so rollback and chain checks apply. With no RELEASE, builds a demo release
and verifies it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

NAME = "verify"
HELP = "verify a release as a device does (signature, rollback, expiry, root, elements)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Release, root, key, optional held release and clock."""
    parser.add_argument("release", nargs="?", type=Path, help="release.pb (or its folder)")
    parser.add_argument("--root", default=None, help="published root, hex")
    parser.add_argument("--release-key", default=None, help="pinned release public key, hex")
    parser.add_argument("--held", type=Path, default=None, help="release the device holds now")
    parser.add_argument("--held-root", default=None, help="published root of --held, hex")
    parser.add_argument("--now", type=int, default=None, help="Unix time (default: now)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the demo release")


def _file(path: Path) -> Path:
    return path / "release.pb" if path.is_dir() else path


def _hex(value: str | None, folder: Path, name: str) -> bytes:
    from vouchsafe.cli import UsageError

    text = value if value is not None else (folder / name).read_text(encoding="utf-8")
    try:
        return bytes.fromhex(text.strip())
    except ValueError:
        raise UsageError(f"{name} is not hex") from None


def run(args: argparse.Namespace) -> int:
    """Prints the accepted release's figures; a refusal exits 2 with its error code."""
    from vouchsafe.cli.hashset_actions.common import build, default_out, make_demo_sources
    from vouchsafe.sdk.release import ReleaseHolder

    release_path: Path | None = args.release
    if release_path is None:
        out = default_out(args.out, "verify")
        build(make_demo_sources(out / "demo-sources", None, 0), out / "release")
        release_path = out / "release"
    folder = release_path if release_path.is_dir() else release_path.parent
    key = _hex(args.release_key, folder, "release_key.pub")
    now = args.now if args.now is not None else int(time.time())
    holder = ReleaseHolder(key, clock=lambda: now)
    if args.held is not None:
        held_folder = args.held if args.held.is_dir() else args.held.parent
        held_root = _hex(args.held_root, held_folder, "release.root")
        holder.install(_file(args.held).read_bytes(), held_root)
        print(f"holding version {holder.current.version}")
    root = _hex(args.root, folder, "release.root")
    data = _file(release_path).read_bytes()
    release = holder.install(data, root)
    print(
        f"accepted: version {release.version}, {release.entry_count} entries, "
        f"{release.slot_count} slots, {len(data)} bytes "
        f"({len(data) / max(1, release.entry_count):.1f} bytes per entry), "
        f"expires {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(release.expires_at))}"
    )
    print(f"digest {release.digest.hex()}")
    return 0
