#!/usr/bin/env bash
# Installs every Debian package hako needs to build, test and benchmark.
# Idempotent, and fast when everything is already present: apt is only
# consulted for packages that dpkg does not report as installed.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config
  libfmt-dev nlohmann-json3-dev libseccomp-dev libsqlite3-dev libgtest-dev
  libarchive-dev libssl-dev libcurl4-openssl-dev zlib1g-dev libzstd-dev
  libyaml-dev
  # tests: SARIF and CycloneDX documents checked against their JSON schemas
  # (the schemas come from npm packages, fetched by the tests into a cache)
  python3-jsonschema
  # tests/system/scan.bats ages the vulnerability database with sqlite3
  sqlite3
  # networks: libnftables, loaded with dlopen when a network is touched
  libnftables1
  # tests and the demo
  bats jq busybox-static iproute2 util-linux procps
  # tests/system/networks.bats: the ruleset before and after; socat (a UDP
  # server for the published-port test)
  nftables socat
  # tests/system/containerd.bats (containerd drives the runtime; ctr, and a
  # python pty for `ctr run -t`)
  containerd python3
  # base images made offline (scripts/make-base-images.sh)
  debootstrap
  # registry tests: a local registry, htpasswd auth, interop peers
  docker-registry apache2-utils skopeo umoci curl openssl file
  # peers for benchmarks and comparison
  runc crun iperf3
  # bench/scan.sh's peer
  debsecan
)

missing=()
# npm (for the schema packages): Debian's, unless a nodejs that carries its
# own npm is installed already (Debian's npm would conflict with it).
command -v npm >/dev/null || packages+=(npm)
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
