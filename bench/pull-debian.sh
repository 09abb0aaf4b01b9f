#!/usr/bin/env bash
# pull-debian.sh: wall time to pull a ~220 MB, 4-layer Debian image from a
# registry on 127.0.0.1 into a store it can run from: hako vs skopeo+umoci.
# See bench/README.md.
#
# The image is debian-bookworm-layered from scripts/make-base-images.sh
# (built and cached on first use: needs root, debootstrap and the Debian
# mirror once).  A private docker-registry (tests/system/registry.bash,
# plain HTTP) gets it pushed once as 127.0.0.1:PORT/debian:bench; then each
# contender pulls it into fresh directories, in rounds that alternate who
# goes first:
#   peers  skopeo copy docker://REF oci:DIR/oci:bench
#          + umoci unpack --image DIR/oci:bench DIR/bundle
#   hako   $HAKO_PULL_CMD (+ $HAKO_READY_CMD if set) with a fresh --root
# Nothing is deleted until the end (deleting ~250 MB trees makes the next
# unpack on this ext4 2-6x slower); `sync` runs before every timed pull so
# that no contender pays for the previous one's writeback.
#
# Environment:
#   HAKO            hako binary (default: <repo>/build/hako)
#   HAKO_PULL_CMD   the hako pull, eval'ed with $HAKO, $root (fresh state
#                   dir), $ref (127.0.0.1:PORT/debian:bench) and $REGISTRY
#                   (127.0.0.1:PORT) set.  Default:
#                     "$HAKO" --root "$root" --insecure-registry "$REGISTRY" pull "$ref"
#   HAKO_READY_CMD  run (eval'ed the same way) right after the pull and timed
#                   with it, if pulling alone does not leave the rootfs ready
#                   to run (default: none)
#   ROUNDS          timed pulls per contender (default: 3)
#   WARMUP          untimed pulls per contender first (default: 1)
#   SKOPEO, UMOCI   peer binaries (default: skopeo, umoci)
#   HAKO_BASE_CACHE where make-base-images.sh caches the image
#   KEEP            if 1, keep the work directory (printed) for inspection
#
# Exit status: 0 if every contender that ran pulled successfully every
# time, 1 otherwise.
set -euo pipefail
export LC_ALL=C

self=$(readlink -f "${BASH_SOURCE[0]}")
repo=$(dirname "$(dirname "$self")")

HAKO=${HAKO:-$repo/build/hako}
SKOPEO=${SKOPEO:-skopeo}
UMOCI=${UMOCI:-umoci}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-1}
# ---- the hako command (the lead fills in the final syntax) -----------------
# shellcheck disable=SC2016 # expanded by eval, per run
HAKO_PULL_CMD=${HAKO_PULL_CMD:-'"$HAKO" --root "$root" --insecure-registry "$REGISTRY" pull "$ref"'}
HAKO_READY_CMD=${HAKO_READY_CMD:-}
# -------------------------------------------------------------------------------
for v in ROUNDS WARMUP; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "$v must be a number" >&2; exit 2; }
done
((ROUNDS > 0)) || { echo "ROUNDS must be positive" >&2; exit 2; }

for t in "$SKOPEO" "$UMOCI" jq docker-registry; do
  command -v "$t" >/dev/null || { echo "$t not installed (scripts/install-deps.sh)" >&2; exit 1; }
done

# shellcheck source=tests/system/registry.bash
source "$repo/tests/system/registry.bash"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hako-bench-pull.XXXXXX")

# shellcheck disable=SC2317 # reached through the trap
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  stop_registry
  if [[ ${KEEP:-0} == 1 ]]; then
    echo "kept $tmp"
  else
    # (slow: deleting trees on this disk takes ~20 s per 100 MB)
    echo "removing $tmp" >&2
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the image and the registry ----------------------------------------------------

HAKO="" "$repo/scripts/make-base-images.sh" >"$tmp/make-base-images.log" 2>&1 || {
  cat "$tmp/make-base-images.log" >&2
  exit 1
}
layered=$(readlink -f "${HAKO_BASE_CACHE:-/var/cache/hako/base}/debian-bookworm-layered")
[[ -f $layered/layers.json ]] || { echo "no layered image in $layered" >&2; exit 1; }
n_layers=$(jq '.layers | length' "$layered/layers.json")
gz_bytes=$(jq '[.layers[].size] | add' "$layered/layers.json")
tar_bytes=$(jq '[.layers[].uncompressed_size] | add' "$layered/layers.json")

# shellcheck disable=SC2119 # no options: plain HTTP
TMPDIR=$tmp start_registry
ref=$REGISTRY/debian:bench
registry_push "oci:$layered/oci:bench" debian:bench
# The registry must hold the very blobs of layers.json (no recompression).
pushed=$("$SKOPEO" inspect --raw --tls-verify=false "docker://$ref" | jq -c '[.layers[].digest]')
[[ $pushed == "$(jq -c '[.layers[].digest]' "$layered/layers.json")" ]] || {
  echo "the registry's manifest has other layers than $layered/layers.json: $pushed" >&2
  exit 1
}

# --- contenders ------------------------------------------------------------------------

contenders=(peers)
declare -A note=()
if [[ -x $HAKO ]] && "$HAKO" pull --help >/dev/null 2>&1; then
  contenders+=(hako)
else
  note[hako]="hako pull is not available ($HAKO)"
  echo "${note[hako]}; timing the peers only" >&2
fi

# pull CONTENDER RUN: one pull into fresh directories under $tmp/CONTENDER/RUN;
# appends "run total_us part1_us part2_us status" to $tmp/CONTENDER.times.
pull() {
  local c=$1 run=$2 d=$tmp/$1/$2 t0 t1 t2 rc=0 root
  mkdir -p "$d"
  sync
  case $c in
    peers)
      t0=$EPOCHREALTIME
      "$SKOPEO" copy --quiet --src-tls-verify=false "docker://$ref" "oci:$d/oci:bench" \
        </dev/null >>"$tmp/peers.log" 2>&1 || rc=$?
      t1=$EPOCHREALTIME
      ((rc != 0)) || "$UMOCI" unpack --image "$d/oci:bench" "$d/bundle" \
        </dev/null >>"$tmp/peers.log" 2>&1 || rc=$?
      t2=$EPOCHREALTIME
      ;;
    hako)
      # shellcheck disable=SC2034 # used by the eval'ed command
      root=$d/root
      t0=$EPOCHREALTIME
      eval "$HAKO_PULL_CMD" </dev/null >>"$tmp/hako.log" 2>&1 || rc=$?
      t1=$EPOCHREALTIME
      if ((rc == 0)) && [[ -n $HAKO_READY_CMD ]]; then
        eval "$HAKO_READY_CMD" </dev/null >>"$tmp/hako.log" 2>&1 || rc=$?
      fi
      t2=$EPOCHREALTIME
      ;;
  esac
  # A cheap check that the peers' result is what was asked for.
  if [[ $c == peers && $rc == 0 && ! -x $d/bundle/rootfs/usr/bin/perl ]]; then
    echo "peers: $d/bundle/rootfs has no /usr/bin/perl" >>"$tmp/peers.log"
    rc=99
  fi
  t0=${t0//[!0-9]/} t1=${t1//[!0-9]/} t2=${t2//[!0-9]/}
  echo "$run $((t2 - t0)) $((t1 - t0)) $((t2 - t1)) $rc" >>"$tmp/$c.times"
  awk -v c="$c" -v r="$run" -v us="$((t2 - t0))" -v rc="$rc" \
    'BEGIN { printf "  %-6s %-8s %7.2f s%s\n", c, r, us / 1e6, rc ? " FAILED (exit " rc ")" : "" }' >&2
}

echo "pull-debian: debian:bench ($n_layers layers, $(awk -v b="$gz_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB compressed," \
  "$(awk -v b="$tar_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB unpacked) from $REGISTRY; $ROUNDS rounds + $WARMUP warm-up, alternating"
printf '  peers  %s + %s\n' "$("$SKOPEO" --version)" "$("$UMOCI" --version)"
if [[ -z ${note[hako]:-} ]]; then
  printf '  hako   %s\n' "$HAKO_PULL_CMD${HAKO_READY_CMD:+ && $HAKO_READY_CMD}"
fi

for c in "${contenders[@]}"; do
  : >"$tmp/$c.times"
  : >"$tmp/$c.log"
done
k=${#contenders[@]}
for ((w = 0; w < WARMUP; w++)); do
  for ((j = 0; j < k; j++)); do
    pull "${contenders[(w + j) % k]}" "warmup$w"
  done
done
for c in "${contenders[@]}"; do
  mv "$tmp/$c.times" "$tmp/$c.warmup"
  : >"$tmp/$c.times"
done
for ((r = 0; r < ROUNDS; r++)); do
  for ((j = 0; j < k; j++)); do
    pull "${contenders[(r + j) % k]}" "$r"
  done
done

# median of column COL (microseconds) of the successful runs, in seconds
median() {
  awk -v col="$2" '$5 == 0 { print $col }' "$1" | sort -n | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "-"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.2f\n", m / 1e6
    }'
}

declare -A med=()
status=0
echo
printf '%-9s %5s %6s %9s %8s %22s\n' contender runs failed 'median s' 'MB/s' 'parts (median s)'
for c in peers hako; do
  if [[ -n ${note[$c]:-} ]]; then
    printf '%-9s not measured: %s\n' "$c" "${note[$c]}"
    continue
  fi
  ok=$(awk '$5 == 0' "$tmp/$c.times" | wc -l)
  bad=$(awk '$5 != 0' "$tmp/$c.times" "$tmp/$c.warmup" | wc -l)
  med[$c]=$(median "$tmp/$c.times" 2)
  if [[ $c == peers ]]; then
    parts="copy $(median "$tmp/$c.times" 3) + unpack $(median "$tmp/$c.times" 4)"
  elif [[ -n $HAKO_READY_CMD ]]; then
    parts="pull $(median "$tmp/$c.times" 3) + ready $(median "$tmp/$c.times" 4)"
  else
    parts=
  fi
  mbs=-
  [[ ${med[$c]} == - ]] || mbs=$(awk -v b="$tar_bytes" -v s="${med[$c]}" 'BEGIN { printf "%.0f", b / 1e6 / s }')
  printf '%-9s %5d %6d %9s %8s %22s\n' "$c" "$ok" "$bad" "${med[$c]}" "$mbs" "$parts"
  if ((bad > 0)); then
    status=1
    echo "$c: $bad failed pulls; end of its log:" >&2
    tail -n 5 "$tmp/$c.log" | sed 's/^/  /' >&2
  fi
done
echo "(MB/s: unpacked image size over the median time)"

echo
if [[ -n ${med[hako]:-} && ${med[hako]} != - && ${med[peers]:-} != - ]]; then
  echo "hako/peers = $(awk -v a="${med[hako]}" -v b="${med[peers]}" 'BEGIN { printf "%.2f", a / b }')"
else
  echo "hako/peers = n/a (${note[hako]:-no successful pulls})"
fi
exit "$status"
