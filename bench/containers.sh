#!/usr/bin/env bash
# containers.sh: container life-cycle latency through the whole engine CLI,
# hako vs Docker (dockerd + containerd + runc) vs Podman (conmon + runc),
# side by side in one run; and the memory of each engine's per-container
# process (hako-monitor, containerd-shim-runc-v2, conmon).  See
# bench/README.md.
#
# Operations, each timed N times per engine (wall time of the CLI command,
# fork to exit), with the engines alternating operation by operation and
# the starting engine rotating every round:
#   run --rm        ENGINE run --rm --network none --pull never busybox true
#   run -d + rm -f  ENGINE run -d --name X ... busybox sleep 1000, then
#                   ENGINE rm -f X (the sum, and each part on its own)
#   exec            ENGINE exec CTR true          (CTR: a running container)
#   pause + unpause ENGINE pause CTR; ENGINE unpause CTR (the sum, and each)
# Then, one engine at a time, MEM_N detached containers are started and the
# PSS (/proc/PID/smaps_rollup) of all the engine's per-container processes
# is summed and divided by MEM_N.
#
# The peers are Debian 12's docker.io and podman (installed with apt-get if
# missing).  dockerd is started here, for this run only, with its own
# data/exec roots and socket under the work directory, no bridge, no
# iptables rules and no ip_forward change; podman gets its own --root,
# --runroot and --tmpdir, runc (crun refuses the hybrid cgroup layout), the
# cgroupfs manager and the file events backend.  Everyone loads the same
# busybox image (a docker-archive made from scripts/make-base-images.sh's
# busybox.tar).  Nothing is contacted but this machine: every container
# has --network none and --pull never.  On exit (also Ctrl-C) every
# container is removed, dockerd and its containerd are stopped, mounts,
# cgroups, links, iptables changes and the host paths the peers create
# (/run/containerd, /run/docker, /run/runc, /var/lib/containers,
# /dev/shm/libpod_lock, ...) are removed or restored, if this run made them.
#
# Environment:
#   HAKO       hako binary (default: <repo>/build/hako); it and the
#              hako-monitor, hako-runtime and hako-init next to it are copied
#              into the work directory at start, so a rebuild during the run
#              changes nothing
#   DOCKER     Debian's docker client (default /usr/bin/docker; not
#              /usr/local/bin/docker, a newer client than Debian's dockerd)
#   DOCKERD    default /usr/sbin/dockerd
#   PODMAN     default /usr/bin/podman
#   ENGINES    which to measure (default "hako docker podman")
#   N          timed repetitions per operation and engine (default 20)
#   WARMUP     untimed rounds first (default 2)
#   MEM_N      containers per engine for the memory measurement (default 20;
#              0 skips it)
#   INSTALL    if 1 (default), apt-get install docker.io/podman if missing
#   SAVE       directory to copy the raw samples (microseconds) to
#   KEEP       if 1, keep the work directory (printed)
#
# Exit status: 0 if every engine measured ran every operation successfully,
# 1 otherwise.
set -euo pipefail
export LC_ALL=C

self=$(readlink -f "${BASH_SOURCE[0]}")
repo=$(dirname "$(dirname "$self")")
# HAKO, DOCKER, DOCKERD (defaults), the helpers.
# shellcheck source=SCRIPTDIR/tools/engines.bash
. "$repo/bench/tools/engines.bash"

PODMAN=${PODMAN:-/usr/bin/podman}
ENGINES=${ENGINES:-hako docker podman}
N=${N:-20}
WARMUP=${WARMUP:-2}
MEM_N=${MEM_N:-20}
INSTALL=${INSTALL:-1}
SAVE=${SAVE:-}
# The issue's targets for hako (ms, median).
TARGET_RUN_RM=25
TARGET_EXEC=15
TARGET_PAUSE=5

for v in N WARMUP MEM_N; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "$v must be a number" >&2; exit 2; }
done
((N > 0)) || { echo "N must be positive" >&2; exit 2; }
(($(id -u) == 0)) || { echo "must run as root" >&2; exit 1; }
for t in jq sha256sum tar ip; do
  command -v "$t" >/dev/null || { echo "$t not installed" >&2; exit 1; }
done

declare -A want=() note=()
for e in $ENGINES; do
  case $e in
    hako | docker | podman) want[$e]=1 ;;
    *) echo "unknown engine $e (hako, docker, podman)" >&2; exit 2 ;;
  esac
done

# --- peers: Debian's packages --------------------------------------------------

missing=()
[[ -z ${want[docker]:-} ]] || [[ -x $DOCKERD && -x $DOCKER ]] || missing+=(docker.io)
[[ -z ${want[podman]:-} ]] || [[ -x $PODMAN ]] || missing+=(podman)
if ((${#missing[@]})); then
  [[ $INSTALL != 1 ]] || install_missing containers "${missing[@]}"
  [[ -z ${want[docker]:-} ]] || [[ -x $DOCKERD && -x $DOCKER ]] || note[docker]="$DOCKERD or $DOCKER not installed"
  [[ -z ${want[podman]:-} ]] || [[ -x $PODMAN ]] || note[podman]="$PODMAN not installed"
fi

# --- host state before, for the clean-up ----------------------------------------

tmp=$(mktemp -d /tmp/hako-bench-containers.XXXXXX)
chmod 0711 "$tmp"
podman_cg=hako-bench-podman-$$
host_state_save /run/containerd /run/docker /run/runc /run/libpod /run/containers /run/crun \
  /var/lib/containers /var/lib/cni /dev/shm/libpod_lock /run/xtables.lock
ipt_before=$(iptables -S 2>/dev/null || true)
ip6t_before=$(ip6tables -S 2>/dev/null || true)
sysctls_save net/ipv4/ip_forward

P=()

# shellcheck disable=SC2317 # reached through the trap
cleanup() {
  local rc=$? left=() ids
  cleanup_begin
  hako_stop
  if ((${#P[@]})); then
    ids=$("${P[@]}" ps -aq 2>/dev/null)
    # shellcheck disable=SC2086 # one id a word
    [[ -z $ids ]] || "${P[@]}" rm -f -t 0 $ids >/dev/null 2>&1
    wait_gone conmon "$tmp/" 10 || left+=("conmon processes")
  fi
  docker_stop
  cleanup_mounts
  cleanup_cgroups "$docker_cg" "$podman_cg"
  cleanup_host_paths
  # Network: links, iptables, ip_forward.
  cleanup_links docker0 'cni-podman*' 'podman*' 'veth*'
  restore_forward_policy
  [[ $(iptables -S 2>/dev/null || true) == "$ipt_before" ]] || left+=("iptables rules: $(diff <(echo "$ipt_before") <(iptables -S) | grep '^[<>]' | tr '\n' ' ')")
  [[ $(ip6tables -S 2>/dev/null || true) == "$ip6t_before" ]] || left+=("ip6tables rules changed")
  check_legacy_tables
  sysctls_restore
  cleanup_finish "$rc" "containers, daemons, mounts, cgroups, links or iptables changes"
}
cleanup_traps cleanup

# --- the image: busybox.tar as a docker-archive ------------------------------------

busybox_rootfs
archive=$tmp/busybox-archive.tar
make_archive "$rootfs_tar" busybox:latest "$archive"

# --- engines ---------------------------------------------------------------------

# Per engine: extra flags for `run` and for `rm`.
declare -A RUNF=() RMF=() version=()
RUNF[hako]="--network none --pull never"
RUNF[docker]="--network none --pull never"
# Podman: the ulimits are needed on this machine (runc cannot set podman's
# default nproc/nofile here); rm -f -t 0 because podman 4.3's rm -f first
# sends the stop signal and waits 10 s (docker and hako rm -f SIGKILL).
RUNF[podman]="--network none --pull never --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 --cgroup-parent /$podman_cg"
RMF[hako]="-f" RMF[docker]="-f" RMF[podman]="-f -t 0"

[[ -z ${want[hako]:-} ]] || hako_check
if [[ -n ${want[hako]:-} && -z ${note[hako]:-} ]]; then
  hako_setup "$archive"
  # shellcheck disable=SC2086 # RUNF: a flag list
  if [[ -z ${note[hako]:-} ]] && ! "${H[@]}" run --rm ${RUNF[hako]} busybox true </dev/null >>"$tmp/hako.log" 2>&1; then
    if "${H[@]}" run --rm busybox true </dev/null >>"$tmp/hako.log" 2>&1; then
      echo "NOTE: hako run does not accept '${RUNF[hako]}'; measuring hako WITHOUT those flags" >&2
      note[hako_flags]="hako ran without '${RUNF[hako]}' (not accepted)"
      RUNF[hako]=
    else
      note[hako]="hako run --rm busybox true failed: $(tail -n1 "$tmp/hako.log")"
    fi
  fi
  [[ -z ${note[hako]:-} ]] || H=()
fi

# No bridge, no iptables rules and no ip_forward change: every container
# here has --network none.
if [[ -n ${want[docker]:-} && -z ${note[docker]:-} ]]; then
  docker_setup "$archive" -- --bridge=none --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false
  [[ -z ${note[docker]:-} ]] || D=()
fi

if [[ -n ${want[podman]:-} && -z ${note[podman]:-} ]]; then
  P=("$PODMAN" --root "$tmp/podman/root" --runroot "$tmp/podman/run" --tmpdir "$tmp/podman/tmp"
    --runtime runc --cgroup-manager cgroupfs --events-backend file --storage-driver overlay)
  if ! "${P[@]}" load -i "$archive" >"$tmp/podman.log" 2>&1; then
    note[podman]="podman load failed: $(tail -n1 "$tmp/podman.log")"
    P=()
  else
    version[podman]="$("${P[@]}" --version), $(conmon --version | head -n1), $(runc --version | head -n1)"
  fi
fi

engines=()
for e in hako docker podman; do
  [[ -n ${want[$e]:-} && -z ${note[$e]:-} ]] && engines+=("$e")
done
((${#engines[@]})) || { echo "no engine to measure: ${note[*]}" >&2; exit 1; }

# --- timing ------------------------------------------------------------------------

mkdir "$tmp/s"
declare -A fails=()
measuring=0

# shellcheck disable=SC2317 # called as "$op"
op_run_rm() {
  # shellcheck disable=SC2086 # flag lists
  timed "$1" run --rm ${RUNF[$1]} busybox true
  record run_rm "$1" "$t_us" "$t_rc"
}

# shellcheck disable=SC2317 # called as "$op"
op_run_d_rm() {
  local e=$1 name=hb$$-$1-$2 us1 rc1
  # shellcheck disable=SC2086
  timed "$e" run -d --name "$name" ${RUNF[$e]} busybox sleep 1000
  us1=$t_us rc1=$t_rc
  # shellcheck disable=SC2086
  timed "$e" rm ${RMF[$e]} "$name"
  record run_d "$e" "$us1" "$rc1"
  record rm_f "$e" "$t_us" "$t_rc"
  ((measuring)) || return 0
  if ((rc1 == 0 && t_rc == 0)); then echo "$((us1 + t_us))" >>"$tmp/s/run_d_rm.$e"; fi
}

# shellcheck disable=SC2317 # called as "$op"
op_exec() {
  timed "$1" exec "hb$$-$1-exec" true
  record exec "$1" "$t_us" "$t_rc"
}

# shellcheck disable=SC2317 # called as "$op"
op_pause() {
  local e=$1 us1 rc1
  timed "$e" pause "hb$$-$e-pause"
  us1=$t_us rc1=$t_rc
  timed "$e" unpause "hb$$-$e-pause"
  record pause "$e" "$us1" "$rc1"
  record unpause "$e" "$t_us" "$t_rc"
  ((measuring)) || return 0
  if ((rc1 == 0 && t_rc == 0)); then echo "$((us1 + t_us))" >>"$tmp/s/pause_unpause.$e"; fi
}

print_engines "containers: ${engines[*]}; N=$N timed + $WARMUP warm-up rounds, alternating; busybox from $rootfs_tar" \
  hako docker podman
[[ -z ${note[hako_flags]:-} ]] || echo "  NOTE: ${note[hako_flags]}"

# The long-running containers for exec and pause.
for e in "${engines[@]}"; do
  for c in exec pause; do
    # shellcheck disable=SC2086
    eng "$e" run -d --name "hb$$-$e-$c" ${RUNF[$e]} busybox sleep 1000000 </dev/null >/dev/null 2>>"$tmp/$e.log" ||
      echo "$e: could not start its $c container (see below)" >&2
  done
done

run_rounds op_run_rm op_run_d_rm op_exec op_pause
for e in "${engines[@]}"; do
  # shellcheck disable=SC2086
  eng "$e" rm ${RMF[$e]} "hb$$-$e-exec" "hb$$-$e-pause" </dev/null >/dev/null 2>>"$tmp/$e.log"
done

ops=(run_rm run_d_rm run_d rm_f exec pause_unpause pause unpause)
declare -A label=([run_rm]="run --rm true" [run_d_rm]="run -d + rm -f" [run_d]="  run -d"
  [rm_f]="  rm -f" [exec]="exec true" [pause_unpause]="pause + unpause" [pause]="  pause"
  [unpause]="  unpause")
declare -A target=([run_rm]=$TARGET_RUN_RM [exec]=$TARGET_EXEC [pause]=$TARGET_PAUSE)

echo
latency_table 17 15 hako docker podman
echo "(wall time of each CLI command; ratios of medians, >1x means hako is faster)"

status=0
report_failures "${engines[@]}"

# --- memory per running container ---------------------------------------------------

# pss_rss PID...: "PSS_kB RSS_kB PSS_anon_kB" summed over the processes
pss_rss() {
  local p f=()
  for p in "$@"; do [[ -r /proc/$p/smaps_rollup ]] && f+=("/proc/$p/smaps_rollup"); done
  ((${#f[@]})) || { echo "0 0 0"; return; }
  awk '$1 == "Pss:" { p += $2 } $1 == "Rss:" { r += $2 } $1 == "Pss_Anon:" { a += $2 }
    END { printf "%d %d %d\n", p, r, a }' "${f[@]}" 2>/dev/null
}

if ((MEM_N > 0)); then
  echo
  echo "memory per running container: $MEM_N x 'run -d ... busybox sleep 1000' per engine, one engine at a time;"
  echo "PSS summed over /proc/PID/smaps_rollup of the engine's per-container processes, over $MEM_N"
  printf '%-7s %-24s %5s %13s %11s %16s %12s\n' engine process procs "PSS total kB" "PSS/ctr kB" \
    "PSS anon/ctr kB" "RSS/proc kB"
  declare -A mem=()
  for e in "${engines[@]}"; do
    case $e in
      hako) pname=hako-monitor pat="$tmp/hako" ;;
      docker) pname=containerd-shim-runc-v2 pat="$tmp/dx/" ;;
      podman) pname=conmon pat="$tmp/podman/" ;;
    esac
    if [[ $e == docker ]]; then
      # shellcheck disable=SC2046
      read -r d0 _ _ < <(pss_rss $(procs_of dockerd "$tmp/") $(procs_of containerd "$tmp/"))
    fi
    names=()
    for ((i = 0; i < MEM_N; i++)); do
      names+=("hb$$-$e-m$i")
      # shellcheck disable=SC2086
      eng "$e" run -d --name "hb$$-$e-m$i" ${RUNF[$e]} busybox sleep 1000 </dev/null >/dev/null 2>>"$tmp/$e.log" ||
        echo "$e: memory container $i did not start" >&2
    done
    sleep 2
    mapfile -t pids < <(procs_of "$pname" "$pat")
    read -r pss rss anon < <(pss_rss "${pids[@]}")
    mem[$e]=$((pss / MEM_N))
    printf '%-7s %-24s %5d %13d %11d %16d %12d\n' "$e" "$pname" "${#pids[@]}" "$pss" "${mem[$e]}" \
      "$((anon / MEM_N))" "$((${#pids[@]} ? rss / ${#pids[@]} : 0))"
    if [[ $e == docker ]]; then
      # shellcheck disable=SC2046
      read -r d1 _ _ < <(pss_rss $(procs_of dockerd "$tmp/") $(procs_of containerd "$tmp/"))
      docker_shared="docker shared cost (not per container above): dockerd + containerd PSS $((d0 / 1024)) MB idle, $((d1 / 1024)) MB with $MEM_N containers (+$(((d1 - d0) / MEM_N)) kB per container)"
    fi
    # shellcheck disable=SC2086
    eng "$e" rm ${RMF[$e]} "${names[@]}" </dev/null >/dev/null 2>>"$tmp/$e.log"
    wait_gone "$pname" "$pat" 20 || echo "$e: $pname processes still there after rm" >&2
  done
  [[ -z ${docker_shared:-} ]] || echo "$docker_shared"
  if [[ -n ${mem[hako]:-} ]] && ((mem[hako] > 0)); then
    for e in docker podman; do
      [[ -z ${mem[$e]:-} ]] || echo "$e/hako per container: $(awk -v a="${mem[$e]}" -v b="${mem[hako]}" 'BEGIN { printf "%.1fx", a / b }')"
    done
  fi
fi
exit "$status"
