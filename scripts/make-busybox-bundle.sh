#!/usr/bin/env bash
# make-busybox-bundle.sh DIR [ARGS...]
#
# Builds a minimal OCI bundle at DIR: a busybox rootfs and a runtime-spec
# 1.2 config.json that runs ARGS (default: sh) without a terminal.  The
# same bundle is meant to be handed to hako, runc and crun, so the config
# only uses features all three understand and mirrors what `runc spec`
# generates (minus the terminal).
#
# Idempotent: config.json is always rewritten; the rootfs is reused and
# only topped up, because deleting and recreating files on this ext4
# (no journal) is slow and the benchmarks call this repeatedly.
#
# Optional environment knobs:
#   HOSTNAME_IN_BUNDLE  hostname of the container, also written to
#                       rootfs/etc/hostname (default: hako)
#   MEMORY_LIMIT        bytes -> linux.resources.memory.limit
#   CGROUPS_PATH        -> linux.cgroupsPath
#   OCI_VERSION         ociVersion (default: 1.2.0).  crun 1.8.1 (Debian 12)
#                       only accepts versions containing "1.0" and fails with
#                       "unknown version specified" otherwise; use 1.1.0 for it.
#   BUSYBOX             busybox binary to copy (default: /bin/busybox, which
#                       must be static: the rootfs has no libc)
set -euo pipefail

# shellcheck source=scripts/lib-rootfs.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib-rootfs.sh"

usage() {
  echo "usage: $0 DIR [ARGS...]" >&2
  exit 2
}

(($# >= 1)) || usage
dir=$1
shift
(($# >= 1)) || set -- sh

busybox=${BUSYBOX:-/bin/busybox}
hostname=${HOSTNAME_IN_BUNDLE:-hako}
memory_limit=${MEMORY_LIMIT:-}
cgroups_path=${CGROUPS_PATH:-}
oci_version=${OCI_VERSION:-1.2.0}

command -v jq >/dev/null || { echo "$0: jq is required" >&2; exit 1; }
# A dynamically linked busybox would fail inside the rootfs with a confusing
# "no such file or directory" from the runtime, so refuse it up front.
rootfs_check_busybox "$busybox" || exit 1
if [[ -n $memory_limit && ! $memory_limit =~ ^[0-9]+$ ]]; then
  echo "$0: MEMORY_LIMIT must be a number of bytes, got '$memory_limit'" >&2
  exit 1
fi

rootfs=$dir/rootfs
# bin/busybox plus a relative link per applet in /bin, then etc/passwd and
# etc/group (scripts/lib-rootfs.sh); only what is missing is (re)made.
rootfs_busybox "$rootfs" "$busybox" bin || exit 1
rootfs_users "$rootfs" || exit 1
printf '%s\n' "$hostname" >"$rootfs/etc/hostname"

# The defaults below follow `runc spec` (runc 1.1/1.2) so that results are
# comparable with what people get from runc out of the box, including the
# read-only /sys/fs/cgroup mount (one mount per hierarchy on cgroup v1).
# The masked paths include runc 1.2's /sys/devices/virtual/powercap; runtimes skip masked
# paths that do not exist.
# ARGS go in as named --arg values, not jq --args: jq 1.6 would parse
# container arguments such as "-c" as its own options (it has no "--"),
# and it mangles NUL-separated input.
arg_opts=()
for ((i = 1; i <= $#; i++)); do
  arg_opts+=(--arg "a$((i - 1))" "${!i}")
done
args_json=$(jq -nc --argjson n $# "${arg_opts[@]}" '[range(0; $n) as $i | $ARGS.named["a\($i)"]]')

config=$(
  jq -n \
    --argjson args "$args_json" \
    --arg hostname "$hostname" \
    --arg memory_limit "$memory_limit" \
    --arg cgroups_path "$cgroups_path" \
    --arg oci_version "$oci_version" '
  {
    ociVersion: $oci_version,
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: $args,
      env: [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "TERM=xterm"
      ],
      cwd: "/",
      capabilities: (
        ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"] as $caps
        | { bounding: $caps, effective: $caps, permitted: $caps, ambient: $caps }
      ),
      rlimits: [ { type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 } ],
      noNewPrivileges: true
    },
    root: { path: "rootfs", readonly: true },
    hostname: $hostname,
    mounts: [
      { destination: "/proc", type: "proc", source: "proc" },
      { destination: "/dev", type: "tmpfs", source: "tmpfs",
        options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
      { destination: "/dev/pts", type: "devpts", source: "devpts",
        options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
      { destination: "/dev/shm", type: "tmpfs", source: "shm",
        options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
      { destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
        options: ["nosuid", "noexec", "nodev"] },
      { destination: "/sys", type: "sysfs", source: "sysfs",
        options: ["nosuid", "noexec", "nodev", "ro"] },
      { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
        options: ["nosuid", "noexec", "nodev", "relatime", "ro"] }
    ],
    linux: {
      resources: {
        devices: [ { allow: false, access: "rwm" } ]
      },
      namespaces: [
        { type: "pid" }, { type: "network" }, { type: "ipc" },
        { type: "uts" }, { type: "mount" }
      ],
      maskedPaths: [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
        "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
        "/sys/devices/virtual/powercap"
      ],
      readonlyPaths: [
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"
      ]
    }
  }
  | if $memory_limit != "" then .linux.resources.memory = { limit: ($memory_limit | tonumber) } else . end
  | if $cgroups_path != "" then .linux.cgroupsPath = $cgroups_path else . end
  '
)

# Write via a temp file so a concurrent reader never sees a half-written config.
printf '%s\n' "$config" >"$dir/config.json.tmp"
mv -f "$dir/config.json.tmp" "$dir/config.json"
