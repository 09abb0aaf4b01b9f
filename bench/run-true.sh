#!/usr/bin/env bash
# run-true.sh: wall time of `run` of /bin/true in a busybox bundle, hako vs
# runc vs crun.  See bench/README.md.
#
# Each contender gets its own bundle and --root under one temp dir.  The
# containers run in rounds, BATCH per contender per round, rotating who
# goes first, so that slow drift of the machine (page cache, ext4 without a
# journal getting slower as files are created and deleted) is shared evenly
# instead of landing on whoever runs last.
#
# Environment:
#   HAKO    hako binary, run as "$HAKO runtime" (default: <repo>/build/hako)
#   RUNC    runc binary (default: runc)
#   CRUN    crun binary (default: crun)
#   N       containers per contender (default: 100)
#   BATCH   containers per contender per round (default: 10)
#   WARMUP  untimed runs per contender before measuring (default: 3)
#   TARGET  hako/runc median ratio to aim for (default: 0.45)
#   SAVE    if set, a directory to copy the raw samples into, one file per
#           contender: "index microseconds exit-status" a line
#
# Exit status: 0 when every contender that was found ran all its containers
# successfully (a missing binary only gets a note); 1 if any run failed or
# left something behind.
set -euo pipefail
# EPOCHREALTIME uses the locale's decimal separator.
export LC_ALL=C

self=$(readlink -f "${BASH_SOURCE[0]}")
repo=$(dirname "$(dirname "$self")")

export HAKO=${HAKO:-$repo/build/hako}
export RUNC=${RUNC:-runc}
export CRUN=${CRUN:-crun}

unified=/sys/fs/cgroup/unified

# --- pieces shared by the driver and the per-batch workers ------------------

# The command line that starts a contender's runtime, into the array CMD.
contender_cmd() {
  case $1 in
    hako) CMD=("$HAKO" runtime) ;;
    runc) CMD=("$RUNC") ;;
    crun) CMD=("$CRUN") ;;
    *) echo "unknown contender $1" >&2; return 1 ;;
  esac
}

# crun 1.8.1 refuses the hybrid layout ("cgroups in hybrid mode not
# supported, drop all controllers from cgroupv2") as soon as a cgroup2 is
# mounted at /sys/fs/cgroup/unified, even one with no controllers that
# matter.  In a private mount namespace we can take it away from crun alone;
# the cgroup v1 hierarchies it actually uses stay the host's.
hybrid_layout() {
  findmnt -n -t cgroup2 "$unified" >/dev/null 2>&1
}

hide_unified() {
  hybrid_layout || return 0
  umount "$unified" 2>/dev/null || mount -t tmpfs -o ro,size=0 none "$unified"
  if hybrid_layout; then
    echo "could not hide $unified from crun" >&2
    return 1
  fi
}

# Runs an internal subcommand of this script in a fresh bash for contender
# $1.  Every contender goes through the same extra bash, so the timing loop
# looks identical to all of them; only crun's is started by unshare, and the
# namespace is set up once per batch, outside the timed region.
launch() {
  local contender=$1
  shift
  if [[ $contender == crun ]] && hybrid_layout; then
    unshare --mount --propagation private -- bash "$self" __hide-unified "$@"
  else
    bash "$self" "$@"
  fi
}

# __batch CONTENDER ROOT BUNDLE PREFIX FIRST COUNT OUT ERR
# Runs containers PREFIX-FIRST .. PREFIX-(FIRST+COUNT-1), appending
# "index microseconds exit-status" to OUT and the runtimes' stderr to ERR.
batch() {
  local contender=$1 root=$2 bundle=$3 prefix=$4 first=$5 count=$6 out=$7 err=$8
  local CMD i id t0 t1 rc
  contender_cmd "$contender"
  for ((i = first; i < first + count; i++)); do
    id=$prefix-$i
    # EPOCHREALTIME is a bash builtin: no fork, so the only thing inside the
    # interval besides the runtime is bash's own fork/exec/wait of it.
    t0=$EPOCHREALTIME
    "${CMD[@]}" --root "$root" run --bundle "$bundle" "$id" </dev/null >/dev/null 2>>"$err" && rc=0 || rc=$?
    t1=$EPOCHREALTIME
    echo "$i $((${t1//[!0-9]/} - ${t0//[!0-9]/})) $rc" >>"$out"
    if ((rc != 0)); then
      "${CMD[@]}" --root "$root" delete -f "$id" </dev/null >/dev/null 2>&1 || true
    fi
  done
}

# __sweep CONTENDER ROOT PREFIX
# `run` must remove its container; anything still in the state dir was left
# behind.  Force-deletes it and prints its id, so the driver can count it.
sweep() {
  local contender=$1 root=$2 prefix=$3 CMD state
  contender_cmd "$contender"
  [[ -d $root ]] || return 0
  for state in "$root/$prefix"-*; do
    [[ -e $state ]] || continue
    "${CMD[@]}" --root "$root" delete -f "${state##*/}" </dev/null >/dev/null 2>&1 || true
    echo "${state##*/}"
  done
}

case ${1:-} in
  __hide-unified)
    shift
    hide_unified
    exec bash "$self" "$@"
    ;;
  __batch) shift; batch "$@"; exit ;;
  __sweep) shift; sweep "$@"; exit ;;
  __*) echo "unknown internal command $1" >&2; exit 2 ;;
esac

# --- driver ------------------------------------------------------------------

N=${N:-100}
BATCH=${BATCH:-10}
WARMUP=${WARMUP:-3}
TARGET=${TARGET:-0.45}
for v in N BATCH WARMUP; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "$v must be a number" >&2; exit 2; }
done
((N > 0 && BATCH > 0)) || { echo "N and BATCH must be positive" >&2; exit 2; }

# Container ids start with this, so the sweeps never touch anything that is
# not ours.
tag=rt$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hako-bench-run-true.XXXXXX")

all=(hako runc crun)
present=()
declare -A note=() failed=() leftover=()

# Container cgroups still present, by path; we created them, so removing
# them (after killing what is in them) is ours to do.
stray_cgroups() {
  find /sys/fs/cgroup -mindepth 2 -maxdepth 8 -type d -name "$tag-*" 2>/dev/null | sort -r
}

remove_cgroup() {
  local cg=$1 pid
  if [[ -r $cg/cgroup.procs ]]; then
    while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$cg/cgroup.procs"
  fi
  rmdir "$cg" 2>/dev/null || { sleep 0.1; rmdir "$cg" 2>/dev/null; } || echo "warning: could not remove cgroup $cg" >&2
}

# shellcheck disable=SC2317 # only reached through the trap
cleanup() {
  local rc=$? c cg
  set +e
  trap - EXIT INT TERM
  for c in "${present[@]}"; do
    launch "$c" __sweep "$c" "$tmp/$c/state" "$tag-$c" >/dev/null
  done
  while read -r cg; do
    [[ -n $cg ]] && remove_cgroup "$cg"
  done < <(stray_cgroups)
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for c in "${all[@]}"; do
  contender_cmd "$c"
  if ! command -v "${CMD[0]}" >/dev/null 2>&1; then
    if [[ $c == hako ]]; then
      note[$c]="binary $HAKO not found (build it first)"
    else
      note[$c]="${CMD[0]} not installed"
    fi
    echo "$c: ${note[$c]}" >&2
    continue
  fi
  mkdir -p "$tmp/$c/state"
  # crun 1.8.1 rejects ociVersion 1.2.0; the version string changes nothing
  # else, so crun gets the same bundle with 1.1.0 in it.
  oci_version=1.2.0
  [[ $c == crun ]] && oci_version=1.1.0
  OCI_VERSION=$oci_version "$repo/scripts/make-busybox-bundle.sh" "$tmp/$c/bundle" /bin/true
  : >"$tmp/$c/times"
  : >"$tmp/$c/stderr"
  failed[$c]=0
  leftover[$c]=0
  present+=("$c")
done

if ((${#present[@]} == 0)); then
  echo "nothing to measure" >&2
  exit 0
fi

# After each batch: whatever `run` did not clean up is counted against the
# contender and removed, so it cannot slow down the next ones.
check_leftovers() {
  local c=$1 id cg n=0
  while read -r id; do
    [[ -n $id ]] || continue
    echo "$c: container $id left in its state dir" >&2
    n=$((n + 1))
  done < <(launch "$c" __sweep "$c" "$tmp/$c/state" "$tag-$c")
  while read -r cg; do
    [[ -n $cg ]] || continue
    echo "$c: cgroup $cg left behind" >&2
    remove_cgroup "$cg"
    n=$((n + 1))
  done < <(stray_cgroups | grep -F "/$tag-$c-" || true)
  leftover[$c]=$((leftover[$c] + n))
}

run_batch() {
  local c=$1 first=$2 count=$3 out=$4
  launch "$c" __batch "$c" "$tmp/$c/state" "$tmp/$c/bundle" "$tag-$c" "$first" "$count" "$out" "$tmp/$c/stderr"
  check_leftovers "$c"
}

echo "run-true: $N x run /bin/true per contender, batches of $BATCH, $WARMUP warm-up runs"
echo "kernel $(uname -r); cgroup layout: $(hybrid_layout && echo 'v1 hybrid (crun runs with the cgroup2 mount hidden)' || echo 'no unified mount')"
for c in "${present[@]}"; do
  contender_cmd "$c"
  printf '  %-5s %s (%s)\n' "$c" "${CMD[*]}" "$("${CMD[@]}" --version 2>/dev/null | head -n1 || echo '?')"
done

# Warm-up: page cache, binaries, first-time cgroup creation.  A contender
# that cannot run a single container is reported and left out rather than
# failing N times.
measured=()
for c in "${present[@]}"; do
  : >"$tmp/$c/warmup"
  if ((WARMUP > 0)); then
    run_batch "$c" 0 "$WARMUP" "$tmp/$c/warmup"
    if ! awk '$3 == 0 { ok = 1 } END { exit !ok }' "$tmp/$c/warmup"; then
      note[$c]="FAILED: no warm-up run succeeded"
      echo "$c: ${note[$c]}; its stderr:" >&2
      tail -n 5 "$tmp/$c/stderr" | sed 's/^/  /' >&2
      failed[$c]=$WARMUP
      continue
    fi
  fi
  measured+=("$c")
done

done_count=0
round=0
while ((done_count < N)); do
  count=$((N - done_count < BATCH ? N - done_count : BATCH))
  k=${#measured[@]}
  for ((j = 0; j < k; j++)); do
    c=${measured[(round + j) % k]}
    run_batch "$c" $((WARMUP + done_count)) "$count" "$tmp/$c/times"
  done
  done_count=$((done_count + count))
  round=$((round + 1))
done

# median (mean of the two middle values for an even count) and nearest-rank
# p90, in ms, of the successful runs.
stats() {
  awk '$3 == 0 { print $2 }' "$1" | sort -n | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "0 - -"; exit }
      med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      r = int(0.9 * NR); if (r < 0.9 * NR) r++
      printf "%d %.1f %.1f\n", NR, med / 1000, v[r] / 1000
    }'
}

declare -A runs=() median=() p90=()
for c in "${measured[@]}"; do
  read -r "runs[$c]" "median[$c]" "p90[$c]" < <(stats "$tmp/$c/times")
  failed[$c]=$(awk '$3 != 0' "$tmp/$c/times" | wc -l)
done

# ratio A B: median of A over median of B, or "-" when either is unknown.
ratio() {
  local a=${median[$1]:--} b=${median[$2]:--}
  if [[ $a == - || $b == - ]]; then
    echo -
  else
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }'
  fi
}

echo
printf '%-9s %5s %6s %8s %10s %8s %8s\n' contender runs failed leftover 'median ms' 'p90 ms' 'vs runc'
for c in "${all[@]}"; do
  if [[ -z ${median[$c]:-} ]]; then
    printf '%-9s %s\n' "$c" "not measured: ${note[$c]:-?}"
  else
    printf '%-9s %5d %6d %8d %10s %8s %8s\n' "$c" "${runs[$c]}" "${failed[$c]}" "${leftover[$c]}" \
      "${median[$c]}" "${p90[$c]}" "$(ratio "$c" runc)"
  fi
done

status=0
for c in "${present[@]}"; do
  if ((failed[$c] > 0 || leftover[$c] > 0)); then
    status=1
    [[ -n ${median[$c]:-} ]] || continue # already reported after warm-up
    echo "$c: ${failed[$c]} failed runs, ${leftover[$c]} leftovers; last stderr:" >&2
    tail -n 5 "$tmp/$c/stderr" | sed 's/^/  /' >&2
  fi
done

if [[ -n ${SAVE:-} ]]; then
  mkdir -p "$SAVE"
  for c in "${measured[@]}"; do cp "$tmp/$c/times" "$SAVE/$c.times"; done
  echo "raw samples in $SAVE"
fi

echo
r=$(ratio hako runc)
if [[ $r == - ]]; then
  if [[ -n ${median[hako]:-} ]]; then
    why="runc: ${note[runc]:-not measured}"
  else
    why="hako: ${note[hako]:-not measured}"
  fi
  echo "hako/runc = n/a ($why; target <= $TARGET)"
else
  echo "hako/runc = $r (target <= $TARGET)"
fi
exit "$status"
