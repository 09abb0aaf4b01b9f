#!/usr/bin/env bash
# build.sh: image builds, `hako build` vs `docker build` with BuildKit
# (Debian's dockerd 20.10 and its built-in BuildKit, DOCKER_BUILDKIT=1),
# side by side in one run.  See bench/README.md.
#
# Two Dockerfiles, each in a build context of its own per engine:
#   3-step    FROM busybox; COPY a file; RUN a small shell command; CMD
#   10-step   two stages: FROM busybox AS build, ARG, ENV, WORKDIR, COPY
#             src/, two RUNs; then FROM busybox, COPY --from=build (only
#             the artefact) and CMD; built with --build-arg VERSION=...
# Cases, each timed N times per engine (wall time of the CLI command, fork
# to exit), the engines alternating case by case and the starting engine
# rotating every round:
#   cold       build --no-cache: every step runs (the base image stays
#              loaded: FROM is never pulled)
#   cached     the same context built again, nothing changed: every step
#              must come from the cache
#   touched    (10-step only) one source file's content changed: its COPY
#              and everything after it runs again
# The output of every timed build (--progress plain) is checked: a cold
# build that reports a step CACHED, or a cached build with fewer CACHED
# steps than it should, counts as a failed operation.  Every RUN has
# --network none (no bridge, no iptables, the same for both engines).
#
# dockerd is started here, for this run only, with its own data/exec roots
# and socket under the work directory, no bridge, no iptables rules and no
# ip_forward change (as in containers.sh); both engines load the same
# busybox docker-archive.  On exit (also Ctrl-C) dockerd and its
# containerd are stopped, mounts, cgroups, links and the host paths dockerd
# creates (/run/containerd, /run/docker, /run/runc, ...) are removed if this
# run made them, and the work directory (both engines' stores, the
# contexts) is deleted.
#
# Environment:
#   HAKO       hako binary (default: <repo>/build/hako; copied at start)
#   DOCKER     Debian's docker client (default /usr/bin/docker)
#   DOCKERD    default /usr/sbin/dockerd
#   ENGINES    which to measure (default "hako docker")
#   N          timed repetitions per case and engine (default 10)
#   WARMUP     untimed rounds first (default 1)
#   INSTALL    if 1 (default), apt-get install docker.io if missing
#   LEGACY     if 1, measure Docker's legacy builder when BuildKit is not
#              usable (labelled so); default 0: docker is then not measured
#   SAVE       directory to copy the raw samples (microseconds) to
#   KEEP       if 1, keep the work directory (printed)
#
# Exit status: 0 if every engine measured ran every build successfully
# (and as cold / cached as it should be), 1 otherwise.
set -euo pipefail
export LC_ALL=C

self=$(readlink -f "${BASH_SOURCE[0]}")
repo=$(dirname "$(dirname "$self")")
# shellcheck source=SCRIPTDIR/tools/engines.bash
. "$repo/bench/tools/engines.bash"

ENGINES=${ENGINES:-hako docker}
N=${N:-10}
WARMUP=${WARMUP:-1}
INSTALL=${INSTALL:-1}
LEGACY=${LEGACY:-0}
SAVE=${SAVE:-}
# Targets for hako (ms, median).
TARGET_CACHED=20
TARGET_COLD3=200

for v in N WARMUP; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "$v must be a number" >&2; exit 2; }
done
((N > 0)) || { echo "N must be positive" >&2; exit 2; }
(($(id -u) == 0)) || { echo "must run as root" >&2; exit 1; }
for t in jq sha256sum tar ip; do
  command -v "$t" >/dev/null || { echo "$t not installed" >&2; exit 1; }
done

declare -A want=() note=() version=()
for e in $ENGINES; do
  case $e in
    hako | docker) want[$e]=1 ;;
    *) echo "unknown engine $e (hako, docker)" >&2; exit 2 ;;
  esac
done

if [[ -n ${want[docker]:-} ]] && ! [[ -x $DOCKERD && -x $DOCKER ]]; then
  [[ $INSTALL != 1 ]] || install_missing build docker.io
  [[ -x $DOCKERD && -x $DOCKER ]] || note[docker]="$DOCKERD or $DOCKER not installed"
fi

# --- host state before, for the clean-up ----------------------------------------

tmp=$(mktemp -d /tmp/hako-bench-build.XXXXXX)
chmod 0711 "$tmp"
host_state_save /run/containerd /run/docker /run/runc /run/xtables.lock
ipt_before=$(iptables -S 2>/dev/null || true)
sysctls_save net/ipv4/ip_forward
# BuildKit's RUN containers get cgroups below "buildkit" (dockerd 20.10's
# worker), in every hierarchy; removed at the end only if this run made it.
buildkit_cg=()
[[ -n $(find /sys/fs/cgroup -mindepth 1 -maxdepth 2 -type d -name buildkit 2>/dev/null) ]] || buildkit_cg=(buildkit)

# shellcheck disable=SC2317 # reached through the trap
cleanup() {
  local rc=$? left=()
  cleanup_begin
  hako_stop
  docker_stop
  cleanup_mounts
  cleanup_cgroups "$docker_cg" "${buildkit_cg[@]}"
  cleanup_host_paths
  cleanup_links docker0 'veth*'
  restore_forward_policy
  [[ $(iptables -S 2>/dev/null || true) == "$ipt_before" ]] || left+=("iptables rules: $(diff <(echo "$ipt_before") <(iptables -S) | grep '^[<>]' | tr '\n' ' ')")
  check_legacy_tables
  sysctls_restore
  cleanup_finish "$rc" "daemons, mounts, cgroups, links or iptables changes"
}
cleanup_traps cleanup

# --- the image: busybox.tar as a docker-archive ------------------------------------

busybox_rootfs
archive=$tmp/busybox-archive.tar
make_archive "$rootfs_tar" busybox:latest "$archive"

# --- the build contexts (one set per engine) ---------------------------------------

# make_contexts DIR: DIR/three and DIR/multi.
make_contexts() {
  mkdir -p "$1/three" "$1/multi/src"
  echo "hello from the build context" >"$1/three/message.txt"
  cat >"$1/three/Dockerfile" <<'EOF'
FROM busybox
COPY message.txt /message.txt
RUN wc -c /message.txt >/size.txt && cat /message.txt /size.txt
CMD ["cat", "/size.txt"]
EOF
  cat >"$1/multi/src/gen.sh" <<'EOF'
#!/bin/sh
# The "compiler": a report on data.txt, stamped with the version.
echo "$APP_NAME $1"
wc -l <data.txt
sort data.txt | uniq -c
EOF
  for w in alpha beta gamma delta alpha beta; do echo "$w"; done >"$1/multi/src/data.txt"
  echo "readme, never copied" >"$1/multi/README"
  cat >"$1/multi/Dockerfile" <<'EOF'
FROM busybox AS build
ARG VERSION=1.0
ENV APP_NAME=bench
WORKDIR /src
COPY src/ ./
RUN sh gen.sh "$VERSION" >report.txt
RUN mkdir /out && cp report.txt /out/ && sha256sum report.txt >/out/report.sha256
FROM busybox
COPY --from=build /out /app
CMD ["cat", "/app/report.txt"]
EOF
}

# --- engines ---------------------------------------------------------------------

[[ -z ${want[hako]:-} ]] || hako_check
if [[ -n ${want[hako]:-} && -z ${note[hako]:-} ]]; then
  hako_setup "$archive"
  make_contexts "$tmp/ctx/hako"
  if [[ -z ${note[hako]:-} ]] &&
    ! "${H[@]}" build --network none -t hb-probe "$tmp/ctx/hako/three" </dev/null >>"$tmp/hako.log" 2>&1; then
    note[hako]="hako build failed: $(tail -n1 "$tmp/hako.log")"
  fi
  [[ -z ${note[hako]:-} ]] || H=()
fi

# The builder the docker client picks: BuildKit (plain progress says
# "#1 [internal] load build definition") or the legacy one ("Step 1/4").
docker_builder=
if [[ -n ${want[docker]:-} && -z ${note[docker]:-} ]]; then
  docker_setup "$archive" -- --bridge=none --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false
  if [[ -z ${note[docker]:-} ]]; then
    make_contexts "$tmp/ctx/docker"
    export DOCKER_BUILDKIT=1
    if "${D[@]}" build --progress plain --network none -t hb-probe "$tmp/ctx/docker/three" </dev/null \
      >"$tmp/docker-probe.log" 2>&1 && grep -q '^#[0-9]* \[internal\]' "$tmp/docker-probe.log"; then
      docker_builder=buildkit
    else
      bk_error="DOCKER_BUILDKIT=1 docker build did not use BuildKit: $(grep -v '^$' "$tmp/docker-probe.log" | tail -n1)"
      echo "NOTE: $bk_error" >&2
      export DOCKER_BUILDKIT=0
      if [[ $LEGACY == 1 ]] && "${D[@]}" build --network none -t hb-probe "$tmp/ctx/docker/three" </dev/null \
        >>"$tmp/docker-probe.log" 2>&1; then
        docker_builder=legacy
        version[docker]+=" -- LEGACY BUILDER (BuildKit unavailable)"
      else
        note[docker]="BuildKit UNAVAILABLE: $bk_error (LEGACY=1 measures the legacy builder instead)"
      fi
    fi
    cat "$tmp/docker-probe.log" >>"$tmp/docker.log"
  fi
  [[ -z ${note[docker]:-} ]] || D=()
fi
[[ $docker_builder != buildkit ]] || version[docker]+=", BuildKit (built into dockerd, DOCKER_BUILDKIT=1)"

engines=()
for e in hako docker; do
  [[ -n ${want[$e]:-} && -z ${note[$e]:-} ]] && engines+=("$e")
done
((${#engines[@]})) || { echo "no engine to measure: ${note[*]}" >&2; exit 1; }

# --- timing ------------------------------------------------------------------------

mkdir "$tmp/s"
declare -A fails=()
measuring=0

# cached_steps FILE: how many steps other than FROM and WORKDIR the plain
# progress in FILE says came from the cache (BuildKit and hako: "#N
# CACHED"; the legacy builder: " ---> Using cache").  BuildKit says CACHED
# of the base image and, from the second time on, of WORKDIR in --no-cache
# builds too.
# shellcheck disable=SC2317 # called from the ops
cached_steps() {
  awk '/^#[0-9]+ \[[^]]*\] (FROM|WORKDIR) / { skip[$1] = 1 }
    /^#[0-9]+ CACHED$/ && !($1 in skip) { n++ }
    /^ ---> Using cache$/ { n++ }
    END { print n + 0 }' "$1"
}

# build ENGINE OP CONTEXT MIN_CACHED MAX_CACHED ARGS...: times `ENGINE
# build --progress plain --network none ARGS CONTEXT`, checks the number of
# cached steps is within [MIN, MAX] and records it as OP.
# shellcheck disable=SC2317 # called from the ops
build() {
  local e=$1 op=$2 ctx=$3 min=$4 max=$5 out=$tmp/out.$1 t0 t1 rc=0 c progress=(--progress plain)
  shift 5
  [[ $e != docker || $docker_builder == buildkit ]] || progress=()
  t0=$EPOCHREALTIME
  eng "$e" build "${progress[@]}" --network none "$@" "$ctx" </dev/null >"$out" 2>&1 || rc=$?
  t1=$EPOCHREALTIME
  cat "$out" >>"$tmp/$e.log"
  if ((rc == 0)); then
    c=$(cached_steps "$out")
    if ((c < min || c > max)); then
      echo "$e $op: $c steps CACHED, expected $min..$max" >>"$tmp/$e.log"
      rc=99
    fi
  fi
  record "$op" "$e" "$((${t1/./} - ${t0/./}))" "$rc"
}

# 3-step: COPY and RUN can be cached.  10-step: COPY, RUN, RUN and COPY
# --from; with data.txt changed none of them.
# shellcheck disable=SC2317 # called as "$op"
op_cold3() { build "$1" cold3 "$tmp/ctx/$1/three" 0 0 --no-cache -t hb3; }
# shellcheck disable=SC2317
op_cached3() { build "$1" cached3 "$tmp/ctx/$1/three" 2 2 -t hb3; }
# shellcheck disable=SC2317
op_cold10() { build "$1" cold10 "$tmp/ctx/$1/multi" 0 0 --no-cache --build-arg VERSION=2.0 -t hb10; }
# shellcheck disable=SC2317
op_cached10() { build "$1" cached10 "$tmp/ctx/$1/multi" 4 4 --build-arg VERSION=2.0 -t hb10; }
# One source file's content changed: COPY src/ and everything after it
# runs again.
# shellcheck disable=SC2317
op_touched10() {
  echo "round $2 $EPOCHREALTIME" >>"$tmp/ctx/$1/multi/src/data.txt"
  build "$1" touched10 "$tmp/ctx/$1/multi" 0 0 --build-arg VERSION=2.0 -t hb10
}

print_engines "build: ${engines[*]}; N=$N timed + $WARMUP warm-up rounds, alternating; busybox from $rootfs_tar" \
  hako docker

run_rounds op_cold3 op_cached3 op_cold10 op_cached10 op_touched10

# The images work: both print the same thing (the 10-step one's report
# has the engine's own data.txt, so only its first line is compared).
for e in "${engines[@]}"; do
  r3=$(eng "$e" run --rm --network none hb3 2>>"$tmp/$e.log" </dev/null) || r3="(run failed)"
  r10=$(eng "$e" run --rm --network none hb10 2>>"$tmp/$e.log" </dev/null | head -n1) || r10="(run failed)"
  if [[ $r3 != "29 /message.txt" || $r10 != "bench 2.0" ]]; then
    fails[$e]=$((${fails[$e]:-0} + 1))
    echo "run of the built images: got '$r3' / '$r10'" >>"$tmp/$e.failures"
    echo "run of the built images: got '$r3' / '$r10', expected '29 /message.txt' / 'bench 2.0'" >>"$tmp/$e.log"
  fi
done

ops=(cold3 cached3 cold10 cached10 touched10)
declare -A label=([cold3]="3-step, cold" [cached3]="3-step, cached" [cold10]="10-step, cold"
  [cached10]="10-step, cached" [touched10]="10-step, 1 file changed")
declare -A target=([cold3]=$TARGET_COLD3 [cached3]=$TARGET_CACHED [cached10]=$TARGET_CACHED)

echo
latency_table 24 17 hako docker
echo "(wall time of each build command; ratios of medians, >1x means hako is faster)"
if [[ -n ${want[docker]:-} && ${#engines[@]} -ge 1 && " ${engines[*]} " == *" docker "* && " ${engines[*]} " == *" hako "* ]]; then
  echo
  echo "hako/docker (ratio of medians, <1 means hako is faster):"
  for op in "${ops[@]}"; do
    read -r mh _ _ < <(stats "$tmp/s/$op.hako")
    read -r md _ _ < <(stats "$tmp/s/$op.docker")
    [[ $mh != - && $md != - ]] || continue
    printf '  %-24s %s\n' "${label[$op]}" "$(awk -v a="$mh" -v b="$md" 'BEGIN { printf "%.3f", a / b }')"
  done
fi

status=0
report_failures "${engines[@]}"
exit "$status"
