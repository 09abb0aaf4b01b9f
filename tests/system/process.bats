#!/usr/bin/env bats
# The container process: env, cwd, user, umask, rlimits, sysctl, terminal,
# inherited file descriptors.

load helpers

@test "process.env is set (and nothing else leaks in)" {
	jq_config '.process.env = ["PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY="]'
	set_args sh -c 'env | sort'
	HOST_ONLY_VAR=leak run rt run "$CID"
	assert_status 0
	assert_match '(^|'$'\n'')FOO=bar baz($|'$'\n'')'
	assert_match '(^|'$'\n'')EMPTY=($|'$'\n'')'
	assert_match '(^|'$'\n'')PATH=/bin:/usr/bin($|'$'\n'')'
	[[ "$output" != *HOST_ONLY_VAR* ]] || fail "host environment leaked: $output"
}

@test "process.cwd" {
	jq_config '.process.cwd = "/tmp"'
	set_args pwd
	run rt run "$CID"
	assert_status 0
	assert_eq "$output" /tmp
}

@test "process.cwd that does not exist is created" {
	jq_config '.process.cwd = "/does/not/exist"'
	set_args pwd
	run rt run "$CID"
	assert_status 0
	assert_eq "$output" /does/not/exist
}

@test "process.user uid, gid and additionalGids" {
	jq_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5, 65534]}'
	set_args sh -c 'id -u; id -g; id -G; id'
	run rt run "$CID"
	assert_status 0
	assert_eq "${lines[0]}" 1000
	assert_eq "${lines[1]}" 1000
	local g
	for g in 5 65534; do
		assert_match "(^| )$g( |$)" "${lines[2]}"
	done
	assert_match 'uid=1000\(app\) gid=1000\(app\)' "${lines[3]}"
}

@test "process.user without additionalGids has no supplementary groups" {
	jq_config '.process.user = {"uid": 65534, "gid": 65534}'
	set_args sh -c 'id -u; id -G; grep ^Groups: /proc/self/status'
	run rt run "$CID"
	assert_status 0
	assert_eq "${lines[0]}" 65534
	assert_eq "${lines[1]}" 65534
	assert_match '^Groups:[[:space:]]*(65534)?[[:space:]]*$' "${lines[2]}"
}

@test "process.user.umask" {
	jq_config '.process.user.umask = 23'    # 23 decimal == 027 octal
	set_args sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
	run rt run "$CID"
	assert_status 0
	assert_eq "${lines[0]}" 0027
	assert_eq "${lines[1]}" 640
}

@test "process.rlimits RLIMIT_NOFILE" {
	jq_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1000, "hard": 2000}]'
	set_args sh -c 'ulimit -n; ulimit -Hn; grep "Max open files" /proc/self/limits'
	run rt run "$CID"
	assert_status 0
	assert_eq "${lines[0]}" 1000
	assert_eq "${lines[1]}" 2000
	assert_match 'Max open files +1000 +2000'
}

@test "process.rlimits RLIMIT_NPROC and RLIMIT_CORE" {
	jq_config '.process.rlimits = [{"type": "RLIMIT_NPROC", "soft": 512, "hard": 1024},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
	set_args sh -c 'ulimit -u; ulimit -c'
	run rt run "$CID"
	assert_status 0
	assert_eq "${lines[0]}" 512
	assert_eq "${lines[1]}" 0
}

@test "linux.sysctl kernel.shmmax in the ipc namespace" {
	local host
	host=$(cat /proc/sys/kernel/shmmax)
	jq_config '.linux.sysctl = {"kernel.shmmax": "123456789"}'
	set_args cat /proc/sys/kernel/shmmax
	run rt run "$CID"
	assert_status 0
	assert_eq "$output" 123456789
	assert_eq "$(cat /proc/sys/kernel/shmmax)" "$host"
}

@test "linux.sysctl net.ipv4.ip_forward in the network namespace" {
	local host
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	jq_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	set_args cat /proc/sys/net/ipv4/ip_forward
	run rt run "$CID"
	assert_status 0
	assert_eq "$output" 1
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host"
}

@test "hostname" {
	jq_config '.hostname = "proc-test-host"'
	set_args sh -c 'hostname; cat /proc/sys/kernel/hostname'
	run rt run "$CID"
	assert_status 0
	assert_eq "${lines[0]}" proc-test-host
	assert_eq "${lines[1]}" proc-test-host
}

@test "process.terminal via --console-socket" {
	local sock="$TEST_DIR/console.sock" out="$TEST_DIR/console.out"
	jq_config '.process.terminal = true | .process.consoleSize = {"height": 30, "width": 100}'
	set_args sh -c 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty; stty size; echo ctty-$(cat /proc/self/stat | cut -d" " -f7)'
	start_recvtty "$sock" "$out"
	ctr create --console-socket "$sock" "$CID"
	ctr start "$CID"
	wait_recvtty
	wait_status "$CID" stopped
	run cat "$out"
	assert_match '/dev/pts/[0-9]+'
	assert_match 'all-tty'
	assert_match '30 100'
	# tty_nr of a controlling terminal is non-zero
	[[ "$output" != *ctty-0* ]] || fail "no controlling terminal: $output"
}

@test "process.terminal: input written to the pty reaches the process" {
	local sock="$TEST_DIR/console.sock" out="$TEST_DIR/console.out"
	jq_config '.process.terminal = true'
	set_args sh -c 'read line; echo "got:$line"'
	start_recvtty "$sock" "$out" $'hello-pty\n'
	ctr run -d --console-socket "$sock" "$CID"
	wait_recvtty
	run cat "$out"
	assert_match 'got:hello-pty'
}

@test "terminal=true without a console socket in detached mode fails" {
	jq_config '.process.terminal = true'
	set_args true
	run ctr create "$CID"
	assert_failure
	assert_nothing_left "$CID"
}

@test "--preserve-fds passes extra file descriptors" {
	echo fd3-content >"$TEST_DIR/f3"
	echo fd4-content >"$TEST_DIR/f4"
	set_args sh -c 'cat <&3; cat <&4; [ -e /proc/self/fd/5 ] && echo fd5-leaked; true'
	run rt run --preserve-fds 2 "$CID" 3<"$TEST_DIR/f3" 4<"$TEST_DIR/f4" 5<"$TEST_DIR/f4"
	assert_status 0
	assert_eq "${lines[0]}" fd3-content
	assert_eq "${lines[1]}" fd4-content
	[[ "$output" != *fd5-leaked* ]] || fail "fd 5 should not be passed"
}

@test "LISTEN_FDS socket-activation fds are passed through" {
	echo listen-content >"$TEST_DIR/f3"
	set_args sh -c 'echo "LISTEN_FDS=$LISTEN_FDS"; cat <&3'
	# LISTEN_PID must be the runtime's own pid, hence the exec.
	run bash -c 'export LISTEN_FDS=1 LISTEN_PID=$$; exec "$0" --root "$1" run "$2"' \
		"$RUNTIME" "$ROOT" "$CID" 3<"$TEST_DIR/f3"
	assert_status 0
	assert_eq "${lines[0]}" LISTEN_FDS=1
	assert_eq "${lines[1]}" listen-content
}

@test "no new privileges and capabilities from config" {
	jq_config '.process.noNewPrivileges = true
		| .process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL", "CAP_CHOWN"],
			"permitted": ["CAP_KILL", "CAP_CHOWN"], "inheritable": [], "ambient": []}'
	set_args sh -c 'grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status'
	run rt run "$CID"
	assert_status 0
	# CAP_CHOWN = bit 0, CAP_KILL = bit 5 -> 0x21
	assert_match 'CapEff:[[:space:]]+0+21'
	assert_match 'CapBnd:[[:space:]]+0+21'
	assert_match 'NoNewPrivs:[[:space:]]+1'
}

@test "process.oomScoreAdj" {
	jq_config '.process.oomScoreAdj = 345'
	set_args cat /proc/self/oom_score_adj
	run rt run "$CID"
	assert_status 0
	assert_eq "$output" 345
}
