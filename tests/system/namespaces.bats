#!/usr/bin/env bats
# Linux namespaces: creating new ones and joining existing ones by path.

load helpers

ns_of() { readlink "/proc/$1/ns/$2"; }

@test "pid namespace: the container process is pid 1" {
	set_args sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "'
	run rt run "$CID"
	assert_status 0
	assert_eq "${lines[0]}" 1
	assert_match '^sh -c' "${lines[1]}"
}

@test "without a pid namespace the container shares the host pid namespace" {
	remove_ns pid
	set_args readlink /proc/self/ns/pid
	run rt run "$CID"
	assert_status 0
	assert_eq "$output" "$(ns_of $$ pid)"
}

@test "uts namespace: hostname and domainname" {
	# NOTE: runc 1.1.5 ignores "domainname" (supported since runc 1.2), so
	# it fails the domainname check. Correct per runtime-spec 1.2.
	jq_config '.hostname = "hako-host" | .domainname = "hako.example"'
	set_args sh -c 'hostname; cat /proc/sys/kernel/domainname'
	run rt run "$CID"
	assert_status 0
	assert_eq "${lines[0]}" hako-host
	assert_eq "${lines[1]}" hako.example
	# host is unaffected
	[ "$(hostname)" != hako-host ]
}

@test "ipc namespace is private" {
	set_args readlink /proc/self/ns/ipc
	run rt run "$CID"
	assert_status 0
	assert_match '^ipc:\[[0-9]+\]$'
	[ "$output" != "$(ns_of $$ ipc)" ] || fail "shares host ipc ns"
}

@test "network namespace only has lo" {
	set_args sh -c 'ls /sys/class/net; echo --; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
	run rt run "$CID"
	assert_status 0
	assert_eq "$output" "$(printf 'lo\n--\nlo')"
}

@test "mount namespace is private" {
	set_args readlink /proc/self/ns/mnt
	run rt run "$CID"
	assert_status 0
	[ "$output" != "$(ns_of $$ mnt)" ] || fail "shares host mount ns"
}

@test "user namespace with uid/gid mappings" {
	[ -e /proc/self/ns/user ] || skip "no user namespace support"
	# The mapped root (host uid 100000) must be able to reach the bundle.
	local d=$BUNDLE
	while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
	chmod -R o+rX "$BUNDLE/rootfs"
	add_ns user
	jq_config '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	set_args sh -c 'cat /proc/self/uid_map; echo --; cat /proc/self/gid_map; echo --; id -u; id -g'
	run rt run "$CID"
	assert_status 0
	local sections
	sections=$(echo "$output" | tr -s ' ' | sed 's/^ //')
	assert_match '^0 100000 65536' "$sections"
	assert_match $'--\n0 200000 65536' "$sections"
	assert_match $'--\n0\n0$' "$sections"
}

@test "user namespace: container process runs as the mapped host uid" {
	[ -e /proc/self/ns/user ] || skip "no user namespace support"
	local d=$BUNDLE
	while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
	chmod -R o+rX "$BUNDLE/rootfs"
	add_ns user
	jq_config '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	run_detached
	wait_status "$CID" running
	local pid
	pid=$(pid_of "$CID")
	run awk '/^Uid:/ {print $2}' /proc/"$pid"/status
	assert_eq "$output" 100000
	[ "$(ns_of "$pid" user)" != "$(ns_of $$ user)" ] || fail "shares host user ns"
}

@test "cgroup namespace: the container sees its cgroup as root" {
	add_ns cgroup
	set_args cat /proc/self/cgroup
	run rt run "$CID"
	assert_status 0
	[[ "$output" != *hako-test* ]] || fail "cgroup path visible: $output"
	assert_match ':/$'
}

@test "time namespace with timeOffsets" {
	# NOTE: runc 1.1.5 does not support the time namespace (added in
	# runc 1.2); it fails this test. Correct per runtime-spec 1.2.
	[ -e /proc/self/ns/time ] || skip "kernel has no time namespace"
	add_ns time
	jq_config '.linux.timeOffsets = {"monotonic": {"secs": 864000, "nanosecs": 0},
		"boottime": {"secs": 1728000, "nanosecs": 0}}'
	set_args sh -c 'cat /proc/self/timens_offsets; echo --; cut -d. -f1 /proc/uptime'
	run rt run "$CID"
	assert_status 0
	assert_match 'monotonic +864000 +0'
	assert_match 'boottime +1728000 +0'
	local host_up
	host_up=$(cut -d. -f1 /proc/uptime)
	# uptime is based on boottime: at least 1728000s more than the host's
	[ "${lines[-1]}" -ge $((host_up + 1728000 - 5)) ] || fail "uptime ${lines[-1]} vs host $host_up"
}

@test "join a network namespace created by ip netns add" {
	command -v ip >/dev/null || skip "ip not installed"
	local ns="$CID"
	ip netns add "$ns" || skip "cannot create netns"
	NETNS_CREATED+=("$ns")
	ip netns exec "$ns" ip link set lo up
	add_ns network "/var/run/netns/$ns"
	set_args sh -c 'readlink /proc/self/ns/net; cat /sys/class/net/lo/operstate'
	run rt run "$CID"
	assert_status 0
	assert_eq "${lines[0]}" "net:[$(stat -L -c %i /var/run/netns/"$ns")]"
	assert_match 'unknown|up' "${lines[1]}"
	ip netns delete "$ns"
	NETNS_CREATED=()
	[ ! -e "/var/run/netns/$ns" ]
}

@test "join another container's uts namespace by /proc/PID/ns/uts" {
	jq_config '.hostname = "alpha"'
	run_detached "$CID"
	wait_status "$CID" running
	local pid
	pid=$(pid_of "$CID")

	local b2="$TEST_DIR/bundle2"
	make_bundle "$b2" "$CID-b"
	jq_config --arg p "/proc/$pid/ns/uts" '
		del(.hostname) | .root.readonly = false
		| .linux.namespaces = ([.linux.namespaces[] | select(.type != "uts")] + [{type: "uts", path: $p}])
		| .process.args = ["sh", "-c", "hostname; readlink /proc/self/ns/uts"]' "$b2/config.json"
	run rt run --bundle "$b2" "$CID-b"
	assert_status 0
	assert_eq "${lines[0]}" alpha
	assert_eq "${lines[1]}" "$(ns_of "$pid" uts)"
}

@test "join another container's ipc and pid namespaces by path" {
	run_detached "$CID"
	wait_status "$CID" running
	local pid
	pid=$(pid_of "$CID")

	local b2="$TEST_DIR/bundle2"
	make_bundle "$b2" "$CID-b"
	jq_config --arg p "/proc/$pid/ns" '
		.linux.namespaces = ([.linux.namespaces[] | select(.type != "ipc" and .type != "pid")]
			+ [{type: "ipc", path: ($p + "/ipc")}, {type: "pid", path: ($p + "/pid")}])
		| .process.args = ["sh", "-c", "readlink /proc/self/ns/ipc; cat /proc/1/cmdline | tr \"\\0\" \" \""]' "$b2/config.json"
	run rt run --bundle "$b2" "$CID-b"
	assert_status 0
	assert_eq "${lines[0]}" "$(ns_of "$pid" ipc)"
	# pid 1 in the joined pid ns is the first container's sleep
	assert_match '^sleep 1000' "${lines[1]}"
}
