#!/usr/bin/env bats
# containerd drives the runtime under test ($RUNTIME) through its runc v2
# shim (io.containerd.runc.v2, `ctr run --runc-binary`).
#
# setup_file starts a private containerd (socket, root and state under a
# temp dir; config generated below), builds a busybox OCI image locally and
# imports it.  The shim is pointed at a small wrapper script that logs its
# argv to $CTRD_DIR/runtime-argv.log and then execs $RUNTIME, so the tests
# can prove which runtime commands containerd issued.  teardown_file stops
# containerd and FAILS if any shim, container process, mount under the temp
# dir, shim socket or cgroup named after a test container is left.
#
#   RUNTIME=/usr/bin/runc bats containerd.bats
#   RUNTIME=/path/to/hako-runtime bats containerd.bats
#
# Needs containerd + ctr (Debian package "containerd"), python3 (a pty for
# `ctr run -t`), jq, busybox-static.

load helpers

# helpers.bash's `ctr` drives $RUNTIME directly; here `ctr` is containerd's
# client, talking to the private containerd (see below).
unset -f ctr

CTRD_IMAGE=localhost/busybox:test
CTRD_RUNTIME_TYPE=io.containerd.runc.v2
# Upper bound for one ctr command (a hung runtime must not hang the suite).
CTRD_TIMEOUT=${CTRD_TIMEOUT:-60}

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

# ctr ARGS...: containerd's client against the private daemon/namespace.
ctr() {
	timeout -k 5 "$CTRD_TIMEOUT" "$CTR_BIN" --address "$CTRD_SOCK" --namespace "$CTRD_NS" "$@"
}

# ctr_run [FLAGS...] ID [ARGS...]: `ctr run` of the test image through the
# runc v2 shim with the logging wrapper as runc binary.  FLAGS with a value
# must be written --flag=value.
ctr_run() {
	local flags=()
	while [ $# -gt 0 ] && [[ "$1" == -* ]]; do
		flags+=("$1")
		shift
	done
	local id=$1
	shift
	ctr run --runtime "$CTRD_RUNTIME_TYPE" --runc-binary "$CTRD_WRAPPER" \
		--runc-root "$CTRD_RUNC_ROOT" "${flags[@]}" "$CTRD_IMAGE" "$id" "$@"
}

# in_pty [ROWS COLS] CMD...: run CMD with a fresh pty as its controlling
# terminal and stdio (window size ROWSxCOLS, default 24x80); print what it
# wrote and exit with its status (124 if it ran longer than CTRD_TIMEOUT).
PTY_PY='
import os, pty, select, signal, struct, sys, fcntl, termios, time
rows, cols, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
timeout = float(os.environ.get("CTRD_TIMEOUT", "60"))
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.execvp(argv[0], argv)
out = b""
deadline = time.monotonic() + timeout
timed_out = False
while True:
    left = deadline - time.monotonic()
    if left <= 0:
        timed_out = True
        os.kill(pid, signal.SIGKILL)
        break
    r, _, _ = select.select([fd], [], [], left)
    if not r:
        continue
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(124 if timed_out else os.waitstatus_to_exitcode(st))
'
in_pty() {
	local rows=24 cols=80
	if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
		rows=$1 cols=$2
		shift 2
	fi
	CTRD_TIMEOUT=$CTRD_TIMEOUT "$PYTHON" -c "$PTY_PY" "$rows" "$cols" "$@"
}

# Shell snippet: print "size=ROWS COLS" of the terminal.  ctr sets the
# console size only after the process started, so wait for it to be set.
# (busybox `stty size` exits 0 with no output while the size is 0x0.)
STTY_SIZE='i=0; while [ $i -lt 50 ]; do s=$(stty size 2>/dev/null); case "$s" in [1-9]*) break ;; esac; sleep 0.1; i=$((i + 1)); done; echo "size=$s"'

# cid NAME: a container id for this test ("ctrd-<pid>-<test#>-NAME").
cid() {
	echo "ctrd-$CTRD_TAG-$BATS_TEST_NUMBER-$1"
}

# task_status ID: STATUS column of `ctr task ls` (empty if no task).
task_status() {
	ctr task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'
}

task_pid() {
	ctr task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'
}

# wait_task ID STATUS
wait_task() {
	local id=$1 want=$2 i s
	for ((i = 0; i < WAIT_TIMEOUT * 10; i++)); do
		s=$(task_status "$id")
		[ "$s" = "$want" ] && return 0
		sleep 0.1
	done
	fail "task $id: status '$s', wanted '$want'"
}

# runtime_called CMD ID: the wrapper logged "CMD ... ID" (ID as a word).
runtime_called() {
	local cmd=$1 id=$2
	grep -E -- "(^| )$cmd( | .* )$id( |\$)" "$CTRD_ARGV_LOG" >/dev/null ||
		fail "runtime was not asked to '$cmd' $id; argv log:
$(grep -F -- "$id" "$CTRD_ARGV_LOG")"
}

# Shim socket of container ID (containerd 1.6: /run/containerd/s/<sha256 of
# "<grpc address>/<namespace>/<id>">).
shim_socket() {
	echo "/run/containerd/s/$(printf '%s' "$CTRD_SOCK/$CTRD_NS/$1" | sha256sum | cut -d' ' -f1)"
}

# Kill and delete container ID (task too), ignoring errors.
force_remove() {
	local id=$1 i
	if [ -n "$(task_status "$id")" ]; then
		ctr task kill -s SIGKILL "$id" >/dev/null 2>&1 || true
		for ((i = 0; i < 50; i++)); do
			[ "$(task_status "$id")" = STOPPED ] && break
			sleep 0.1
		done
		ctr task delete -f "$id" >/dev/null 2>&1 || true
	fi
	ctr container delete "$id" >/dev/null 2>&1 || true
}

# leaks PREFIX: print (one per line) every shim, process, mount, shim
# socket and cgroup left by containers whose id starts with PREFIX (and
# clean each up).  Mounts are those mentioning $CTRD_DIR/…/PREFIX.
leaks() {
	local prefix=$1 p i cmd m
	# shims of those containers
	for ((i = 0; i < 30; i++)); do
		[ -z "$(shim_pids "$prefix")" ] && break
		sleep 0.1
	done
	for p in $(shim_pids "$prefix"); do
		echo "shim $p ($(tr '\0' ' ' 2>/dev/null </proc/"$p"/cmdline))"
		kill -9 "$p" 2>/dev/null || true
	done
	# processes in the containers' cgroups
	for ((i = 0; i < 30; i++)); do
		[ -z "$(container_pids "$prefix")" ] && break
		sleep 0.1
	done
	for p in $(container_pids "$prefix"); do
		echo "process $p ($(tr '\0' ' ' 2>/dev/null </proc/"$p"/cmdline))"
		kill -9 "$p" 2>/dev/null || true
	done
	# mounts (rootfs of the bundles under the state dir, or anything else)
	while read -r m; do
		[ -n "$m" ] || continue
		echo "mount $m"
		umount -l "$m" 2>/dev/null || true
	done < <(awk -v d="$CTRD_DIR" -v p="/$prefix" 'index($0, d) && index($0, p) { print $5 }' /proc/self/mountinfo | sort -r)
	# shim sockets
	for m in /run/containerd/s/*; do
		[ -e "$m" ] || continue
		for i in "${CTRD_IDS_SEEN[@]}"; do
			[[ "$i" == "$prefix"* ]] || continue
			if [ "$m" = "$(shim_socket "$i")" ]; then
				echo "shim socket $m (container $i)"
				rm -f "$m"
			fi
		done
	done
	# cgroups (ctr's default cgroupsPath is /<namespace>/<id>)
	for ((i = 0; i < 30; i++)); do
		[ -z "$(container_cgroups "$prefix")" ] && break
		sleep 0.1
	done
	while read -r m; do
		[ -n "$m" ] || continue
		echo "cgroup $m"
		rmdir "$m" 2>/dev/null || true
	done < <(container_cgroups "$prefix")
}

shim_pids() {
	local p c
	for p in /proc/[0-9]*; do
		c=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		[[ "$c" == *containerd-shim*" -id $1"*" -address $CTRD_SOCK"* ]] || continue
		grep -q '^State:[[:space:]]*Z' "$p/status" 2>/dev/null && continue
		echo "${p#/proc/}"
	done
}

container_pids() {
	local p
	for p in /proc/[0-9]*; do
		grep -qF -- "/$CTRD_NS/$1" "$p/cgroup" 2>/dev/null || continue
		grep -q '^State:[[:space:]]*Z' "$p/status" 2>/dev/null && continue
		echo "${p#/proc/}"
	done
}

container_cgroups() {
	find /sys/fs/cgroup -type d -name "$1*" 2>/dev/null | sort -r
}

# ---------------------------------------------------------------------------
# OCI image
# ---------------------------------------------------------------------------

# blob DIR FILE: move FILE into DIR/blobs/sha256/<digest>; print
# "sha256:<digest> <size>".
blob() {
	local dir=$1 file=$2 d s
	d=$(sha256sum "$file" | cut -d' ' -f1)
	s=$(stat -c %s "$file")
	mv "$file" "$dir/blobs/sha256/$d"
	echo "sha256:$d $s"
}

# make_image TARBALL NAME ARCH: a busybox image in OCI image layout (one
# uncompressed tar layer), as a tar archive.
make_image() {
	local out=$1 name=$2 arch=$3 dir
	dir=$(mktemp -d "$CTRD_DIR/image.XXXXXX")
	mkdir -p "$dir/blobs/sha256"
	TEST_DIR=$CTRD_DIR make_rootfs "$dir/rootfs"
	tar -C "$dir/rootfs" --numeric-owner --sort=name -cf "$dir/layer" . || return 1
	local layer lsize
	read -r layer lsize < <(blob "$dir" "$dir/layer")
	jq -cnj --arg arch "$arch" --arg diff "$layer" '{
		architecture: $arch, os: "linux",
		config: {
			Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
			Cmd: ["sh"], WorkingDir: "/"
		},
		rootfs: { type: "layers", diff_ids: [$diff] },
		history: [{ created_by: "hako tests/system/containerd.bats" }]
	}' >"$dir/config"
	local config csize
	read -r config csize < <(blob "$dir" "$dir/config")
	jq -cnj --arg c "$config" --argjson cs "$csize" --arg l "$layer" --argjson ls "$lsize" '{
		schemaVersion: 2,
		mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs },
		layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls }]
	}' >"$dir/manifest"
	local manifest msize
	read -r manifest msize < <(blob "$dir" "$dir/manifest")
	jq -cn --arg m "$manifest" --argjson ms "$msize" --arg arch "$arch" --arg name "$name" '{
		schemaVersion: 2,
		mediaType: "application/vnd.oci.image.index.v1+json",
		manifests: [{
			mediaType: "application/vnd.oci.image.manifest.v1+json",
			digest: $m, size: $ms,
			platform: { architecture: $arch, os: "linux" },
			annotations: {
				"io.containerd.image.name": $name,
				"org.opencontainers.image.ref.name": ($name | sub(".*:"; ""))
			}
		}]
	}' >"$dir/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
	tar -C "$dir" -cf "$out" oci-layout index.json blobs || return 1
	rm -rf "$dir"
}

# ---------------------------------------------------------------------------
# containerd
# ---------------------------------------------------------------------------

# bats 1.8 (Debian 12) cannot `skip` in setup_file: record the reason in
# CTRD_SKIP, and every test's setup skips with it.
ctrd_requirements() {
	[ "$(id -u)" -eq 0 ] || { echo "must run as root"; return; }
	type -P ctr >/dev/null || { echo "ctr not found (apt-get install containerd)"; return; }
	type -P containerd >/dev/null || { echo "containerd not found (apt-get install containerd)"; return; }
	type -P containerd-shim-runc-v2 >/dev/null ||
		{ echo "containerd-shim-runc-v2 not found (apt-get install containerd)"; return; }
	[ -x "$RUNTIME" ] || { echo "runtime $RUNTIME not found"; return; }
	[ -x "$BUSYBOX" ] || { echo "busybox not found at $BUSYBOX"; return; }
	[ -n "$PYTHON" ] || { echo "python3 not found"; return; }
}

setup_file() {
	export CTR_BIN CTRD_DIR CTRD_SOCK CTRD_NS CTRD_TAG CTRD_PID CTRD_LOG \
		CTRD_WRAPPER CTRD_ARGV_LOG CTRD_RUNC_ROOT CTRD_SKIP
	CTRD_DIR=
	CTRD_SKIP=$(ctrd_requirements)
	if [ -n "$CTRD_SKIP" ]; then
		echo "# skipping containerd tests: $CTRD_SKIP" >&3
		return 0
	fi
	CTR_BIN=$(type -P ctr)
	local containerd
	containerd=$(type -P containerd)
	case "$RUNTIME" in /*) ;; *) RUNTIME=$(cd "$(dirname "$RUNTIME")" && pwd)/$(basename "$RUNTIME") ;; esac

	CTRD_TAG=$$
	CTRD_DIR=$(mktemp -d /tmp/hako-ctrd.XXXXXX)
	CTRD_SOCK=$CTRD_DIR/containerd.sock
	CTRD_NS=hako-ctrd-$CTRD_TAG
	CTRD_LOG=$CTRD_DIR/containerd.log
	CTRD_ARGV_LOG=$CTRD_DIR/runtime-argv.log
	CTRD_RUNC_ROOT=$CTRD_DIR/runc-root
	CTRD_WRAPPER=$CTRD_DIR/runtime-wrapper
	: >"$CTRD_ARGV_LOG"

	# BinaryName for the shim: log argv, then become the runtime.
	cat >"$CTRD_WRAPPER" <<-EOF
		#!/bin/sh
		printf '%s\n' "\$*" >>'$CTRD_ARGV_LOG'
		exec '$RUNTIME' "\$@"
	EOF
	chmod 755 "$CTRD_WRAPPER"

	cat >"$CTRD_DIR/config.toml" <<-EOF
		version = 2
		root = "$CTRD_DIR/root"
		state = "$CTRD_DIR/state"
		disabled_plugins = [
		  "io.containerd.grpc.v1.cri",
		  "io.containerd.snapshotter.v1.btrfs",
		  "io.containerd.snapshotter.v1.zfs",
		  "io.containerd.snapshotter.v1.aufs",
		  "io.containerd.snapshotter.v1.devmapper",
		  "io.containerd.tracing.processor.v1.otlp",
		  "io.containerd.internal.v1.tracing",
		]

		[grpc]
		  address = "$CTRD_SOCK"

		[ttrpc]
		  address = "$CTRD_SOCK.ttrpc"

		[debug]
		  address = "$CTRD_DIR/debug.sock"
		  level = "debug"

		[metrics]
		  address = ""

		[plugins."io.containerd.internal.v1.opt"]
		  path = "$CTRD_DIR/opt"

		# Legacy v1 shim (io.containerd.runtime.v1.linux); the tests use the
		# v2 shim, which gets the same binary from ctr run --runc-binary.
		[plugins."io.containerd.runtime.v1.linux"]
		  runtime = "$CTRD_WRAPPER"
		  runtime_root = "$CTRD_RUNC_ROOT"
	EOF

	# Detached from bats' stdio (fd 3 too), so it does not hold bats open.
	"$containerd" --config "$CTRD_DIR/config.toml" </dev/null >"$CTRD_LOG" 2>&1 3>&- &
	CTRD_PID=$!

	local i
	for ((i = 0; i < 100; i++)); do
		"$CTR_BIN" --address "$CTRD_SOCK" version >/dev/null 2>&1 && break
		kill -0 "$CTRD_PID" 2>/dev/null || break
		sleep 0.1
	done
	if ! "$CTR_BIN" --address "$CTRD_SOCK" version >/dev/null 2>&1; then
		echo "containerd did not come up; log:" >&2
		cat "$CTRD_LOG" >&2
		return 1
	fi

	local arch
	arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
	case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
	make_image "$CTRD_DIR/busybox-oci.tar" "$CTRD_IMAGE" "$arch" || return 1
	ctr images import --platform "linux/$arch" "$CTRD_DIR/busybox-oci.tar" >&2 || return 1
	ctr images ls -q | grep -qx "$CTRD_IMAGE" || {
		echo "image $CTRD_IMAGE not imported" >&2
		ctr images ls >&2
		return 1
	}
}

teardown_file() {
	if [ -z "${CTRD_DIR:-}" ] || [ ! -d "$CTRD_DIR" ]; then
		return 0
	fi
	local leaked=() id i m

	# Whatever the tests left (they delete their own containers).
	if [ -n "${CTRD_PID:-}" ] && kill -0 "$CTRD_PID" 2>/dev/null; then
		for id in $(ctr container ls -q 2>/dev/null); do
			leaked+=("container $id still known to containerd")
			force_remove "$id"
		done
		ctr images rm "$CTRD_IMAGE" >/dev/null 2>&1 || true
		kill -TERM "$CTRD_PID" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			kill -0 "$CTRD_PID" 2>/dev/null || break
			grep -q '^State:[[:space:]]*Z' "/proc/$CTRD_PID/status" 2>/dev/null && break
			sleep 0.1
		done
		kill -KILL "$CTRD_PID" 2>/dev/null || true
		wait "$CTRD_PID" 2>/dev/null || true
	fi

	CTRD_IDS_SEEN=($(sort -u "$CTRD_DIR/ids" 2>/dev/null))
	while read -r m; do
		[ -n "$m" ] && leaked+=("$m")
	done < <(leaks "ctrd-$CTRD_TAG-")
	# Any other mount under the temp dir (snapshots, bundles).
	while read -r m; do
		[ -n "$m" ] || continue
		leaked+=("mount $m")
		umount -l "$m" 2>/dev/null || true
	done < <(awk -v d="$CTRD_DIR" 'index($0, d) { print $5 }' /proc/self/mountinfo | sort -r)
	# The namespace's parent cgroups (/<namespace>) are left by runc too.
	find /sys/fs/cgroup -depth -type d -name "$CTRD_NS" -exec rmdir {} \; 2>/dev/null || true

	if [ ${#leaked[@]} -gt 0 ]; then
		printf 'LEAK: %s\n' "${leaked[@]}" >&2
		echo "--- containerd log (last 60 lines):" >&2
		tail -n 60 "$CTRD_LOG" >&2
		echo "--- runtime argv log:" >&2
		cat "$CTRD_ARGV_LOG" >&2
		rm -rf "$CTRD_DIR"
		return 1
	fi
	rm -rf "$CTRD_DIR"
}

setup() {
	[ -z "${CTRD_SKIP:-}" ] || skip "$CTRD_SKIP"
	[ -n "${CTRD_DIR:-}" ] || skip "containerd not started"
	TEST_DIR=$BATS_TEST_TMPDIR
	CTRD_LOG_START=$(wc -l <"$CTRD_LOG")
	ARGV_LOG_START=$(wc -l <"$CTRD_ARGV_LOG")
}

teardown() {
	[ -n "${CTRD_DIR:-}" ] || return 0
	local prefix id leaked=() m
	prefix=$(cid "")
	# remember ids for the shim-socket check in teardown_file
	ctr container ls -q 2>/dev/null | grep -F -- "$prefix" >>"$CTRD_DIR/ids" || true
	CTRD_IDS_SEEN=($(sort -u "$CTRD_DIR/ids" 2>/dev/null))
	for id in $(ctr container ls -q 2>/dev/null | grep -F -- "$prefix"); do
		leaked+=("container $id not deleted by the test")
		force_remove "$id"
	done
	while read -r m; do
		[ -n "$m" ] && leaked+=("$m")
	done < <(leaks "$prefix")

	if [ -z "${BATS_TEST_COMPLETED:-}" ] || [ ${#leaked[@]} -gt 0 ]; then
		echo "--- containerd log since the test started:" >&2
		tail -n +"$((CTRD_LOG_START + 1))" "$CTRD_LOG" | grep -vE 'level=debug msg="(event (forwarded|published))' >&2
		echo "--- runtime argv log since the test started:" >&2
		tail -n +"$((ARGV_LOG_START + 1))" "$CTRD_ARGV_LOG" >&2
	fi
	if [ ${#leaked[@]} -gt 0 ]; then
		printf 'LEAK: %s\n' "${leaked[@]}" >&2
		return 1
	fi
}

# note_id ID: record a container id (for the shim-socket leak check).
note_id() {
	echo "$1" >>"$CTRD_DIR/ids"
	CTRD_IDS_SEEN+=("$1")
}

# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------

@test "containerd: image built locally is imported and unpacked" {
	run ctr images ls
	assert_status 0
	assert_match "$CTRD_IMAGE"
	run ctr images check
	assert_status 0
	assert_match "$CTRD_IMAGE.*complete"
	run ctr snapshots ls
	assert_status 0
	assert_match 'Committed'
}

@test "containerd: ctr run --rm (foreground) prints output and returns the exit code" {
	local id
	id=$(cid fg)
	note_id "$id"
	run ctr_run --rm --env=GREETING=hello "$id" sh -c 'echo "$GREETING from $PATH"; echo to-stderr >&2; exit 3' </dev/null
	assert_status 3
	# --env and the image config's Env reach the process
	assert_match 'hello from /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	assert_match 'to-stderr'
	runtime_called create "$id"
	runtime_called start "$id"
	runtime_called delete "$id"
	# --rm removed container, task and the runtime's state
	run ctr container ls -q
	[[ "$output" != *"$id"* ]] || fail "container $id still listed"
	[ ! -e "$CTRD_RUNC_ROOT/$CTRD_NS/$id" ] || fail "runtime state $CTRD_RUNC_ROOT/$CTRD_NS/$id left"
}

@test "containerd: run -d, exec, pause/resume, ps, kill, delete" {
	local id pid
	id=$(cid life)
	note_id "$id"
	# init traps SIGTERM and exits 7 (a plain `sleep` as pid 1 ignores it)
	run ctr_run -d --null-io "$id" sh -c 'trap "exit 7" TERM; sleep 1000 & wait' </dev/null
	assert_status 0
	wait_task "$id" RUNNING
	pid=$(task_pid "$id")
	[ -n "$pid" ] && [ "$pid" -gt 0 ] || fail "no pid for $id"
	kill -0 "$pid" || fail "init pid $pid not alive"
	runtime_called create "$id"
	runtime_called start "$id"
	# (the shim-socket leak check relies on this name)
	[ -S "$(shim_socket "$id")" ] || fail "no shim socket $(shim_socket "$id"): $(ls /run/containerd/s)"
	# the runtime keeps its state under the shim's --runc-root/<namespace>
	[ -d "$CTRD_RUNC_ROOT/$CTRD_NS/$id" ] || fail "no runtime state dir $CTRD_RUNC_ROOT/$CTRD_NS/$id"
	# ...and it is $RUNTIME's own state: the runtime under test reads it back
	run "$RUNTIME" --root "$CTRD_RUNC_ROOT/$CTRD_NS" state "$id"
	assert_status 0
	assert_eq "$(echo "$output" | jq -r .status)" running
	assert_eq "$(echo "$output" | jq -r .pid)" "$pid"
	# container is in the cgroup ctr asked for (/<namespace>/<id>)
	grep -qE ":/$CTRD_NS/$id\$" "/proc/$pid/cgroup" || fail "init not in cgroup /$CTRD_NS/$id: $(cat /proc/"$pid"/cgroup)"

	# exec: output, stderr, exit code, environment and cwd
	run ctr task exec --exec-id e1 "$id" sh -c 'echo exec-out; echo exec-err >&2; exit 5' </dev/null
	assert_status 5
	assert_match 'exec-out'
	assert_match 'exec-err'
	run ctr task exec --exec-id e2 --cwd /tmp "$id" sh -c 'pwd; echo "pid1=$(cat /proc/1/comm)"' </dev/null
	assert_status 0
	assert_match '/tmp'
	assert_match 'pid1=sh'
	runtime_called exec "$id"

	# pause / resume
	run ctr task pause "$id"
	assert_status 0
	wait_task "$id" PAUSED
	runtime_called pause "$id"
	assert_eq "$("$RUNTIME" --root "$CTRD_RUNC_ROOT/$CTRD_NS" state "$id" | jq -r .status)" paused
	if [ -d /sys/fs/cgroup/freezer ]; then
		local fz
		fz=$(cgroup_dir freezer "$pid")
		assert_eq "$(cat "$fz/freezer.state")" FROZEN
	fi
	run ctr task resume "$id"
	assert_status 0
	wait_task "$id" RUNNING
	runtime_called resume "$id"
	if [ -d /sys/fs/cgroup/freezer ]; then
		assert_eq "$(cat "$fz/freezer.state")" THAWED
	fi
	# the container works again after resume
	run ctr task exec --exec-id e3 "$id" echo after-resume </dev/null
	assert_status 0
	assert_match 'after-resume'

	# ps: the runtime's `ps --format json` lists init and its sleep
	run ctr task ps "$id"
	assert_status 0
	echo "$output" | awk -v p="$pid" '$1 == p { f = 1 } END { exit !f }' ||
		fail "init pid $pid not in ctr task ps: $output"
	local n
	n=$(echo "$output" | awk 'NR > 1 && $1 ~ /^[0-9]+$/' | wc -l)
	[ "$n" -ge 2 ] || fail "expected >= 2 pids in ctr task ps: $output"
	runtime_called ps "$id"

	# kill (SIGTERM by default) -> STOPPED, exit status 7
	run ctr task kill "$id"
	assert_status 0
	wait_task "$id" STOPPED
	runtime_called kill "$id"
	! kill -0 "$pid" 2>/dev/null || grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" ||
		fail "init $pid still running after STOPPED"

	run ctr task delete "$id"
	assert_status 0
	assert_match 'exit code 7'
	runtime_called delete "$id"
	[ -z "$(task_status "$id")" ] || fail "task $id still listed"
	[ ! -e "$CTRD_RUNC_ROOT/$CTRD_NS/$id" ] || fail "runtime state $CTRD_RUNC_ROOT/$CTRD_NS/$id left after delete"

	run ctr container delete "$id"
	assert_status 0
	run ctr container ls -q
	[[ "$output" != *"$id"* ]] || fail "container $id still listed"
	# nothing of it is left (shim, processes, mounts, cgroups)
	run leaks "$id"
	[ -z "$output" ] || fail "left after delete: $output"
}

@test "containerd: ctr task kill -s SIGKILL of a container whose init ignores SIGTERM" {
	local id
	id=$(cid kill9)
	note_id "$id"
	run ctr_run -d --null-io "$id" sleep 1000 </dev/null
	assert_status 0
	wait_task "$id" RUNNING
	run ctr task kill -s SIGKILL "$id"
	assert_status 0
	wait_task "$id" STOPPED
	runtime_called kill "$id"
	run ctr task delete "$id"
	assert_status 0
	assert_match 'exit code 137'
	run ctr container delete "$id"
	assert_status 0
}

@test "containerd: ctr run -t gets a pty through the console socket" {
	local id
	id=$(cid tty)
	note_id "$id"
	run in_pty 33 101 "$CTR_BIN" --address "$CTRD_SOCK" --namespace "$CTRD_NS" \
		run --rm -t --runtime "$CTRD_RUNTIME_TYPE" --runc-binary "$CTRD_WRAPPER" \
		--runc-root "$CTRD_RUNC_ROOT" "$CTRD_IMAGE" "$id" \
		sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo STDIO-IS-TTY; '"$STTY_SIZE"'; exit 4'
	assert_status 4
	assert_match '/dev/pts/[0-9]+'
	assert_match 'STDIO-IS-TTY'
	assert_match 'size=33 101'
	runtime_called create "$id"
	grep -E -- "(^| )create .*--console-socket [^ ]+ .*$id\$" "$CTRD_ARGV_LOG" >/dev/null ||
		fail "create of $id without --console-socket: $(grep -F -- "$id" "$CTRD_ARGV_LOG")"
	run ctr container ls -q
	[[ "$output" != *"$id"* ]] || fail "container $id still listed"
}

@test "containerd: ctr run -d -t, then ctr task exec -t" {
	local id
	id=$(cid ttyexec)
	note_id "$id"
	# ctr needs a terminal for -t even when detached
	run in_pty "$CTR_BIN" --address "$CTRD_SOCK" --namespace "$CTRD_NS" \
		run -d -t --runtime "$CTRD_RUNTIME_TYPE" --runc-binary "$CTRD_WRAPPER" \
		--runc-root "$CTRD_RUNC_ROOT" "$CTRD_IMAGE" "$id" sleep 1000
	assert_status 0
	wait_task "$id" RUNNING
	run in_pty "$CTR_BIN" --address "$CTRD_SOCK" --namespace "$CTRD_NS" \
		task exec -t --exec-id tty1 "$id" \
		sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo EXEC-IS-TTY; echo tty-exec-done; exit 6'
	assert_status 6
	assert_match '/dev/pts/[0-9]+'
	assert_match 'EXEC-IS-TTY'
	assert_match 'tty-exec-done'
	# (no window size check: ctr 1.6 resizes an exec console only after the
	# process has exited, "cannot resize a stopped container")
	grep -E -- "(^| )exec .*--console-socket [^ ]+ .*$id\$" "$CTRD_ARGV_LOG" >/dev/null ||
		fail "exec in $id without --console-socket: $(grep -F -- "$id" "$CTRD_ARGV_LOG")"
	# a non-tty exec in the tty container still works
	run ctr task exec --exec-id plain "$id" sh -c '[ -t 1 ] || echo NOT-A-TTY' </dev/null
	assert_status 0
	assert_match 'NOT-A-TTY'

	run ctr task kill -s SIGKILL "$id"
	assert_status 0
	wait_task "$id" STOPPED
	run ctr task delete "$id"
	assert_status 0
	run ctr container delete "$id"
	assert_status 0
}
