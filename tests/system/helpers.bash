# Common helpers for hako end-to-end system tests (bats).
#
# The runtime under test is "$RUNTIME" (default: /usr/bin/runc).  hako is run
# with RUNTIME=/path/to/hako-runtime.  The runtime must speak runc's command
# line (create/start/state/kill/delete/list/run/exec/ps/spec/features).
#
# Every test gets:
#   $ROOT    - a private --root state directory
#   $BUNDLE  - a private bundle directory (config.json + busybox rootfs)
#   $CID     - a container id unique to this test ("hako-test-<n>-<pid>")
# Containers are put in cgroup "hako-test/<id>" (relative cgroupsPath) so
# leaked cgroups can be found and attributed.

RUNTIME=${RUNTIME:-/usr/bin/runc}
BUSYBOX=${BUSYBOX:-/bin/busybox}
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RECVTTY="$TESTS_DIR/recvtty.py"
if [ -x /usr/bin/python3 ]; then
	PYTHON=/usr/bin/python3
else
	PYTHON=$(command -v python3)
fi

# Generous upper bound for polling loops (seconds).
WAIT_TIMEOUT=${WAIT_TIMEOUT:-10}

# ---------------------------------------------------------------------------
# Setup / teardown
# ---------------------------------------------------------------------------

setup() {
	TEST_DIR=
	[ -x "$RUNTIME" ] || skip "runtime $RUNTIME not found"
	[ -x "$BUSYBOX" ] || skip "busybox not found at $BUSYBOX"
	[ "$(id -u)" -eq 0 ] || skip "must run as root"

	TEST_DIR=${BATS_TEST_TMPDIR:-$(mktemp -d /tmp/hako-test.XXXXXX)}
	ROOT="$TEST_DIR/state"
	BUNDLE="$TEST_DIR/bundle"
	CID="hako-test-${BATS_TEST_NUMBER}-$$"
	NETNS_CREATED=()
	BG_PIDS=()
	CLEANUP_PATHS=()
	mkdir -p "$ROOT"
	make_bundle "$BUNDLE"
	cd "$BUNDLE" || return 1
}

teardown() {
	local leaks=() id m pid
	# setup skipped before creating anything: nothing to check (and an
	# empty TEST_DIR would match every mount)
	[ -n "${TEST_DIR:-}" ] || return 0

	# Background helpers started by the test (e.g. `events`).
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done

	# Delete every container the runtime still knows about.
	if [ -d "$ROOT" ]; then
		for id in $(rt list -q 2>/dev/null); do
			rt delete -f "$id" >/dev/null 2>&1 || true
		done
	fi

	# Processes left in the containers' cgroups or rootfs.
	local pids i
	# Give processes that are already dying a moment to disappear.
	for ((i = 0; i < 20; i++)); do
		pids=$(leaked_pids)
		[ -z "$pids" ] && break
		sleep 0.05
	done
	for pid in $pids; do
		leaks+=("process $pid ($(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null))")
		kill -9 "$pid" 2>/dev/null || true
	done
	for pid in $pids; do
		wait_for sh -c "! kill -0 $pid 2>/dev/null || grep -q '^State:.*Z' /proc/$pid/status" 2>/dev/null || true
	done

	# Mounts that mention the test dir.
	while read -r m; do
		[ -n "$m" ] || continue
		leaks+=("mount $m")
		umount -l "$m" 2>/dev/null || true
	done < <(leaked_mounts)

	# Cgroups named after this test's containers.
	while read -r m; do
		[ -n "$m" ] || continue
		leaks+=("cgroup $m")
		rmdir "$m" 2>/dev/null || true
	done < <(leaked_cgroups)
	# Remove the shared parent "hako-test" cgroups once they have no
	# children (rmdir fails, harmlessly, while other containers use them).
	find /sys/fs/cgroup -depth -type d -name 'hako-test' \
		-exec rmdir {} \; 2>/dev/null || true

	for m in "${NETNS_CREATED[@]}"; do
		ip netns delete "$m" 2>/dev/null || true
	done

	# Host paths created by the test outside TEST_DIR (unmount anything
	# mounted on or below them first; a mount there is a leak).
	for m in "${CLEANUP_PATHS[@]}"; do
		[ -n "$m" ] || continue
		local mp
		while read -r mp; do
			[ -n "$mp" ] || continue
			leaks+=("mount $mp")
			umount -l "$mp" 2>/dev/null || true
		done < <(awk -v d="$m" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
		rm -rf "$m"
	done

	rm -rf "$ROOT"
	[ -n "${BATS_TEST_TMPDIR:-}" ] || rm -rf "$TEST_DIR"

	if [ ${#leaks[@]} -gt 0 ]; then
		printf 'LEAK: %s\n' "${leaks[@]}" >&2
		return 1
	fi
}

# Mount points (from /proc/self/mountinfo) that mention the test dir.
leaked_mounts() {
	awk -v d="$TEST_DIR" 'index($0, d) { print $5 }' /proc/self/mountinfo | sort -r
}

# cgroup directories named after the test's containers.
leaked_cgroups() {
	find /sys/fs/cgroup -type d \( -name "$CID" -o -name "$CID-*" -o -name "*-$CID" \) 2>/dev/null
}

# Pids of processes (other than us) that belong to this test: in a cgroup
# named after one of its containers, or with root/cwd inside the test dir.
# (A pivoted container's /proc/PID/root reads as "/" from the host, so the
# cgroup is the reliable criterion.)
leaked_pids() {
	local p r c
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = "$$" ] && continue
		[ "$p" = "$BASHPID" ] && continue
		# zombies are just waiting for their (new) parent to reap them
		grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null && continue
		if grep -qE -- "/${CID}(-[^/]*)?\$" "/proc/$p/cgroup" 2>/dev/null; then
			echo "$p"
			continue
		fi
		r=$(readlink "/proc/$p/root" 2>/dev/null) || continue
		c=$(readlink "/proc/$p/cwd" 2>/dev/null) || c=
		case "$r" in "$TEST_DIR"/*) echo "$p"; continue ;; esac
		case "$c" in "$BUNDLE/rootfs"|"$BUNDLE/rootfs"/*) echo "$p" ;; esac
	done
}

# ---------------------------------------------------------------------------
# Bundle construction
# ---------------------------------------------------------------------------

# make_rootfs DIR: busybox rootfs (built once per bats run, then copied).
make_rootfs() {
	local rootfs=$1 tmpl=${BATS_RUN_TMPDIR:-$TEST_DIR}/rootfs-template applet
	if [ ! -d "$tmpl" ]; then
		mkdir -p "$tmpl.tmp"/{bin,proc,sys,dev,tmp,etc,root,home/app}
		cp "$BUSYBOX" "$tmpl.tmp/bin/busybox"
		for applet in $("$BUSYBOX" --list); do
			[ "$applet" = busybox ] && continue
			ln -sf busybox "$tmpl.tmp/bin/$applet"
		done
		chmod 1777 "$tmpl.tmp/tmp"
		chown 1000:1000 "$tmpl.tmp/home/app"
		cat >"$tmpl.tmp/etc/passwd" <<-'EOF'
			root:x:0:0:root:/root:/bin/sh
			app:x:1000:1000:app:/home/app:/bin/sh
			nobody:x:65534:65534:nobody:/nonexistent:/bin/false
		EOF
		cat >"$tmpl.tmp/etc/group" <<-'EOF'
			root:x:0:
			tty:x:5:
			app:x:1000:
			nogroup:x:65534:
		EOF
		mv "$tmpl.tmp" "$tmpl" 2>/dev/null || rm -rf "$tmpl.tmp"
	fi
	mkdir -p "$(dirname "$rootfs")"
	cp -a "$tmpl" "$rootfs"
}

# make_bundle DIR [ID]: busybox rootfs + config.json from "$RUNTIME spec".
# The cgroupsPath is set to "hako-test/ID" (ID defaults to $CID).
make_bundle() {
	local dir=$1 id=${2:-$CID}
	make_rootfs "$dir/rootfs"
	(cd "$dir" && "$RUNTIME" spec) || return 1
	# Non-interactive by default; per-container cgroup for leak checks.
	jq_config --arg cg "hako-test/$id" \
		'.process.terminal = false | .root.readonly = false | .linux.cgroupsPath = $cg' "$dir/config.json"
}

# jq_config [jq options...] FILTER [FILE]: edit config.json in place.
jq_config() {
	local args=() file
	while [ $# -gt 1 ] && [[ "$1" == --* ]]; do
		case "$1" in
		--arg | --argjson) args+=("$1" "$2" "$3"); shift 3 ;;
		*) args+=("$1"); shift ;;
		esac
	done
	local filter=$1
	file=${2:-$BUNDLE/config.json}
	jq "${args[@]}" "$filter" "$file" >"$file.tmp" && mv "$file.tmp" "$file"
}

# set_args ARG...: set process.args.
set_args() {
	local json
	# ("--" stops jq from parsing arguments such as "-c" as its own options)
	json=$(jq -cn '$ARGS.positional' --args -- "$@")
	jq_config --argjson a "$json" '.process.args = $a'
}

# Add a namespace (type [path]) to linux.namespaces (replacing same type).
add_ns() {
	local type=$1 path=${2:-}
	if [ -n "$path" ]; then
		jq_config --arg t "$type" --arg p "$path" \
			'.linux.namespaces = ([.linux.namespaces[] | select(.type != $t)] + [{type: $t, path: $p}])'
	else
		jq_config --arg t "$type" \
			'.linux.namespaces = ([.linux.namespaces[] | select(.type != $t)] + [{type: $t}])'
	fi
}

remove_ns() {
	jq_config --arg t "$1" '.linux.namespaces = [.linux.namespaces[] | select(.type != $t)]'
}

# ---------------------------------------------------------------------------
# Runtime invocation
# ---------------------------------------------------------------------------

rt() {
	"$RUNTIME" --root "$ROOT" "$@"
}

# ctr ARGS...: like rt, but with stdio detached from the caller (so a
# container started by create/run -d does not hold bats' pipes open).
# Output goes to $TEST_DIR/ctr.log, which is printed on failure.
ctr() {
	local s=0
	: >"$TEST_DIR/ctr.log"
	rt "$@" </dev/null >"$TEST_DIR/ctr.log" 2>&1 || s=$?
	if [ $s -ne 0 ]; then
		echo "[$RUNTIME $* => $s]" >&2
		cat "$TEST_DIR/ctr.log" >&2
	fi
	return $s
}

# status_of ID: print the "status" field of `state`.
status_of() {
	rt state "$1" 2>/dev/null | jq -r .status
}

# wait_status ID STATUS [TIMEOUT]
wait_status() {
	local id=$1 want=$2 t=${3:-$WAIT_TIMEOUT} i s
	for ((i = 0; i < t * 20; i++)); do
		s=$(status_of "$id")
		[ "$s" = "$want" ] && return 0
		sleep 0.05
	done
	echo "container $id: status '$s', wanted '$want'" >&2
	return 1
}

# wait_for CMD...: poll until CMD succeeds.
wait_for() {
	local i
	for ((i = 0; i < WAIT_TIMEOUT * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $*" >&2
	return 1
}

# A TCP port nothing listens on right now, below the kernel's ephemeral
# range (32768+) so no outgoing connection holds it either.
unused_tcp_port() {
	local port i
	for ((i = 0; i < 50; i++)); do
		port=$((20000 + RANDOM % 12000))
		if ! ss -Hltn "sport = :$port" | grep -q .; then
			echo "$port"
			return
		fi
	done
	return 1
}

# Run a long-lived container in the background (created + started).
run_detached() {
	local id=${1:-$CID}
	set_args sleep 1000
	ctr run -d "$id"
}

# pid_of ID
pid_of() {
	rt state "$1" | jq -r .pid
}

# bg CMD...: run CMD in the background, stdio detached (stdout/stderr to
# $BG_OUT, default $TEST_DIR/bg.out); its pid is in $BG_PID and it is
# killed by teardown.
bg() {
	"$@" </dev/null >"${BG_OUT:-$TEST_DIR/bg.out}" 2>&1 &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# Cgroups -----------------------------------------------------------------

# cgroup_dir CONTROLLER PID: host directory of PID's cgroup for a cgroup v1
# CONTROLLER (e.g. memory, pids, cpu, freezer); fails if PID is not in a v1
# hierarchy with that controller.
cgroup_dir() {
	local ctrl=$1 pid=$2 line ctrls path c
	while IFS= read -r line; do
		ctrls=${line#*:}
		path=${ctrls#*:}
		ctrls=${ctrls%%:*}
		for c in ${ctrls//,/ }; do
			if [ "$c" = "$ctrl" ]; then
				# mount point: the v1 hierarchy is mounted at
				# /sys/fs/cgroup/<controller list> (or a symlink to it)
				if [ -d "/sys/fs/cgroup/$ctrl" ]; then
					echo "/sys/fs/cgroup/$ctrl$path"
				else
					echo "/sys/fs/cgroup/$ctrls$path"
				fi
				return 0
			fi
		done
	done <"/proc/$pid/cgroup"
	echo "no $ctrl cgroup for pid $pid" >&2
	return 1
}

# cgroup_dir_of ID CONTROLLER: cgroup directory (v1 CONTROLLER) of the
# container ID's init process.
cgroup_dir_of() {
	local pid
	pid=$(pid_of "$1") || return 1
	[ -n "$pid" ] && [ "$pid" != 0 ] || { echo "no pid for $1" >&2; return 1; }
	cgroup_dir "$2" "$pid"
}

# require_cgroup_v1 CONTROLLER...: skip unless every CONTROLLER is a
# mounted cgroup v1 hierarchy.
require_cgroup_v1() {
	local c
	for c in "$@"; do
		grep -qE "^[0-9]+:([^:]*,)?$c(,[^:]*)?:" /proc/self/cgroup ||
			skip "cgroup v1 controller $c not available"
	done
}

# Assertions ---------------------------------------------------------------

fail() {
	echo "FAIL: $*" >&2
	return 1
}

# assert_match REGEX [TEXT] (default TEXT = $output)
assert_match() {
	local re=$1 text=${2-$output}
	[[ "$text" =~ $re ]] || fail "expected /$re/ in: $text"
}

assert_eq() {
	[ "$1" = "$2" ] || fail "expected '$2', got '$1'"
}

assert_status() {
	[ "$status" -eq "$1" ] || fail "expected exit status $1, got $status; output: $output"
}

assert_failure() {
	[ "$status" -ne 0 ] || fail "expected failure; output: $output"
}

# Nothing is left behind for container ID: no state, no process, no
# mount, no cgroup.
assert_nothing_left() {
	local id=$1
	run rt state "$id"
	[ "$status" -ne 0 ] || fail "state for $id still exists: $output"
	[ ! -e "$ROOT/$id" ] || fail "state dir $ROOT/$id left behind"
	rt list -q | grep -qx -- "$id" && fail "$id still listed"
	local i
	for ((i = 0; i < 40; i++)); do
		[ -z "$(leaked_pids)" ] && break
		sleep 0.05
	done
	[ -z "$(leaked_pids)" ] || fail "processes left: $(leaked_pids)"
	[ -z "$(leaked_mounts)" ] || fail "mounts left: $(leaked_mounts)"
	[ -z "$(find /sys/fs/cgroup -type d -name "$id" 2>/dev/null)" ] ||
		fail "cgroup left: $(find /sys/fs/cgroup -type d -name "$id")"
	return 0
}

# Console socket helpers ---------------------------------------------------

# start_recvtty SOCK OUTFILE [INPUT]: start receiver in background.
start_recvtty() {
	local sock=$1 out=$2 input=${3:-}
	[ -n "$PYTHON" ] || skip "python3 not available"
	if [ -n "$input" ]; then
		"$PYTHON" "$RECVTTY" --input "$input" "$sock" >"$out" 2>"$out.err" &
	else
		"$PYTHON" "$RECVTTY" "$sock" >"$out" 2>"$out.err" &
	fi
	RECVTTY_PID=$!
	wait_for test -S "$sock"
}

# wait_recvtty: wait for the receiver to exit (pty closed).
wait_recvtty() {
	local i
	for ((i = 0; i < WAIT_TIMEOUT * 20; i++)); do
		kill -0 "$RECVTTY_PID" 2>/dev/null || { wait "$RECVTTY_PID"; return; }
		sleep 0.05
	done
	kill "$RECVTTY_PID" 2>/dev/null
	fail "recvtty did not exit"
}
