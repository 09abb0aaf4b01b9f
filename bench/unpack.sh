#!/usr/bin/env bash
# unpack.sh: layer unpack throughput, hako's layer applier vs GNU tar, on
# the biggest gzip layer of the layered Debian image from
# scripts/make-base-images.sh (layer-1.tar.gz: the bookworm minbase tree,
# 48.6 MB compressed, 120.6 MB, 6,652 entries).  See bench/README.md.
#
# Each run extracts the layer into a fresh, empty directory; runs alternate
# between the contenders (who goes first rotates every round).  Nothing is
# deleted until the end (deleting trees makes the next unpack on this ext4
# 2-6x slower), and `sync` runs before every timed unpack so no contender
# pays for the previous one's writeback.  After the warm-up, the two trees
# are compared (type, mode, owner, size, link target, file mtime) and any
# difference is reported.
#
# Environment:
#   HAKO             hako binary (default: <repo>/build/hako)
#   HAKO_UNPACK_CMD  hako's unpack, eval'ed with $HAKO, $LAYER (the .tar.gz)
#                    and $dir (fresh empty target directory) set.  Default:
#                      "$(dirname "$HAKO")/hako-layer-apply" "$LAYER" "$dir"
#                    used only if hako-layer-apply (bench/tools/, built beside
#                    hako) exists (or
#                    HAKO_UNPACK_CMD is given).
#   LAYER            layer to unpack (default: the biggest in layers.json)
#   ROUNDS           timed unpacks per contender (default: 5)
#   WARMUP           untimed unpacks per contender first (default: 1)
#   HAKO_BASE_CACHE  where make-base-images.sh caches the image
#
# Exit status: 0 if every contender that ran succeeded every time.
set -euo pipefail
export LC_ALL=C

self=$(readlink -f "${BASH_SOURCE[0]}")
repo=$(dirname "$(dirname "$self")")

HAKO=${HAKO:-$repo/build/hako}
ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-1}
# ---- the hako command (the lead fills in the final syntax) -----------------
custom_cmd=${HAKO_UNPACK_CMD:+1}
# shellcheck disable=SC2016 # expanded by eval, per run
HAKO_UNPACK_CMD=${HAKO_UNPACK_CMD:-'"$(dirname "$HAKO")/hako-layer-apply" "$LAYER" "$dir"'}
# -------------------------------------------------------------------------------
for v in ROUNDS WARMUP; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "$v must be a number" >&2; exit 2; }
done
((ROUNDS > 0)) || { echo "ROUNDS must be positive" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hako-bench-unpack.XXXXXX")
# shellcheck disable=SC2317 # reached through the trap
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  echo "removing $tmp (slow: deleting trees on this disk takes ~20 s per 100 MB)" >&2
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z ${LAYER:-} ]]; then
  HAKO="" "$repo/scripts/make-base-images.sh" >"$tmp/make-base-images.log" 2>&1 || {
    cat "$tmp/make-base-images.log" >&2
    exit 1
  }
  layered=$(readlink -f "${HAKO_BASE_CACHE:-/var/cache/hako/base}/debian-bookworm-layered")
  LAYER=$layered/$(jq -r '.layers | max_by(.uncompressed_size) | .file' "$layered/layers.json")
fi
[[ -f $LAYER ]] || { echo "no layer at $LAYER" >&2; exit 1; }
export LAYER
gz_bytes=$(stat -c %s "$LAYER")
tar_bytes=$(gzip -dc "$LAYER" | wc -c)
entries=$(tar -tzf "$LAYER" | wc -l)

contenders=(tar)
declare -A note=()
if [[ -n $custom_cmd ]] || [[ -x $(dirname "$HAKO")/hako-layer-apply ]]; then
  contenders+=(hako)
else
  note[hako]="hako-layer-apply is not built next to $HAKO"
  echo "${note[hako]}; timing tar only" >&2
fi

# unpack CONTENDER RUN: appends "run microseconds status" to $tmp/CONTENDER.times
unpack() {
  local c=$1 run=$2 dir=$tmp/$1/$2 t0 t1 rc=0
  mkdir -p "$dir"
  sync
  case $c in
    tar)
      t0=$EPOCHREALTIME
      tar -xzf "$LAYER" -C "$dir" </dev/null >>"$tmp/tar.log" 2>&1 || rc=$?
      t1=$EPOCHREALTIME
      ;;
    hako)
      t0=$EPOCHREALTIME
      eval "$HAKO_UNPACK_CMD" </dev/null >>"$tmp/hako.log" 2>&1 || rc=$?
      t1=$EPOCHREALTIME
      ;;
  esac
  t0=${t0//[!0-9]/} t1=${t1//[!0-9]/}
  echo "$run $((t1 - t0)) $rc" >>"$tmp/$c.times"
  awk -v c="$c" -v r="$run" -v us="$((t1 - t0))" -v rc="$rc" \
    'BEGIN { printf "  %-5s %-8s %7.3f s%s\n", c, r, us / 1e6, rc ? " FAILED (exit " rc ")" : "" }' >&2
}

# Everything about a tree but directory mtimes (which depend on the order
# entries are created in) and atimes.
tree_listing() {
  (cd "$1" && find . -mindepth 1 \( -type d -printf '%p %y %m %U %G\n' \) -o \
    -printf '%p %y %m %U %G %s %l %TY%Tm%Td%TH%TM%TS\n') | sed 's/\.[0-9]*$//' | sort
}

echo "unpack: $(basename "$LAYER") ($(awk -v b="$gz_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB gzip," \
  "$(awk -v b="$tar_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB tar, $entries entries); $ROUNDS rounds + $WARMUP warm-up, alternating"
printf '  tar   %s: tar -xzf LAYER -C DIR\n' "$(tar --version | head -n1)"
[[ -n ${note[hako]:-} ]] || printf '  hako  %s\n' "$HAKO_UNPACK_CMD"

for c in "${contenders[@]}"; do
  : >"$tmp/$c.times"
  : >"$tmp/$c.log"
done
k=${#contenders[@]}
for ((w = 0; w < WARMUP; w++)); do
  for ((j = 0; j < k; j++)); do
    unpack "${contenders[(w + j) % k]}" "warmup$w"
  done
done
for c in "${contenders[@]}"; do
  mv "$tmp/$c.times" "$tmp/$c.warmup"
  : >"$tmp/$c.times"
done

# Same result?  (Compared on the warm-up trees, or the first timed ones.)
same_tree=-
if ((k == 2)); then
  cmp_run=warmup0
  ((WARMUP > 0)) || cmp_run=0
fi
for ((r = 0; r < ROUNDS; r++)); do
  for ((j = 0; j < k; j++)); do
    unpack "${contenders[(r + j) % k]}" "$r"
  done
done
if ((k == 2)); then
  if diff <(tree_listing "$tmp/tar/$cmp_run") <(tree_listing "$tmp/hako/$cmp_run") >"$tmp/tree.diff"; then
    same_tree=yes
  else
    same_tree=no
    echo "hako's tree differs from tar's ($(grep -c '^[<>]' "$tmp/tree.diff") lines of diff; < tar, > hako):" >&2
    head -n 20 "$tmp/tree.diff" | sed 's/^/  /' >&2
  fi
fi

median_us() {
  awk '$3 == 0 { print $2 }' "$1" | sort -n | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "-"; exit }
      print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    }'
}

declare -A med=()
status=0
echo
printf '%-9s %5s %6s %9s %10s %10s\n' contender runs failed 'median s' 'tar MB/s' 'gzip MB/s'
for c in tar hako; do
  if [[ -n ${note[$c]:-} ]]; then
    printf '%-9s not measured: %s\n' "$c" "${note[$c]}"
    continue
  fi
  ok=$(awk '$3 == 0' "$tmp/$c.times" | wc -l)
  bad=$(awk '$3 != 0' "$tmp/$c.times" "$tmp/$c.warmup" | wc -l)
  med[$c]=$(median_us "$tmp/$c.times")
  if [[ ${med[$c]} == - ]]; then
    printf '%-9s %5d %6d %9s\n' "$c" "$ok" "$bad" -
  else
    awk -v c="$c" -v ok="$ok" -v bad="$bad" -v us="${med[$c]}" -v t="$tar_bytes" -v g="$gz_bytes" \
      'BEGIN { printf "%-9s %5d %6d %9.3f %10.0f %10.0f\n", c, ok, bad, us / 1e6, t / us, g / us }'
  fi
  if ((bad > 0)); then
    status=1
    echo "$c: $bad failed unpacks; end of its log:" >&2
    tail -n 5 "$tmp/$c.log" | sed 's/^/  /' >&2
  fi
done
echo "(tar MB/s: uncompressed layer bytes per second; gzip MB/s: compressed)"
[[ $same_tree == - ]] || echo "same tree as tar: $same_tree"
[[ $same_tree != no ]] || status=1

echo
if [[ -n ${med[hako]:-} && ${med[hako]} != - && ${med[tar]:-} != - ]]; then
  echo "hako/tar = $(awk -v a="${med[hako]}" -v b="${med[tar]}" 'BEGIN { printf "%.2f", a / b }') (time; lower is better)"
else
  echo "hako/tar = n/a (${note[hako]:-no successful unpacks})"
fi
exit "$status"
