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

HAKO=${HAKO:-$repo/build/hako}
DOCKER=${DOCKER:-/usr/bin/docker}
DOCKERD=${DOCKERD:-/usr/sbin/dockerd}
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
  if [[ $INSTALL == 1 ]]; then
    echo "installing ${missing[*]} (apt-get)" >&2
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; } \
      >/tmp/hako-bench-containers-apt.log 2>&1 || {
      tail -n 20 /tmp/hako-bench-containers-apt.log >&2
      echo "apt-get install ${missing[*]} failed (log: /tmp/hako-bench-containers-apt.log)" >&2
      exit 1
    }
  fi
  [[ -z ${want[docker]:-} ]] || [[ -x $DOCKERD && -x $DOCKER ]] || note[docker]="$DOCKERD or $DOCKER not installed"
  [[ -z ${want[podman]:-} ]] || [[ -x $PODMAN ]] || note[podman]="$PODMAN not installed"
fi

# --- host state before, for the clean-up ----------------------------------------

tmp=$(mktemp -d /tmp/hako-bench-containers.XXXXXX)
chmod 0711 "$tmp"
docker_cg=hako-bench-docker-$$
podman_cg=hako-bench-podman-$$
dockerd_pid=
# Paths the peers create outside their roots (hard-coded in them).
host_paths=(/run/containerd /run/docker /run/runc /run/libpod /run/containers /run/crun
  /var/lib/containers /var/lib/cni /dev/shm/libpod_lock /run/xtables.lock)
declare -A existed=()
for p in "${host_paths[@]}"; do [[ ! -e $p ]] || existed[$p]=1; done
links_before=$(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort)
ipt_before=$(iptables -S 2>/dev/null || true)
ip6t_before=$(ip6tables -S 2>/dev/null || true)
# (Read, not queried: asking iptables-legacy would create the tables.)
legacy_before=$(sort /proc/net/ip_tables_names 2>/dev/null || true)
fwd_policy_before=$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3; exit }')
ip_forward_before=$(cat /proc/sys/net/ipv4/ip_forward)

H=() D=() P=()

# Processes of this run: "pid" lines for NAME (exe basename) whose command
# line contains PATTERN.
procs_of() {
  local name=$1 pattern=$2 d exe
  for d in /proc/[0-9]*; do
    exe=$(readlink "$d/exe" 2>/dev/null) || continue
    [[ ${exe##*/} == "$name" ]] || continue
    [[ $(tr '\0' ' ' <"$d/cmdline" 2>/dev/null) == *"$pattern"* ]] || continue
    echo "${d#/proc/}"
  done
}

wait_gone() { # NAME PATTERN SECONDS
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    [[ -z $(procs_of "$1" "$2") ]] && return 0
    sleep 0.1
  done
  return 1
}

# The script's own stdout and stderr, for the clean-up: a signal that
# arrives while an engine command runs with its output redirected to a log
# runs the trap with those redirections still in place.  (Closed for the
# engines, see eng and the dockerd command line.)
exec 3>&1 4>&2

# shellcheck disable=SC2317 # reached through the trap
cleanup() {
  local rc=$? left=() p m ids
  set +e
  trap - EXIT INT TERM
  exec 1>&3 2>&4
  echo "cleaning up" >&2
  if ((${#H[@]})); then
    ids=$("${H[@]}" ps -aq 2>/dev/null)
    # shellcheck disable=SC2086 # one id a word
    [[ -z $ids ]] || "${H[@]}" rm -f $ids >/dev/null 2>&1
    wait_gone hako-monitor "$tmp/" 10 || left+=("hako-monitor processes")
  fi
  if ((${#P[@]})); then
    ids=$("${P[@]}" ps -aq 2>/dev/null)
    # shellcheck disable=SC2086
    [[ -z $ids ]] || "${P[@]}" rm -f -t 0 $ids >/dev/null 2>&1
    wait_gone conmon "$tmp/" 10 || left+=("conmon processes")
  fi
  if [[ -n $dockerd_pid ]]; then
    ids=$("${D[@]}" ps -aq 2>/dev/null)
    # shellcheck disable=SC2086
    [[ -z $ids ]] || "${D[@]}" rm -f $ids >/dev/null 2>&1
    kill -TERM "$dockerd_pid" 2>/dev/null
    wait_gone dockerd "$tmp/" 30 || kill -KILL "$dockerd_pid" 2>/dev/null
    wait_gone containerd "$tmp/" 10 || for p in $(procs_of containerd "$tmp/"); do kill -KILL "$p"; done
    wait_gone containerd-shim-runc-v2 "$tmp/" 10 || for p in $(procs_of containerd-shim-runc-v2 "$tmp/"); do kill -KILL "$p"; done
    wait "$dockerd_pid" 2>/dev/null
    sleep 0.5
    [[ -z $(procs_of dockerd "$tmp/")$(procs_of containerd "$tmp/") ]] || left+=("docker daemons")
  fi
  # Mounts below the work directory (overlays, netns files, the data roots).
  awk -v d="$tmp/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
  done
  [[ -z $(awk -v d="$tmp/" 'index($5, d) == 1' /proc/self/mountinfo) ]] || left+=("mounts below $tmp")
  # Cgroups: the peers' parents (named after this run).
  while read -r p; do
    rmdir "$p" 2>/dev/null || left+=("cgroup $p")
  done < <(find /sys/fs/cgroup -mindepth 2 -maxdepth 5 -depth -type d \( -name "$docker_cg" -o \
    -name "$podman_cg" -o -path "*/$docker_cg/*" -o -path "*/$podman_cg/*" \) 2>/dev/null)
  # Host paths the peers made (only if this run made them).
  for p in "${host_paths[@]}"; do
    [[ -z ${existed[$p]:-} && -e $p ]] || continue
    case $p in
      /run/containerd) rmdir /run/containerd/s /run/containerd 2>/dev/null ;;
      /run/docker) rmdir /run/docker/plugins /run/docker 2>/dev/null ;;
      /run/runc | /run/crun | /run/libpod | /run/containers) rmdir "$p" 2>/dev/null ;;
      *) rm -rf "$p" ;;
    esac
    [[ ! -e $p ]] || left+=("$p")
  done
  # Network: links, iptables, ip_forward.
  new_links() {
    comm -13 <(echo "$links_before") <(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort)
  }
  for p in $(new_links); do
    case $p in
      docker0 | cni-podman* | podman* | veth*) ip link del "$p" 2>/dev/null ;;
    esac
  done
  for p in $(new_links); do left+=("link $p"); done
  if [[ -n $fwd_policy_before && $(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3; exit }') != "$fwd_policy_before" ]]; then
    iptables -P FORWARD "$fwd_policy_before"
    echo "restored the iptables FORWARD policy to $fwd_policy_before" >&2
  fi
  [[ $(iptables -S 2>/dev/null || true) == "$ipt_before" ]] || left+=("iptables rules: $(diff <(echo "$ipt_before") <(iptables -S) | grep '^[<>]' | tr '\n' ' ')")
  [[ $(ip6tables -S 2>/dev/null || true) == "$ip6t_before" ]] || left+=("ip6tables rules changed")
  [[ $(sort /proc/net/ip_tables_names 2>/dev/null || true) == "$legacy_before" ]] ||
    left+=("legacy iptables tables: $(sort /proc/net/ip_tables_names | tr '\n' ' ')(before: ${legacy_before//$'\n'/ })")
  if [[ $(cat /proc/sys/net/ipv4/ip_forward) != "$ip_forward_before" ]]; then
    echo "$ip_forward_before" >/proc/sys/net/ipv4/ip_forward
    echo "restored net.ipv4.ip_forward=$ip_forward_before" >&2
  fi
  if [[ -n $SAVE && -d $tmp/s ]]; then
    mkdir -p "$SAVE" && cp "$tmp"/s/* "$SAVE"/ && echo "samples saved in $SAVE" >&2
  fi
  if [[ ${KEEP:-0} == 1 ]]; then
    echo "kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  if ((${#left[@]})); then
    printf 'cleanup: LEFT BEHIND: %s\n' "${left[@]}" >&2
    ((rc != 0)) || rc=1
  else
    echo "cleanup: no containers, daemons, mounts, cgroups, links or iptables changes left" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the image: busybox.tar as a docker-archive ------------------------------------

HAKO="" "$repo/scripts/make-base-images.sh" --busybox-only >"$tmp/make-base-images.log" 2>&1 || {
  cat "$tmp/make-base-images.log" >&2
  exit 1
}
rootfs_tar=$(readlink -f "${HAKO_BASE_CACHE:-/var/cache/hako/base}/busybox.tar")
archive=$tmp/busybox-archive.tar
(
  a=$tmp/archive
  mkdir "$a"
  cp "$rootfs_tar" "$a/layer.tar"
  jq -nc --arg diff "sha256:$(sha256sum "$a/layer.tar" | cut -d' ' -f1)" \
    --arg created "$(date -u -d "@$(stat -c %Y "$rootfs_tar")" +%Y-%m-%dT%H:%M:%SZ)" '{
      architecture: "amd64", os: "linux", created: $created,
      config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"] },
      rootfs: { type: "layers", diff_ids: [$diff] } }' >"$a/config.json"
  c=$(sha256sum "$a/config.json" | cut -d' ' -f1)
  mv "$a/config.json" "$a/$c.json"
  jq -nc --arg c "$c.json" '[{ Config: $c, RepoTags: ["busybox:latest"], Layers: ["layer.tar"] }]' >"$a/manifest.json"
  tar -C "$a" -cf "$archive" manifest.json "$c.json" layer.tar
  rm -rf "$a"
)

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

if [[ -n ${want[hako]:-} ]]; then
  hdir=$(dirname "$(readlink -f "$HAKO" 2>/dev/null || echo "$HAKO")")
  if [[ ! -x $HAKO ]]; then
    note[hako]="$HAKO not found (build it first)"
  elif [[ ! -x $hdir/hako-monitor ]]; then
    note[hako]="no hako-monitor next to $HAKO"
  else
    mkdir "$tmp/bin"
    cp "$HAKO" "$tmp/bin/hako"
    cp "$hdir/hako-monitor" "$tmp/bin/"
    for b in hako-runtime hako-init; do
      [[ ! -x $hdir/$b ]] || cp "$hdir/$b" "$tmp/bin/"
    done
    H=("$tmp/bin/hako" --root "$tmp/hako")
    unset HAKO_ROOT
    version[hako]=$("${H[@]}" version 2>/dev/null |
      awk '$1 == "Version:" { v = $2 } $1 == "Git" { print "hako " v " (" $3 ")"; exit }') || version[hako]=
    [[ -n ${version[hako]} ]] || version[hako]="(hako version failed) $(sha256sum "$HAKO" | cut -c1-12)"
    # shellcheck disable=SC2086 # RUNF: a flag list
    if ! "${H[@]}" load -i "$archive" >"$tmp/hako.log" 2>&1; then
      note[hako]="hako load -i failed: $(tail -n1 "$tmp/hako.log")"
    elif ! "${H[@]}" run --rm ${RUNF[hako]} busybox true </dev/null >>"$tmp/hako.log" 2>&1; then
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
fi

if [[ -n ${want[docker]:-} && -z ${note[docker]:-} ]]; then
  mkdir -p "$tmp/docker" "$tmp/dx" "$tmp/docker-config"
  echo '{}' >"$tmp/daemon.json"
  setsid "$DOCKERD" --config-file "$tmp/daemon.json" --data-root "$tmp/docker" --exec-root "$tmp/dx" \
    -H "unix://$tmp/docker.sock" --pidfile "$tmp/dockerd.pid" --bridge=none --iptables=false \
    --ip6tables=false --ip-masq=false --ip-forward=false --cgroup-parent "/$docker_cg" \
    </dev/null >"$tmp/dockerd.log" 2>&1 3>&- 4>&- &
  dockerd_pid=$!
  D=("$DOCKER" --config "$tmp/docker-config" -H "unix://$tmp/docker.sock")
  for ((i = 0; i < 300; i++)); do
    "${D[@]}" version >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! "${D[@]}" version >/dev/null 2>&1; then
    note[docker]="dockerd did not start: $(tail -n1 "$tmp/dockerd.log")"
  elif ! "${D[@]}" load -i "$archive" >"$tmp/docker.log" 2>&1; then
    note[docker]="docker load failed: $(tail -n1 "$tmp/docker.log")"
  else
    version[docker]="dockerd $("${D[@]}" version -f '{{.Server.Version}}'), containerd $(containerd --version | awk '{ print $3 }'), $(runc --version | head -n1)"
  fi
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

eng() {
  local e=$1
  shift
  case $e in
    hako) "${H[@]}" "$@" 3>&- 4>&- ;;
    docker) "${D[@]}" "$@" 3>&- 4>&- ;;
    podman) "${P[@]}" "$@" 3>&- 4>&- ;;
  esac
}

# --- timing ------------------------------------------------------------------------

mkdir "$tmp/s"
declare -A fails=()
measuring=0

# timed ENGINE ARGS...: runs `ENGINE ARGS`, sets t_us and t_rc.
# shellcheck disable=SC2317 # called from the ops
timed() {
  local e=$1 t0 t1
  shift
  t_rc=0
  t0=$EPOCHREALTIME
  eng "$e" "$@" </dev/null >/dev/null 2>>"$tmp/$e.log" || t_rc=$?
  t1=$EPOCHREALTIME
  t_us=$((${t1/./} - ${t0/./}))
}

# record OP ENGINE US RC
# shellcheck disable=SC2317 # called from the ops
record() {
  ((measuring)) || return 0
  if (($4 == 0)); then
    echo "$3" >>"$tmp/s/$1.$2"
  else
    fails[$2]=$((${fails[$2]:-0} + 1))
    echo "$1: exit $4" >>"$tmp/$2.failures"
  fi
}

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

echo "containers: ${engines[*]}; N=$N timed + $WARMUP warm-up rounds, alternating; busybox from $rootfs_tar"
for e in "${engines[@]}"; do printf '  %-7s %s\n' "$e" "${version[$e]}"; done
for e in hako docker podman; do
  [[ -z ${want[$e]:-} || -z ${note[$e]:-} ]] || printf '  %-7s NOT MEASURED: %s\n' "$e" "${note[$e]}"
done
[[ -z ${note[hako_flags]:-} ]] || echo "  NOTE: ${note[hako_flags]}"

# The long-running containers for exec and pause.
for e in "${engines[@]}"; do
  for c in exec pause; do
    # shellcheck disable=SC2086
    eng "$e" run -d --name "hb$$-$e-$c" ${RUNF[$e]} busybox sleep 1000000 </dev/null >/dev/null 2>>"$tmp/$e.log" ||
      echo "$e: could not start its $c container (see below)" >&2
  done
done

k=${#engines[@]}
for ((r = 0; r < WARMUP + N; r++)); do
  ((r < WARMUP)) && measuring=0 || measuring=1
  [[ ! -t 2 ]] || printf '\r  round %d/%d%s' "$((r + 1))" "$((WARMUP + N))" "$( ((r < WARMUP)) && echo ' (warm-up)')" >&2
  for op in op_run_rm op_run_d_rm op_exec op_pause; do
    for ((j = 0; j < k; j++)); do
      "$op" "${engines[(r + j) % k]}" "$r"
    done
  done
done
[[ ! -t 2 ]] || echo >&2
for e in "${engines[@]}"; do
  # shellcheck disable=SC2086
  eng "$e" rm ${RMF[$e]} "hb$$-$e-exec" "hb$$-$e-pause" </dev/null >/dev/null 2>>"$tmp/$e.log"
done

# stats FILE: "median p90 count" in ms (nearest-rank p90), or "- - 0"
stats() {
  [[ -s $1 ]] || { echo "- - 0"; return; }
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    i = int(0.9 * NR); if (i < 0.9 * NR) i++
    printf "%.1f %.1f %d\n", m / 1000, v[i] / 1000, NR }'
}

ops=(run_rm run_d_rm run_d rm_f exec pause_unpause pause unpause)
declare -A label=([run_rm]="run --rm true" [run_d_rm]="run -d + rm -f" [run_d]="  run -d"
  [rm_f]="  rm -f" [exec]="exec true" [pause_unpause]="pause + unpause" [pause]="  pause"
  [unpause]="  unpause")
declare -A target=([run_rm]=$TARGET_RUN_RM [exec]=$TARGET_EXEC [pause]=$TARGET_PAUSE)

echo
printf '%-17s %15s %15s %15s %12s %12s  %s\n' "operation (ms)" "hako med/p90" "docker med/p90" \
  "podman med/p90" "docker/hako" "podman/hako" "hako target"
declare -A med=()
for op in "${ops[@]}"; do
  cols=()
  for e in hako docker podman; do
    if [[ " ${engines[*]} " == *" $e "* ]]; then
      read -r m p n < <(stats "$tmp/s/$op.$e")
      med[$e]=$m
      if [[ $m == - ]]; then cols+=("-"); else cols+=("$m / $p"); fi
      ((n == N)) || cols[-1]+=" (n=$n)"
    else
      med[$e]=-
      cols+=("n/a")
    fi
  done
  ratios=()
  for e in docker podman; do
    if [[ ${med[$e]} != - && ${med[hako]} != - ]]; then
      ratios+=("$(awk -v a="${med[$e]}" -v b="${med[hako]}" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')")
    else
      ratios+=("-")
    fi
  done
  t=
  if [[ -n ${target[$op]:-} ]]; then
    t="<= ${target[$op]}"
    if [[ ${med[hako]} != - ]]; then
      t+=$(awk -v m="${med[hako]}" -v t="${target[$op]}" 'BEGIN { print (m <= t) ? ": ok" : ": MISSED" }')
    fi
  fi
  printf '%-17s %15s %15s %15s %12s %12s  %s\n' "${label[$op]}" "${cols[@]}" "${ratios[@]}" "$t"
done
echo "(wall time of each CLI command; ratios of medians, >1x means hako is faster)"

status=0
for e in "${engines[@]}"; do
  if ((${fails[$e]:-0} > 0)); then
    status=1
    echo "$e: ${fails[$e]} failed operations ($(sort "$tmp/$e.failures" | uniq -c | awk '{ $1 = $1 "x"; print }' | paste -sd, -)); end of its log:"
    tail -n 5 "$tmp/$e.log" | sed 's/^/  /'
  fi
done

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
