#!/usr/bin/env bash
# Installs the Debian packages the integration tests and benchmarks use, only
# when missing: the real CNCF registry, skopeo (the independent cross-check),
# openssl (test CAs), zstd (zstd layers), strace (proves renames are fsynced),
# containerd (diagnose reads its content store; the test starts its own daemon
# on a temporary root), buildah (pulls through a registries.conf mirror, the
# way teams' builds do), chromium (the dashboard's browser tests, driven by
# playwright-core), postgresql (history on PostgreSQL; the test starts its own
# cluster with initdb/pg_ctl in a temporary folder as a non-root user).
# Needs root or passwordless sudo.
set -euo pipefail

declare -A needed=(
  [docker-registry]=/usr/bin/docker-registry
  [skopeo]=/usr/bin/skopeo
  [openssl]=/usr/bin/openssl
  [zstd]=/usr/bin/zstd
  [strace]=/usr/bin/strace
  [containerd]=/usr/bin/containerd
  [buildah]=/usr/bin/buildah
  [chromium]=/usr/bin/chromium
  [postgresql]='/usr/lib/postgresql/*/bin/initdb'
)
missing=()
for package in "${!needed[@]}"; do
  # A path may be a glob: the PostgreSQL version differs between releases.
  compgen -G "${needed[$package]}" >/dev/null || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages for the tests: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
