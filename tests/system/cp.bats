#!/usr/bin/env bats
# hako cp and hako diff on busybox containers, with Docker's path rules:
# files and directories both ways, the "/." contents form, tar streams on
# "-", stopped containers, -a and -L, symlinks and ".." that must stay
# inside the container, Docker's errors, and diff's A/C/D lines.

bats_require_minimum_version 1.5.0
load helpers
load image_helpers
load container_helpers

# A running busybox container NAME.
running() {
	hako run -d --name "$1" busybox sleep 1000 >/dev/null
}

# No mount of this test's store exists (a stopped container's rootfs is
# mounted only while cp works on it).
assert_no_mounts() {
	local left
	left=$(awk -v d="$HAKO_ROOT" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo)
	[ -z "$left" ] || fail "mounts left: $left"
}

@test "cp: a file into a running container, seen by its processes, and out again" {
	running ctr
	echo hello >"$WORK/f"
	run hako cp "$WORK/f" ctr:/tmp/f
	assert_status 0
	assert_eq "$output" ""  # no terminal: quiet, as Docker is
	run hako exec ctr cat /tmp/f
	assert_eq "$output" "hello"
	# Into an existing directory under the file's own name.
	hako cp "$WORK/f" ctr:/etc
	assert_eq "$(hako exec ctr cat /etc/f)" "hello"
	# Overwriting a file.
	echo again >"$WORK/g"
	hako cp "$WORK/g" ctr:/tmp/f
	assert_eq "$(hako exec ctr cat /tmp/f)" "again"
	run hako cp ctr:/tmp/f "$WORK/out"
	assert_status 0
	assert_eq "$(cat "$WORK/out")" "again"
	mkdir "$WORK/into"
	hako cp ctr:/etc/f "$WORK/into"
	assert_eq "$(cat "$WORK/into/f")" "hello"
	# Docker's closing line, when asked for (the tar of one small file).
	run hako cp --quiet=false "$WORK/f" ctr:/tmp/h
	assert_status 0
	assert_eq "$output" "Successfully copied 2.05kB to ctr:/tmp/h"
	cd "$WORK"
	run hako cp --quiet=false ctr:/tmp/h h-back
	assert_eq "$output" "Successfully copied 2.05kB to $WORK/h-back"
	run hako cp -q ctr:/tmp/h h-quiet
	assert_eq "$output" ""
	[ -f "$WORK/h-quiet" ] || fail "-q copied nothing"
}

@test "cp: directories both ways, and the /. form copies contents" {
	running ctr
	mkdir -p "$WORK/d/sub"
	echo a >"$WORK/d/a"
	echo b >"$WORK/d/sub/b"
	hako cp "$WORK/d" ctr:/tmp                # into an existing directory: /tmp/d
	assert_eq "$(hako exec ctr cat /tmp/d/sub/b)" "b"
	hako cp "$WORK/d" ctr:/newdir             # missing: made, with d's contents
	assert_eq "$(hako exec ctr cat /newdir/a)" "a"
	hako cp "$WORK/d/." ctr:/tmp              # contents into /tmp
	assert_eq "$(hako exec ctr cat /tmp/a)" "a"

	mkdir "$WORK/out"
	hako cp ctr:/tmp/d "$WORK/out"
	assert_eq "$(cat "$WORK/out/d/sub/b")" "b"
	hako cp ctr:/tmp/d/. "$WORK/out"
	assert_eq "$(cat "$WORK/out/sub/b")" "b"
	hako cp ctr:/tmp/d "$WORK/fresh"
	assert_eq "$(cat "$WORK/fresh/a")" "a"

	# Docker's refusals.
	run hako cp "$WORK/d/a" ctr:/nodir/
	assert_status 1
	assert_match "no such directory"
	run hako cp "$WORK/d" ctr:/tmp/a
	assert_status 1
	assert_match "cannot copy directory"
	run hako cp ctr:/tmp/d/a "$WORK/nodir/"
	assert_status 1
	assert_match "no such directory"
	# A file never replaces a directory (nor the reverse): no rm -rf.
	hako exec ctr mkdir -p /clash/a
	run hako cp "$WORK/d/." ctr:/clash
	assert_status 1
	assert_match 'cannot overwrite directory "/clash/a" with non-directory'
	hako exec ctr test -d /clash/a
}

@test "cp: - streams a tar out of and into a container" {
	running ctr
	hako exec ctr sh -c 'mkdir -p /data/sub && echo x >/data/sub/x && echo y >/data/y'
	hako cp ctr:/data - >"$WORK/data.tar"
	run sh -c "tar -tf '$WORK/data.tar' | sort"
	assert_eq "$output" "$(printf 'data/\ndata/sub/\ndata/sub/x\ndata/y')"
	run sh -c "'$HAKO' cp ctr:/data/. - | tar -tf - | sort"
	assert_eq "$output" "$(printf './\n./sub/\n./sub/x\n./y')"
	run sh -c "'$HAKO' cp ctr:/data/y - | tar -xOf -"
	assert_eq "$output" "y"

	mkdir -p "$WORK/in/deep"
	echo z >"$WORK/in/deep/z"
	tar -C "$WORK/in" -cf "$WORK/in.tar" .
	run sh -c "'$HAKO' cp - ctr:/tmp <'$WORK/in.tar'"
	assert_status 0
	assert_eq "$(hako exec ctr cat /tmp/deep/z)" "z"
	gzip -c "$WORK/in.tar" >"$WORK/in.tar.gz"
	hako exec ctr mkdir /gz
	run sh -c "'$HAKO' cp - ctr:/gz <'$WORK/in.tar.gz'"
	assert_status 0
	assert_eq "$(hako exec ctr cat /gz/deep/z)" "z"
	# The destination of a stream must be an existing directory.
	run sh -c "'$HAKO' cp - ctr:/missing <'$WORK/in.tar'"
	assert_status 1
	assert_match 'destination "ctr:/missing" must be a directory'
	run sh -c "'$HAKO' cp - ctr:/data/y <'$WORK/in.tar'"
	assert_status 1
	assert_match 'destination "ctr:/data/y" must be a directory'
}

@test "cp: created and exited containers, with no mount left behind" {
	hako create --name ctr busybox cat /marker >/dev/null
	echo created >"$WORK/marker"
	run hako cp "$WORK/marker" ctr:/marker
	assert_status 0
	assert_no_mounts
	run hako start -a ctr
	assert_status 0
	assert_eq "$output" "created"
	assert_eq "$(hako inspect -f '{{.State.Status}}' ctr)" "exited"
	run hako cp ctr:/marker "$WORK/back"
	assert_status 0
	assert_eq "$(cat "$WORK/back")" "created"
	assert_no_mounts
	run hako diff ctr
	assert_eq "$output" "A /marker"
	# And a copy does not keep the container from starting afterwards.
	run hako start -a ctr
	assert_eq "$output" "created"
}

@test "cp: -a keeps owners; without it they are root's in, the caller's out" {
	running ctr
	echo o >"$WORK/owned"
	chown 1234:5678 "$WORK/owned"
	hako cp "$WORK/owned" ctr:/plain
	assert_eq "$(hako exec ctr stat -c %u:%g /plain)" "0:0"
	hako cp -a "$WORK/owned" ctr:/kept
	assert_eq "$(hako exec ctr stat -c %u:%g /kept)" "1234:5678"
	hako exec ctr sh -c 'echo x >/theirs && chown 4321:8765 /theirs'
	hako cp ctr:/theirs "$WORK/theirs"
	assert_eq "$(stat -c %u:%g "$WORK/theirs")" "$(id -u):$(id -g)"
	hako cp -a ctr:/theirs "$WORK/theirs-a"
	assert_eq "$(stat -c %u:%g "$WORK/theirs-a")" "4321:8765"
}

@test "cp: symlinks in the container resolve inside it, never on the host" {
	running ctr
	hako exec ctr ln -s /etc /link
	hako exec ctr sh -c 'echo container-etc >/etc/marker'
	# Through a symlinked directory: the container's /etc/passwd.
	hako cp ctr:/link/passwd "$WORK/passwd"
	assert_eq "$(cat "$WORK/passwd")" "$(hako exec ctr cat /etc/passwd)"
	cmp -s "$WORK/passwd" /etc/passwd && fail "got the host's /etc/passwd"
	# The last component: the link itself, unless -L or a trailing /.
	hako cp ctr:/link "$WORK/l1"
	[ -L "$WORK/l1" ] || fail "the link was not copied as a link"
	assert_eq "$(readlink "$WORK/l1")" "/etc"
	hako cp -L ctr:/link "$WORK/l2"
	[ -d "$WORK/l2" ] && [ ! -L "$WORK/l2" ] || fail "-L did not copy the target"
	assert_eq "$(cat "$WORK/l2/marker")" "container-etc"
	hako cp ctr:/link/. "$WORK/l3"
	assert_eq "$(cat "$WORK/l3/marker")" "container-etc"
	# A link that climbs past the root stops at the container's root.
	hako exec ctr ln -s ../../../../../../../.. /up
	hako cp ctr:/up/etc/marker "$WORK/m"
	assert_eq "$(cat "$WORK/m")" "container-etc"
	# Copying in through a link writes the container's /etc, not the host's.
	local probe="hako-cp-probe-$$"
	echo in >"$WORK/f"
	hako cp "$WORK/f" "ctr:/link/$probe"
	assert_eq "$(hako exec ctr cat "/etc/$probe")" "in"
	[ ! -e "/etc/$probe" ] || fail "wrote the host's /etc/$probe"
	hako exec ctr ln -s "/etc/$probe" /dest-link
	echo replaced >"$WORK/r"
	hako cp "$WORK/r" ctr:/dest-link
	assert_eq "$(hako exec ctr cat "/etc/$probe")" "replaced"
	[ ! -e "/etc/$probe" ] || fail "wrote the host's /etc/$probe"
}

@test "cp: .. cannot leave the container, in paths or in tar members" {
	running ctr
	hako exec ctr sh -c 'echo inside >/marker'
	hako cp ctr:/../../../../marker "$WORK/m"
	assert_eq "$(cat "$WORK/m")" "inside"
	hako cp ctr:../../marker "$WORK/m2"
	assert_eq "$(cat "$WORK/m2")" "inside"
	echo x >"$WORK/f"
	hako cp "$WORK/f" "ctr:/../../../../hako-cp-escaped-$$"
	assert_eq "$(hako exec ctr cat "/hako-cp-escaped-$$")" "x"
	[ ! -e "/hako-cp-escaped-$$" ] || { rm -f "/hako-cp-escaped-$$"; fail "escaped to the host's /"; }
	# A path naming the host's test dir means that path inside the container.
	run hako cp "$WORK/f" "ctr:/../../../../..$WORK/escaped"
	assert_status 1
	assert_match "Could not find the file $WORK in container ctr"
	[ ! -e "$WORK/escaped" ] || fail "escaped to the host"
	# Members with .. are refused, and nothing lands outside.
	"$PYTHON" - "$WORK/evil.tar" <<-'EOF'
		import io, sys, tarfile
		with tarfile.open(sys.argv[1], "w") as t:
		    data = b"evil\n"
		    info = tarfile.TarInfo("../../../../../../tmp/hako-cp-evil")
		    info.size = len(data)
		    t.addfile(info, io.BytesIO(data))
	EOF
	run sh -c "'$HAKO' cp - ctr:/tmp <'$WORK/evil.tar'"
	assert_status 1
	assert_match "path escapes the root"
	[ ! -e /tmp/hako-cp-evil ] || { rm -f /tmp/hako-cp-evil; fail "a tar member escaped"; }
}

@test "cp: Docker's errors and exit codes" {
	running web
	echo x >"$WORK/f"
	run hako cp web:/nope "$WORK/x"
	assert_status 1
	assert_eq "$output" "Error response from daemon: Could not find the file /nope in container web"
	run hako cp "$WORK/f" web:/no/such/dir/f
	assert_status 1
	assert_eq "$output" "Error response from daemon: Could not find the file /no/such/dir in container web"
	run hako cp nosuch:/etc "$WORK/x"
	assert_status 1
	assert_match "No such container:path: nosuch:/etc"
	run hako cp "$WORK/f" "$WORK/g"
	assert_status 1
	assert_match "must specify at least one container source"
	run hako cp web:/a web:/b
	assert_status 1
	assert_match "copying between containers is not supported"
	run hako cp "$WORK/missing" web:/tmp
	assert_status 1
	assert_match "lstat $WORK/missing: No such file or directory"
	run hako cp web:/etc
	assert_status 1
	assert_match '"hako cp" requires exactly 2 arguments.'
	[ ! -e "$WORK/x" ] || fail "a failed copy left $WORK/x"
}

@test "diff: added, changed and deleted paths, running and stopped" {
	hako run -d --name ctr busybox sh -c \
		'echo new >/etc/new; echo more >>/etc/passwd; rm /bin/vi; mkdir -p /tmp/d/e; touch /ready; exec sleep 1000' >/dev/null
	eventually 'hako exec ctr test -e /ready'
	local want
	want=$(printf '%s\n' 'C /bin' 'D /bin/vi' 'C /etc' 'A /etc/new' 'C /etc/passwd' 'A /ready' 'C /tmp' 'A /tmp/d' 'A /tmp/d/e')
	run hako diff ctr
	assert_status 0
	assert_eq "$output" "$want"
	hako stop -t 0 ctr >/dev/null
	run hako diff ctr
	assert_eq "$output" "$want"
	assert_no_mounts
	hako create --name fresh busybox true >/dev/null
	run hako diff fresh
	assert_status 0
	assert_eq "$output" ""
	run hako diff nosuch
	assert_status 1
	assert_eq "$output" "Error response from daemon: No such container: nosuch"
}
