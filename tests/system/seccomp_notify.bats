#!/usr/bin/env bats
# Seccomp user notification: the runtime hands the notify fd, with the
# container process state, to the listener at linux.seccomp.listenerPath.

load helpers

@test "SCMP_ACT_NOTIFY sends the notify fd and state to listenerPath" {
	local sock="$TEST_DIR/listener.sock" out="$TEST_DIR/listener.out"
	"$PYTHON" "$TESTS_DIR/seccomp_listener.py" "$sock" "$out" &
	BG_PIDS+=($!)
	wait_for test -S "$sock"
	jq_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64"],
		"listenerPath": "'"$sock"'", "listenerMetadata": "hako-test-meta",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	# Wait for the listener to have closed the fd before trying mkdir.
	set_args sh -c 'while [ ! -e /dev/shm/go ]; do sleep 0.05; done; mkdir /tmp/x 2>&1; echo rc=$?'
	ctr run -d "$CID"
	wait_for test -e "$out"
	run jq -r '.metadata, .fds[0], (.state.id // "")' <(head -n1 "$out")
	assert_status 0
	assert_eq "${lines[0]}" hako-test-meta
	assert_eq "${lines[1]}" seccompFd
	assert_eq "${lines[2]}" "$CID"
	grep -q '^fds=1$' "$out" || fail "no fd was passed: $(cat "$out")"
	local pid
	pid=$(pid_of "$CID")
	touch "/proc/$pid/root/dev/shm/go"
	wait_status "$CID" stopped
	grep -q 'Function not implemented' "$TEST_DIR/ctr.log" || fail "mkdir was not refused: $(cat "$TEST_DIR/ctr.log")"
	rt delete "$CID"
	assert_nothing_left "$CID"
}

@test "SCMP_ACT_NOTIFY without listenerPath is refused at create" {
	jq_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	run rt run "$CID"
	[ "$status" -ne 0 ] || fail "run succeeded"
	assert_match 'listenerPath'
	assert_nothing_left "$CID"
}
