"""``vouchsafe version``: the package version and the versions of the primitives it runs on."""

from __future__ import annotations

import argparse

NAME = "version"
HELP = "print the vouchsafe version and the libraries it runs on"


def configure(parser: argparse.ArgumentParser) -> None:
    """No options."""


def run(args: argparse.Namespace) -> int:
    """Prints one line per component."""
    from importlib.metadata import PackageNotFoundError, version

    from vouchsafe.sdk._version import __version__

    print(f"vouchsafe {__version__}")
    runtime = ("pysodium", "cryptography", "numpy", "protobuf", "pillow", "httpx", "onnxruntime")
    for dist in runtime:
        try:
            print(f"  {dist} {version(dist)}")
        except PackageNotFoundError:
            print(f"  {dist} not installed")
    return 0
