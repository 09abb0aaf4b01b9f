# The setup and teardown of the bats files that run containers: a store of
# their own per test (HAKO_ROOT) with busybox imported, and at the end
# every container removed and no monitor or mount of the test left.
# Load after helpers and image_helpers.

setup() {
	image_test_setup
	import_busybox
	host_network_save
}

teardown() { container_teardown; }

# Every container of this test's store removed, and no monitor, mount or
# process of it left.
container_teardown() {
	local ids
	ids=$("$HAKO" ps -aq --no-trunc 2>/dev/null) || true
	[ -z "$ids" ] || "$HAKO" rm -f $ids >/dev/null 2>&1 || true
	local i
	for ((i = 0; i < 100; i++)); do
		pgrep -f "hako-monitor $HAKO_ROOT" >/dev/null || break
		sleep 0.05
	done
	pgrep -af "hako-monitor $HAKO_ROOT" && fail "monitors left"
	host_network_restore
	for m in $(awk -v d="$BATS_TEST_TMPDIR" '$5 ~ "^"d {print $5}' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || true
		fail "mount left: $m"
	done
	# no cgroup of any container the test made (the event log names them all)
	local id left
	for id in $("$HAKO" events --since 0 --until "$(($(date +%s) + 1))" --filter event=create --format '{{.Actor.ID}}' 2>/dev/null); do
		left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "$id" 2>/dev/null)
		[ -z "$left" ] || fail "cgroup left: $left"
	done
	return 0
}

# Containers run on the default bridge: the host gets hako0, `table ip hako`
# and IPv4 forwarding, which stay (as docker0 does). A test removes them
# again when it made them.
host_network_save() {
	HAD_BRIDGE=0 HAD_TABLE=0
	ip link show hako0 >/dev/null 2>&1 && HAD_BRIDGE=1
	nft list table ip hako >/dev/null 2>&1 && HAD_TABLE=1
	IP_FORWARD=$(cat /proc/sys/net/ipv4/ip_forward)
}

host_network_restore() {
	[ -n "${IP_FORWARD:-}" ] || return 0
	[ "$HAD_BRIDGE" = 1 ] || ip link del hako0 2>/dev/null || true
	[ "$HAD_TABLE" = 1 ] || nft delete table ip hako 2>/dev/null || true
	echo "$IP_FORWARD" >/proc/sys/net/ipv4/ip_forward
}

cgroup2_host() { [ -f /sys/fs/cgroup/cgroup.controllers ]; }

# cg_read CONTAINER V1_CONTROLLER V1_FILE V2_FILE: a file of the container's
# cgroup, found from its init's /proc/PID/cgroup, on either cgroup version.
cg_read() {
	local pid dir
	pid=$(hako inspect -f '{{.State.Pid}}' "$1") || return 1
	[ "$pid" != 0 ] || { echo "$1 is not running" >&2; return 1; }
	if cgroup2_host; then
		dir=/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
		cat "$dir/$4"
	else
		dir=$(cgroup_dir "$2" "$pid") || return 1
		cat "$dir/$3"
	fi
}
