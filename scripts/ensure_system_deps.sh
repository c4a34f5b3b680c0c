#!/usr/bin/env bash
# Installs the one system library the project needs (libsodium >= 1.0.18, for ristretto255)
# when it is missing. Debian/Ubuntu only; elsewhere it says what to install.
set -euo pipefail
if ldconfig -p 2>/dev/null | grep -q 'libsodium\.so\.2[3-9]'; then
    exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
    echo "libsodium not found: installing libsodium23 with apt-get" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq libsodium23
else
    echo "error: libsodium >= 1.0.18 is required (package libsodium23 on Debian/Ubuntu, libsodium on others)" >&2
    exit 1
fi
