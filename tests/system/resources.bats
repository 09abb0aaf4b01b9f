#!/usr/bin/env bats
# linux.resources (cgroup v1): memory/pids/cpu limits are enforced, and the
# runc commands that act on cgroups work: pause, resume, update, events, ps.
#
# The cgroup directories are looked up from the container's
# /proc/PID/cgroup (cgroup_dir_of), so they work wherever the runtime puts
# a relative cgroupsPath (runc 1.1.5 nests it under its own cgroup, e.g.
# memory:/<caller's cgroup>/hako-test/<id>).
#
# runc output formats matched here (runc 1.1.5):
#   events          one JSON object per line: {"type":"oom","id":"<id>"} on
#                   every OOM notification (possibly several per OOM), plus
#                   {"type":"stats","id":..,"data":{..}} every --interval (5s)
#   events --stats  exactly one line {"type":"stats","id":"<id>","data":{
#                   "cpu":{"usage":{"total":N,"percpu":[..],"kernel":N,
#                   "user":N},"throttling":{"periods":N,"throttledPeriods":N,
#                   "throttledTime":N}},"memory":{"usage":{"limit":N,
#                   "usage":N,"max":N,"failcnt":N},..},"pids":{"current":N,
#                   "limit":N},..}}
#   update          --memory BYTES, --pids-limit N, --cpu-quota/--cpu-period,
#                   --resources FILE|- (JSON in the linux.resources format,
#                   e.g. {"memory":{"limit":N}}; other flags then ignored)
#   pause/resume    resume of a running container fails ("container not
#                   paused"); state reports "paused".

load helpers

# An allocation of ~200 MB: ash reads a command substitution into memory.
ALLOC='x=$(head -c 200000000 /dev/zero | tr "\0" a); echo survived ${#x}'

# run_with ARGS...: run_detached, but with the given process.args.
run_with() {
	set_args "$@"
	ctr run -d "$CID"
	wait_status "$CID" running
}

# max_of FILE: the largest number in FILE (one per line).
max_of() {
	sort -n "$1" | tail -n 1
}

# field FILE KEY: value of "KEY value" line in a cgroup stat file.
field() {
	awk -v k="$2" '$1 == k { print $2 }' "$1"
}

@test "memory limit: a process allocating 200 MB is OOM-killed (exit 137)" {
	require_cgroup_v1 memory
	# The allocator (and head and tr, its children, which inherit the
	# score) is the OOM killer's first choice: when the victim is slow to
	# exit on a loaded machine, the kernel may pick a second victim from
	# what is left, and the init must not be it for this test to mean
	# anything. (Lowering the init's score instead needs CAP_SYS_RESOURCE.)
	jq_config '.linux.resources.memory = {"limit": 33554432}'
	run_with sleep 1000
	local cg
	cg=$(cgroup_dir_of "$CID" memory)
	assert_eq "$(cat "$cg/memory.limit_in_bytes")" 33554432

	jq --arg alloc "$ALLOC" '.process | .args = ["sh", "-c", $alloc] | .oomScoreAdj = 1000' \
		"$BUNDLE/config.json" >"$TEST_DIR/alloc.json"
	run rt exec --process "$TEST_DIR/alloc.json" "$CID"
	# killed by SIGKILL: exit status 128 + 9
	assert_status 137
	[[ "$output" != *survived* ]] || fail "allocation survived: $output"

	# the OOM is accounted in the container's cgroup
	[ "$(cat "$cg/memory.failcnt")" -gt 0 ] || fail "memory.failcnt is 0"
	local ooms
	ooms=$(field "$cg/memory.oom_control" oom_kill)
	[ -n "$ooms" ] && [ "$ooms" -gt 0 ] || fail "oom_kill not counted: $(cat "$cg/memory.oom_control")"
	# max usage never exceeded the limit
	[ "$(cat "$cg/memory.max_usage_in_bytes")" -le 33554432 ]

	# the (small) init survived
	assert_eq "$(status_of "$CID")" running
}

@test "memory limit: OOM-killed init leaves a stopped container; run exits 137" {
	require_cgroup_v1 memory
	jq_config '.linux.resources.memory = {"limit": 33554432}'
	set_args sh -c "$ALLOC"
	ctr create "$CID"
	local cg
	cg=$(cgroup_dir_of "$CID" memory)
	ctr start "$CID"
	wait_status "$CID" stopped 30
	# the cgroup stays until delete, with the OOM recorded
	[ "$(field "$cg/memory.oom_control" oom_kill)" -gt 0 ] ||
		fail "oom_kill not counted: $(cat "$cg/memory.oom_control")"
	[ "$(cat "$cg/memory.failcnt")" -gt 0 ]
	ctr delete "$CID"
	assert_nothing_left "$CID"

	# foreground run returns the init's status: SIGKILL => 137
	run rt run "$CID" </dev/null
	assert_status 137
	[[ "$output" != *survived* ]] || fail "allocation survived: $output"
	assert_nothing_left "$CID"
}

@test "events reports an OOM as {\"type\":\"oom\"}" {
	require_cgroup_v1 memory
	jq_config '.linux.resources.memory = {"limit": 33554432}'
	run_with sleep 1000
	BG_OUT="$TEST_DIR/events.out" bg timeout 60 "$RUNTIME" --root "$ROOT" events "$CID"
	# `events` has to subscribe before the OOM: there is no way to know
	# when it did, so keep OOMing until one is reported.
	local i
	for ((i = 0; i < 10; i++)); do
		sleep 0.5
		run rt exec "$CID" sh -c "$ALLOC"
		assert_status 137
		grep -q '"oom"' "$TEST_DIR/events.out" && break
	done
	sleep 0.5
	cat "$TEST_DIR/events.out" >&2
	# every line is a JSON object; at least one is the OOM of this container
	jq -e . "$TEST_DIR/events.out" >/dev/null || fail "events printed non-JSON"
	jq -se --arg id "$CID" 'map(select(.type == "oom" and .id == $id)) | length > 0' \
		"$TEST_DIR/events.out" >/dev/null || fail "no oom event: $(cat "$TEST_DIR/events.out")"
	# events is still running (it follows the container until it is gone)
	kill -0 "$BG_PID" || fail "events exited early"
}

@test "pids limit: a fork bomb is stopped at pids.limit=20" {
	require_cgroup_v1 pids
	jq_config '.linux.resources.pids = {"limit": 20}'
	run_with sleep 1000
	local cg
	cg=$(cgroup_dir_of "$CID" pids)
	assert_eq "$(cat "$cg/pids.max")" 20

	# sample pids.current from the host while the bomb runs
	BG_OUT="$TEST_DIR/samples" bg sh -c "while :; do cat '$cg/pids.current'; sleep 0.01; done"
	run rt exec "$CID" sh -c 'i=0; while [ $i -lt 100 ]; do sleep 1000 >/dev/null 2>&1 & i=$((i+1)); done; echo spawned $i'
	# ash exits when fork fails
	assert_failure
	assert_match "can't fork|Resource temporarily unavailable"
	[[ "$output" != *"spawned 100"* ]] || fail "all 100 forks succeeded"
	sleep 0.2
	kill "$BG_PID"
	cat "$cg/pids.current" >>"$TEST_DIR/samples"
	local max
	max=$(max_of "$TEST_DIR/samples")
	echo "pids.current samples: $(wc -l <"$TEST_DIR/samples"), max $max" >&2
	[ "$max" -le 20 ] || fail "pids.current reached $max"
	# the limit was actually hit (init + sleeps fill it up)
	[ "$(cat "$cg/pids.current")" -ge 15 ] || fail "pids.current only $(cat "$cg/pids.current")"
	if [ -e "$cg/pids.events" ]; then
		[ "$(field "$cg/pids.events" max)" -gt 0 ] || fail "pids.events: $(cat "$cg/pids.events")"
	fi

	# the container can still be killed and deleted
	ctr kill "$CID" KILL
	wait_status "$CID" stopped
	ctr delete "$CID"
	assert_nothing_left "$CID"
}

@test "pids limit: delete -f of a container at its pids limit" {
	require_cgroup_v1 pids
	jq_config '.linux.resources.pids = {"limit": 20}'
	# init keeps forking; a fork failure kills only the subshell
	run_with sh -c 'while :; do (while :; do sleep 1000 & done) 2>/dev/null; sleep 0.1; done'
	local cg
	cg=$(cgroup_dir_of "$CID" pids)
	wait_for sh -c "[ \$(cat '$cg/pids.current') -ge 19 ]"
	[ "$(cat "$cg/pids.current")" -le 20 ]
	ctr delete -f "$CID"
	assert_nothing_left "$CID"
}

@test "cpu quota throttles a busy loop (cpu.stat, events --stats)" {
	require_cgroup_v1 cpu cpuacct
	jq_config '.linux.resources.cpu = {"quota": 20000, "period": 100000}'
	run_with sh -c 'while :; do :; done'
	local cg acct
	cg=$(cgroup_dir_of "$CID" cpu)
	acct=$(cgroup_dir_of "$CID" cpuacct)
	assert_eq "$(cat "$cg/cpu.cfs_quota_us")" 20000
	assert_eq "$(cat "$cg/cpu.cfs_period_us")" 100000

	local u0 u1
	u0=$(cat "$acct/cpuacct.usage")
	sleep 2
	u1=$(cat "$acct/cpuacct.usage")
	cat "$cg/cpu.stat" >&2
	[ "$(field "$cg/cpu.stat" nr_throttled)" -gt 0 ] || fail "not throttled: $(cat "$cg/cpu.stat")"
	[ "$(field "$cg/cpu.stat" throttled_time)" -gt 0 ] || fail "no throttled_time: $(cat "$cg/cpu.stat")"
	# 20% of one CPU for 2 s is 0.4 s; unthrottled it would be 2 s
	echo "cpu used in 2 s: $(( (u1 - u0) / 1000000 )) ms" >&2
	[ $((u1 - u0)) -lt 1000000000 ] || fail "used $(( (u1 - u0) / 1000000 )) ms of CPU in 2 s"

	run rt events --stats "$CID"
	assert_status 0
	echo "$output" | jq -e '.type == "stats" and .data.cpu.throttling.throttledPeriods > 0 and .data.cpu.throttling.throttledTime > 0' ||
		fail "events --stats: $output"
}

@test "pause freezes every process, resume thaws them" {
	require_cgroup_v1 freezer
	run_with sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/cnt.new; mv /tmp/cnt.new /tmp/cnt; usleep 20000; done'
	ctr exec --detach --pid-file "$TEST_DIR/e1.pid" "$CID" sleep 1000
	ctr exec --detach --pid-file "$TEST_DIR/e2.pid" "$CID" sleep 1000
	local cnt="$BUNDLE/rootfs/tmp/cnt" fz pids p a b
	fz=$(cgroup_dir_of "$CID" freezer)
	wait_for test -s "$cnt"

	ctr pause "$CID"
	assert_eq "$(status_of "$CID")" paused
	pids=$(cat "$fz/cgroup.procs")
	for p in "$(pid_of "$CID")" "$(cat "$TEST_DIR/e1.pid")" "$(cat "$TEST_DIR/e2.pid")"; do
		grep -qx "$p" <<<"$pids" || fail "pid $p not in the freezer cgroup: $pids"
	done
	[ "$(echo "$pids" | wc -l)" -ge 3 ]
	if [ "$(cat "$fz/freezer.state")" != FROZEN ]; then
		for p in $pids; do
			grep -q '^State:[[:space:]]*D' "/proc/$p/status" ||
				fail "pid $p not frozen: $(grep State /proc/"$p"/status)"
		done
	fi
	# the counter stops
	a=$(cat "$cnt")
	sleep 0.5
	b=$(cat "$cnt")
	assert_eq "$b" "$a"
	# pausing twice is harmless or an error, but the container stays paused
	run rt pause "$CID"
	assert_eq "$(status_of "$CID")" paused

	ctr resume "$CID"
	assert_eq "$(status_of "$CID")" running
	assert_eq "$(cat "$fz/freezer.state")" THAWED
	wait_for sh -c "[ \"\$(cat '$cnt')\" != '$a' ]"
	a=$(cat "$cnt")
	sleep 0.3
	[ "$(cat "$cnt")" != "$a" ] || fail "counter not advancing after resume"
	for p in $(cat "$fz/cgroup.procs"); do
		if grep -q '^State:[[:space:]]*D' "/proc/$p/status"; then
			fail "pid $p still in D state after resume"
		fi
	done

	# resume of a running container fails
	run rt resume "$CID"
	assert_failure
	assert_eq "$(status_of "$CID")" running
}

@test "delete -f of a paused container" {
	require_cgroup_v1 freezer
	run_with sleep 1000
	ctr exec --detach "$CID" sleep 1000
	ctr pause "$CID"
	assert_eq "$(status_of "$CID")" paused
	ctr delete -f "$CID"
	assert_nothing_left "$CID"
}

@test "update changes memory, pids and cpu limits of a live container" {
	require_cgroup_v1 memory pids cpu
	jq_config '.linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 100}'
	run_with sleep 1000
	local mem pids cpu
	mem=$(cgroup_dir_of "$CID" memory)
	pids=$(cgroup_dir_of "$CID" pids)
	cpu=$(cgroup_dir_of "$CID" cpu)
	assert_eq "$(cat "$mem/memory.limit_in_bytes")" 33554432

	ctr update --memory 67108864 "$CID"
	assert_eq "$(cat "$mem/memory.limit_in_bytes")" 67108864

	echo '{"memory": {"limit": 83886080}}' >"$TEST_DIR/res.json"
	ctr update --resources "$TEST_DIR/res.json" "$CID"
	assert_eq "$(cat "$mem/memory.limit_in_bytes")" 83886080

	run rt update --resources - "$CID" <<<'{"memory": {"limit": 100663296}}'
	assert_status 0
	assert_eq "$(cat "$mem/memory.limit_in_bytes")" 100663296

	ctr update --pids-limit 30 "$CID"
	assert_eq "$(cat "$pids/pids.max")" 30
	# the memory limit was not touched by the pids update
	assert_eq "$(cat "$mem/memory.limit_in_bytes")" 100663296

	ctr update --cpu-period 100000 --cpu-quota 50000 "$CID"
	assert_eq "$(cat "$cpu/cpu.cfs_period_us")" 100000
	assert_eq "$(cat "$cpu/cpu.cfs_quota_us")" 50000

	# the container keeps running
	assert_eq "$(status_of "$CID")" running
	run rt exec "$CID" true
	assert_status 0
}

@test "update of a nonexistent container fails" {
	run rt update --memory 67108864 no-such-container-$$
	assert_failure
	[ -n "$output" ]
}

@test "events --stats prints one stats object" {
	require_cgroup_v1 memory pids cpuacct
	jq_config '.linux.resources.pids = {"limit": 50}'
	run_with sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exec sleep 1000'
	sleep 0.3
	local out
	out=$(rt events --stats "$CID" 2>"$TEST_DIR/events.err") || fail "events --stats failed: $(cat "$TEST_DIR/events.err")"
	echo "$out" >&2
	# exactly one JSON value
	assert_eq "$(jq -s length <<<"$out")" 1
	jq -e --arg id "$CID" '.type == "stats" and .id == $id' <<<"$out" >/dev/null ||
		fail "type/id wrong"
	jq -e '.data.memory.usage.usage > 0' <<<"$out" >/dev/null || fail "memory usage"
	jq -e '.data.pids.current >= 1' <<<"$out" >/dev/null || fail "pids.current"
	jq -e '.data.pids.limit == 50' <<<"$out" >/dev/null || fail "pids.limit"
	jq -e '.data.cpu.usage.total > 0' <<<"$out" >/dev/null || fail "cpu usage"
}

@test "ps lists every process of the container" {
	run_with sleep 1000
	ctr exec --detach --pid-file "$TEST_DIR/e1.pid" "$CID" sleep 1001
	ctr exec --detach --pid-file "$TEST_DIR/e2.pid" "$CID" sleep 1002
	local init e1 e2
	init=$(pid_of "$CID")
	e1=$(cat "$TEST_DIR/e1.pid")
	e2=$(cat "$TEST_DIR/e2.pid")
	run rt ps --format json "$CID"
	assert_status 0
	assert_eq "$(jq -c 'sort' <<<"$output")" "$(jq -cn --argjson a "[$init,$e1,$e2]" '$a | sort')"
	# the default table has a PID column with each of them
	run rt ps "$CID"
	assert_status 0
	assert_match 'PID'
	local p
	for p in "$init" "$e1" "$e2"; do
		awk -v p="$p" '$2 == p { f = 1 } END { exit !f }' <<<"$output" ||
			fail "pid $p not in: $output"
	done
	assert_match 'sleep 1001'
	assert_match 'sleep 1002'
}

@test "cgroupsPath: absolute path" {
	require_cgroup_v1 memory pids cpu freezer
	local cg="/hako-test-abs-$CID" c
	jq_config --arg cg "$cg" '.linux.cgroupsPath = $cg'
	run_with sleep 1000
	ctr exec --detach "$CID" sleep 1000
	for c in memory pids cpu freezer; do
		assert_eq "$(cgroup_dir_of "$CID" "$c")" "/sys/fs/cgroup/$c$cg"
		[ -d "/sys/fs/cgroup/$c$cg" ]
		[ "$(wc -l <"/sys/fs/cgroup/$c$cg/cgroup.procs")" -eq 2 ]
	done
	ctr delete -f "$CID"
	for c in memory pids cpu freezer; do
		[ ! -e "/sys/fs/cgroup/$c$cg" ] || fail "/sys/fs/cgroup/$c$cg left"
	done
	assert_nothing_left "$CID"
}

@test "cgroupsPath: relative path" {
	require_cgroup_v1 memory pids cpu freezer
	run_with sleep 1000
	local c d
	for c in memory pids cpu freezer; do
		d=$(cgroup_dir_of "$CID" "$c")
		[[ "$d" == */hako-test/"$CID" ]] || fail "$c cgroup is $d"
		[ -d "$d" ]
	done
	ctr kill "$CID" KILL
	wait_status "$CID" stopped
	ctr delete "$CID"
	assert_nothing_left "$CID"
}

@test "cgroups are removed by delete after the init was kill -9'd from the host" {
	require_cgroup_v1 memory pids
	local dirs=() c pid
	run_with sleep 1000
	ctr exec --detach "$CID" sleep 1000
	for c in memory pids cpu freezer; do
		dirs+=("$(cgroup_dir_of "$CID" "$c")")
	done
	pid=$(pid_of "$CID")
	kill -9 "$pid"
	wait_status "$CID" stopped
	ctr delete "$CID"
	for c in "${dirs[@]}"; do
		[ ! -e "$c" ] || fail "$c left"
	done
	assert_nothing_left "$CID"
}
