# engines.bash: what bench/containers.sh and bench/network.sh share, sourced
# by both (not run): the engines under test (a private dockerd for the run,
# a copy of hako), the busybox docker-archive everyone loads, the timed
# rounds and their report, and the clean-up of what the engines leave on the
# host.  A benchmark helper, not part of hako.
#
# The sourcing script sets repo before it sources this and, before it calls
# these: tmp (its work directory, every engine's state is below it), N, WARMUP,
# SAVE, the associative arrays note and version, and engines (the engines
# measured, once known).  This file owns: H and D (the hako and docker
# command lines, empty while that engine is not usable), dockerd_pid,
# dockerd_cli (D, also after a failed setup, for the clean-up), docker_cg
# (the cgroup parent of Docker's containers), host_paths/existed,
# links_before, legacy_before, fwd_policy_before and sysctl_before.
# The clean-up helpers append what they could not undo to the caller's
# `left` array.

# shellcheck shell=bash disable=SC2034,SC2154 # variables shared with the sourcing script
HAKO=${HAKO:-$repo/build/hako}
# Debian's client, not /usr/local/bin/docker (a newer one than Debian's dockerd).
DOCKER=${DOCKER:-/usr/bin/docker}
DOCKERD=${DOCKERD:-/usr/sbin/dockerd}
H=() D=()
dockerd_pid=
dockerd_cli=()
docker_cg=hako-bench-docker-$$
host_paths=()
declare -A existed=() sysctl_before=()

# The script's own stdout and stderr, for the clean-up: a signal that
# arrives while an engine command runs with its output redirected to a log
# runs the trap with those redirections still in place.  (Closed for the
# engines, see eng and the dockerd command line.)
exec 3>&1 4>&2

# cleanup_traps FUNCTION: FUNCTION on exit, also on Ctrl-C and SIGTERM.
cleanup_traps() {
  # shellcheck disable=SC2064 # the function's name, now
  trap "$1" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# cleanup_begin: the first thing the clean-up does (after taking $?).
# shellcheck disable=SC2317 # reached through the trap
cleanup_begin() {
  set +e
  trap - EXIT INT TERM
  exec 1>&3 2>&4
  echo "cleaning up" >&2
}

# install_missing NAME PKG...: apt-get install PKG..., log in
# /tmp/hako-bench-NAME-apt.log; exits if that fails.
install_missing() {
  local log=/tmp/hako-bench-$1-apt.log
  shift
  echo "installing $* (apt-get)" >&2
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"; } >"$log" 2>&1 || {
    tail -n 20 "$log" >&2
    echo "apt-get install $* failed (log: $log)" >&2
    exit 1
  }
}

# --- processes -------------------------------------------------------------------

# procs_of NAME PATTERN: pids of the processes named NAME (exe basename)
# whose command line contains PATTERN.
# shellcheck disable=SC2317 # reached through the trap
procs_of() {
  local name=$1 pattern=$2 d exe
  for d in /proc/[0-9]*; do
    exe=$(readlink "$d/exe" 2>/dev/null) || continue
    [[ ${exe##*/} == "$name" ]] || continue
    [[ $(tr '\0' ' ' <"$d/cmdline" 2>/dev/null) == *"$pattern"* ]] || continue
    echo "${d#/proc/}"
  done
}

# wait_gone NAME PATTERN SECONDS: until no such process is left (status 1
# if some still are after SECONDS).
# shellcheck disable=SC2317 # reached through the trap
wait_gone() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    [[ -z $(procs_of "$1" "$2") ]] && return 0
    sleep 0.1
  done
  return 1
}

# --- host state before, for the clean-up ----------------------------------------

# host_state_save PATH...: remembers which of the paths the peers create
# outside their roots (hard-coded in them) exist already, the links, the
# legacy iptables tables and the iptables FORWARD policy.
host_state_save() {
  local p
  host_paths=("$@")
  for p in "${host_paths[@]}"; do [[ ! -e $p ]] || existed[$p]=1; done
  links_before=$(list_links)
  # (Read, not queried: asking iptables-legacy would create the tables.)
  legacy_before=$(sort /proc/net/ip_tables_names 2>/dev/null || true)
  fwd_policy_before=$(forward_policy)
}

# sysctls_save NAME...: remembers /proc/sys/NAME (those that exist), for
# sysctls_restore.
sysctls_save() {
  local s
  for s; do
    [[ ! -r /proc/sys/$s ]] || sysctl_before[$s]=$(cat "/proc/sys/$s")
  done
}

# shellcheck disable=SC2317 # reached through the trap
list_links() { ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort; }

# shellcheck disable=SC2317 # reached through the trap
forward_policy() { iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3; exit }'; }

# --- the image: busybox.tar as a docker-archive ------------------------------------

# busybox_rootfs: makes (or finds in the cache) scripts/make-base-images.sh's
# busybox.tar; sets rootfs_tar.  Exits if that fails.
busybox_rootfs() {
  HAKO="" "$repo/scripts/make-base-images.sh" --busybox-only >"$tmp/make-base-images.log" 2>&1 || {
    cat "$tmp/make-base-images.log" >&2
    exit 1
  }
  rootfs_tar=$(readlink -f "${HAKO_BASE_CACHE:-/var/cache/hako/base}/busybox.tar")
}

# make_archive LAYER_TAR REPO_TAG OUT: a one-layer docker-archive (created:
# busybox.tar's mtime).
make_archive() {
  local a=$tmp/archive c
  mkdir "$a"
  cp "$1" "$a/layer.tar"
  jq -nc --arg diff "sha256:$(sha256sum "$a/layer.tar" | cut -d' ' -f1)" \
    --arg created "$(date -u -d "@$(stat -c %Y "$rootfs_tar")" +%Y-%m-%dT%H:%M:%SZ)" '{
      architecture: "amd64", os: "linux", created: $created,
      config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"] },
      rootfs: { type: "layers", diff_ids: [$diff] } }' >"$a/config.json"
  c=$(sha256sum "$a/config.json" | cut -d' ' -f1)
  mv "$a/config.json" "$a/$c.json"
  jq -nc --arg c "$c.json" --arg t "$2" '[{ Config: $c, RepoTags: [$t], Layers: ["layer.tar"] }]' >"$a/manifest.json"
  tar -C "$a" -cf "$3" manifest.json "$c.json" layer.tar
  rm -rf "$a"
}

# --- engines ---------------------------------------------------------------------

# eng ENGINE ARGS...: the engine's CLI with ARGS.
eng() {
  local e=$1
  shift
  case $e in
    hako) "${H[@]}" "$@" 3>&- 4>&- ;;
    docker) "${D[@]}" "$@" 3>&- 4>&- ;;
    podman) "${P[@]}" "$@" 3>&- 4>&- ;;
  esac
}

# engine_load ENGINE ARCHIVE...: `load -i` each.
engine_load() {
  local e=$1 a
  shift
  for a; do eng "$e" load -i "$a" || return; done
}

# hako_check: sets hdir (where hako-monitor and the rest should be) and,
# if hako cannot be used, note[hako].
hako_check() {
  hdir=$(dirname "$(readlink -f "$HAKO" 2>/dev/null || echo "$HAKO")")
  if [[ ! -x $HAKO ]]; then
    note[hako]="$HAKO not found (build it first)"
  elif [[ ! -x $hdir/hako-monitor ]]; then
    note[hako]="no hako-monitor next to $HAKO"
  fi
}

# hako_setup ARCHIVE...: copies hako and hako-monitor, hako-runtime and
# hako-init beside it into $tmp/bin (a rebuild during the run changes
# nothing), sets H (a private --root below $tmp) and version[hako], and
# loads the archives (log: $tmp/hako.log); note[hako] if that fails.
hako_setup() {
  local b
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
  engine_load hako "$@" >"$tmp/hako.log" 2>&1 || note[hako]="hako load -i failed: $(tail -n1 "$tmp/hako.log")"
}

# docker_setup ARCHIVE... -- DOCKERD_FLAG...: starts Debian's dockerd for
# this run only: its own (empty) config file, data root, exec root, socket
# and pidfile below $tmp, its containers' cgroups below /$docker_cg, plus
# DOCKERD_FLAG... (the network setup, which the scripts choose).  Sets
# dockerd_pid and D, loads the archives (log: $tmp/docker.log) and sets
# version[docker]; note[docker] if any of it fails.
docker_setup() {
  local archives=() i
  while (($#)) && [[ $1 != -- ]]; do archives+=("$1"); shift; done
  shift
  mkdir -p "$tmp/docker" "$tmp/dx" "$tmp/docker-config"
  echo '{}' >"$tmp/daemon.json"
  setsid "$DOCKERD" --config-file "$tmp/daemon.json" --data-root "$tmp/docker" --exec-root "$tmp/dx" \
    -H "unix://$tmp/docker.sock" --pidfile "$tmp/dockerd.pid" "$@" --cgroup-parent "/$docker_cg" \
    </dev/null >"$tmp/dockerd.log" 2>&1 3>&- 4>&- &
  dockerd_pid=$!
  dockerd_cli=("$DOCKER" --config "$tmp/docker-config" -H "unix://$tmp/docker.sock")
  D=("${dockerd_cli[@]}")
  for ((i = 0; i < 300; i++)); do
    "${D[@]}" version >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! "${D[@]}" version >/dev/null 2>&1; then
    note[docker]="dockerd did not start: $(tail -n1 "$tmp/dockerd.log")"
  elif ! engine_load docker "${archives[@]}" >"$tmp/docker.log" 2>&1; then
    note[docker]="docker load failed: $(tail -n1 "$tmp/docker.log")"
  else
    version[docker]="dockerd $("${D[@]}" version -f '{{.Server.Version}}'), containerd $(containerd --version | awk '{ print $3 }'), $(runc --version | head -n1)"
  fi
}

# print_engines TITLE ENGINE...: TITLE, then each measured engine's
# version and, for each ENGINE asked for but not measured, why.
print_engines() {
  local e
  echo "$1"
  shift
  for e in "${engines[@]}"; do printf '  %-7s %s\n' "$e" "${version[$e]}"; done
  for e; do
    [[ -z ${want[$e]:-} || -z ${note[$e]:-} ]] || printf '  %-7s NOT MEASURED: %s\n' "$e" "${note[$e]}"
  done
}

# --- timing ------------------------------------------------------------------------

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

# record OP ENGINE VALUE RC: VALUE into $tmp/s/OP.ENGINE, or a failure.
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

# run_rounds OP...: WARMUP untimed, then N timed rounds; each round runs
# every OP for every engine, the engines alternating and the starting one
# rotating every round.  Each OP is called as `OP ENGINE ROUND`.
run_rounds() {
  local k=${#engines[@]} r j op
  for ((r = 0; r < WARMUP + N; r++)); do
    ((r < WARMUP)) && measuring=0 || measuring=1
    [[ ! -t 2 ]] || printf '\r  round %d/%d%s' "$((r + 1))" "$((WARMUP + N))" "$( ((r < WARMUP)) && echo ' (warm-up)')" >&2
    for op; do
      for ((j = 0; j < k; j++)); do
        "$op" "${engines[(r + j) % k]}" "$r"
      done
    done
  done
  [[ ! -t 2 ]] || echo >&2
}

# stats FILE: "median p90 count" in ms (nearest-rank p90), or "- - 0"
stats() {
  [[ -s $1 ]] || { echo "- - 0"; return; }
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    i = int(0.9 * NR); if (i < 0.9 * NR) i++
    printf "%.1f %.1f %d\n", m / 1000, v[i] / 1000, NR }'
}

# latency_table LABEL_WIDTH COLUMN_WIDTH ENGINE...: per operation in ops
# (label[op], target[op] hako's, if any), each ENGINE's median / p90 of
# $tmp/s/OP.ENGINE ("n/a" if not measured), each other ENGINE's median
# over hako's, and whether hako's median meets the target.  ENGINE...
# starts with hako.
latency_table() {
  local lw=$1 cw=$2 e op m p n t fmt cols ratios
  shift 2
  fmt="%-${lw}s$(printf " %%${cw}s%.0s" "$@")$(printf ' %%12s%.0s' "${@:2}")  %s\n"
  cols=()
  for e; do cols+=("$e med/p90"); done
  for e in "${@:2}"; do cols+=("$e/hako"); done
  # shellcheck disable=SC2059 # the format is made above
  printf "$fmt" "operation (ms)" "${cols[@]}" "hako target"
  declare -A med=()
  for op in "${ops[@]}"; do
    cols=()
    for e; do
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
    for e in "${@:2}"; do
      if [[ ${med[$e]} != - && ${med[hako]} != - ]]; then
        ratios+=("$(awk -v a="${med[$e]}" -v b="${med[hako]}" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')")
      else
        ratios+=("-")
      fi
    done
    t=
    if [[ -n ${target[$op]:-} ]]; then
      t="<= ${target[$op]}"
      [[ ${med[hako]} == - ]] ||
        t+=$(awk -v m="${med[hako]}" -v t="${target[$op]}" 'BEGIN { print (m <= t) ? ": ok" : ": MISSED" }')
    fi
    # shellcheck disable=SC2059
    printf "$fmt" "${label[$op]}" "${cols[@]}" "${ratios[@]}" "$t"
  done
}

# report_failures NAME...: for each NAME with failed operations, how many
# of which and the end of its log; sets status=1 then.
report_failures() {
  local e
  for e; do
    if ((${fails[$e]:-0} > 0)); then
      status=1
      echo "$e: ${fails[$e]} failed operations ($(sort "$tmp/$e.failures" | uniq -c | awk '{ $1 = $1 "x"; print }' | paste -sd, -)); end of its log:"
      tail -n 5 "$tmp/$e.log" 2>/dev/null | sed 's/^/  /'
    fi
  done
}

# --- clean-up (each appends what it could not undo to the caller's left) -----------

# rm_containers CLI...: `CLI rm -f` of every container CLI lists.
# shellcheck disable=SC2317 # reached through the trap
rm_containers() {
  local ids
  ids=$("$@" ps -aq 2>/dev/null)
  # shellcheck disable=SC2086 # one id a word
  [[ -z $ids ]] || "$@" rm -f $ids >/dev/null 2>&1
}

# hako_stop NETWORK...: if hako was set up, removes its containers and the
# networks named, and waits for the monitors to go.
# shellcheck disable=SC2317 # reached through the trap
hako_stop() {
  local n
  ((${#H[@]})) || return 0
  rm_containers "${H[@]}"
  for n; do "${H[@]}" network rm "$n" >/dev/null 2>&1; done
  wait_gone hako-monitor "$tmp/" 10 || left+=("hako-monitor processes")
}

# docker_stop NETWORK...: if dockerd was started, removes its containers
# and the networks named, stops dockerd, then its containerd, shims and
# docker-proxy (killed if they linger).
# shellcheck disable=SC2317 # reached through the trap
docker_stop() {
  local n p m
  [[ -n $dockerd_pid ]] || return 0
  rm_containers "${dockerd_cli[@]}"
  for n; do "${dockerd_cli[@]}" network rm "$n" >/dev/null 2>&1; done
  kill -TERM "$dockerd_pid" 2>/dev/null
  wait_gone dockerd "$tmp/" 30 || kill -KILL "$dockerd_pid" 2>/dev/null
  for p in containerd containerd-shim-runc-v2 docker-proxy; do
    wait_gone "$p" "$tmp/" 10 || for m in $(procs_of "$p" "$tmp/"); do kill -KILL "$m"; done
  done
  wait "$dockerd_pid" 2>/dev/null
  sleep 0.5
  [[ -z $(procs_of dockerd "$tmp/")$(procs_of containerd "$tmp/") ]] || left+=("docker daemons")
}

# cleanup_mounts: the mounts below the work directory (overlays, netns
# files, the data roots).
# shellcheck disable=SC2317 # reached through the trap
cleanup_mounts() {
  local m
  awk -v d="$tmp/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
  done
  [[ -z $(awk -v d="$tmp/" 'index($5, d) == 1' /proc/self/mountinfo) ]] || left+=("mounts below $tmp")
}

# cleanup_cgroups NAME...: the peers' cgroup parents (named after this run)
# and everything below them, in every hierarchy.
# shellcheck disable=SC2317 # reached through the trap
cleanup_cgroups() {
  local p n expr=()
  for n; do expr+=(${expr[0]+-o} -name "$n" -o -path "*/$n/*"); done
  while read -r p; do
    rmdir "$p" 2>/dev/null || left+=("cgroup $p")
  done < <(find /sys/fs/cgroup -mindepth 2 -maxdepth 5 -depth -type d \( "${expr[@]}" \) 2>/dev/null)
}

# cleanup_host_paths: the host_paths the peers made (only if this run made
# them).
# shellcheck disable=SC2317 # reached through the trap
cleanup_host_paths() {
  local p
  for p in "${host_paths[@]}"; do
    [[ -z ${existed[$p]:-} && -e $p ]] || continue
    case $p in
      /run/containerd) rmdir /run/containerd/s /run/containerd 2>/dev/null ;;
      /run/docker) rmdir /run/docker/plugins /run/docker 2>/dev/null ;;
      /run/runc | /run/crun | /run/libpod | /run/containers) rmdir "$p" 2>/dev/null ;;
      # ip netns add bind-mounts /run/netns onto itself (shared) first.
      /run/netns) umount /run/netns 2>/dev/null; rmdir "$p" 2>/dev/null ;;
      *) rm -rf "$p" ;;
    esac
    [[ ! -e $p ]] || left+=("$p")
  done
}

# cleanup_links PATTERN...: deletes the links that are new since
# host_state_save and match a PATTERN (glob); any new link left is
# reported.
# shellcheck disable=SC2317 # reached through the trap
cleanup_links() {
  local p pat
  new_links() { comm -13 <(echo "$links_before") <(list_links); }
  for p in $(new_links); do
    for pat; do
      # shellcheck disable=SC2254 # pat is a pattern
      case $p in $pat) ip link del "$p" 2>/dev/null; break ;; esac
    done
  done
  for p in $(new_links); do left+=("link $p"); done
}

# restore_forward_policy: the iptables FORWARD policy as it was (dockerd
# --iptables sets it to DROP).
# shellcheck disable=SC2317 # reached through the trap
restore_forward_policy() {
  if [[ -n $fwd_policy_before && $(forward_policy) != "$fwd_policy_before" ]]; then
    iptables -P FORWARD "$fwd_policy_before" && echo "restored the iptables FORWARD policy to $fwd_policy_before" >&2
  fi
}

# check_legacy_tables: reports legacy iptables tables that appeared.
# shellcheck disable=SC2317 # reached through the trap
check_legacy_tables() {
  [[ $(sort /proc/net/ip_tables_names 2>/dev/null || true) == "$legacy_before" ]] ||
    left+=("legacy iptables tables: $(sort /proc/net/ip_tables_names | tr '\n' ' ')(before: ${legacy_before//$'\n'/ })")
}

# sysctls_restore: what sysctls_save saw, where it changed.
# shellcheck disable=SC2317 # reached through the trap
sysctls_restore() {
  local s
  for s in "${!sysctl_before[@]}"; do
    if [[ $(cat "/proc/sys/$s") != "${sysctl_before[$s]}" ]]; then
      echo "${sysctl_before[$s]}" >"/proc/sys/$s" && echo "restored ${s//\//.}=${sysctl_before[$s]}" >&2
    fi
  done
}

# cleanup_finish RC WHAT: saves the samples (SAVE), removes the work
# directory (unless KEEP=1), reports what was left behind or "no WHAT
# left", and exits with RC (1 if RC was 0 and something was left).
# shellcheck disable=SC2317 # reached through the trap
cleanup_finish() {
  local rc=$1
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
    echo "cleanup: no $2 left" >&2
  fi
  exit "$rc"
}
