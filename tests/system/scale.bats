#!/usr/bin/env bats
# Many containers at once: 100 started with run -d are all running, each
# with its own monitor, and all go away with rm -f. (The memory each
# costs is measured by bench/containers.sh, not here.)

bats_require_minimum_version 1.5.0
load helpers
load image_helpers
load container_helpers

@test "100 containers started with run -d all run, then all are removed" {
	local i
	for ((i = 1; i <= 100; i++)); do
		hako run -d --name "many$i" busybox sleep 1000 >/dev/null
	done
	assert_eq "$(hako ps -q | wc -l)" 100
	assert_eq "$(hako ps --filter status=running --format '{{.Names}}' | sort -V | head -n 1)" "many1"
	assert_eq "$(pgrep -fc "hako-monitor $HAKO_ROOT")" 100
	# each container is its own: its own pid namespace, its sleep is pid 1
	local pids
	pids=$(for ((i = 1; i <= 100; i++)); do hako inspect -f '{{.State.Pid}}' "many$i"; done | sort -u | wc -l)
	assert_eq "$pids" 100
	run hako exec many57 sh -c 'tr "\0" " " </proc/1/cmdline'
	assert_eq "$output" "sleep 1000 "
	hako rm -f $(hako ps -aq) >/dev/null
	assert_eq "$(hako ps -aq | wc -l)" 0
}
