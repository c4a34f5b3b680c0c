#!/usr/bin/env bash
# Installs the system packages the project needs when they are missing (Debian/Ubuntu only;
# elsewhere it says what to install):
# - libsodium >= 1.0.18, for ristretto255;
# - chromium and chromium-driver, for the browser tests (tests/browser) that render every report;
# - postgresql (server binaries initdb/pg_ctl), which tests/postgres.py starts as a throwaway
#   cluster for the storage and server tests (Debian's package may also create and start its own
#   "main" cluster; the tests never use it).
# When dpkg is locked (another install running), it waits and retries.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
if ! ldconfig -p 2>/dev/null | grep -q 'libsodium\.so\.2[3-9]'; then
    missing+=(libsodium23)
fi
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    missing+=(postgresql)
fi
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing system packages: ${missing[*]} (libsodium >= 1.0.18; chromium and its" \
        "chromedriver for the browser tests); install them with your package manager" >&2
    exit 1
fi
echo "installing missing system packages with apt-get: ${missing[*]}" >&2
apt_retry() {
    # dpkg may be locked by another install on a shared machine: wait and retry.
    for attempt in $(seq 1 40); do
        if $SUDO env DEBIAN_FRONTEND=noninteractive "$@"; then
            return 0
        fi
        echo "apt-get failed (attempt $attempt; dpkg may be locked), retrying in 15 s" >&2
        sleep 15
    done
    return 1
}
apt_retry apt-get update -qq
apt_retry apt-get install -y -qq "${missing[@]}"
