#!/usr/bin/env bats
# hako's container commands on busybox, driven as a user would: run (in the
# foreground, detached, with --rm, -i), create/start, ps, logs, inspect,
# stop/kill/wait, pause/unpause, restart policies, healthchecks, export and
# commit, and that nothing is left behind.

bats_require_minimum_version 1.5.0
load helpers
load image_helpers
load container_helpers

@test "run in the foreground: output, exit code, --rm" {
	run hako run --rm busybox sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'
	assert_status 3
	assert_match 'to-stdout'
	assert_match 'to-stderr'
	run hako ps -aq
	assert_eq "$output" ""
	run -127 hako run --rm busybox no-such-command
	assert_status 127
	assert_match 'no-such-command'
}

@test "run -d, ps, logs, inspect, stop, wait, rm" {
	run hako run -d --name web busybox sh -c 'echo started; exec sleep 1000'
	assert_status 0
	assert_match '^[0-9a-f]{64}$'
	id=$output
	run hako ps
	assert_match 'CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES'
	assert_match "${id:0:12} +busybox +\"sh -c 'echo started…\" +.* +Up .* +web"
	eventually 'hako logs web | grep -q started'
	assert_eq "$(hako inspect -f '{{.State.Status}} {{.State.Running}} {{.Name}}' web)" "running true /web"
	pid=$(hako inspect -f '{{.State.Pid}}' web)
	[ "$pid" -gt 0 ] && kill -0 "$pid" || fail "no process $pid"
	run hako run -d --name web busybox true
	assert_status 125
	assert_match 'Conflict. The container name "/web" is already in use'
	run hako rm web
	assert_status 1
	assert_match 'stop the container before removing or force remove'
	run hako stop -t 1 web
	assert_status 0
	assert_eq "$output" "web"
	run hako wait web
	assert_eq "$output" "137"
	run hako ps -a --format '{{.Names}} {{.Status}}'
	assert_match '^web Exited \(137\) .* ago$'
	kill -0 "$pid" 2>/dev/null && fail "process $pid survived stop"
	run hako rm web
	assert_status 0
	run hako ps -aq
	assert_eq "$output" ""
	run hako inspect web
	assert_status 1
	assert_match 'No such object: web'
}

@test "create, then start -a; start again after it exited" {
	run hako create --name once busybox echo hello
	assert_status 0
	assert_eq "$(hako ps -a --format '{{.Names}} {{.Status}}')" "once Created"
	run hako start -a once
	assert_status 0
	assert_eq "$output" "hello"
	hako start once
	hako wait once
	run hako logs once
	assert_eq "$output" $'hello\nhello'
}

@test "stdin with -i, env, workdir and user" {
	run bash -c "echo piped | '$HAKO' run -i --rm busybox cat"
	assert_status 0
	assert_eq "$output" "piped"
	run hako run --rm -e A=1 -e B=two -w /tmp -u nobody busybox sh -c 'echo $A $B $(pwd) $(id -u)'
	assert_eq "$output" "1 two /tmp 65534"
	run hako run --rm --hostname box busybox hostname
	assert_eq "$output" "box"
}

@test "kill, pause and unpause" {
	# pid 1 ignores TERM unless it handles it, as in Docker
	hako run -d --name pp busybox sh -c 'trap "exit 143" TERM; while true; do sleep 0.1; done' >/dev/null
	run hako pause pp
	assert_status 0
	assert_match 'Paused' "$(hako ps --format '{{.Status}}')"
	assert_eq "$(hako inspect -f '{{.State.Status}} {{.State.Paused}}' pp)" "paused true"
	run hako pause pp
	assert_status 1
	hako unpause pp
	assert_eq "$(hako inspect -f '{{.State.Status}}' pp)" "running"
	hako kill -s TERM pp
	run hako wait pp
	assert_eq "$output" "143"
	run hako kill pp
	assert_status 1
	assert_match 'is not running'
	# SIGKILL (the default) returns once the container is down, paused or not
	hako run -d --name pk busybox sleep 600 >/dev/null
	hako pause pk
	hako kill pk >/dev/null
	assert_eq "$(hako inspect -f '{{.State.Status}} {{.State.ExitCode}}' pk)" "exited 137"
}

@test "logs: tail, timestamps, follow until the container exits" {
	hako run -d --name ll busybox sh -c 'for i in 1 2 3 4 5; do echo line$i; done; sleep 1; echo last' >/dev/null
	run hako logs -f ll
	assert_status 0
	assert_eq "${lines[-1]}" "last"
	assert_eq "${#lines[@]}" 6
	run hako logs --tail 2 ll
	assert_eq "$output" $'line5\nlast'
	run hako logs -t --tail 1 ll
	assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z last$'
}

@test "restart policies: on-failure counts, unless-stopped obeys stop" {
	hako run -d --name ff --restart on-failure:2 busybox sh -c 'exit 5' >/dev/null
	eventually '[ "$(hako inspect -f "{{.State.Status}} {{.RestartCount}}" ff)" = "exited 2" ]'
	assert_eq "$(hako inspect -f '{{.State.ExitCode}}' ff)" "5"
	hako run -d --name uu --restart unless-stopped busybox sh -c 'sleep 0.2; exit 0' >/dev/null
	eventually '[ "$(hako inspect -f "{{.RestartCount}}" uu)" -ge 1 ]'
	hako stop -t 1 uu >/dev/null
	sleep 1
	assert_eq "$(hako inspect -f '{{.State.Status}}' uu)" "exited"
}

@test "a healthcheck turns healthy, a failing one unhealthy" {
	hako run -d --name ok --health-cmd 'true' --health-interval 200ms busybox sleep 1000 >/dev/null
	hako run -d --name bad --health-cmd 'exit 1' --health-interval 200ms --health-retries 2 busybox sleep 1000 >/dev/null
	eventually '[ "$(hako inspect -f "{{.State.Health.Status}}" ok)" = healthy ]'
	eventually '[ "$(hako inspect -f "{{.State.Health.Status}}" bad)" = unhealthy ]'
	run hako ps --format '{{.Names}}: {{.Status}}'
	assert_match 'ok: Up .* \(healthy\)'
	assert_match 'bad: Up .* \(unhealthy\)'
}

@test "the OOM killer is reported" {
	hako run -d --name oom --memory 16m busybox sh -c 'tail /dev/zero' >/dev/null
	run hako wait oom
	assert_eq "$output" "137"
	assert_eq "$(hako inspect -f '{{.State.OOMKilled}}' oom)" "true"
}

@test "commit makes an image of the changes; export is the whole filesystem" {
	hako run --name cc busybox sh -c 'echo made-here > /marker' >/dev/null
	run hako commit -m 'add marker' -c 'CMD ["cat", "/marker"]' cc marked:1
	assert_status 0
	assert_match '^sha256:[0-9a-f]{64}$'
	run hako run --rm marked:1
	assert_eq "$output" "made-here"
	run hako history marked:1
	assert_match 'add marker'
	hako export -o "$WORK/c.tar" cc
	tar -tf "$WORK/c.tar" | grep -qx 'marker' || fail "no marker in export"
	tar -tf "$WORK/c.tar" | grep -qx 'bin/busybox' || fail "no busybox in export"
	run hako rmi busybox
	assert_status 1
	assert_match 'being used by container'
}

@test "ps -n, -l, --no-trunc and filters; logs --since/--until; start -ai; rm -v; inspect times" {
	hako create --name first busybox true >/dev/null
	sleep 1
	hako create -i --name second busybox cat >/dev/null
	assert_eq "$(hako ps -n 1 --format '{{.Names}}')" "second"
	assert_eq "$(hako ps -l --format '{{.Names}}')" "second"
	assert_eq "$(hako ps -a --no-trunc --format '{{.ID}}' | awk '{print length($0)}' | sort -u)" "64"
	assert_eq "$(hako ps -a --filter status=created --filter name=first --format '{{.Names}}')" "first"
	run hako ps --filter nope=1
	assert_status 1
	# start -ai: stdin to the container, its output back, its exit code
	run bash -c "echo through-stdin | '$HAKO' start -ai second"
	assert_status 0
	assert_eq "$output" "through-stdin"
	local started finished
	started=$(hako inspect -f '{{.State.StartedAt}}' second)
	finished=$(hako inspect -f '{{.State.FinishedAt}}' second)
	assert_match '^2[0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' "$started"
	[[ "$finished" > "$started" ]] || fail "FinishedAt $finished is not after StartedAt $started"
	run hako rm -v first
	assert_eq "$output" "first"
	# 4 s apart, cut 2 s back: robust to a slow check
	hako run -d --name lg busybox sh -c 'echo one; sleep 4; echo two; sleep 1000' >/dev/null
	WAIT_TIMEOUT=20 eventually 'hako logs lg | grep -q two'
	assert_eq "$(hako logs --since 2s lg)" "two"
	assert_eq "$(hako logs --until 2s lg)" "one"
}

@test "kill -9 of a hako command or of the monitor leaves the state right" {
	# the foreground run killed: the container runs on, detached
	"$HAKO" run --name fg busybox sleep 1000 &
	local pid=$!
	eventually '[ "$(hako inspect -f "{{.State.Status}}" fg 2>/dev/null)" = running ]'
	kill -9 "$pid"
	wait "$pid" || true
	assert_eq "$(hako inspect -f '{{.State.Status}}' fg)" "running"
	# a stop killed while it waits (sleep as pid 1 ignores TERM): still
	# running, and the next stop finishes the job
	"$HAKO" stop -t 30 fg >/dev/null &
	pid=$!
	sleep 0.5
	kill -9 "$pid"
	wait "$pid" || true
	assert_eq "$(hako inspect -f '{{.State.Status}}' fg)" "running"
	run hako stop -t 0 fg
	assert_status 0
	assert_eq "$(hako inspect -f '{{.State.Status}} {{.State.ExitCode}}' fg)" "exited 137"
	# the monitor killed: rm -f still stops and removes everything
	hako start fg
	pid=$(pgrep -f "hako-monitor $HAKO_ROOT")
	kill -9 "$pid"
	run hako rm -f fg
	assert_status 0
	assert_eq "$(hako ps -aq)" ""
}

@test "parallel runs never clash, and containers outlive the command" {
	for i in $(seq 8); do
		"$HAKO" run -d busybox sleep 1000 >"$WORK/id.$i" &
	done
	wait
	assert_eq "$(cat "$WORK"/id.* | sort -u | wc -l)" 8
	assert_eq "$(hako ps -q | wc -l)" 8
	assert_eq "$(hako ps --format '{{.Names}}' | sort -u | wc -l)" 8
	run hako rm -f $(hako ps -q)
	assert_status 0
	assert_eq "$(hako ps -aq)" ""
}

@test "exec runs in the container with its env, or the flags'" {
	hako run -d --name ex -e FROM_RUN=1 -w /tmp busybox sleep 1000 >/dev/null
	run hako exec ex sh -c 'echo $FROM_RUN $(pwd) $(id -u)'
	assert_status 0
	assert_eq "$output" "1 /tmp 0"
	run hako exec -e X=2 -w / -u nobody ex sh -c 'echo $X $(pwd) $(id -u)'
	assert_eq "$output" "2 / 65534"
	run hako exec ex sh -c 'exit 7'
	assert_status 7
	run bash -c "echo in | '$HAKO' exec -i ex cat"
	assert_eq "$output" "in"
	run -127 hako exec ex no-such-command
	run hako exec -d ex touch /tmp/detached
	assert_status 0
	eventually 'hako exec ex test -e /tmp/detached'
	# -t: a terminal of its own; --privileged: every capability
	run bash -c "script -qec \"'$HAKO' exec -t ex sh -c 'tty; [ -t 0 ] && echo tty-in'\" /dev/null | tr -d '\r'"
	assert_match '/dev/pts/[0-9]+'
	assert_match 'tty-in'
	run hako exec ex grep CapEff /proc/self/status
	assert_match 'CapEff:\s+00000000a80425fb'
	run hako exec --privileged ex grep CapEff /proc/self/status
	[[ "$output" != *a80425fb* ]] || fail "--privileged kept the default capabilities: $output"
	hako stop -t 1 ex >/dev/null
	run hako exec ex true
	assert_status 1
	assert_match 'is not running'
}
