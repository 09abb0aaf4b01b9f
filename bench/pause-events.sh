#!/usr/bin/env bash
# pause-events.sh: latency of `pause` + `resume`, and of `events --stats`,
# on a running busybox container, hako vs runc, side by side in one run.
#
# Both contenders get one long-running container each (init plus a few
# sleeping children, so the freezer has several tasks to stop). The
# operations then alternate between contenders, one at a time, so machine
# noise lands on both alike.
#
# Environment: HAKO (default <repo>/build/hako, run as "$HAKO runtime"),
# RUNC (default runc), N (operations per contender, default 100),
# TARGET (hako/runc ratio to aim for, default 0.5).
set -euo pipefail
export LC_ALL=C

repo=$(cd "$(dirname "$0")/.." && pwd)
HAKO=$(readlink -f "${HAKO:-$repo/build/hako}")
RUNC=${RUNC:-runc}
N=${N:-100}
TARGET=${TARGET:-0.5}

work=$(mktemp -d /tmp/hako-bench-pause.XXXXXX)
declare -A CMD
CMD[hako]="$HAKO runtime --root $work/hako-root"
CMD[runc]="$RUNC --root $work/runc-root"
contenders=(hako runc)
[[ -x $HAKO ]] || { echo "hako: $HAKO not found (build it first)" >&2; contenders=(runc); }

cleanup() {
  for c in "${contenders[@]}"; do ${CMD[$c]} delete -f "bench-$c-$$" >/dev/null 2>&1 || true; done
  # The runtimes remove the containers' cgroups, not the shared parent the
  # relative cgroupsPath created; remove it when no other run still uses it.
  find /sys/fs/cgroup -depth -type d -name hako-bench -exec rmdir {} + 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for c in "${contenders[@]}"; do
  CGROUPS_PATH="hako-bench/$c-$$" "$repo/scripts/make-busybox-bundle.sh" "$work/bundle-$c" \
    sh -c 'for i in 1 2 3 4; do sleep 1000 & done; exec sleep 1000' >/dev/null
  (cd "$work/bundle-$c" && ${CMD[$c]} run -d "bench-$c-$$" </dev/null >/dev/null 2>&1)
done
sleep 0.3

# Times one command, in microseconds, into $elapsed.
time_us() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null
  local end=$EPOCHREALTIME
  elapsed=$(( (${end/./} - ${start/./}) ))
}

declare -A pr ev
for ((i = 0; i < N; i++)); do
  for c in "${contenders[@]}"; do
    id="bench-$c-$$"
    start=$EPOCHREALTIME
    ${CMD[$c]} pause "$id"
    ${CMD[$c]} resume "$id"
    end=$EPOCHREALTIME
    pr[$c]+="$(( ${end/./} - ${start/./} )) "
    time_us ${CMD[$c]} events --stats "$id"
    ev[$c]+="$elapsed "
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {printf "%.2f", (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2) / 1000}'; }

printf '%-8s %22s %22s\n' contender "pause+resume ms (med)" "events --stats ms (med)"
declare -A mpr mev
for c in "${contenders[@]}"; do
  mpr[$c]=$(median <<<"${pr[$c]}")
  mev[$c]=$(median <<<"${ev[$c]}")
  printf '%-8s %22s %22s\n' "$c" "${mpr[$c]}" "${mev[$c]}"
done
if [[ ${#contenders[@]} -eq 2 ]]; then
  awk -v a="${mpr[hako]}" -v b="${mpr[runc]}" -v t="$TARGET" 'BEGIN {printf "pause+resume   hako/runc = %.2f (target <= %s)\n", a / b, t}'
  awk -v a="${mev[hako]}" -v b="${mev[runc]}" -v t="$TARGET" 'BEGIN {printf "events --stats hako/runc = %.2f (target <= %s)\n", a / b, t}'
fi
