#!/usr/bin/env bash
# Installs every Debian 12 package twi builds, tests or benchmarks with.
# Idempotent: asks apt only for what is missing, so a warm machine pays one dpkg query.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-format
  # libraries
  libssl-dev libboost1.74-dev nlohmann-json3-dev libabsl-dev libyaml-cpp-dev
  libcli11-dev libsqlite3-dev libgtest-dev libgmock-dev libbenchmark-dev libjemalloc-dev
  libp11-kit-dev softhsm2
  # TPM 2.0: the TCG software stack, and a software TPM for the tests and the quickstart
  libtss2-dev swtpm swtpm-tools
  # independent implementations used by interop tests, and the quickstart's checks
  openssl curl python3 python3-jwcrypto python3-cryptography tpm2-tools
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "twi: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
