#!/usr/bin/env bats
# Container lifecycle: create/start/state/kill/delete/list/run/ps and the
# informational commands (--version, spec, features).

load helpers

@test "--version prints the three-line form" {
	run "$RUNTIME" --version
	assert_status 0
	local lines_=()
	mapfile -t lines_ <<<"$output"
	assert_match '^[a-z-]+ version [^ ]+' "${lines_[0]}"
	assert_match '^commit: .+' "${lines_[1]}"
	assert_match '^spec: [0-9]+\.[0-9]+\.[0-9]+' "${lines_[2]}"
}

@test "spec produces valid JSON with the expected skeleton" {
	local d="$TEST_DIR/specdir"
	mkdir -p "$d"
	cd "$d"
	run "$RUNTIME" spec
	assert_status 0
	[ -f config.json ]
	run jq -e '(.ociVersion | type == "string") and (.process.args | type == "array")
		and (.root.path == "rootfs") and (.linux.namespaces | type == "array")' config.json
	assert_status 0
	# spec refuses to overwrite an existing config.json
	run "$RUNTIME" spec
	assert_failure
	# --bundle writes elsewhere
	mkdir -p "$d/other"
	run "$RUNTIME" spec --bundle "$d/other"
	assert_status 0
	jq -e . "$d/other/config.json" >/dev/null
}

@test "features prints JSON with ociVersionMin/ociVersionMax" {
	run "$RUNTIME" features
	assert_status 0
	echo "$output" | jq -e '(.ociVersionMin | type == "string") and (.ociVersionMax | type == "string")'
	echo "$output" | jq -e '.hooks | index("prestart") and index("poststop")'
	echo "$output" | jq -e '.linux.namespaces | index("pid") and index("mount")'
}

@test "create, state, start, kill, delete" {
	set_args sleep 1000
	run ctr create "$CID"
	assert_status 0

	run rt state "$CID"
	assert_status 0
	echo "$output" | jq -e --arg id "$CID" --arg b "$BUNDLE" '
		(.ociVersion | type == "string") and .id == $id and .status == "created"
		and (.pid | type == "number") and .pid > 0 and .bundle == $b'
	local pid
	pid=$(echo "$output" | jq -r .pid)
	kill -0 "$pid"

	run rt start "$CID"
	assert_status 0
	wait_status "$CID" running
	# The init process keeps its pid across start.
	assert_eq "$(pid_of "$CID")" "$pid"
	# The process really is sleep now.
	assert_match 'sleep' "$(tr '\0' ' ' </proc/"$pid"/cmdline)"

	# start a second time fails
	run rt start "$CID"
	assert_failure

	run rt kill "$CID" KILL
	assert_status 0
	wait_status "$CID" stopped

	# stopped state has pid 0 (or omitted)
	run rt state "$CID"
	assert_status 0
	echo "$output" | jq -e '(.pid // 0) == 0'

	run rt delete "$CID"
	assert_status 0
	assert_nothing_left "$CID"
}

@test "state includes annotations from config.json" {
	jq_config '.annotations = {"org.hako.test": "hello", "com.example.k": "v"}'
	set_args sleep 1000
	ctr create "$CID"
	run rt state "$CID"
	assert_status 0
	echo "$output" | jq -e '.annotations["org.hako.test"] == "hello" and .annotations["com.example.k"] == "v"'
	rt delete -f "$CID"
	assert_nothing_left "$CID"
}

@test "status becomes stopped after the process exits" {
	# The process exits once the host creates /tmp/go in its rootfs.
	set_args sh -c 'until [ -e /tmp/go ]; do sleep 0.05; done; exit 0'
	ctr run -d "$CID"
	wait_status "$CID" running
	touch "$BUNDLE/rootfs/tmp/go"
	wait_status "$CID" stopped
	rt delete "$CID"
	assert_nothing_left "$CID"
}

@test "kill with default signal (SIGTERM) stops a container" {
	set_args sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	ctr run -d "$CID"
	wait_status "$CID" running
	run rt kill "$CID"
	assert_status 0
	wait_status "$CID" stopped
	rt delete "$CID"
}

@test "kill by signal name and number" {
	set_args sh -c 'trap "" HUP; trap "exit 0" USR1; while :; do sleep 0.1; done'
	ctr run -d "$CID"
	wait_status "$CID" running
	rt kill "$CID" HUP
	sleep 0.2
	assert_eq "$(status_of "$CID")" running
	rt kill "$CID" SIGUSR1
	wait_status "$CID" stopped
	rt delete "$CID"

	ctr run -d "$CID"
	wait_status "$CID" running
	rt kill "$CID" 9
	wait_status "$CID" stopped
	rt delete "$CID"
}

@test "delete of a running container fails without --force, succeeds with it" {
	run_detached
	wait_status "$CID" running
	local pid
	pid=$(pid_of "$CID")
	run rt delete "$CID"
	assert_failure
	assert_eq "$(status_of "$CID")" running
	run rt delete --force "$CID"
	assert_status 0
	wait_for sh -c "! kill -0 $pid 2>/dev/null"
	assert_nothing_left "$CID"
}

@test "delete --force of a created (not started) container" {
	set_args sleep 1000
	ctr create "$CID"
	run rt delete --force "$CID"
	assert_status 0
	assert_nothing_left "$CID"
}

@test "run (foreground) returns the exit code and removes the container" {
	set_args sh -c 'echo hello-from-container; exit 7'
	run rt run "$CID"
	assert_status 7
	assert_match 'hello-from-container'
	assert_nothing_left "$CID"
}

@test "run -d detaches and container keeps running" {
	set_args sleep 1000
	run ctr run -d "$CID"
	assert_status 0
	wait_status "$CID" running
	rt delete -f "$CID"
	assert_nothing_left "$CID"
}

@test "run -d --pid-file and create --pid-file write the init pid" {
	set_args sleep 1000
	ctr run -d --pid-file "$TEST_DIR/run.pid" "$CID"
	[ -s "$TEST_DIR/run.pid" ]
	assert_eq "$(cat "$TEST_DIR/run.pid")" "$(pid_of "$CID")"
	rt delete -f "$CID"

	ctr create --pid-file "$TEST_DIR/create.pid" "$CID"
	assert_eq "$(cat "$TEST_DIR/create.pid")" "$(pid_of "$CID")"
	kill -0 "$(cat "$TEST_DIR/create.pid")"
	rt delete -f "$CID"
	assert_nothing_left "$CID"
}

@test "list, list -q and list --format json" {
	local b2="$TEST_DIR/bundle2"
	make_bundle "$b2" "$CID-b"
	set_args sleep 1000
	jq_config '.process.args = ["sleep", "1000"]' "$b2/config.json"
	ctr run -d "$CID"
	ctr create --bundle "$b2" "$CID-b"

	run rt list -q
	assert_status 0
	[ "$(echo "$output" | sort)" = "$(printf '%s\n%s\n' "$CID" "$CID-b" | sort)" ] ||
		fail "list -q: $output"

	run rt list
	assert_status 0
	assert_match '^ID +PID +STATUS +BUNDLE +CREATED +OWNER'
	assert_match "$CID +[0-9]+ +running +$BUNDLE "
	assert_match "$CID-b +[0-9]+ +created +$b2 "

	run rt list --format json
	assert_status 0
	echo "$output" | jq -e --arg a "$CID" --arg b "$CID-b" --arg ba "$BUNDLE" '
		(type == "array") and length == 2
		and ([.[] | select(.id == $a)][0] | .status == "running" and .bundle == $ba and .pid > 0)
		and ([.[] | select(.id == $b)][0] | .status == "created")'

	rt delete -f "$CID"
	rt delete -f "$CID-b"
	run rt list -q
	assert_status 0
	assert_eq "$output" ""
	run rt list --format json
	echo "$output" | jq -e '(. == null) or (. == [])'
}

@test "kill --all signals every process in the container" {
	# No pid namespace: kill --all must still find all processes (via cgroup).
	set_args sh -c 'sleep 1000 & sleep 1000 & wait'
	ctr run -d "$CID"
	wait_status "$CID" running
	wait_for sh -c "[ \$($RUNTIME --root $ROOT ps $CID -- -o pid= 2>/dev/null | wc -l) -ge 3 ] || [ \$($RUNTIME --root $ROOT ps --format json $CID | jq length) -ge 3 ]"
	run rt kill --all "$CID" KILL
	assert_status 0
	wait_status "$CID" stopped
	rt delete "$CID"
	assert_nothing_left "$CID"
}

@test "ps and ps --format json" {
	set_args sh -c 'sleep 1000 & wait'
	ctr run -d "$CID"
	wait_status "$CID" running
	local pid
	pid=$(pid_of "$CID")
	wait_for sh -c "[ \$($RUNTIME --root $ROOT ps --format json $CID | jq length) -ge 2 ]"

	run rt ps --format json "$CID"
	assert_status 0
	echo "$output" | jq -e --argjson p "$pid" '(type == "array") and (index($p) != null) and length == 2'

	run rt ps "$CID"
	assert_status 0
	assert_match 'PID'
	assert_match "(^|[[:space:]])$pid[[:space:]]"
	assert_match 'sleep'

	rt delete -f "$CID"
	assert_nothing_left "$CID"
}

@test "operations on a nonexistent container fail" {
	for cmd in state start delete kill ps; do
		run rt $cmd "$CID-nope"
		assert_failure
		assert_match "$CID-nope|not exist|no such"
	done
}
