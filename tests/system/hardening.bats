#!/usr/bin/env bats
# Process hardening (seccomp, capabilities, no_new_privs, oom_score_adj,
# rlimits) and container-breakout regressions (CVE-2019-5736: overwriting
# the runtime binary through /proc/PID/exe; CVE-2024-21626: leaked fds as
# process.cwd; mount destinations that are symlinks out of the rootfs).
#
# runc 1.1.5 (Debian, with the CVE-2024-21626 fix) passes every test here.
# Error messages of runc 1.1.5 matched (loosely) here:
#   unknown seccomp action: "string SCMP_ACT_BOGUS is not a valid action for
#                            seccomp"
#   rlimit above the hard limit: "error setting rlimit type 7: operation not
#                            permitted"
#   cwd /proc/self/fd/N:    "mkdir /proc/self/fd/N: not a directory" (or "no
#                            such file or directory")
#   negative oomScoreAdj:   "failed to update /proc/self/oom_score_adj:
#                            Permission denied"

load helpers

# Capability names in bit order (linux/capability.h).
CAPS=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID
	SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW
	IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT
	SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD
	LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG
	WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE)

# The capability set most container engines grant by default.
DEFAULT_CAPS=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER CAP_MKNOD
	CAP_NET_RAW CAP_SETGID CAP_SETUID CAP_SETFCAP CAP_SETPCAP
	CAP_NET_BIND_SERVICE CAP_SYS_CHROOT CAP_KILL CAP_AUDIT_WRITE)

# cap_mask CAP_NAME...: the /proc/PID/status hex mask (16 digits).
cap_mask() {
	local m=0 c i
	for c in "$@"; do
		for i in "${!CAPS[@]}"; do
			if [ "CAP_${CAPS[$i]}" = "$c" ]; then
				m=$((m | (1 << i)))
				continue 2
			fi
		done
		echo "unknown capability $c" >&2
		return 1
	done
	printf '%016x\n' "$m"
}

# caps_json CAP_NAME...: JSON array.
caps_json() {
	jq -cn '$ARGS.positional' --args -- "$@"
}

# set_caps CAP_NAME...: the same list for all five capability sets.
set_caps() {
	jq_config --argjson c "$(caps_json "$@")" \
		'.process.capabilities = {bounding: $c, effective: $c, permitted: $c, inheritable: $c, ambient: $c}'
}

# status_field TEXT NAME: value of "NAME:\tvalue" in /proc/PID/status text.
status_field() {
	awk -v k="$2:" '$1 == k { print $2 }' <<<"$1"
}

# assert_caps STATUS_TEXT SET MASK: e.g. assert_caps "$output" CapEff 00..
assert_caps() {
	local got
	got=$(status_field "$1" "$2")
	[ "$got" = "$3" ] || fail "$2 is $got, expected $3"
}

# ---------------------------------------------------------------------------
# seccomp
# ---------------------------------------------------------------------------

ARCHES='["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"]'

@test "seccomp: SCMP_ACT_ERRNO with errnoRet ENOSYS for mkdir" {
	jq_config --argjson a "$ARCHES" '.linux.seccomp = {
		defaultAction: "SCMP_ACT_ALLOW",
		architectures: $a,
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 38}]
	}'
	set_args sh -c 'mkdir /tmp/d; echo "mkdir=$?"; [ -d /tmp/d ] && echo created; grep "^Seccomp:" /proc/self/status; echo ok'
	run rt run "$CID" </dev/null
	assert_status 0
	assert_match "mkdir: can't create directory '/tmp/d': Function not implemented"
	assert_match 'mkdir=1'
	[[ "$output" != *created* ]] || fail "mkdir succeeded: $output"
	# seccomp mode 2 (filter)
	assert_match 'Seccomp:[[:space:]]+2'
	assert_match 'ok'
	[ ! -e "$BUNDLE/rootfs/tmp/d" ]
	assert_nothing_left "$CID"
}

@test "seccomp: argument filters (SCMP_CMP_MASKED_EQ on chmod mode, SCMP_CMP_EQ on personality)" {
	# chmod/fchmod/fchmodat fail with EPERM only when the mode has S_ISUID
	# (04000 = 2048); personality(PER_LINUX32 = 8) fails with EACCES, other
	# personalities are allowed.
	jq_config --argjson a "$ARCHES" '.linux.seccomp = {
		defaultAction: "SCMP_ACT_ALLOW",
		architectures: $a,
		syscalls: [
			{names: ["chmod", "fchmod"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
			 args: [{index: 1, value: 2048, valueTwo: 2048, op: "SCMP_CMP_MASKED_EQ"}]},
			{names: ["fchmodat"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
			 args: [{index: 2, value: 2048, valueTwo: 2048, op: "SCMP_CMP_MASKED_EQ"}]},
			{names: ["personality"], action: "SCMP_ACT_ERRNO", errnoRet: 13,
			 args: [{index: 0, value: 8, op: "SCMP_CMP_EQ"}]}
		]
	}'
	set_args sh -c '
		touch /tmp/f
		chmod 4755 /tmp/f; echo "setuid=$?"
		chmod 2755 /tmp/f; echo "setgid=$?"
		chmod 0700 /tmp/f; echo "plain=$?"
		ls -l /tmp/f
		linux32 true; echo "linux32=$?"
		linux64 true; echo "linux64=$?"'
	run rt run "$CID" </dev/null
	assert_status 0
	assert_match 'setuid=1'
	assert_match 'chmod: /tmp/f: Operation not permitted'
	assert_match 'setgid=0'
	assert_match 'plain=0'
	# the last (allowed) chmod took effect
	assert_match '-rwx------ .* /tmp/f'
	assert_match 'linux32=1'
	assert_match 'Permission denied'
	assert_match 'linux64=0'
	assert_nothing_left "$CID"
}

@test "seccomp: defaultAction SCMP_ACT_ERRNO with an allowlist" {
	# Enough for busybox sh, echo, cat, grep (and for the runtime's init
	# between loading the filter and execve: runc 1.1.5 needs fstatfs).
	local allow
	allow=$(jq -cn '$ARGS.positional' --args -- \
		access arch_prctl brk capget capset chdir clock_gettime clock_nanosleep \
		clone clone3 close close_range dup dup2 dup3 epoll_create1 epoll_ctl \
		epoll_pwait execve execveat exit exit_group faccessat faccessat2 fchdir \
		fcntl fstat fstatfs fsync futex getcwd getdents64 getegid geteuid \
		getgid getpgrp getpid getppid getrandom gettid getuid ioctl kill lseek \
		lstat madvise mmap mprotect munmap nanosleep newfstatat open openat \
		pipe pipe2 prctl pread64 prlimit64 read readlink readlinkat rseq \
		rt_sigaction rt_sigprocmask rt_sigreturn sched_getaffinity \
		sched_yield sendfile set_robust_list set_tid_address setgid \
		setgroups setpgid setresgid setresuid setuid sigaltstack stat statfs \
		statx sysinfo tgkill tkill umask uname wait4 waitid write writev)
	jq_config --argjson a "$ARCHES" --argjson s "$allow" '.linux.seccomp = {
		defaultAction: "SCMP_ACT_ERRNO",
		defaultErrnoRet: 1,
		architectures: $a,
		syscalls: [{names: $s, action: "SCMP_ACT_ALLOW"}]
	}'
	set_args sh -c 'echo hello; mkdir /tmp/d; echo "mkdir=$?"; grep "^Seccomp:" /proc/self/status'
	run rt run "$CID" </dev/null
	assert_status 0
	assert_match 'hello'
	# mkdir is not in the list: EPERM (defaultErrnoRet 1)
	assert_match "mkdir: can't create directory '/tmp/d': Operation not permitted"
	assert_match 'mkdir=1'
	assert_match 'Seccomp:[[:space:]]+2'
	assert_nothing_left "$CID"
}

@test "seccomp: an unknown action fails create, naming the action" {
	jq_config --argjson a "$ARCHES" '.linux.seccomp = {
		defaultAction: "SCMP_ACT_ALLOW",
		architectures: $a,
		syscalls: [{names: ["mkdir"], action: "SCMP_ACT_BOGUS"}]
	}'
	set_args sleep 1000
	run rt create "$CID" </dev/null
	assert_failure
	assert_match 'SCMP_ACT_BOGUS'
	assert_nothing_left "$CID"

	# an unknown defaultAction as well
	jq_config '.linux.seccomp.defaultAction = "SCMP_ACT_NOPE" | .linux.seccomp.syscalls[0].action = "SCMP_ACT_ERRNO"'
	run rt create "$CID" </dev/null
	assert_failure
	assert_match 'SCMP_ACT_NOPE'
	assert_nothing_left "$CID"
}

# ---------------------------------------------------------------------------
# capabilities, no_new_privs, oom_score_adj, rlimits
# ---------------------------------------------------------------------------

@test "capabilities: all five sets are exactly the configured ones" {
	set_caps "${DEFAULT_CAPS[@]}"
	set_args sh -c 'grep ^Cap /proc/self/status; touch /tmp/f; chown 1000:1000 /tmp/f; echo "chown=$?"; ping -c 1 -W 1 127.0.0.1; echo "ping=$?"'
	run rt run "$CID" </dev/null
	echo "$output" >&2
	local m
	m=$(cap_mask "${DEFAULT_CAPS[@]}")
	assert_caps "$output" CapBnd "$m"
	assert_caps "$output" CapEff "$m"
	assert_caps "$output" CapPrm "$m"
	assert_caps "$output" CapInh "$m"
	assert_caps "$output" CapAmb "$m"
	assert_match 'chown=0'
	[ "$(stat -c %u:%g "$BUNDLE/rootfs/tmp/f")" = 1000:1000 ]
	# with CAP_NET_RAW ping gets its raw socket (whatever happens next
	# in a network namespace with loopback down)
	[[ "$output" != *"permission denied"* ]] || fail "ping lacked CAP_NET_RAW: $output"
	assert_nothing_left "$CID"
}

@test "capabilities: dropped CAP_CHOWN and CAP_NET_RAW are really dropped" {
	local caps=() c
	for c in "${DEFAULT_CAPS[@]}"; do
		case "$c" in CAP_CHOWN | CAP_NET_RAW) ;; *) caps+=("$c") ;; esac
	done
	set_caps "${caps[@]}"
	set_args sh -c 'grep ^Cap /proc/self/status; touch /tmp/f; chown 1000:1000 /tmp/f; echo "chown=$?"; ping -c 1 -W 1 127.0.0.1; echo "ping=$?"'
	run rt run "$CID" </dev/null
	echo "$output" >&2
	local m
	m=$(cap_mask "${caps[@]}")
	assert_caps "$output" CapBnd "$m"
	assert_caps "$output" CapEff "$m"
	assert_caps "$output" CapPrm "$m"
	assert_caps "$output" CapInh "$m"
	assert_caps "$output" CapAmb "$m"
	# bits 0 (CHOWN) and 13 (NET_RAW) are clear in every set
	local set v
	for set in CapBnd CapEff CapPrm CapInh CapAmb; do
		v=$((0x$(status_field "$output" "$set")))
		[ $((v & (1 << 0 | 1 << 13))) -eq 0 ] || fail "$set has CHOWN/NET_RAW"
	done
	assert_match 'chown: /tmp/f: Operation not permitted'
	assert_match 'chown=1'
	[ "$(stat -c %u "$BUNDLE/rootfs/tmp/f")" = 0 ]
	assert_match 'ping: permission denied'
	assert_match 'ping=1'
	assert_nothing_left "$CID"
}

@test "capabilities: non-root user gets its effective/ambient set, bounding is separate" {
	jq_config '.process.user = {"uid": 1000, "gid": 1000}'
	local b e m
	b=$(caps_json "${DEFAULT_CAPS[@]}")
	e=$(caps_json CAP_NET_BIND_SERVICE CAP_KILL)
	jq_config --argjson b "$b" --argjson e "$e" \
		'.process.capabilities = {bounding: $b, effective: $e, permitted: $e, inheritable: $e, ambient: $e}'
	set_args sh -c 'id -u; grep ^Cap /proc/self/status'
	run rt run "$CID" </dev/null
	assert_status 0
	assert_eq "${lines[0]}" 1000
	assert_caps "$output" CapBnd "$(cap_mask "${DEFAULT_CAPS[@]}")"
	m=$(cap_mask CAP_NET_BIND_SERVICE CAP_KILL)
	assert_caps "$output" CapEff "$m"
	assert_caps "$output" CapPrm "$m"
	assert_caps "$output" CapInh "$m"
	assert_caps "$output" CapAmb "$m"

	# without ambient capabilities a non-root user ends up with none
	jq_config '.process.capabilities.ambient = [] | .process.capabilities.inheritable = []'
	run rt run "$CID" </dev/null
	assert_status 0
	assert_caps "$output" CapEff 0000000000000000
	assert_caps "$output" CapPrm 0000000000000000
	assert_caps "$output" CapAmb 0000000000000000
	assert_caps "$output" CapBnd "$(cap_mask "${DEFAULT_CAPS[@]}")"
	assert_nothing_left "$CID"
}

@test "noNewPrivileges is visible as NoNewPrivs: 1" {
	jq_config '.process.noNewPrivileges = true'
	set_args grep NoNewPrivs /proc/self/status
	run rt run "$CID" </dev/null
	assert_status 0
	assert_match 'NoNewPrivs:[[:space:]]+1'

	jq_config '.process.noNewPrivileges = false'
	run rt run "$CID" </dev/null
	assert_status 0
	assert_match 'NoNewPrivs:[[:space:]]+0'
	assert_nothing_left "$CID"
}

@test "oomScoreAdj is applied to the container process" {
	jq_config '.process.oomScoreAdj = 500'
	set_args cat /proc/self/oom_score_adj
	run rt run "$CID" </dev/null
	assert_status 0
	assert_eq "$output" 500

	# also to the init of a detached container (seen from the host)
	jq_config '.process.oomScoreAdj = 321'
	run_detached "$CID"
	assert_eq "$(cat /proc/"$(pid_of "$CID")"/oom_score_adj)" 321
	# and exec'd processes inherit it
	run rt exec "$CID" cat /proc/self/oom_score_adj
	assert_eq "$output" 321
}

@test "oomScoreAdj below the caller's without CAP_SYS_RESOURCE fails cleanly" {
	local bnd
	bnd=$((0x$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)))
	[ $((bnd & (1 << 24))) -eq 0 ] || skip "caller has CAP_SYS_RESOURCE"
	[ "$(cat /proc/self/oom_score_adj)" -ge -999 ] || skip "caller's oom_score_adj is already -1000"
	jq_config --argjson v "$(($(cat /proc/self/oom_score_adj) - 1))" '.process.oomScoreAdj = $v'
	set_args sleep 1000
	run rt create "$CID" </dev/null
	assert_failure
	assert_match 'oom_score_adj|oomScoreAdj|[Pp]ermission denied|not permitted'
	assert_nothing_left "$CID"
}

@test "rlimits are applied" {
	local hard
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || hard=1048576
	jq_config --argjson h "$((hard / 2))" '.process.rlimits = [
		{type: "RLIMIT_NOFILE", hard: $h, soft: 1000},
		{type: "RLIMIT_NPROC", hard: 777, soft: 555},
		{type: "RLIMIT_CORE", hard: 0, soft: 0}]'
	set_args sh -c 'ulimit -Hn; ulimit -Sn; ulimit -Hu; ulimit -Su; ulimit -c'
	run rt run "$CID" </dev/null
	assert_status 0
	assert_eq "$output" "$(printf '%s\n1000\n777\n555\n0' $((hard / 2)))"
	assert_nothing_left "$CID"
}

@test "rlimit above the caller's hard limit fails with a clear error" {
	local bnd hard
	bnd=$((0x$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)))
	[ $((bnd & (1 << 24))) -eq 0 ] || skip "caller has CAP_SYS_RESOURCE (may raise hard limits)"
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "RLIMIT_NOFILE hard limit is unlimited"
	jq_config --argjson h "$((hard * 2))" '.process.rlimits = [{type: "RLIMIT_NOFILE", hard: $h, soft: 1024}]'
	set_args sleep 1000
	run rt create "$CID" </dev/null
	assert_failure
	assert_match 'rlimit|RLIMIT_NOFILE|not permitted'
	assert_nothing_left "$CID"
	run rt run "$CID" </dev/null
	assert_failure
	assert_match 'rlimit|RLIMIT_NOFILE|not permitted'
	assert_nothing_left "$CID"
}

# ---------------------------------------------------------------------------
# CVE-2019-5736: overwriting the runtime binary via /proc/PID/exe
# ---------------------------------------------------------------------------

# The attacker, run inside the container: for every process whose exe is
# not busybox (i.e. the runtime: an init not yet exec'd, or the helper of
# `exec`), try to open its /proc/PID/exe for writing, and hold a read-only
# fd to it and keep re-opening /proc/self/fd/3 for writing (the original
# exploit: wait until the runtime exits and ETXTBSY goes away).  Any
# successful write is logged to /tmp/pwned.
ATTACK='
end=$(( $(date +%s) + ${1:-4} ))
seen=" $$ "
log() { echo "$*" >>/tmp/attack.log; }
try_exe() {
	p=$1
	exe=$(readlink "/proc/$p/exe" 2>/dev/null) || return 1
	seen="$seen$p "
	case "$exe" in */busybox) return 0 ;; esac
	log "pid $p exe=$exe"
	if echo pwned 2>/dev/null >>"/proc/$p/exe"; then
		echo "direct write to /proc/$p/exe ($exe)" >>/tmp/pwned
	fi
	(
		exec 3<"/proc/$p/exe" || exit 0
		log "pid $p: holding a read-only fd"
		i=0
		while [ $i -lt 400 ]; do
			if echo pwned 2>/dev/null >>/proc/self/fd/3; then
				echo "write through fd of /proc/$p/exe ($exe)" >>/tmp/pwned
				exit 0
			fi
			i=$((i + 1))
			usleep 10000
		done
	) &
}
[ -n "$TARGET" ] && try_exe "$TARGET"
while [ "$(date +%s)" -lt "$end" ]; do
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		case "$seen" in *" $p "*) continue ;; esac
		try_exe "$p"
	done
done
wait
log done
'

# use_runtime_copy: run this test with a copy of the runtime binary (same
# basename, in $TEST_DIR), so a successful attack cannot damage the real
# one.  Sets RT_COPY and RT_SUM (its sha256).
use_runtime_copy() {
	mkdir -p "$TEST_DIR/runtime-copy"
	RT_COPY="$TEST_DIR/runtime-copy/$(basename "$RUNTIME")"
	cp -L "$RUNTIME" "$RT_COPY"
	chmod 755 "$RT_COPY"
	RUNTIME=$RT_COPY
	RT_SUM=$(sha256sum <"$RT_COPY")
	printf '%s\n' "$ATTACK" >"$BUNDLE/rootfs/bin/attack"
	# the original exploit's trigger: an "executable" that makes the
	# kernel run /proc/self/exe, i.e. the runtime's init/exec helper
	# binary, as a container process
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/bin/evil"
	chmod 755 "$BUNDLE/rootfs/bin/attack" "$BUNDLE/rootfs/bin/evil"
}

# check_runtime_intact: the copy was not modified and no write succeeded.
check_runtime_intact() {
	echo "attack log:" >&2
	cat "$BUNDLE/rootfs/tmp/attack.log" >&2 2>/dev/null || true
	[ ! -e "$BUNDLE/rootfs/tmp/pwned" ] || fail "runtime binary written: $(cat "$BUNDLE/rootfs/tmp/pwned")"
	assert_eq "$(sha256sum <"$RT_COPY")" "$RT_SUM"
}

@test "CVE-2019-5736: exec'd process cannot overwrite the runtime via /proc/PID/exe" {
	use_runtime_copy
	run_detached "$CID"
	wait_status "$CID" running
	ctr exec --detach --pid-file "$TEST_DIR/attack.pid" "$CID" sh /bin/attack 6
	local apid i
	apid=$(cat "$TEST_DIR/attack.pid")
	# give the attacker runtime processes to look at: exec helpers, and
	# the runtime binary run through #!/proc/self/exe
	for ((i = 0; i < 20; i++)); do
		timeout 10 "$RUNTIME" --root "$ROOT" exec "$CID" true </dev/null >/dev/null 2>&1 || true
		timeout 10 "$RUNTIME" --root "$ROOT" exec "$CID" sleep 0.1 </dev/null >/dev/null 2>&1 || true
		timeout 10 "$RUNTIME" --root "$ROOT" exec "$CID" /bin/evil </dev/null >/dev/null 2>&1 || true
	done
	WAIT_TIMEOUT=20 wait_for sh -c "! kill -0 $apid 2>/dev/null || grep -q '^State:.*Z' /proc/$apid/status"
	sleep 0.5
	check_runtime_intact
	# the runtime copy still works
	run rt exec "$CID" echo still-works
	assert_status 0
	assert_eq "$output" still-works
}

@test "CVE-2019-5736: process exec'd into a created container cannot overwrite the runtime via /proc/1/exe" {
	use_runtime_copy
	set_args sleep 1000
	ctr create "$CID"
	# (runc allows exec into a created container; a runtime that refuses
	# is fine too, then only the start below is exercised)
	if rt exec --detach --pid-file "$TEST_DIR/attack.pid" --env TARGET=1 "$CID" sh /bin/attack 5 \
		</dev/null >"$TEST_DIR/exec.log" 2>&1; then
		# wait until the attacker holds its fd to /proc/1/exe (if it can
		# open it at all)
		sleep 1
		cat "$BUNDLE/rootfs/tmp/attack.log" >&2 2>/dev/null || true
	else
		echo "exec into created container refused: $(cat "$TEST_DIR/exec.log")" >&2
	fi
	# start: pid 1 execs the user process; the runtime binary is no
	# longer busy (this is when the original exploit wrote it)
	ctr start "$CID"
	wait_status "$CID" running
	local i
	for ((i = 0; i < 10; i++)); do
		rt exec "$CID" true </dev/null >/dev/null 2>&1 || true
	done
	# let the attacker's write loops run out
	if [ -s "$TEST_DIR/attack.pid" ]; then
		local apid
		apid=$(cat "$TEST_DIR/attack.pid")
		WAIT_TIMEOUT=15 wait_for sh -c "! kill -0 $apid 2>/dev/null || grep -q '^State:.*Z' /proc/$apid/status"
	fi
	sleep 0.5
	check_runtime_intact
	run rt exec "$CID" echo still-works
	assert_status 0
	assert_eq "$output" still-works
}

# ---------------------------------------------------------------------------
# CVE-2024-21626: leaked fds, process.cwd = /proc/self/fd/N
# ---------------------------------------------------------------------------

# Inside the container: climb up from the cwd and look for a marker that
# exists only on the host ($TEST_DIR/escape-marker).
ESCAPE_CHECK='pwd; cd -P ../../../../../../../../../../../../..; if [ -e ".$MARKER" ]; then echo ESCAPED; fi; ls /proc/self/fd'

@test "CVE-2024-21626: process.cwd /proc/self/fd/N never ends up outside the container" {
	local n
	touch "$TEST_DIR/escape-marker"
	for n in 3 4 5 6 7 8 9 10; do
		jq_config --arg c "/proc/self/fd/$n" --arg m "$TEST_DIR/escape-marker" \
			'.process.cwd = $c | .process.env += ["MARKER=" + $m]'
		set_args sh -c "$ESCAPE_CHECK"
		run rt run "$CID" </dev/null
		echo "cwd /proc/self/fd/$n => $status: $output" >&2
		[[ "$output" != *ESCAPED* ]] || fail "cwd /proc/self/fd/$n escaped the container: $output"
		if [ "$status" -eq 0 ]; then
			# the cwd is a directory inside the container
			assert_match '^/'
		else
			[ -n "$output" ] || fail "failure without an error message"
		fi
		# (the full assert_nothing_left is slow: once, below)
		[ ! -e "$ROOT/$CID" ] || fail "state of $CID left after cwd /proc/self/fd/$n"
	done
	assert_nothing_left "$CID"
}

@test "CVE-2024-21626: exec --cwd /proc/self/fd/N never ends up outside the container" {
	local n
	touch "$TEST_DIR/escape-marker"
	run_detached "$CID"
	wait_status "$CID" running
	for n in 3 4 5 6 7 8 9 10; do
		run rt exec --cwd "/proc/self/fd/$n" --env "MARKER=$TEST_DIR/escape-marker" "$CID" sh -c "$ESCAPE_CHECK"
		echo "exec --cwd /proc/self/fd/$n => $status: $output" >&2
		[[ "$output" != *ESCAPED* ]] || fail "exec --cwd /proc/self/fd/$n escaped the container: $output"
		if [ "$status" -eq 0 ]; then
			assert_match '^/'
		fi
	done
	assert_eq "$(status_of "$CID")" running
}

# fds_ok OUTPUT: `ls -l /proc/self/fd` shows 0, 1, 2 and at most the
# directory fd of ls itself.
fds_ok() {
	local line fd target bad=
	while read -r line; do
		[[ "$line" == *" -> "* ]] || continue
		target=${line##* -> }
		fd=${line% -> *}
		fd=${fd##* }
		case "$fd" in
		0 | 1 | 2) ;;
		*) [[ "$target" =~ ^/proc/[0-9]+/fd$ ]] || bad+=" $fd->$target" ;;
		esac
	done <<<"$1"
	[ -z "$bad" ] || fail "leaked fds:$bad (in: $1)"
	[ "$(grep -c ' -> ' <<<"$1")" -le 4 ] || fail "too many fds: $1"
}

@test "no runtime fds leak into the container process (run and exec)" {
	set_args ls -l /proc/self/fd
	run rt run "$CID" </dev/null
	assert_status 0
	echo "$output" >&2
	fds_ok "$output"
	assert_match ' 0 -> '
	assert_match ' 1 -> '
	assert_match ' 2 -> '

	# init of a detached container, seen from the host
	run_detached "$CID"
	wait_status "$CID" running
	local fds
	fds=$(ls /proc/"$(pid_of "$CID")"/fd | sort -n | tr '\n' ' ')
	assert_eq "$fds" "0 1 2 "

	run rt exec "$CID" ls -l /proc/self/fd
	assert_status 0
	echo "$output" >&2
	fds_ok "$output"

	# a detached exec, seen from the host
	ctr exec --detach --pid-file "$TEST_DIR/e.pid" "$CID" sleep 1000
	fds=$(ls /proc/"$(cat "$TEST_DIR/e.pid")"/fd | sort -n | tr '\n' ' ')
	assert_eq "$fds" "0 1 2 "
}

# symlink_mount_check PRECREATE: rootfs/evil -> /tmp/hako-escape-<id> (an
# absolute symlink, to a directory that exists on the host), tmpfs mounted
# at /evil.  The symlink must be resolved inside the rootfs: the tmpfs ends
# up on rootfs/tmp/hako-escape-<id> (created by the runtime unless
# PRECREATE), and the host directory stays empty and unmounted.
symlink_mount_check() {
	local host="/tmp/hako-escape-$CID"
	CLEANUP_PATHS+=("$host")
	mkdir -p "$host"
	ln -s "$host" "$BUNDLE/rootfs/evil"
	[ "$1" = precreate ] && mkdir -p "$BUNDLE/rootfs$host"
	jq_config '.mounts += [{"destination": "/evil", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "size=1m"]}]'
	set_args sh -c 'echo inside >/evil/file && echo wrote; exec sleep 1000'
	ctr run -d "$CID"
	wait_status "$CID" running
	# the tmpfs is in the container, at the symlink's target resolved
	# inside the rootfs
	run rt exec "$CID" sh -c "stat -f -c %T /evil/; cat /evil/file; grep -c ' $host ' /proc/self/mountinfo"
	assert_status 0
	assert_eq "${lines[0]}" tmpfs
	assert_eq "${lines[1]}" inside
	assert_eq "${lines[2]}" 1
	# the host directory is untouched: empty and not a mount point
	assert_eq "$(ls -A "$host")" ""
	! grep -q " $host " /proc/self/mountinfo || fail "$host mounted on the host"
	# the mount point is inside the rootfs (and the file is on the tmpfs,
	# not under it)
	[ -d "$BUNDLE/rootfs$host" ] || fail "$BUNDLE/rootfs$host does not exist"
	[ ! -e "$BUNDLE/rootfs$host/file" ] || fail "file written under the mount point"
	ctr delete -f "$CID"
	assert_eq "$(ls -A "$host")" ""
	assert_nothing_left "$CID"
}

@test "a mount destination that is a symlink to a host path lands inside the rootfs (target exists in the rootfs)" {
	symlink_mount_check precreate
}

@test "a mount destination that is a symlink to a host path lands inside the rootfs (target created by the runtime)" {
	# runc creates the missing target (MkdirAll inside the rootfs).
	symlink_mount_check
}

@test "a seccomp profile need not allow the runtime's own syscalls (close_range, getcwd)" {
	# runtime-tools' default profile returns EPERM for every syscall it does
	# not list; close_range and getcwd are not in it.
	for nnp in true false; do
		jq_config '.process.noNewPrivileges = '"$nnp"' | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ["close_range", "getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
		set_args echo seccomp-ok
		run rt run "$CID"
		assert_status 0
		assert_match 'seccomp-ok'
	done
	assert_nothing_left "$CID"
}
