#!/usr/bin/env bats
# runtime exec: running additional processes in a running container.

load helpers

setup_running() {
	run_detached "$CID"
	wait_status "$CID" running
}

@test "exec runs a command with arguments" {
	setup_running
	run rt exec "$CID" echo hello world
	assert_status 0
	assert_eq "$output" "hello world"
	run rt exec "$CID" sh -c 'echo "$0:$1"' a b
	assert_status 0
	assert_eq "$output" "a:b"
}

@test "exec propagates the exit code" {
	setup_running
	run rt exec "$CID" sh -c 'exit 42'
	assert_status 42
	run rt exec "$CID" true
	assert_status 0
	run rt exec "$CID" false
	assert_status 1
}

@test "exec runs in the container's namespaces and rootfs" {
	setup_running
	local pid
	pid=$(pid_of "$CID")
	run rt exec "$CID" readlink /proc/self/ns/pid
	assert_status 0
	assert_eq "$output" "$(readlink /proc/"$pid"/ns/pid)"
	run rt exec "$CID" readlink /proc/self/ns/mnt
	assert_eq "$output" "$(readlink /proc/"$pid"/ns/mnt)"
	# PID 1 in the container's pid namespace is the init (sleep)
	run rt exec "$CID" cat /proc/1/cmdline
	assert_match '^sleep'
	# exec'd process joins the container's cgroup (seen from the host: with
	# a cgroup namespace the container itself sees only "/")
	ctr exec --detach --pid-file "$TEST_DIR/exec.pid" "$CID" sleep 100
	assert_match "hako-test/$CID" "$(cat /proc/"$(cat "$TEST_DIR/exec.pid")"/cgroup)"
	# and its cgroup namespace
	assert_eq "$(readlink /proc/"$(cat "$TEST_DIR/exec.pid")"/ns/cgroup)" "$(readlink /proc/"$pid"/ns/cgroup)"
}

@test "exec --process FILE" {
	setup_running
	cat >"$TEST_DIR/process.json" <<-'EOF2'
	{
		"terminal": false,
		"user": {"uid": 1000, "gid": 1000},
		"args": ["sh", "-c", "echo $FOO; id -u; id -g; pwd"],
		"env": ["PATH=/bin", "FOO=from-process-json"],
		"cwd": "/tmp"
	}
	EOF2
	run rt exec --process "$TEST_DIR/process.json" "$CID"
	assert_status 0
	assert_eq "$output" "$(printf 'from-process-json\n1000\n1000\n/tmp')"
}

@test "exec --detach --pid-file" {
	setup_running
	ctr exec --detach --pid-file "$TEST_DIR/exec.pid" "$CID" sleep 500
	[ -s "$TEST_DIR/exec.pid" ]
	local pid
	pid=$(cat "$TEST_DIR/exec.pid")
	kill -0 "$pid"
	assert_match 'sleep' "$(tr '\0' ' ' </proc/"$pid"/cmdline)"
	# the detached process is one of the container's processes
	run rt ps --format json "$CID"
	echo "$output" | jq -e --argjson p "$pid" 'index($p) != null'
	rt delete -f "$CID"
	wait_for sh -c "! kill -0 $pid 2>/dev/null"
}

@test "exec --cwd" {
	setup_running
	run rt exec --cwd /etc "$CID" pwd
	assert_status 0
	assert_eq "$output" /etc
}

@test "exec --env adds and overrides variables" {
	setup_running
	run rt exec --env FOO=bar --env HOME=/elsewhere "$CID" sh -c 'echo "$FOO $HOME"; echo "$PATH"'
	assert_status 0
	assert_eq "${lines[0]}" "bar /elsewhere"
	# PATH from config.json is kept
	assert_match '/bin' "${lines[1]}"
}

@test "exec --user uid:gid and --additional-gids" {
	setup_running
	run rt exec --user 1000:1000 "$CID" id
	assert_status 0
	assert_match 'uid=1000\(app\) gid=1000\(app\)'
	run rt exec --user 65534 "$CID" id -u
	assert_eq "$output" 65534
	run rt exec --user 1000:1000 --additional-gids 5 "$CID" id -G
	assert_status 0
	assert_match '(^| )5( |$)'
}

@test "exec --cap adds a capability" {
	setup_running
	# CAP_SYS_ADMIN is bit 21 (0x200000); not in the default spec set.
	run rt exec "$CID" sh -c 'grep CapEff /proc/self/status'
	local eff=$(( 0x$(echo "$output" | awk '{print $2}') ))
	[ $(( eff & 0x200000 )) -eq 0 ] || fail "CAP_SYS_ADMIN unexpectedly present: $output"
	run rt exec --cap CAP_SYS_ADMIN "$CID" sh -c 'grep CapEff /proc/self/status'
	assert_status 0
	eff=$(( 0x$(echo "$output" | awk '{print $2}') ))
	[ $(( eff & 0x200000 )) -ne 0 ] || fail "CAP_SYS_ADMIN missing: $output"
}

@test "exec --no-new-privs" {
	jq_config '.process.noNewPrivileges = false'
	setup_running
	run rt exec "$CID" grep NoNewPrivs /proc/self/status
	assert_status 0
	assert_match 'NoNewPrivs:[[:space:]]+0'
	run rt exec --no-new-privs "$CID" grep NoNewPrivs /proc/self/status
	assert_status 0
	assert_match 'NoNewPrivs:[[:space:]]+1'
}

@test "exec of a missing executable fails cleanly" {
	setup_running
	run rt exec "$CID" /bin/no-such-binary
	assert_failure
	assert_match 'no-such-binary'
	# the container is unaffected
	assert_eq "$(status_of "$CID")" running
}

@test "exec into a stopped container fails" {
	set_args true
	ctr create "$CID"
	ctr start "$CID"
	wait_status "$CID" stopped
	run rt exec "$CID" echo hi
	assert_failure
}

@test "exec --tty with --console-socket" {
	setup_running
	local sock="$TEST_DIR/tty.sock" out="$TEST_DIR/tty.out"
	start_recvtty "$sock" "$out"
	# (a console socket is only meaningful together with --detach)
	ctr exec --detach --tty --console-socket "$sock" "$CID" sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo stdio-is-a-tty; exit 3'
	wait_recvtty
	run cat "$out"
	assert_match '/dev/pts/[0-9]+'
	assert_match 'stdio-is-a-tty'
}

@test "exec --tty receives input through the pty" {
	setup_running
	local sock="$TEST_DIR/tty.sock" out="$TEST_DIR/tty.out"
	start_recvtty "$sock" "$out" $'ping-input\n'
	ctr exec --detach --tty --console-socket "$sock" "$CID" sh -c 'read line; echo "got:$line"'
	wait_recvtty
	run cat "$out"
	assert_match 'got:ping-input'
}
