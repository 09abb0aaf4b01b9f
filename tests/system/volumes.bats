#!/usr/bin/env bats
# Volumes and mounts as a user drives them: data that outlives containers,
# read-only mounts, Docker's copy-up, shared volumes, live binds, tmpfs
# limits, prune, anonymous volumes, and destinations that are symlinks.

bats_require_minimum_version 1.5.0
load helpers
load image_helpers
load container_helpers

# import_rootfs_with NAME CMDS: busybox plus what the shell commands CMDS
# (run in the rootfs directory) add, imported as image NAME.
import_rootfs_with() {
	local name=$1 dir="$WORK/img-$1"
	mkdir -p "$dir"
	tar -C "$dir" -xf "$BUSYBOX_TAR"
	(cd "$dir" && eval "$2")
	tar -C "$dir" -cf "$WORK/$name.tar" .
	hako import -c 'CMD ["sh"]' ${3:+-c "$3"} "$WORK/$name.tar" "$name" >/dev/null
}

@test "data written by one container is read by a new one after the first is removed" {
	hako run --name writer -v db:/data busybox sh -c 'echo kept >/data/row' >/dev/null
	hako rm writer >/dev/null
	run hako run --rm -v db:/data busybox cat /data/row
	assert_eq "$output" "kept"
	run hako volume ls --format '{{.Driver}} {{.Name}}'
	assert_eq "$output" "local db"
	run hako volume inspect -f '{{.Mountpoint}}' db
	assert_eq "$output" "$HAKO_ROOT/volumes/db/_data"
	[ "$(cat "$HAKO_ROOT/volumes/db/_data/row")" = kept ] || fail "not on the host"
	hako volume rm db >/dev/null
}

@test "read-only mounts refuse writes" {
	hako volume create ro >/dev/null
	run hako run --rm -v ro:/data:ro busybox sh -c 'echo x >/data/f'
	assert_failure
	assert_match "Read-only file system"
	mkdir -p "$WORK/host"
	run hako run --rm --mount "type=bind,src=$WORK/host,dst=/h,readonly" busybox touch /h/f
	assert_failure
	[ ! -e "$WORK/host/f" ] || fail "a read-only bind was written"
	hako volume rm ro >/dev/null
}

@test "a new volume over an image directory gets its content, owners and modes (unless nocopy)" {
	import_rootfs_with owned 'mkdir -p srv && echo seed >srv/x && chown -R 1234:2345 srv && chmod 0750 srv && chmod 0604 srv/x'
	run hako run --rm -v fill:/srv owned stat -c '%u:%g %a %n' /srv /srv/x
	assert_eq "$output" "1234:2345 750 /srv
1234:2345 604 /srv/x"
	run hako run --rm -v fill:/srv owned cat /srv/x
	assert_eq "$output" "seed"
	run hako run --rm -v empty:/srv:nocopy owned ls -A /srv
	assert_eq "$output" ""
	hako volume rm fill empty >/dev/null
}

@test "two containers write to one volume at once" {
	hako run -d --name wa -v shared:/s busybox sh -c 'for i in $(seq 200); do echo a$i >>/s/a; done; touch /s/a.done; sleep 100' >/dev/null
	hako run -d --name wb -v shared:/s busybox sh -c 'for i in $(seq 200); do echo b$i >>/s/b; done; touch /s/b.done; sleep 100' >/dev/null
	WAIT_TIMEOUT=20 wait_for test -e "$HAKO_ROOT/volumes/shared/_data/a.done" -a -e "$HAKO_ROOT/volumes/shared/_data/b.done"
	run hako exec wa sh -c 'wc -l </s/a; wc -l </s/b'
	assert_eq "$output" "200
200"
}

@test "bind mounts see host changes live" {
	mkdir -p "$WORK/live"
	hako run -d --name watcher -v "$WORK/live:/live" busybox sleep 100 >/dev/null
	echo first >"$WORK/live/f"
	run hako exec watcher cat /live/f
	assert_eq "$output" "first"
	echo second >"$WORK/live/f"
	run hako exec watcher cat /live/f
	assert_eq "$output" "second"
	# and -v makes a missing host directory
	hako run --rm -v "$WORK/made/here:/m" busybox true
	[ -d "$WORK/made/here" ] || fail "-v did not make the host directory"
}

@test "tmpfs size limits hold" {
	run hako run --rm --mount type=tmpfs,dst=/t,tmpfs-size=1m busybox sh -c 'dd if=/dev/zero of=/t/big bs=1k count=2048'
	assert_failure
	assert_match "No space left on device"
	run hako run --rm --mount type=tmpfs,dst=/t,tmpfs-size=1m busybox sh -c 'dd if=/dev/zero of=/t/ok bs=1k count=512 2>/dev/null && echo fits'
	assert_eq "$output" "fits"
}

@test "volume rm refuses a volume in use; prune keeps volumes in use; rm -v and --rm drop anonymous ones" {
	hako run -d --name user -v busy:/b busybox sleep 100 >/dev/null
	run hako volume rm busy
	assert_failure
	assert_match "volume is in use"
	hako volume create idle >/dev/null
	# an anonymous volume (-v /path), kept by a stopped container until rm -v
	hako run --name anon -v /scratch busybox true >/dev/null
	local anon
	anon=$(hako inspect -f '{{range .Mounts}}{{.Name}}{{end}}' anon)
	[ ${#anon} -eq 64 ] || fail "anonymous volume name: $anon"
	run hako volume prune -f
	[[ $output != *"$anon"* ]] || fail "prune removed a volume in use"
	hako rm -v anon >/dev/null
	run hako volume ls -q
	[[ $output != *"$anon"* ]] || fail "rm -v left the anonymous volume"
	run hako volume prune -f -a
	assert_match "idle"
	[[ $output != *busy* ]] || fail "prune -a removed a volume in use"
	run hako volume ls -q
	assert_eq "$output" "busy"
	# --rm takes its anonymous volumes with it
	hako run --rm -v /tmpdata busybox true
	run hako volume ls -q
	assert_eq "$output" "busy"
	hako rm -f user >/dev/null
	hako volume rm busy >/dev/null
}

@test "the image's VOLUMEs become anonymous volumes, filled from the image" {
	import_rootfs_with withvol 'mkdir -p data && echo from-image >data/seed' 'VOLUME /data'
	hako run --name v1 withvol sh -c 'cat /data/seed; echo more >/data/more' >/dev/null
	run hako inspect -f '{{range .Mounts}}{{.Type}} {{.Destination}}{{end}}' v1
	assert_eq "$output" "volume /data"
	run hako logs v1
	assert_eq "$output" "from-image"
	hako rm -v v1 >/dev/null
	run hako volume ls -q
	assert_eq "$output" ""
}

@test "a destination that is a symlink in the image never leads the mount out of the rootfs" {
	local outside="$BATS_TEST_TMPDIR/outside"
	mkdir -p "$outside"
	import_rootfs_with trap "ln -s $outside escape && ln -s ../../../../../../$outside relative"
	hako run --rm -v vv:/escape trap sh -c 'touch /escape/pwned'
	hako run --rm -v "$WORK:/relative" trap true
	[ -z "$(ls -A "$outside")" ] || fail "a mount landed outside the rootfs: $(ls -A "$outside")"
	hako volume rm vv >/dev/null
}

@test "--volumes-from and the local driver's -o type=tmpfs" {
	mkdir -p "$WORK/shared"
	hako run -d --name source -v named:/named -v "$WORK/shared:/bind" busybox sleep 100 >/dev/null
	hako exec source sh -c 'echo v >/named/f; echo b >/bind/f'
	run hako run --rm --volumes-from source busybox cat /named/f /bind/f
	assert_eq "$output" "v
b"
	run hako run --rm --volumes-from source:ro busybox touch /named/g
	assert_failure
	hako volume create -o type=tmpfs -o device=tmpfs -o o=size=1m small >/dev/null
	run hako run --rm -v small:/s busybox sh -c 'grep " /s " /proc/mounts | cut -d" " -f3; dd if=/dev/zero of=/s/big bs=1k count=2048'
	assert_failure
	assert_match "^tmpfs"
	run hako volume inspect -f '{{.Options.type}} {{.Options.o}}' small
	assert_eq "$output" "tmpfs size=1m"
	hako volume rm small >/dev/null
	awk -v d="$HAKO_ROOT/volumes/small" 'index($5, d) == 1' /proc/self/mountinfo | grep -q . && fail "volume mount left"
	hako rm -f source >/dev/null
	hako volume rm named >/dev/null
}

@test "system df counts volumes; -v shows each one's size and users" {
	hako run -d --name sized -v heavy:/h busybox sh -c 'dd if=/dev/zero of=/h/blob bs=1k count=300 2>/dev/null; sleep 100' >/dev/null
	hako volume create light >/dev/null
	WAIT_TIMEOUT=10 wait_for test -s "$HAKO_ROOT/volumes/heavy/_data/blob"
	sleep 0.3
	run hako system df --format '{{.Type}} {{.TotalCount}} {{.Active}}'
	assert_match "Local Volumes 2 1"
	run hako system df -v
	assert_match "Local Volumes space usage:"
	assert_match "heavy +1 +307(\.2)?kB"
	assert_match "light +0 +0B"
	hako rm -f sized >/dev/null
	hako volume rm heavy light >/dev/null
}
