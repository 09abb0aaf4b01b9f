#!/usr/bin/env bats
# run's flags, each driven as a user would and checked inside the container
# (or in its cgroup) rather than in what hako says it did.

bats_require_minimum_version 1.5.0
load helpers
load image_helpers
load container_helpers

# in_tty COMMAND: runs COMMAND on a pseudo-terminal (util-linux script),
# output without carriage returns; a minute at most, so a detach that does
# not happen fails the test instead of hanging it.
in_tty() {
	timeout 60 script -qec "$1" /dev/null | tr -d '\r'
}

# load_image_with_healthcheck NAME: busybox as a docker-archive whose config
# has a HEALTHCHECK (true, every second), loaded as NAME. (commit --change
# cannot add one, as in Docker.)
load_image_with_healthcheck() {
	local dir="$WORK/hc"
	mkdir -p "$dir"
	cp "$BUSYBOX_TAR" "$dir/layer.tar"
	local diff
	diff=sha256:$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
	jq -n --arg diff "$diff" '{architecture: "amd64", os: "linux",
		config: {Cmd: ["sh"], Healthcheck: {Test: ["CMD", "true"], Interval: 1000000000}},
		rootfs: {type: "layers", diff_ids: [$diff]}}' >"$dir/config.json"
	jq -n --arg name "$1" '[{Config: "config.json", RepoTags: [$name], Layers: ["layer.tar"]}]' >"$dir/manifest.json"
	tar -C "$dir" -cf "$WORK/hc.tar" manifest.json config.json layer.tar
	hako load -i "$WORK/hc.tar" >/dev/null
}

@test "-t gives the process a terminal; without it there is none" {
	run in_tty "'$HAKO' run -t --rm busybox sh -c 'tty; [ -t 1 ] && echo stdout-is-a-tty'"
	assert_match '/dev/pts/[0-9]+'
	assert_match 'stdout-is-a-tty'
	run hako run --rm busybox sh -c 'tty; [ -t 1 ] || echo no-tty'
	assert_match 'not a tty'
	assert_match 'no-tty'
}

@test "-it with --detach-keys: the keys detach and the container keeps running" {
	run in_tty "(sleep 1; printf '\\001x') | '$HAKO' run -it --name dk --detach-keys ctrl-a,x busybox sh"
	assert_eq "$(hako inspect -f '{{.State.Status}}' dk)" "running"
	run hako run --rm --detach-keys shift-q busybox true
	assert_status 125
	assert_match 'invalid detach keys'
}

@test "--env-file, --entrypoint, -h, --label" {
	printf 'A=from-file\n# a comment\n\nB=two words\nHOST_ONLY\n' >"$WORK/env"
	HOST_ONLY=from-host run hako run --rm --env-file "$WORK/env" -e B=flag busybox sh -c 'echo "$A|$B|$HOST_ONLY"'
	assert_eq "$output" "from-file|flag|from-host"
	run hako run --rm --env-file "$WORK/missing" busybox true
	assert_status 125
	assert_match 'missing'
	run hako run --rm --entrypoint echo busybox from entrypoint
	assert_eq "$output" "from entrypoint"
	run hako run --rm -h short busybox hostname
	assert_eq "$output" "short"
	hako run -d --name lab --label tier=front --label team busybox sleep 1000 >/dev/null
	assert_eq "$(hako inspect -f '{{index .Config.Labels "tier"}}' lab)" "front"
	assert_eq "$(hako ps --filter label=tier=front --format '{{.Names}}')" "lab"
	assert_eq "$(hako ps --filter label=tier=back --format '{{.Names}}')" ""
}

@test "--read-only, with --tmpfs for what must be written" {
	run hako run --rm --read-only busybox touch /x
	assert_status 1
	assert_match 'Read-only file system'
	run hako run --rm --read-only --tmpfs /scratch:size=1m busybox sh -c 'echo hi > /scratch/f && cat /scratch/f && df -k /scratch | tail -n 1'
	assert_status 0
	assert_match 'hi'
	assert_match 'tmpfs +1024 '
}

@test "--stop-signal and --stop-timeout" {
	hako run -d --name sig --stop-signal USR1 busybox sh -c 'trap "exit 42" USR1; while :; do sleep 0.1; done' >/dev/null
	hako stop sig >/dev/null
	assert_eq "$(hako inspect -f '{{.State.ExitCode}} {{.Config.StopSignal}}' sig)" "42 USR1"
	# a process that ignores the signal is killed after --stop-timeout
	hako run -d --name stubborn --stop-timeout 1 busybox sh -c 'trap "" TERM; while :; do sleep 0.1; done' >/dev/null
	hako stop stubborn >/dev/null
	assert_eq "$(hako inspect -f '{{.State.ExitCode}}' stubborn)" "137"
}

@test "--health-timeout, --health-start-period, --no-healthcheck" {
	hako run -d --name slow --health-cmd 'sleep 5' --health-timeout 1s --health-interval 1s --health-retries 1 \
		busybox sleep 1000 >/dev/null
	WAIT_TIMEOUT=20 eventually '[ "$(hako inspect -f "{{.State.Health.Status}}" slow)" = unhealthy ]'
	assert_match 'Health check exceeded timeout \(1s\)' "$(hako inspect -f '{{(index .State.Health.Log 0).Output}}' slow)"
	# failures inside the start period do not count
	hako run -d --name grace --health-cmd false --health-interval 1s --health-retries 1 --health-start-period 60s \
		busybox sleep 1000 >/dev/null
	sleep 3
	assert_eq "$(hako inspect -f '{{.State.Health.Status}}' grace)" "starting"
	# --no-healthcheck: the image's HEALTHCHECK is switched off
	load_image_with_healthcheck checked:1
	hako run -d --name unchecked --no-healthcheck checked:1 sleep 1000 >/dev/null
	assert_eq "$(hako inspect -f '{{.State.Health}}' unchecked)" "<no value>"
	hako run -d --name checked checked:1 sleep 1000 >/dev/null
	eventually '[ "$(hako inspect -f "{{.State.Health.Status}}" checked)" = healthy ]'
}

@test "memory, cpu and pids flags land in the container's cgroup" {
	hako run -d --name lim --memory 64m --memory-reservation 32m --cpus 1.5 --cpu-shares 512 \
		--cpuset-cpus 0 --pids-limit 50 busybox sleep 1000 >/dev/null
	assert_eq "$(cg_read lim memory memory.limit_in_bytes memory.max)" 67108864
	assert_eq "$(cg_read lim memory memory.soft_limit_in_bytes memory.low)" 33554432
	if cgroup2_host; then
		assert_eq "$(cg_read lim cpu x cpu.max)" "150000 100000"
	else
		assert_eq "$(cg_read lim cpu cpu.cfs_quota_us x)" 150000
		assert_eq "$(cg_read lim cpu cpu.shares x)" 512
	fi
	assert_eq "$(cg_read lim cpuset cpuset.cpus cpuset.cpus)" 0
	assert_eq "$(cg_read lim pids pids.max pids.max)" 50
	assert_eq "$(hako inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}' lim)" \
		"67108864 1500000000 50"
	run hako run --rm --memory 1m busybox true
	assert_status 125
	assert_match 'Minimum memory limit allowed is 6MB'
}

@test "--memory-swap sets memory+swap" {
	hako run -d --name swap --memory 64m --memory-swap 128m busybox sleep 1000 >/dev/null
	if cgroup2_host; then
		assert_eq "$(cg_read swap memory x memory.swap.max)" 67108864
	else
		local pid dir
		pid=$(hako inspect -f '{{.State.Pid}}' swap)
		dir=$(cgroup_dir memory "$pid")
		[ -f "$dir/memory.memsw.limit_in_bytes" ] || skip "no swap accounting on this kernel"
		assert_eq "$(cat "$dir/memory.memsw.limit_in_bytes")" 134217728
	fi
	run hako run --rm --memory 64m --memory-swap 32m busybox true
	assert_status 125
	assert_match 'Minimum memoryswap limit should be larger than memory limit'
}

@test "--ulimit and --oom-score-adj" {
	run hako run --rm --ulimit nofile=1024:2048 --ulimit nproc=500 busybox sh -c 'ulimit -n; ulimit -Hn; ulimit -u'
	assert_eq "$output" $'1024\n2048\n500'
	run hako run --rm --oom-score-adj 500 busybox cat /proc/self/oom_score_adj
	assert_eq "$output" "500"
	run hako run --rm --ulimit bogus=1 busybox true
	assert_status 125
	assert_match 'bogus'
}

@test "--cap-add, --cap-drop and --privileged" {
	# CapEff as a number; bit 12 is CAP_NET_ADMIN, bit 0 CAP_CHOWN
	run hako run --rm --cap-drop ALL busybox grep CapEff /proc/self/status
	assert_match 'CapEff:\s+0000000000000000'
	run hako run --rm --cap-drop ALL --cap-add CHOWN busybox grep CapEff /proc/self/status
	assert_match 'CapEff:\s+0000000000000001'
	run hako run --rm busybox sh -c 'touch /f && chown nobody /f'
	assert_status 0
	run hako run --rm --cap-drop CHOWN busybox sh -c 'touch /f && chown nobody /f'
	assert_status 1
	assert_match 'Operation not permitted'
	run hako run --rm --cap-add NET_ADMIN busybox sh -c 'ip addr add 10.9.9.9/32 dev lo && echo admin'
	assert_eq "$output" "admin"
	run hako run --rm busybox sh -c 'ip addr add 10.9.9.9/32 dev lo'
	assert_status 2
	assert_match 'Operation not permitted'
	run hako run --rm --privileged busybox sh -c 'grep Seccomp: /proc/self/status; ip addr add 10.9.9.9/32 dev lo && echo admin'
	assert_match 'Seccomp:\s+0'
	assert_match 'admin'
	run hako run --rm --cap-add NOPE busybox true
	assert_status 125
}

@test "--security-opt no-new-privileges, seccomp=unconfined and seccomp=FILE" {
	run hako run --rm --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
	assert_match 'NoNewPrivs:\s+1'
	run hako run --rm busybox grep Seccomp: /proc/self/status
	assert_match 'Seccomp:\s+2'
	run hako run --rm --security-opt seccomp=unconfined busybox grep Seccomp: /proc/self/status
	assert_match 'Seccomp:\s+0'
	cat >"$WORK/no-mkdir.json" <<-'EOF'
		{"defaultAction": "SCMP_ACT_ALLOW",
		 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
	EOF
	run hako run --rm --security-opt seccomp="$WORK/no-mkdir.json" busybox mkdir /tmp/d
	assert_status 1
	assert_match 'Operation not permitted'
	run hako run --rm --security-opt seccomp="$WORK/nope.json" busybox true
	assert_status 125
	run hako run --rm --security-opt bogus busybox true
	assert_status 125
}

@test "--shm-size, --device and --sysctl" {
	run hako run --rm --shm-size 32m busybox sh -c 'df -k /dev/shm | tail -n 1'
	assert_match ' 32768 '
	run hako run --rm --device /dev/null:/dev/mynull busybox sh -c 'echo x > /dev/mynull && ls -l /dev/mynull'
	assert_status 0
	assert_match '^crw.* 1, +3 '
	run hako run --rm --sysctl net.ipv4.ip_forward=1 busybox cat /proc/sys/net/ipv4/ip_forward
	assert_eq "$output" "1"
	run hako run --rm --sysctl kernel.shm_rmid_forced=1 busybox cat /proc/sys/kernel/shm_rmid_forced
	assert_eq "$output" "1"
	run hako run --rm --sysctl vm.swappiness=1 busybox true
	assert_status 125
	assert_match 'not allowed|not whitelisted|invalid'
}

@test "--log-opt max-size and max-file rotate the json log" {
	hako run -d --name chatty --log-opt max-size=2k --log-opt max-file=2 busybox \
		sh -c 'i=0; while [ $i -lt 300 ]; do echo "line $i"; i=$((i+1)); done' >/dev/null
	hako wait chatty >/dev/null
	local log
	log=$(hako inspect -f '{{.LogPath}}' chatty)
	# at most the file and one rotated file, each about max-size
	[ -f "$log" ] && [ -f "$log.1" ] && [ ! -e "$log.2" ] || fail "rotation files: $(ls "$(dirname "$log")")"
	[ "$(stat -c %s "$log.1")" -le 2200 ] || fail "rotated file too large: $(stat -c %s "$log.1")"
	run hako logs --tail 1 chatty
	assert_eq "$output" "line 299"
	run hako run --rm --log-opt max-file=0 busybox true
	assert_status 125
}

@test "--pull never|missing|always" {
	run hako run --rm --pull never 127.0.0.1:1/nothing:here true
	assert_status 125
	assert_match 'No such image'
	# busybox is here: missing (the default) and never use it as is
	run hako run --rm --pull never busybox echo local
	assert_eq "$output" "local"
	# always asks the registry, which here is a closed loopback port
	run hako run --rm --pull always 127.0.0.1:1/busybox true
	assert_status 125
	run hako run --rm --pull sometimes busybox true
	assert_status 125
	assert_match 'invalid pull option'
}

@test "defaults: the image's USER, Docker's capabilities, seccomp, masked and read-only paths" {
	hako import -c 'CMD ["sh"]' -c 'USER nobody' "$BUSYBOX_TAR" nob:1 >/dev/null
	assert_eq "$(hako run --rm nob:1 id -u)" "65534"
	assert_eq "$(hako run --rm -u 0 nob:1 id -u)" "0"
	# Docker's default set: a80425fb (chown, dac_override, fowner, fsetid,
	# kill, setgid, setuid, setpcap, net_bind_service, net_raw, sys_chroot,
	# mknod, audit_write, setfcap)
	run hako run --rm busybox grep CapEff /proc/self/status
	assert_match 'CapEff:\s+00000000a80425fb'
	run hako run --rm busybox grep Seccomp: /proc/self/status
	assert_match 'Seccomp:\s+2'
	run hako run --rm busybox sh -c 'echo x > /proc/sys/kernel/hostname'
	assert_status 1
	assert_match 'Read-only file system'
	run hako run --rm busybox sh -c 'wc -c < /proc/timer_list; ls /proc/acpi | wc -l; wc -c < /proc/keys'
	assert_eq "$(tr -d ' ' <<<"$output" | tr '\n' ' ')" "0 0 0 "
}
