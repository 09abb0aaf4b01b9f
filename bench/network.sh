#!/usr/bin/env bash
# network.sh: container networking, hako vs Docker (dockerd + containerd +
# runc, with its default bridge and iptables), side by side in one run, and
# a bare veth pair between two network namespaces as the throughput
# baseline.  See bench/README.md.
#
# Latency, each timed N times per engine (wall time of the CLI commands),
# the engines alternating operation by operation and the starting engine
# rotating every round:
#   network create + rm   ENGINE network create X; ENGINE network rm X
#   run --rm (bridge)     ENGINE run --rm --pull never busybox true, on the
#                         engine's default bridge (hako0 / docker0)
#   -p: first response    from the start of ENGINE run -d -p PORT:80 busybox
#                         httpd -f -p 80 to the first HTTP status line read
#                         from 127.0.0.1:PORT on the host (a fresh free PORT
#                         every time); then ENGINE rm -f (timed on its own)
# Throughput, IPERF_N rounds of one iperf3 TCP stream for IPERF_TIME
# seconds (the first second omitted), the contenders alternating:
#   veth         iperf3 client and server in two network namespaces joined
#                by a bare veth pair (made here, with `ip netns` / `ip link`)
#   bridge       the same two namespaces, each with a second veth whose peer
#                is on a Linux bridge in a third namespace (no firewall rules
#                there): what a bridge network costs before any engine or
#                host firewall is involved (for reference, no target)
#   ctr -> ctr   iperf3 -s in a container on a user network, the client in
#                another container on that network, to the server's address
#   host -> -p   iperf3 -s in a container on the default bridge, published
#                with -p PORT:5201; the client on the host, to 127.0.0.1:PORT
# The containers run an image made here: the busybox image plus the host's
# /usr/bin/iperf3 and the shared libraries ldd lists for it.
#
# dockerd is started for this run only, with its own data/exec roots,
# socket and pidfile in the work directory, its default bridge docker0 on
# --bip (10.230.0.1/24), --iptables=true and no IPv6.  hako gets a private
# --root in the work directory.  Nothing is contacted but this machine and
# the namespaces the script makes: --pull never everywhere.  On exit (also
# Ctrl-C) every container and network is removed, dockerd and containerd
# are stopped, the namespaces, veths, docker0, the br-* bridges and, if
# this run made them, hako0 and nft `table ip hako` deleted, nftables
# tables that did not exist before deleted (the iptables-nft tables Docker
# fills), Docker's chains removed from tables that did, and ip_forward
# restored; whatever still differs from before is reported as LEFT BEHIND.
#
# Environment:
#   HAKO        hako binary (default <repo>/build/hako); it and hako-monitor,
#               hako-runtime and hako-init beside it are copied into the
#               work directory at start
#   DOCKER      Debian's docker client (default /usr/bin/docker)
#   DOCKERD     default /usr/sbin/dockerd
#   ENGINES     which to measure (default "hako docker")
#   N           timed repetitions per latency operation and engine (20)
#   WARMUP      untimed latency rounds first (2)
#   IPERF_N     throughput rounds (3; 0 skips the throughput part)
#   IPERF_TIME  seconds per iperf3 run (5, plus 1 omitted)
#   DOCKER_BIP  docker0's address (10.230.0.1/24)
#   INSTALL     if 1 (default), apt-get install docker.io / iperf3 if missing
#   SAVE        directory to copy the raw samples to (us, bits/s)
#   KEEP        if 1, keep the work directory (printed)
#
# Exit status: 0 if every measured operation succeeded and nothing was left
# behind, 1 otherwise.
set -euo pipefail
export LC_ALL=C

self=$(readlink -f "${BASH_SOURCE[0]}")
repo=$(dirname "$(dirname "$self")")
# HAKO, DOCKER, DOCKERD (defaults), the helpers.
# shellcheck source=SCRIPTDIR/tools/engines.bash
. "$repo/bench/tools/engines.bash"

ENGINES=${ENGINES:-hako docker}
N=${N:-20}
WARMUP=${WARMUP:-2}
IPERF_N=${IPERF_N:-3}
IPERF_TIME=${IPERF_TIME:-5}
DOCKER_BIP=${DOCKER_BIP:-10.230.0.1/24}
INSTALL=${INSTALL:-1}
SAVE=${SAVE:-}
# hako's targets (ms, median; throughput: fraction of the bare veth).
TARGET_NET=10
TARGET_RUN_RM=40
TARGET_TPUT=0.90

for v in N WARMUP IPERF_N IPERF_TIME; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "$v must be a number" >&2; exit 2; }
done
((N > 0)) || { echo "N must be positive" >&2; exit 2; }
((IPERF_TIME > 0)) || { echo "IPERF_TIME must be positive" >&2; exit 2; }
(($(id -u) == 0)) || { echo "must run as root" >&2; exit 1; }

declare -A want=() note=()
for e in $ENGINES; do
  case $e in
    hako | docker) want[$e]=1 ;;
    *) echo "unknown engine $e (hako, docker)" >&2; exit 2 ;;
  esac
done

# --- packages --------------------------------------------------------------------

missing=()
command -v iperf3 >/dev/null || missing+=(iperf3)
[[ -z ${want[docker]:-} ]] || [[ -x $DOCKERD && -x $DOCKER ]] || missing+=(docker.io)
((${#missing[@]} == 0)) || [[ $INSTALL != 1 ]] || install_missing network "${missing[@]}"
for t in jq sha256sum tar ip nft ss iperf3 ldd; do
  command -v "$t" >/dev/null || { echo "$t not installed" >&2; exit 1; }
done
[[ -z ${want[docker]:-} ]] || [[ -x $DOCKERD && -x $DOCKER ]] || note[docker]="$DOCKERD or $DOCKER not installed"
IPERF3=$(command -v iperf3)

# --- host state before, for the clean-up -------------------------------------------

tmp=$(mktemp -d /tmp/hako-bench-network.XXXXXX)
chmod 0711 "$tmp"
tag=hbn$$ # prefix of every name this run gives (containers, networks, netns)
ns_a=$tag-a ns_b=$tag-b ns_r=$tag-r
veth_server_pid=
host_state_save /run/containerd /run/docker /run/runc /run/xtables.lock /run/netns
nft_tables_before=$(nft list tables 2>/dev/null | sort)
nft_before=$(nft list ruleset 2>/dev/null)
hako0_existed=0
ip link show hako0 >/dev/null 2>&1 && hako0_existed=1
# hako's `table ip hako` is one per host: if it exists already, another
# hako root on this host has (or had) networks, and this run's hako changes
# the same table (hako builds before 44fea01 rewrote all of it from their
# own root); it is put back as it was at the end.
hako_table_existed=0
grep -qx 'table ip hako' <<<"$nft_tables_before" && hako_table_existed=1
hako_table_before=$(awk '/^table ip hako \{/ { p = 1 } p; p && /^}/ { exit }' <<<"$nft_before")
sysctls_save net/ipv4/ip_forward net/ipv4/conf/all/route_localnet net/ipv4/conf/default/route_localnet \
  net/bridge/bridge-nf-call-iptables net/bridge/bridge-nf-call-ip6tables

declare -A nets=()   # "engine name" of networks this run created

# nets_of ENGINE: the networks of ENGINE in nets.
# shellcheck disable=SC2317 # reached through the trap
nets_of() {
  local k
  for k in "${!nets[@]}"; do
    [[ $k != "$1 "* ]] || echo "${k#"$1 "}"
  done
}

# shellcheck disable=SC2317 # reached through the trap
cleanup() {
  local rc=$? left=() p m t s links
  cleanup_begin
  if [[ -n $veth_server_pid ]]; then
    kill "$veth_server_pid" 2>/dev/null
    wait "$veth_server_pid" 2>/dev/null
  fi
  for p in "$ns_a" "$ns_b" "$ns_r"; do
    [[ ! -e /run/netns/$p ]] || ip netns del "$p" 2>/dev/null
  done
  # shellcheck disable=SC2046 # one network a word
  hako_stop $(nets_of hako)
  # shellcheck disable=SC2046
  docker_stop $(nets_of docker)
  # docker-proxy's command line names the container's address, not $tmp.
  for m in $(procs_of docker-proxy ""); do
    [[ $(tr '\0' ' ' <"/proc/$m/cmdline") == *"-container-ip ${DOCKER_BIP%.*}."* ]] && kill -KILL "$m"
  done
  cleanup_mounts
  cleanup_cgroups "$docker_cg"
  cleanup_host_paths
  # Links: docker0, the networks' br-* bridges, veths, and hako0 if new.
  links=(docker0 'br-*' 'veth*' "$tag*")
  ((hako0_existed)) || links+=(hako0)
  cleanup_links "${links[@]}"
  # nftables: tables this run made go (iptables-nft's filter and nat, which
  # Docker fills, and hako's own); from tables that were there, Docker's
  # rules and chains are removed and the FORWARD policy put back.
  while read -r t; do
    [[ -n $t ]] && nft delete "$t" 2>/dev/null
  done < <(comm -13 <(echo "$nft_tables_before") <(nft list tables 2>/dev/null | sort))
  for t in filter nat; do
    grep -qx "table ip $t" <<<"$nft_tables_before" || continue
    iptables -t "$t" -S 2>/dev/null | grep -E -- '-j DOCKER|DOCKER-' | grep '^-A' | while read -r _ s; do
      # shellcheck disable=SC2086 # the rule's own words
      iptables -t "$t" -D $s 2>/dev/null
    done
    for s in $(iptables -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }'); do
      iptables -t "$t" -F "$s" 2>/dev/null
    done
    for s in $(iptables -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }'); do
      iptables -t "$t" -X "$s" 2>/dev/null
    done
  done
  restore_forward_policy
  # A table ip hako that was there before (another root's) and differs now:
  # put back what it was, in one transaction, and say what differed.
  t=$(nft list ruleset 2>/dev/null | awk '/^table ip hako \{/ { p = 1 } p; p && /^}/ { exit }')
  if ((hako_table_existed)) && [[ $t != "$hako_table_before" ]]; then
    echo "table ip hako (there before this run) differs: $(diff <(echo "$hako_table_before") <(echo "$t") |
      grep '^[<>]' | head -n 10 | tr -s '\t\n' ' ')" >&2
    printf 'delete table ip hako\n%s\n' "$hako_table_before" | nft -f - &&
      echo "restored table ip hako as it was before this run" >&2
  fi
  [[ $(nft list ruleset 2>/dev/null) == "$nft_before" ]] ||
    left+=("nftables ruleset: $(diff <(echo "$nft_before") <(nft list ruleset 2>/dev/null) | grep '^[<>]' | head -n 20 | tr -s ' \n' ' ')")
  check_legacy_tables
  sysctls_restore
  cleanup_finish "$rc" "containers, networks, daemons, namespaces, links, mounts or firewall changes"
}
cleanup_traps cleanup

# --- images: busybox, and busybox plus iperf3, as docker-archives ------------------

busybox_rootfs
make_archive "$rootfs_tar" busybox:latest "$tmp/busybox-archive.tar"
# The iperf3 image: busybox's tree plus iperf3 and its libraries, at the
# paths the host has them (/usr/bin, /lib/x86_64-linux-gnu, /lib64).
(
  r=$tmp/iperf-rootfs
  mkdir "$r"
  tar -C "$r" -xf "$rootfs_tar"
  mkdir -p "$r/usr/bin"
  cp "$IPERF3" "$r/usr/bin/iperf3"
  ldd "$IPERF3" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r l; do
    mkdir -p "$r$(dirname "$l")"
    cp -L "$l" "$r$l"
  done
  tar -C "$r" --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -cf "$tmp/iperf-layer.tar" .
  rm -rf "$r"
)
make_archive "$tmp/iperf-layer.tar" hako-bench-iperf3:latest "$tmp/iperf-archive.tar"
rm -f "$tmp/iperf-layer.tar"
IPERF_IMG=hako-bench-iperf3:latest

# --- engines ------------------------------------------------------------------------

declare -A version=()

[[ -z ${want[hako]:-} ]] || hako_check

# dockerd first: with --iptables it sets the FORWARD policy to DROP, and
# hako has to find Docker's chains (DOCKER-USER) when it sets up its own.
if [[ -n ${want[docker]:-} && -z ${note[docker]:-} ]]; then
  docker_setup "$tmp/busybox-archive.tar" "$tmp/iperf-archive.tar" -- --bip "$DOCKER_BIP" --iptables=true --ip6tables=false
  if [[ -n ${note[docker]:-} ]]; then :
  elif ! "${D[@]}" run --rm --pull never busybox true </dev/null >>"$tmp/docker.log" 2>&1; then
    note[docker]="docker run --rm busybox true failed: $(tail -n1 "$tmp/docker.log")"
  else
    version[docker]+=", docker0 $DOCKER_BIP"
  fi
  [[ -z ${note[docker]:-} ]] || D=()
fi

if [[ -n ${want[hako]:-} && -z ${note[hako]:-} ]]; then
  hako_setup "$tmp/busybox-archive.tar" "$tmp/iperf-archive.tar"
  if [[ -n ${note[hako]:-} ]]; then :
  elif ! "${H[@]}" run --rm --pull never busybox true </dev/null >>"$tmp/hako.log" 2>&1; then
    note[hako]="hako run --rm busybox true (default bridge) failed: $(tail -n1 "$tmp/hako.log")"
  elif ! "${H[@]}" network create "$tag-probe" >>"$tmp/hako.log" 2>&1; then
    note[hako]="hako network create failed: $(tail -n1 "$tmp/hako.log")"
  else
    "${H[@]}" network rm "$tag-probe" >>"$tmp/hako.log" 2>&1 || note[hako]="hako network rm failed: $(tail -n1 "$tmp/hako.log")"
  fi
  [[ -z ${note[hako]:-} ]] || H=()
fi

engines=()
for e in hako docker; do
  [[ -n ${want[$e]:-} && -z ${note[$e]:-} ]] && engines+=("$e")
done

# --- timing helpers -------------------------------------------------------------------

mkdir "$tmp/s"
declare -A fails=()
measuring=0

free_port() { # a random TCP port nobody listens on (20000-59999)
  local p
  while :; do
    p=$((20000 + SRANDOM % 40000))
    [[ -n $(ss -Hltn "sport = :$p" 2>/dev/null) ]] || { echo "$p"; return; }
  done
}

# A FIFO nobody writes to: `read -t` on it is a sleep without a fork.
mkfifo "$tmp/idle"
exec {idle_fd}<>"$tmp/idle"

# first_response PORT TIMEOUT_S: polls 127.0.0.1:PORT (bash /dev/tcp, no fork
# per attempt, 2 ms apart) until an HTTP status line comes back; prints the
# $EPOCHREALTIME of that moment.  A connection that is accepted and then
# closed without an answer (docker-proxy before the server listens) counts
# as not yet.
# shellcheck disable=SC2317 # called through "$op"
first_response() {
  (
    trap '' PIPE
    end=$((${EPOCHREALTIME/./} + $2 * 1000000))
    while ((${EPOCHREALTIME/./} < end)); do
      if exec {fd}<>"/dev/tcp/127.0.0.1/$1"; then
        line=
        { printf 'GET / HTTP/1.0\r\n\r\n' >&"$fd" && read -r -t 2 -u "$fd" line; } 2>/dev/null || true
        exec {fd}>&-
        [[ $line != HTTP/* ]] || { echo "$EPOCHREALTIME"; exit 0; }
      fi 2>/dev/null
      read -r -t 0.002 -u "$idle_fd" || true
    done
    exit 1
  )
}

# --- latency operations ----------------------------------------------------------------

# shellcheck disable=SC2317 # called through "$op"
op_net() {
  local e=$1 name=$tag-n$2-$1 us1 rc1
  nets["$e $name"]=1
  timed "$e" network create "$name"
  us1=$t_us rc1=$t_rc
  timed "$e" network rm "$name"
  ((t_rc != 0)) || unset "nets[$e $name]"
  record net_create "$e" "$us1" "$rc1"
  record net_rm "$e" "$t_us" "$t_rc"
  ((measuring)) || return 0
  if ((rc1 == 0 && t_rc == 0)); then echo "$((us1 + t_us))" >>"$tmp/s/net_create_rm.$e"; fi
}

# shellcheck disable=SC2317 # called through "$op"
op_run_rm() {
  timed "$1" run --rm --pull never busybox true
  record run_rm "$1" "$t_us" "$t_rc"
}

# shellcheck disable=SC2317 # called through "$op"
op_publish() {
  local e=$1 name=$tag-h$2-$1 port t0 t1 rc=0 us_run
  port=$(free_port)
  t0=$EPOCHREALTIME
  eng "$e" run -d --name "$name" --pull never -p "$port:80" busybox httpd -f -p 80 \
    </dev/null >/dev/null 2>>"$tmp/$e.log" || rc=$?
  t1=$EPOCHREALTIME
  us_run=$((${t1/./} - ${t0/./}))
  if ((rc == 0)); then
    if t1=$(first_response "$port" 10); then :; else
      rc=124
      echo "$e: no answer from 127.0.0.1:$port within 10 s" >>"$tmp/$e.log"
    fi
  fi
  record publish_first "$e" "$((${t1/./} - ${t0/./}))" "$rc"
  record publish_run "$e" "$us_run" "$rc"
  timed "$e" rm -f "$name"
  record publish_rm "$e" "$t_us" "$t_rc"
}

# --- throughput ---------------------------------------------------------------------------

# iperf_bps FILE: bits/s received, from iperf3 -J output ("" if it failed)
iperf_bps() {
  jq -r 'if .error then empty else .end.sum_received.bits_per_second // empty end' "$1" 2>/dev/null | head -n1
}
IPERF_ARGS=(-t "$IPERF_TIME" -O 1 -J --connect-timeout 3000)

record_tput() { # PATH CONTENDER JSON_FILE
  local bps
  bps=$(iperf_bps "$3")
  if [[ -n $bps ]]; then
    echo "${bps%.*}" >>"$tmp/s/tput_$1.$2"
  else
    fails[$2]=$((${fails[$2]:-0} + 1))
    echo "tput_$1: $(jq -r '.error // "no result"' "$3" 2>/dev/null || head -c 200 "$3")" >>"$tmp/$2.failures"
    cat "$3" >>"$tmp/$2.log"
  fi
}

tput_bare() { # veth | bridge
  local a=10.231.0.1
  [[ $1 == veth ]] || a=10.232.0.1
  ip netns exec "$ns_b" "$IPERF3" -c "$a" "${IPERF_ARGS[@]}" >"$tmp/iperf.out" 2>&1 </dev/null || true
  record_tput "$1" "$1" "$tmp/iperf.out"
}

tput_engine() {
  local e=$1
  eng "$e" run --rm --pull never --network "$tag-perf-$e" "$IPERF_IMG" iperf3 -c "${srv_ip[$e]}" \
    "${IPERF_ARGS[@]}" </dev/null >"$tmp/iperf.out" 2>>"$tmp/$e.log" || true
  record_tput c2c "$e" "$tmp/iperf.out"
  "$IPERF3" -c 127.0.0.1 -p "${srv_port[$e]}" "${IPERF_ARGS[@]}" >"$tmp/iperf.out" 2>&1 </dev/null || true
  record_tput pub "$e" "$tmp/iperf.out"
}

# wait_listen ENGINE CTR PORT: until something listens on PORT in CTR
wait_listen() {
  local i
  for ((i = 0; i < 100; i++)); do
    eng "$1" exec "$2" netstat -ltn 2>/dev/null </dev/null | awk -v p=":$3" '$4 ~ p "$"' | grep -q . && return 0
    sleep 0.1
  done
  return 1
}

# --- run ----------------------------------------------------------------------------------

print_engines "network: ${engines[*]:-(no engine)}; N=$N timed + $WARMUP warm-up rounds, alternating; busybox from $rootfs_tar" \
  hako docker
echo "  kernel $(uname -r), $($IPERF3 --version | head -n1), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  net.bridge.bridge-nf-call-iptables=$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo n/a)," \
  "FORWARD policy $(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3; exit }')"
if ((hako_table_existed)) && [[ " ${engines[*]} " == *" hako "* ]]; then
  echo "  WARNING: table ip hako existed before this run (another hako root on this host, e.g. a test run);"
  echo "           this run's hako changes it too (put back at the end); don't run this beside tests"
  echo "           that use hako networks"
fi

k=${#engines[@]}
if ((k)); then
  run_rounds op_net op_run_rm op_publish
fi

# Throughput: the baseline namespaces and each engine's two servers.
declare -A srv_ip=() srv_port=() mtu=()
tput=()
if ((IPERF_N > 0)); then
  ip netns add "$ns_a"
  ip netns add "$ns_b"
  ip link add "$tag-va" type veth peer name "$tag-vb"
  ip link set "$tag-va" netns "$ns_a"
  ip link set "$tag-vb" netns "$ns_b"
  ip -n "$ns_a" addr add 10.231.0.1/24 dev "$tag-va"
  ip -n "$ns_b" addr add 10.231.0.2/24 dev "$tag-vb"
  for n in "$ns_a" "$ns_b"; do ip -n "$n" link set lo up; done
  ip -n "$ns_a" link set "$tag-va" up
  ip -n "$ns_b" link set "$tag-vb" up
  mtu[veth]=$(ip netns exec "$ns_a" cat "/sys/class/net/$tag-va/mtu")
  # The bridge baseline: a second interface in each, joined by a Linux
  # bridge in a third namespace (no firewall rules there).
  ip netns add "$ns_r"
  ip -n "$ns_r" link add "$tag-br" type bridge
  ip -n "$ns_r" link set lo up
  for x in a b; do
    n=ns_$x
    ip link add "$tag-s$x" type veth peer name "$tag-p$x"
    ip link set "$tag-s$x" netns "${!n}"
    ip link set "$tag-p$x" netns "$ns_r"
    ip -n "$ns_r" link set "$tag-p$x" master "$tag-br" up
    ip -n "${!n}" link set "$tag-s$x" up
  done
  ip -n "$ns_a" addr add 10.232.0.1/24 dev "$tag-sa"
  ip -n "$ns_b" addr add 10.232.0.2/24 dev "$tag-sb"
  ip -n "$ns_r" link set "$tag-br" up
  mtu[bridge]=$(ip netns exec "$ns_r" cat "/sys/class/net/$tag-br/mtu")
  ip netns exec "$ns_a" "$IPERF3" -s >"$tmp/veth-server.log" 2>&1 </dev/null 3>&- 4>&- &
  veth_server_pid=$!
  for ((i = 0; i < 50; i++)); do
    [[ -n $(ip netns exec "$ns_a" ss -Hltn 'sport = :5201') ]] && break
    sleep 0.1
  done
  tput=(veth bridge)
  for e in "${engines[@]}"; do
    ok=1
    net=$tag-perf-$e
    nets["$e $net"]=1
    srv_port[$e]=$(free_port)
    if ! eng "$e" network create "$net" </dev/null >/dev/null 2>>"$tmp/$e.log"; then
      ok=0
    elif ! eng "$e" run -d --name "$tag-srv-$e" --pull never --network "$net" "$IPERF_IMG" iperf3 -s \
      </dev/null >/dev/null 2>>"$tmp/$e.log"; then
      ok=0
    elif ! eng "$e" run -d --name "$tag-pub-$e" --pull never -p "${srv_port[$e]}:5201" "$IPERF_IMG" iperf3 -s \
      </dev/null >/dev/null 2>>"$tmp/$e.log"; then
      ok=0
    elif ! wait_listen "$e" "$tag-srv-$e" 5201 || ! wait_listen "$e" "$tag-pub-$e" 5201; then
      ok=0
    else
      srv_ip[$e]=$(eng "$e" exec "$tag-srv-$e" ip -4 addr show eth0 </dev/null 2>>"$tmp/$e.log" |
        awk '$1 == "inet" { sub(/\/.*/, "", $2); print $2; exit }')
      mtu[$e]=$(eng "$e" exec "$tag-srv-$e" cat /sys/class/net/eth0/mtu </dev/null 2>/dev/null) || mtu[$e]="?"
      [[ -n ${srv_ip[$e]} ]] || ok=0
    fi
    if ((ok)); then
      tput+=("$e")
    else
      echo "$e: could not start its iperf3 servers; end of its log:" >&2
      tail -n 5 "$tmp/$e.log" | sed 's/^/  /' >&2
      fails[$e]=$((${fails[$e]:-0} + 1))
      echo "iperf3 servers: did not start" >>"$tmp/$e.failures"
    fi
  done
  measuring=1
  kt=${#tput[@]}
  for ((r = 0; r < IPERF_N; r++)); do
    [[ ! -t 2 ]] || printf '\r  throughput round %d/%d' "$((r + 1))" "$IPERF_N" >&2
    for ((j = 0; j < kt; j++)); do
      c=${tput[(r + j) % kt]}
      case $c in
        veth | bridge) tput_bare "$c" ;;
        *) tput_engine "$c" ;;
      esac
    done
  done
  [[ ! -t 2 ]] || echo >&2
fi

# --- report ---------------------------------------------------------------------------------

status=0
if ((k)); then
  ops=(net_create_rm net_create net_rm run_rm publish_first publish_run publish_rm)
  declare -A label=([net_create_rm]="network create+rm" [net_create]="  network create" [net_rm]="  network rm"
    [run_rm]="run --rm (bridge)" [publish_first]="-p: 1st response" [publish_run]="  run -d -p returns"
    [publish_rm]="  rm -f")
  declare -A target=([net_create_rm]=$TARGET_NET [run_rm]=$TARGET_RUN_RM)
  echo
  latency_table 20 17 hako docker
  echo "(wall time of the CLI commands; -p: 1st response is from the start of run -d to the first HTTP answer"
  echo " on 127.0.0.1:PORT; ratios of medians, >1x means hako is faster)"
fi

gbps() { # FILE: "median min max count" in Gbit/s, or "- - - 0"
  [[ -s $1 ]] || { echo "- - - 0"; return; }
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.2f %.2f %.2f %d\n", m / 1e9, v[1] / 1e9, v[NR] / 1e9, NR }'
}

if ((IPERF_N > 0)); then
  echo
  echo "TCP throughput: iperf3, 1 stream, ${IPERF_TIME} s (+1 s omitted), $IPERF_N rounds alternating; Gbit/s median (min-max)"
  read -r vm vlo vhi _ < <(gbps "$tmp/s/tput_veth.veth")
  printf '%-28s %22s %10s  %s\n' "path" "Gbit/s med (min-max)" "vs veth" "hako target"
  printf '%-28s %22s %10s\n' "bare veth (2 netns)" "$vm ($vlo-$vhi)" "1.00"
  read -r m lo hi n < <(gbps "$tmp/s/tput_bridge.bridge")
  rel=-
  [[ $m == - || $vm == - ]] || rel=$(awk -v a="$m" -v b="$vm" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
  printf '%-28s %22s %10s\n' "bare bridge (3 netns)" "$m ($lo-$hi)" "$rel"
  declare -A tm=()
  for pth in c2c pub; do
    for e in hako docker; do
      [[ " ${tput[*]} " == *" $e "* ]] || continue
      read -r m lo hi n < <(gbps "$tmp/s/tput_$pth.$e")
      tm[$pth.$e]=$m
      rel=-
      [[ $m == - || $vm == - ]] || rel=$(awk -v a="$m" -v b="$vm" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
      t=
      if [[ $e == hako ]]; then
        t=">= $TARGET_TPUT"
        [[ $rel == - ]] || t+=$(awk -v r="$rel" -v t="$TARGET_TPUT" 'BEGIN { print (r >= t) ? ": ok" : ": MISSED" }')
      fi
      case $pth in
        c2c) l="$e: ctr -> ctr (user net)" ;;
        pub) l="$e: host -> -p 127.0.0.1" ;;
      esac
      v="$m ($lo-$hi)"
      ((n == IPERF_N)) || v+=" n=$n"
      printf '%-28s %22s %10s  %s\n' "$l" "$v" "$rel" "$t"
    done
  done
  for pth in c2c pub; do
    [[ -n ${tm[$pth.hako]:-} && -n ${tm[$pth.docker]:-} && ${tm[$pth.hako]} != - && ${tm[$pth.docker]} != - ]] || continue
    echo "hako/docker $pth throughput: $(awk -v a="${tm[$pth.hako]}" -v b="${tm[$pth.docker]}" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }') (>1x: hako faster)"
  done
  line="MTU: veth ${mtu[veth]:-?}, bridge ${mtu[bridge]:-?}"
  for e in "${tput[@]:2}"; do line+=", $e eth0 ${mtu[$e]:-?}"; done
  echo "$line"
fi

report_failures "${engines[@]}" veth bridge
((k)) || { echo "no engine measured: ${note[*]}" >&2; status=1; }
exit "$status"
