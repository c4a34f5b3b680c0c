"""Regenerates the Python code for every ``protocol/*.proto``.

``python -m vouchsafe.protocol.build`` (or ``make proto``) rewrites the committed ``*_pb2.py`` and
``*_pb2.pyi`` files; ``generate(out_dir)`` writes them elsewhere so a test can prove the
committed files are up to date with their sources.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

PROTOCOL_DIR = Path(__file__).resolve().parent
REPO_ROOT = PROTOCOL_DIR.parent
# protoc sees the sources under the import name they have once installed, vouchsafe/protocol/,
# so the generated modules register as ``vouchsafe.protocol.*_pb2``.
IMPORT_DIR = REPO_ROOT / "vouchsafe" / "protocol"


def proto_sources() -> list[Path]:
    """Every ``.proto`` source, sorted, as paths relative to the repository root."""
    return sorted(p.relative_to(REPO_ROOT) for p in IMPORT_DIR.glob("*.proto"))


def generate(out_dir: Path) -> list[Path]:
    """Runs protoc (from grpcio-tools) on every source, writing into
    ``out_dir/vouchsafe/protocol/``.

    Returns the generated files. Raises RuntimeError with protoc's exit code on failure.
    """
    from grpc_tools import protoc

    args = [
        "grpc_tools.protoc",
        f"-I{REPO_ROOT}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        *(str(REPO_ROOT / p) for p in proto_sources()),
    ]
    status = protoc.main(args)
    if status != 0:
        raise RuntimeError(f"protoc failed with exit code {status}")
    return sorted((out_dir / "vouchsafe" / "protocol").glob("*_pb2.py*"))


def main() -> int:
    """Regenerates the committed generated code in place."""
    with tempfile.TemporaryDirectory() as tmp:
        for generated in generate(Path(tmp)):
            shutil.copyfile(generated, PROTOCOL_DIR / generated.name)
            print(f"wrote protocol/{generated.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
