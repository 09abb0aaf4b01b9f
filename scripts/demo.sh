#!/usr/bin/env bash
# The demo: build hako, make a busybox bundle from Debian's busybox-static,
# and run a container in it that reports who and where it is: its hostname,
# that it is pid 1, and the memory limit its cgroup enforces.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh" >/dev/null

work=$(mktemp -d /tmp/hako-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
HOSTNAME_IN_BUNDLE=hako-demo MEMORY_LIMIT=$((64 << 20)) \
  "$here/scripts/make-busybox-bundle.sh" "$work/bundle" sh -c '
    echo "hostname:     $(hostname)"
    echo "my pid:       $$"
    limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)
    echo "memory limit: $((limit / 1024 / 1024)) MiB"
    echo "processes:    $(ls -d /proc/[0-9]* | wc -l) visible"
    echo "root is read-only: $(touch /x 2>/dev/null && echo no || echo yes)"' >/dev/null

echo "\$ hako runtime run --bundle $work/bundle demo-$$"
"$here/build/hako" runtime --root "$work/state" run --bundle "$work/bundle" "demo-$$"
