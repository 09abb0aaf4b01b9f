#!/usr/bin/env bats
# top, stats and update on busybox containers, as a user runs them: top
# shows the container's processes and no others, stats shows Docker's
# columns and real figures, update changes the live cgroup and what the
# next start builds, with Docker's errors for bad values.

bats_require_minimum_version 1.5.0
load helpers
load image_helpers
load container_helpers

# Host processes a test started (to check they are not listed) go too.
HOST_PIDS=()
teardown() {
	[ ${#HOST_PIDS[@]} -eq 0 ] || kill "${HOST_PIDS[@]}" 2>/dev/null || true
	container_teardown
}

# stats_of CONTAINER TEMPLATE: one --no-stream reading through --format.
stats_of() { hako stats --no-stream --format "$2" "$1"; }

@test "top lists the container's processes and no others" {
	hako run -d --name tp busybox sh -c 'sleep 1000 & exec sleep 999' >/dev/null
	sleep 1234 &
	HOST_PIDS+=($!)
	eventually '[ "$(hako top tp | grep -c "sleep 1000\|sleep 999")" = 2 ]'
	run hako top tp
	assert_status 0
	assert_match '^UID +PID +PPID +C +STIME +TTY +TIME +CMD'
	assert_match 'sleep 1000'
	assert_match 'sleep 999'
	[[ "$output" != *"sleep 1234"* ]] || fail "a host process is listed: $output"
	assert_eq "${#lines[@]}" 3
	# ps options after the container, and the init's pid in the PID column.
	pid=$(hako inspect -f '{{.State.Pid}}' tp)
	run hako top tp -o pid,comm
	assert_status 0
	assert_match '^PID +COMMAND'
	grep -qE "^$pid +sleep$" <<<"$output" || fail "no row for the init ($pid): $output"
	run hako top tp -o ppid=PID
	assert_status 1
	assert_match 'Error response from daemon: specifying "ppid=PID" is not allowed'
	# A paused container's processes are still listed.
	hako pause tp
	run hako top tp
	assert_status 0
	assert_match 'sleep 999'
	hako unpause tp
}

@test "top on a stopped or unknown container fails as Docker's" {
	id=$(hako create --name stopped busybox sleep 1000)
	run hako top stopped
	assert_status 1
	assert_eq "$output" "Error response from daemon: container $id is not running"
	run hako top nosuch
	assert_status 1
	assert_eq "$output" "Error response from daemon: No such container: nosuch"
	run hako top
	assert_status 1
	assert_match 'requires at least 1 argument'
}

@test "stats --no-stream: Docker's columns, the memory limit, CPU and pids" {
	id=$(hako run -d --name lim --memory 64m busybox sh -c 'sleep 1000 & exec sleep 999')
	hako run -d --name busy busybox sh -c 'while :; do :; done' >/dev/null
	eventually '[ "$(stats_of lim "{{.PIDs}}")" = 2 ]'
	run hako stats --no-stream
	assert_status 0
	assert_match '^CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS'
	assert_match "${id:0:12} +lim +[0-9]+\.[0-9]{2}% +[0-9.]+(B|KiB|MiB) / 64MiB +[0-9]+\.[0-9]{2}% +[0-9.]+[kMG]?B / [0-9.]+[kMG]?B +[0-9.]+[kMG]?B / [0-9.]+[kMG]?B +2"
	assert_match 'busy +[0-9]+\.[0-9]{2}% '
	assert_eq "${#lines[@]}" 3
	# The busy loop uses a cpu: CPU % comes from two real readings.
	cpu=$(stats_of busy '{{.CPUPerc}}')
	awk -v c="${cpu%\%}" 'BEGIN { exit !(c > 10) }' || fail "busy loop CPU % is $cpu"
	cpu=$(stats_of lim '{{.CPUPerc}}')
	awk -v c="${cpu%\%}" 'BEGIN { exit !(c < 5) }' || fail "sleeping container's CPU % is $cpu"
	# Without a limit the host's memory is the limit, as Docker shows it.
	host=$(awk '/MemTotal/ { print $2 * 1024 }' /proc/meminfo)
	limit=$(stats_of busy '{{.MemUsage}}')
	[[ "$limit" == *" / "*GiB ]] || fail "unlimited container's MEM USAGE / LIMIT is $limit (host has $host bytes)"
	assert_eq "$(stats_of busy '{{.PIDs}}')" 1
}

@test "stats: --format, --no-trunc, -a, unknown containers and streaming" {
	# no network: NET I/O is exactly nothing
	id=$(hako run -d --name fm --network none busybox sleep 1000)
	hako create --name idle busybox true >/dev/null
	run hako stats --no-stream --format '{{.Container}} {{.Name}} {{.ID}} {{.NetIO}}' fm
	assert_status 0
	assert_eq "$output" "fm fm ${id:0:12} 0B / 0B"
	run hako stats --no-stream --no-trunc --format '{{.ID}}'
	assert_eq "$output" "$id"
	run hako stats --no-stream --format 'table {{.Name}}\t{{.PIDs}}'
	assert_match '^NAME +PIDS'
	assert_match 'fm +1'
	run hako stats --no-stream --format '{{json .}}' fm
	assert_status 0
	assert_eq "$(jq -r '[.Name, .PIDs, .MemPerc[-1:], (keys | join(","))] | join(" ")' <<<"$output")" \
		"fm 1 % BlockIO,CPUPerc,Container,ID,MemPerc,MemUsage,Name,NetIO,PIDs"
	# -a adds containers that are not running, as zeros.
	run hako stats --no-stream -a --format '{{.Name}}: {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}'
	assert_match 'idle: 0.00% 0B / 0B 0'
	assert_match 'fm: '
	run hako stats --no-stream --format '{{.Name}}'
	assert_eq "$output" "fm"
	run hako stats --no-stream nosuch
	assert_status 1
	assert_eq "$output" "Error response from daemon: No such container: nosuch"
	# Streaming to a pipe: a new table every second until interrupted.
	run timeout -s INT 3.5 "$HAKO" stats fm
	[ "$(grep -c '^CONTAINER ID' <<<"$output")" -ge 2 ] || fail "expected several tables: $output"
	[[ "$output" != *$'\033'* ]] || fail "screen control codes on a pipe"
}

@test "update changes the running container's cgroup and inspect" {
	hako run -d --name up --memory 64m busybox sleep 1000 >/dev/null
	assert_eq "$(cg_read up memory memory.limit_in_bytes memory.max)" 67108864
	assert_eq "$(hako inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.PidsLimit}}' up)" \
		"67108864 134217728 <nil>"
	run hako update --memory 100m up
	assert_status 0
	assert_eq "$output" "up"
	assert_eq "$(cg_read up memory memory.limit_in_bytes memory.max)" 104857600
	assert_eq "$(hako inspect -f '{{.HostConfig.Memory}}' up)" 104857600

	run hako update --pids-limit 50 up
	assert_status 0
	assert_eq "$(cg_read up pids pids.max pids.max)" 50
	assert_eq "$(hako inspect -f '{{.HostConfig.PidsLimit}}' up)" 50
	hako update --pids-limit -1 up >/dev/null
	assert_eq "$(cg_read up pids pids.max pids.max)" max

	# Above the memory+swap limit set at run (twice the memory): Docker's
	# refusal, unless the swap limit rises with it.
	run hako update --memory 200m up
	assert_status 1
	assert_match "Error response from daemon: Cannot update container [0-9a-f]{64}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time"
	run hako update --memory 200m --memory-swap 400m up
	assert_status 0
	assert_eq "$(cg_read up memory memory.limit_in_bytes memory.max)" 209715200
	if ! cgroup2_host; then
		assert_eq "$(cg_read up memory memory.memsw.limit_in_bytes memory.swap.max)" 419430400
	fi

	hako update --cpus 0.5 --cpu-shares 512 up >/dev/null
	if cgroup2_host; then
		assert_eq "$(cg_read up cpu - cpu.max)" "50000 100000"
	else
		assert_eq "$(cg_read up cpu cpu.cfs_quota_us -)" 50000
		assert_eq "$(cg_read up cpu cpu.shares -)" 512
	fi
	assert_eq "$(hako inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}}' up)" "500000000 512"

	# The new limits are what the next start builds.
	hako restart -t 1 up >/dev/null
	assert_eq "$(cg_read up memory memory.limit_in_bytes memory.max)" 209715200
	if ! cgroup2_host; then
		assert_eq "$(cg_read up cpu cpu.cfs_quota_us -)" 50000
	fi
}

@test "update on a stopped container applies at its start" {
	hako create --name later busybox sleep 1000 >/dev/null
	run hako update --memory 80m --pids-limit 30 later
	assert_status 0
	assert_eq "$output" "later"
	assert_eq "$(hako inspect -f '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' later)" "83886080 30"
	hako start later
	assert_eq "$(cg_read later memory memory.limit_in_bytes memory.max)" 83886080
	assert_eq "$(cg_read later pids pids.max pids.max)" 30
}

@test "update --restart takes effect at the container's next exit" {
	hako run -d --name rs busybox sh -c 'while [ ! -e /go ]; do sleep 0.1; done; exit 3' >/dev/null
	run hako update --restart on-failure:2 rs
	assert_status 0
	assert_eq "$(hako inspect -f '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}' rs)" \
		"on-failure:2"
	hako exec rs touch /go
	eventually '[ "$(hako inspect -f "{{.State.Status}} {{.RestartCount}}" rs)" = "exited 2" ]'
	assert_eq "$(hako inspect -f '{{.State.ExitCode}}' rs)" 3
	run hako update --restart sometimes rs
	assert_status 1
	assert_match "invalid restart policy: unknown policy 'sometimes'"
	hako run -d --rm --name auto busybox sleep 1000 >/dev/null
	run hako update --restart always auto
	assert_status 1
	assert_match 'Restart policy cannot be updated because AutoRemove is enabled for the container'
}

@test "update refuses bad values with Docker's messages" {
	hako run -d --name bad busybox sleep 1000 >/dev/null
	run hako update --memory 1m bad
	assert_status 1
	assert_eq "$output" "Error response from daemon: Minimum memory limit allowed is 6MB"
	run hako update --memory 100m --memory-swap 50m bad
	assert_status 1
	assert_eq "$output" "Error response from daemon: Minimum memoryswap limit should be larger than memory limit, see usage"
	run hako update --cpu-period 10 bad
	assert_status 1
	assert_match 'CPU cfs period can not be less than 1ms'
	run hako update --memory abc bad
	assert_status 125
	assert_match "invalid argument \"abc\" for \"-m, --memory\" flag: invalid size: 'abc'"
	run hako update --memory 100m nosuch
	assert_status 1
	assert_eq "$output" "Error response from daemon: No such container: nosuch"
	run hako update bad
	assert_status 1
	assert_match 'you must provide one or more flags when using this command'
	# Nothing changed.
	assert_eq "$(hako inspect -f '{{.HostConfig.Memory}}' bad)" 0
}
