#!/usr/bin/env bats
# OCI hooks: prestart, createRuntime, createContainer, startContainer,
# poststart, poststop; stdin state, ordering, failures, timeouts.

load helpers

# All hooks run $HOOKDIR/hook.sh KIND LOGDIR.  It appends KIND to LOGDIR/order
# and stores its stdin (the container state) in LOGDIR/KIND.json.
# $HOOKDIR is bind-mounted at /hooklog so that startContainer (which is
# resolved and run in the container) can use the same script.
setup_hooks() {
	HOOKDIR="$TEST_DIR/hooklog"
	mkdir -p "$HOOKDIR"
	cat >"$HOOKDIR/hook.sh" <<-'EOF2'
	#!/bin/sh
	kind=$1 dir=$2
	cat >"$dir/$kind.json"
	echo "$kind" >>"$dir/order"
	env >"$dir/$kind.env"
	exit 0
	EOF2
	chmod 755 "$HOOKDIR/hook.sh"
	add_hook_mount
	local h k
	for k in prestart createRuntime createContainer poststart poststop; do
		h=$(jq -nc --arg p "$HOOKDIR/hook.sh" --arg k "$k" --arg d "$HOOKDIR" \
			'{path: $p, args: ["hook.sh", $k, $d], env: ["HOOK_KIND=" + $k, "PATH=/usr/bin:/bin"]}')
		jq_config --arg k "$k" --argjson h "$h" '.hooks[$k] += [$h]'
	done
	jq_config '.hooks.startContainer += [{"path": "/hooklog/hook.sh",
		"args": ["hook.sh", "startContainer", "/hooklog"], "env": ["HOOK_KIND=startContainer", "PATH=/bin"]}]'
}

add_hook_mount() {
	jq_config --arg s "$HOOKDIR" '.mounts += [{destination: "/hooklog", type: "bind", source: $s, options: ["rbind", "rw"]}]'
}

hook_order() { cat "$HOOKDIR/order" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }

# pos KIND: line number of KIND in the order file
pos() { grep -nx "$1" "$HOOKDIR/order" | head -n 1 | cut -d: -f1; }

@test "all hook kinds run, in order, across create/start/delete" {
	# NOTE: runc 1.1.5 fails this: it runs poststart hooks during `create`
	# (before start). Per runtime-spec, poststart runs after the user
	# process is started, i.e. as part of `start`.
	setup_hooks
	set_args sh -c 'until [ -e /tmp/go ]; do sleep 0.05; done'
	ctr create "$CID"
	# after create: prestart, createRuntime, createContainer only
	local k
	for k in prestart createRuntime createContainer; do
		grep -qx "$k" "$HOOKDIR/order" || fail "$k did not run at create: $(hook_order)"
	done
	for k in startContainer poststart poststop; do
		! grep -qx "$k" "$HOOKDIR/order" || fail "$k ran too early: $(hook_order)"
	done

	ctr start "$CID"
	wait_for grep -qx poststart "$HOOKDIR/order"
	grep -qx startContainer "$HOOKDIR/order"
	! grep -qx poststop "$HOOKDIR/order" || fail "poststop before delete"

	touch "$BUNDLE/rootfs/tmp/go"
	wait_status "$CID" stopped
	ctr delete "$CID"
	grep -qx poststop "$HOOKDIR/order" || fail "poststop did not run: $(hook_order)"

	# every hook exactly once
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		[ "$(grep -cx "$k" "$HOOKDIR/order")" -eq 1 ] || fail "$k ran $(grep -cx "$k" "$HOOKDIR/order") times"
	done
	# ordering
	[ "$(pos createRuntime)" -lt "$(pos createContainer)" ] || fail "order: $(hook_order)"
	[ "$(pos prestart)" -lt "$(pos createContainer)" ] || fail "order: $(hook_order)"
	[ "$(pos createContainer)" -lt "$(pos startContainer)" ] || fail "order: $(hook_order)"
	[ "$(pos startContainer)" -lt "$(pos poststart)" ] || fail "order: $(hook_order)"
	[ "$(pos poststart)" -lt "$(pos poststop)" ] || fail "order: $(hook_order)"
	assert_nothing_left "$CID"
}

@test "hooks receive the container state on stdin" {
	setup_hooks
	set_args sh -c 'until [ -e /tmp/go ]; do sleep 0.05; done'
	ctr create "$CID"
	local pid
	pid=$(pid_of "$CID")
	ctr start "$CID"
	wait_for grep -qx poststart "$HOOKDIR/order"
	touch "$BUNDLE/rootfs/tmp/go"
	wait_status "$CID" stopped
	ctr delete "$CID"

	# runtime.md: for hooks executed in the runtime namespace "pid" is the
	# pid as seen by the runtime; for hooks executed in the container
	# namespace (createContainer, startContainer) it is the pid as seen by
	# the container -- 1, since the container has its own pid namespace.
	local k p bad=()
	for k in prestart createRuntime createContainer startContainer poststart; do
		case $k in createContainer | startContainer) p=1 ;; *) p=$pid ;; esac
		jq -e --arg id "$CID" --argjson pid "$p" --arg b "$BUNDLE" \
			'.id == $id and .pid == $pid and .bundle == $b and (.ociVersion | type == "string")' \
			"$HOOKDIR/$k.json" >/dev/null || bad+=("$k: $(cat "$HOOKDIR/$k.json" 2>&1)")
	done
	jq -e --arg id "$CID" '.id == $id' "$HOOKDIR/poststop.json" >/dev/null ||
		bad+=("poststop: $(cat "$HOOKDIR/poststop.json" 2>&1)")
	[ ${#bad[@]} -eq 0 ] || fail "bad hook state (host pid $pid): $(printf '\n  %s' "${bad[@]}")"
}

@test "hooks get args and env from the hook definition" {
	setup_hooks
	set_args true
	run rt run "$CID"
	assert_status 0
	local k
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		grep -qx "HOOK_KIND=$k" "$HOOKDIR/$k.env" || fail "$k env: $(cat "$HOOKDIR/$k.env")"
	done
}

@test "hooks run with run (foreground) too" {
	setup_hooks
	set_args true
	run rt run "$CID"
	assert_status 0
	assert_eq "$(hook_order | tr ' ' '\n' | sort | tr '\n' ' ')" \
		"createContainer createRuntime poststart poststop prestart startContainer "
	assert_nothing_left "$CID"
}

@test "createContainer and startContainer hooks run in the container namespaces" {
	HOOKDIR="$TEST_DIR/hooklog"
	mkdir -p "$HOOKDIR"
	cat >"$HOOKDIR/ns.sh" <<-'EOF2'
	#!/bin/sh
	readlink /proc/self/ns/mnt >"$2/$1.mnt"
	readlink /proc/self/ns/uts >"$2/$1.uts"
	EOF2
	chmod 755 "$HOOKDIR/ns.sh"
	add_hook_mount
	jq_config --arg p "$HOOKDIR/ns.sh" --arg d "$HOOKDIR" '
		.hooks.createRuntime = [{path: $p, args: ["ns.sh", "createRuntime", $d]}]
		| .hooks.createContainer = [{path: $p, args: ["ns.sh", "createContainer", $d]}]
		| .hooks.startContainer = [{path: "/hooklog/ns.sh", args: ["ns.sh", "startContainer", "/hooklog"]}]'
	run_detached
	wait_status "$CID" running
	local pid
	pid=$(pid_of "$CID")
	assert_eq "$(cat "$HOOKDIR/createRuntime.mnt")" "$(readlink /proc/$$/ns/mnt)"
	assert_eq "$(cat "$HOOKDIR/createContainer.mnt")" "$(readlink /proc/"$pid"/ns/mnt)"
	assert_eq "$(cat "$HOOKDIR/createContainer.uts")" "$(readlink /proc/"$pid"/ns/uts)"
	assert_eq "$(cat "$HOOKDIR/startContainer.mnt")" "$(readlink /proc/"$pid"/ns/mnt)"
	assert_eq "$(cat "$HOOKDIR/startContainer.uts")" "$(readlink /proc/"$pid"/ns/uts)"
}

@test "a failing createRuntime hook fails create and leaves nothing behind" {
	printf '#!/bin/sh\necho hook-failed-on-purpose >&2\nexit 3\n' >"$TEST_DIR/fail.sh"
	chmod 755 "$TEST_DIR/fail.sh"
	jq_config --arg p "$TEST_DIR/fail.sh" '.hooks.createRuntime = [{path: $p}]'
	set_args sleep 1000
	run ctr create "$CID"
	assert_failure
	assert_nothing_left "$CID"
}

@test "a failing prestart hook fails run and leaves nothing behind" {
	printf '#!/bin/sh\nexit 1\n' >"$TEST_DIR/fail.sh"
	chmod 755 "$TEST_DIR/fail.sh"
	jq_config --arg p "$TEST_DIR/fail.sh" '.hooks.prestart = [{path: $p}]'
	set_args sleep 1000
	run ctr run -d "$CID"
	assert_failure
	assert_nothing_left "$CID"
}

@test "a hook exceeding its timeout fails the operation" {
	printf '#!/bin/sh\necho $$ >"$1"\nexec sleep 30\n' >"$TEST_DIR/slow.sh"
	chmod 755 "$TEST_DIR/slow.sh"
	jq_config --arg p "$TEST_DIR/slow.sh" '.hooks.createRuntime = [{path: $p, args: ["slow.sh", ($p + ".pid")], timeout: 1}]'
	set_args sleep 1000
	local t0=$SECONDS
	run ctr create "$CID"
	assert_failure
	[ $((SECONDS - t0)) -lt 15 ] || fail "hook timeout not enforced ($((SECONDS - t0))s)"
	assert_match 'timeout|timed out|deadline' "$(cat "$TEST_DIR/ctr.log")"
	# the hook process was killed
	local hpid
	hpid=$(cat "$TEST_DIR/slow.sh.pid")
	wait_for sh -c "! kill -0 $hpid 2>/dev/null"
	assert_nothing_left "$CID"
}

@test "a failing poststop hook does not prevent delete" {
	printf '#!/bin/sh\nexit 1\n' >"$TEST_DIR/fail.sh"
	chmod 755 "$TEST_DIR/fail.sh"
	jq_config --arg p "$TEST_DIR/fail.sh" '.hooks.poststop = [{path: $p}]'
	run_detached
	wait_status "$CID" running
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	rt delete "$CID" || true
	assert_nothing_left "$CID"
}

@test "after a failing poststart or poststop hook the remaining hooks still run" {
	printf '#!/bin/sh\nexit 1\n' >"$TEST_DIR/fail.sh"
	printf '#!/bin/sh\ntouch "$1"\n' >"$TEST_DIR/mark.sh"
	chmod 755 "$TEST_DIR/fail.sh" "$TEST_DIR/mark.sh"
	jq_config --arg f "$TEST_DIR/fail.sh" --arg m "$TEST_DIR/mark.sh" --arg d "$TEST_DIR" '
		.hooks.poststart = [{path: $f}, {path: $m, args: ["mark.sh", ($d + "/poststart-2")]}]
		| .hooks.poststop = [{path: $f}, {path: $m, args: ["mark.sh", ($d + "/poststop-2")]}]'
	run_detached
	wait_status "$CID" running
	[ -e "$TEST_DIR/poststart-2" ] || fail "the second poststart hook did not run"
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	rt delete "$CID"
	[ -e "$TEST_DIR/poststop-2" ] || fail "the second poststop hook did not run"
	assert_nothing_left "$CID"
}
