#!/usr/bin/env bats
# The commands around containers: events, rename, port, attach, --init,
# container prune, system prune, system df, info and version.

bats_require_minimum_version 1.5.0
load helpers
load image_helpers
load container_helpers

@test "events: past events by --since/--until, with filters and formats" {
	local since
	since=$(date +%s.%N)
	hako run -d --name ev busybox sleep 1000 >/dev/null
	hako stop -t 1 ev >/dev/null
	hako rm ev >/dev/null
	local until
	until=$(($(date +%s) + 1))
	run hako events --since "$since" --until "$until" --filter container=ev --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'
	assert_status 0
	# sleep as pid 1 ignores SIGTERM: stop sends it, then SIGKILL, as Docker
	assert_eq "$output" "$(printf '%s\n' 'container create ev' 'container start ev' 'container kill ev' \
		'container kill ev' 'container die ev' 'container stop ev' 'container destroy ev')"
	run hako events --since "$since" --until "$until" --filter event=kill --format '{{.Actor.Attributes.signal}}'
	assert_eq "$output" $'15\n9'
	# the default line: time, type, action, id, sorted attributes
	run hako events --since "$since" --until "$until" --filter event=die
	assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+\.[0-9]{9}(Z|[+-][0-9:]+) container die [0-9a-f]{64} \(exitCode=137, image=busybox, name=ev\)$'
	run hako events --since "$since" --until "$until" --filter type=container --filter event=start --format json
	assert_eq "$(jq -r '.Action + " " + .status + " " + .from + " " + .Actor.Attributes.name' <<<"$output")" "start start busybox ev"
	run hako events --since "$since" --until "$until" --filter bogus=1
	assert_status 1
	assert_match "invalid filter 'bogus'"
}

@test "events streams what happens while it runs" {
	hako run -d --name streamed busybox sleep 1000 >/dev/null
	local since
	since=$(date +%s.%N)
	# $HAKO itself, not the hako function: $! must be the events process.
	# --since: what happens before it is up is not missed on a slow machine.
	"$HAKO" events --since "$since" --filter container=streamed --format '{{.Action}}' >"$WORK/events.out" &
	local pid=$!
	sleep 0.5
	hako pause streamed
	hako unpause streamed
	eventually 'grep -q unpause "$WORK/events.out"'
	kill "$pid"
	wait "$pid" || true
	assert_eq "$(cat "$WORK/events.out")" $'pause\nunpause'
}

@test "events: exec, image tag and untag, oom and health" {
	local since
	since=$(date +%s.%N)
	hako run -d --name ex busybox sleep 1000 >/dev/null
	hako exec ex sh -c 'exit 3' || true
	hako tag busybox mybox:v1
	hako rmi mybox:v1 >/dev/null
	local until=$(($(date +%s) + 1))
	run hako events --since "$since" --until "$until" --filter event=exec_die --format '{{.Action}} {{index .Actor.Attributes "exitCode"}}'
	assert_eq "$output" "exec_die 3"
	run hako events --since "$since" --until "$until" --filter event=exec_start --format '{{.Action}}'
	assert_eq "$output" "exec_start: sh -c exit 3"
	run hako events --since "$since" --until "$until" --filter type=image --format '{{.Action}} {{.Actor.Attributes.name}}'
	assert_eq "$output" $'tag mybox:v1\nuntag mybox:v1'
	# the monitor's events: oom before die, and health changes
	hako run -d --name oom --memory 16m busybox sh -c 'tail /dev/zero' >/dev/null
	hako wait oom >/dev/null
	hako run -d --name doc --health-cmd true --health-interval 1s busybox sleep 1000 >/dev/null
	eventually '[ "$(hako inspect -f "{{.State.Health.Status}}" doc)" = healthy ]'
	until=$(($(date +%s) + 1))
	run hako events --since "$since" --until "$until" --filter container=oom --filter event=oom --filter event=die --format '{{.Action}}'
	assert_eq "$output" $'oom\ndie'
	run hako events --since "$since" --until "$until" --filter container=doc --filter event=health_status --format '{{.Action}}'
	assert_eq "$output" "health_status: healthy"
}

@test "rename: the new name works everywhere, the old one is gone, taken names are refused" {
	hako run -d --name old busybox sleep 1000 >/dev/null
	hako create --name other busybox true >/dev/null
	run hako rename old new
	assert_status 0
	assert_eq "$(hako inspect -f '{{.Name}}' new)" "/new"
	assert_eq "$(hako ps --format '{{.Names}}')" "new"
	run hako inspect old
	assert_status 1
	run hako rename new other
	assert_status 1
	assert_match 'Conflict. The container name "/other" is already in use'
	run hako rename new 'bad name'
	assert_status 1
	assert_match 'Invalid container name \(bad name\)'
	run hako rename new new
	assert_status 1
	assert_match 'same name as its current name'
	run hako rename nope x1
	assert_status 1
	assert_match 'No such container: nope'
	# the monitor's own events use the new name too
	local since
	since=$(date +%s.%N)
	hako kill new >/dev/null
	hako wait new >/dev/null
	run hako events --since "$since" --until "$(($(date +%s) + 1))" --filter event=die --format '{{.Actor.Attributes.name}}'
	assert_eq "$output" "new"
	# the new name survives a restart and frees the old one for reuse
	hako restart -t 0 new >/dev/null
	assert_eq "$(hako inspect -f '{{.Name}} {{.State.Status}}' new)" "/new running"
	hako create --name old busybox true >/dev/null
}

@test "port: a container without published ports" {
	hako run -d --name noports busybox sleep 1000 >/dev/null
	run hako port noports
	assert_status 0
	assert_eq "$output" ""
	run hako port noports 80
	assert_status 1
	assert_match "No public port '80/tcp' published for noports"
}

@test "attach: output of a running container, and its exit code" {
	hako run -d --name att busybox sh -c 'sleep 1; echo attached-output; exit 7' >/dev/null
	run hako attach att
	assert_status 7
	assert_match 'attached-output'
	run hako attach att
	assert_status 1
	assert_match 'You cannot attach to a stopped container'
}

@test "attach with stdin to a container run with -i" {
	hako run -d -i --name cat busybox sh -c 'read line; echo "got $line"' >/dev/null
	run bash -c "echo hello | '$HAKO' attach cat"
	assert_status 0
	assert_eq "$output" "got hello"
}

@test "signals to a foreground run or an attach reach the container (--sig-proxy)" {
	"$HAKO" run --name sp busybox sh -c 'trap "echo got-usr1; exit 5" USR1; echo ready; while :; do sleep 0.1; done' >"$WORK/run.out" &
	local pid=$!
	eventually 'grep -q ready "$WORK/run.out"'
	kill -USR1 "$pid"
	local rc=0
	wait "$pid" || rc=$?
	assert_eq "$rc" 5
	assert_match 'got-usr1' "$(cat "$WORK/run.out")"
	# attach proxies too; with --sig-proxy=false the signal ends the client only
	hako run -d --name sp2 busybox sh -c 'trap "echo got-term; exit 7" TERM; while :; do sleep 0.1; done' >/dev/null
	"$HAKO" attach sp2 >"$WORK/attach.out" &
	pid=$!
	# until attach has taken SIGTERM over (it blocks it for its signalfd)
	eventually "(( 0x\$(awk '/^SigBlk/ {print \$2}' /proc/$pid/status) & 0x4000 ))"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_eq "$rc" 7
	hako start sp2
	"$HAKO" attach --sig-proxy=false sp2 >/dev/null &
	pid=$!
	sleep 0.5
	kill -TERM "$pid"
	wait "$pid" || true
	assert_eq "$(hako inspect -f '{{.State.Status}}' sp2)" "running"
}

@test "--init: the init is pid 1, reaps orphans and passes signals and exit codes" {
	run hako run --rm --init busybox sh -c 'echo $$; ps -o pid,comm | grep -w 1'
	assert_status 0
	# the shell is not pid 1; the init is
	[ "${lines[0]}" != 1 ] || fail "the command is pid 1: $output"
	assert_match 'docker-init|hako-init'
	run hako run --rm --init busybox sh -c 'exit 5'
	assert_status 5
	# an orphan is reaped: no zombie stays behind
	hako run -d --init --name reaper busybox sh -c '(sleep 0.1 &) ; sleep 1000' >/dev/null
	sleep 1
	run hako exec reaper sh -c "grep -l 'State:.*Z' /proc/[0-9]*/status | wc -l"
	assert_eq "$output" "0"
	# stop's SIGTERM reaches sh (which, not being pid 1, dies of it)
	run hako stop -t 10 reaper
	assert_status 0
	assert_eq "$(hako inspect -f '{{.State.ExitCode}}' reaper)" "143"
}

@test "container prune removes stopped containers only" {
	hako run -d --name keep busybox sleep 1000 >/dev/null
	local gone
	gone=$(hako create --name gone busybox true)
	hako run --name exited busybox sh -c 'echo data > /file' >/dev/null
	run hako container prune -f
	assert_status 0
	assert_match 'Deleted Containers:'
	assert_match "$gone"
	assert_match 'Total reclaimed space: [0-9.]+k?B'
	assert_eq "$(hako ps -a --format '{{.Names}}')" "keep"
	run hako container prune -f
	assert_eq "$output" "Total reclaimed space: 0B"
	# without -f it asks, and "n" keeps everything
	hako create --name asked busybox true >/dev/null
	run bash -c "echo n | '$HAKO' container prune"
	assert_match 'WARNING! This will remove all stopped containers.'
	hako inspect asked >/dev/null
}

@test "system prune: stopped containers and dangling images; -a also unused images" {
	hako create --name stopped busybox true >/dev/null
	hako tag busybox spare:1
	hako rmi busybox >/dev/null
	run hako system prune -f
	assert_status 0
	assert_match 'Deleted Containers:'
	# the image is still tagged spare:1: not dangling
	assert_eq "$(hako images --format '{{.Repository}}:{{.Tag}}')" "spare:1"
	run hako system prune -a -f
	assert_status 0
	assert_match 'Deleted Images:'
	assert_match 'untagged: spare:1'
	assert_eq "$(hako images -q)" ""
	assert_store_empty
}

@test "system df: images and containers, sizes and what is reclaimable" {
	hako run --name writer busybox sh -c 'head -c 100000 /dev/zero > /blob' >/dev/null
	run hako system df
	assert_status 0
	assert_match 'TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE'
	assert_match 'Images +1 +1 +[0-9.]+[kM]B +0B \(0%\)'
	assert_match 'Containers +1 +0 +100kB +100kB \(100%\)'
	run hako system df -v
	assert_match 'writer'
	run hako ps -a -s --format '{{.Names}} {{.Size}}'
	assert_match '^writer 100kB \(virtual [0-9.]+[kM]B\)$'
	run hako system df --format '{{.Type}}={{.TotalCount}}'
	assert_eq "${lines[0]}" "Images=1"
}

@test "info and version" {
	hako run -d --name inf busybox sleep 1000 >/dev/null
	hako create --name inf2 busybox true >/dev/null
	run hako info
	assert_status 0
	assert_match 'Containers: 2'
	assert_match 'Running: 1'
	assert_match 'Stopped: 1'
	assert_match 'Images: 1'
	assert_match "Docker Root Dir: $HAKO_ROOT"
	assert_eq "$(hako info --format '{{.ContainersRunning}} {{.Images}} {{.OSType}}')" "1 1 linux"
	run hako version
	assert_status 0
	assert_match 'Client:'
	assert_match 'Version: +[0-9]+\.[0-9]+\.[0-9]+'
	run hako version --format '{{.Client.Version}}'
	assert_match '^[0-9]+\.[0-9]+\.[0-9]+$'
	# management commands alone list their subcommands
	run hako system
	assert_status 0
	assert_match 'Usage:  hako system COMMAND'
	assert_match 'df +Show hako disk usage'
	run hako container
	assert_match 'prune +Remove all stopped containers'
	run hako image nope
	assert_status 1
	assert_match "'image nope' is not a hako command"
}
