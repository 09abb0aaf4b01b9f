#!/usr/bin/env bash
# scan.sh: `hako scan` of the Debian image (debootstrap bookworm minbase)
# against a generated OSV database of ADVISORIES advisories (default
# 100,000), and `hako scan db import` of that database; beside it the peer
# Debian ships, debsecan, on the same advisories (converted to its data
# format) and the same dpkg status file.  See bench/README.md.
#
# The advisories come from bench/tools/gen-osv-advisories.py: half Debian
# 12, the rest Debian 11, Alpine 3.19, npm, PyPI and Go, one all.zip per
# ecosystem as OSV exports them; a share of the Debian 12 ones name the
# image's own source packages (fixes above and below what is installed, or
# none) so the scan finds real work and findings.
#
# Import: N_IMPORT runs, each into a fresh database file, median wall time
# (target <= 10 s).  Scan: WARMUP untimed then N timed `hako scan -f json`
# of the image, warm (the page cache holds the database and the layers),
# median and p90 (target <= 1 s); debsecan alternates with hako.
#
# Environment:
#   HAKO        hako binary (default <repo>/build/hako)
#   ADVISORIES  size of the generated database (default 100000)
#   N, WARMUP   timed and untimed scans per contender (10, 2)
#   N_IMPORT    timed imports (3)
#   ENGINES     "hako debsecan" (default) or "hako"
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
HAKO=${HAKO:-$repo/build/hako}
ADVISORIES=${ADVISORIES:-100000}
N=${N:-10}
WARMUP=${WARMUP:-2}
N_IMPORT=${N_IMPORT:-3}
ENGINES=${ENGINES:-hako debsecan}
SCAN_TARGET_MS=1000
IMPORT_TARGET_MS=10000

[[ -x $HAKO ]] || { echo "hako not found at $HAKO (build it first)" >&2; exit 1; }
tmp=$(mktemp -d /var/tmp/hako-bench-scan.XXXXXX)
export HAKO_ROOT=$tmp/root
# shellcheck disable=SC2317  # called by the trap
cleanup() {
  "$HAKO" rmi -f debian:12 >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

HAKO='' "$repo/scripts/make-base-images.sh" --no-layered >/dev/null
debian_tar=${HAKO_BASE_CACHE:-/var/cache/hako/base}/debian-bookworm.tar
"$HAKO" import "$debian_tar" debian:12 >/dev/null

# The image's source packages ("name version"), for the generator.
"$HAKO" sbom -f cyclonedx debian:12 | jq -r '.components[] | select(.type == "library") |
  ([(.properties // [])[] | {(.name): .value}] | add // {}) as $p |
  "\($p["hako:package:source_name"] // .name) \($p["hako:package:source_version"] // .version)"' |
  sort -u >"$tmp/sources.txt"
gen=$(python3 "$repo/bench/tools/gen-osv-advisories.py" "$tmp/osv" -n "$ADVISORIES" --sources "$tmp/sources.txt")
echo "database: $gen"

ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f\n", (b - a) * 1000 }'; }
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f\n", m }'; }
p90() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } i = int(0.9 * NR); if (i < 0.9 * NR) i++; printf "%.0f\n", v[i] }'; }

# Import.
: >"$tmp/import.samples"
for ((i = 0; i < N_IMPORT; i++)); do
  rm -f "$tmp/db.sqlite"
  sync
  t0=$EPOCHREALTIME
  HAKO_SCAN_DB=$tmp/db.sqlite "$HAKO" scan db import "$tmp/osv" >"$tmp/import.out"
  t1=$EPOCHREALTIME
  ms "$t0" "$t1" >>"$tmp/import.samples"
done
export HAKO_SCAN_DB=$tmp/db.sqlite
import_ms=$(median "$tmp/import.samples")
echo "import: $(cat "$tmp/import.out")"
echo "import: median $import_ms ms of $N_IMPORT (target <= $IMPORT_TARGET_MS ms), database $(du -h "$tmp/db.sqlite" | cut -f1)"

# The peer's input: the same Debian 12 advisories in debsecan's format, and
# the image's dpkg status file.
read -r -a engines <<<"$ENGINES"
if [[ " $ENGINES " == *" debsecan "* ]]; then
  if ! command -v debsecan >/dev/null; then
    echo "debsecan not installed (scripts/install-deps.sh installs it): measuring hako alone" >&2
    engines=(hako)
  else
    # shellcheck source=bench/tools/debsecan-peer.bash
    source "$repo/bench/tools/debsecan-peer.bash"
    debsecan_prepare "$tmp" "$repo" "$debian_tar"
  fi
fi

run_one() {
  case $1 in
    hako) "$HAKO" scan -f json debian:12 ;;
    debsecan) debsecan_run ;;
  esac
}

declare -A fails=()
for e in "${engines[@]}"; do : >"$tmp/$e.samples"; done
for ((r = 0; r < WARMUP + N; r++)); do
  for ((j = 0; j < ${#engines[@]}; j++)); do
    e=${engines[(r + j) % ${#engines[@]}]}
    t0=$EPOCHREALTIME
    rc=0
    run_one "$e" >"$tmp/$e.out" 2>"$tmp/$e.err" || rc=$?
    t1=$EPOCHREALTIME
    ((r < WARMUP)) && continue
    if ((rc != 0)) || [[ ! -s $tmp/$e.out ]]; then
      fails[$e]=$((${fails[$e]:-0} + 1))
      continue
    fi
    ms "$t0" "$t1" >>"$tmp/$e.samples"
  done
done

hako_findings=$(jq '[.Results[].Vulnerabilities // [] | length] | add' "$tmp/hako.out")
echo "scan: hako reports $hako_findings findings"
[[ ! -s $tmp/debsecan.out ]] || echo "scan: debsecan reports $(debsecan_count "$tmp/debsecan.out") findings"
printf '%-10s %10s %10s %6s %7s\n' scanner "median ms" "p90 ms" runs failed
declare -A med=()
for e in "${engines[@]}"; do
  med[$e]=$(median "$tmp/$e.samples")
  printf '%-10s %10s %10s %6s %7s\n' "$e" "${med[$e]}" "$(p90 "$tmp/$e.samples")" "$(wc -l <"$tmp/$e.samples")" "${fails[$e]:-0}"
done
if [[ -n ${med[debsecan]:-} && ${med[debsecan]} != - && ${med[hako]} != - ]]; then
  awk -v a="${med[debsecan]}" -v b="${med[hako]}" 'BEGIN { printf "debsecan / hako: %.1fx\n", a / b }'
fi
status=0
if [[ ${med[hako]} != - && ${med[hako]} -le $SCAN_TARGET_MS ]]; then
  echo "scan target (<= $SCAN_TARGET_MS ms): met"
else
  echo "scan target (<= $SCAN_TARGET_MS ms): MISSED"
  status=1
fi
if [[ $import_ms -le $IMPORT_TARGET_MS ]]; then
  echo "import target (<= $IMPORT_TARGET_MS ms): met"
else
  echo "import target (<= $IMPORT_TARGET_MS ms): MISSED"
  status=1
fi
((${fails[hako]:-0} == 0)) || status=1
exit $status
