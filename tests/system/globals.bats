#!/usr/bin/env bats
# runc's global flags and create options not covered elsewhere: --log with
# --log-format text|json, --debug, --systemd-cgroup, --no-new-keyring.

load helpers

@test "--log --log-format json writes the error as a JSON line" {
	run rt --log "$TEST_DIR/log.json" --log-format json state no-such-container
	[ "$status" -ne 0 ] || fail "state of a missing container succeeded"
	run jq -r 'select(.level == "error") | .msg' "$TEST_DIR/log.json"
	assert_status 0
	assert_match 'no-such-container'
}

@test "--log --log-format text writes logfmt lines" {
	run rt --log "$TEST_DIR/log.txt" --log-format text kill no-such-container
	[ "$status" -ne 0 ] || fail "kill of a missing container succeeded"
	run cat "$TEST_DIR/log.txt"
	assert_match 'level=error msg=".*no-such-container'
}

@test "--log-format other than text or json is refused" {
	run rt --log-format yaml list
	[ "$status" -ne 0 ] || fail "--log-format yaml accepted"
	assert_match 'yaml'
}

@test "--debug is accepted" {
	run rt --debug list -q
	assert_status 0
}

@test "--systemd-cgroup is a clear error, and nothing is created" {
	set_args true
	run rt --systemd-cgroup run "$CID"
	[ "$status" -ne 0 ] || fail "--systemd-cgroup accepted"
	assert_match 'systemd'
	assert_nothing_left "$CID"
}

@test "each container gets its own session keyring unless --no-new-keyring" {
	# hako names the keyring after the container, and the host sees it in
	# /proc/keys while it exists. (runc also makes one, but restricts its
	# permissions so the host cannot view it: this test is hako's.)
	[ -r /proc/keys ] || skip "no /proc/keys"
	set_args sleep 100
	ctr run -d "$CID"
	grep -q " $CID: " /proc/keys || fail "no keyring named $CID in /proc/keys"
	rt delete -f "$CID"
	# A fresh id: the kernel collects an unused keyring only eventually.
	ctr run -d --no-new-keyring "$CID-b"
	! grep -q " $CID-b: " /proc/keys || fail "--no-new-keyring still made a keyring"
	rt delete -f "$CID-b"
	assert_nothing_left "$CID"
	assert_nothing_left "$CID-b"
}
