# shellcheck shell=bash
# Helpers for tests of hako's image commands. Each test gets its own store
# (HAKO_ROOT below the test's temp dir) and a small busybox rootfs tarball.
# Loaded after helpers.bash, whose assertions these tests use; its
# container-oriented setup/teardown are replaced here.

HAKO=${HAKO:-hako}
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../scripts/lib-rootfs.sh
source "$REPO_DIR/scripts/lib-rootfs.sh"

setup() { image_test_setup; }

# A store of the test's own and the busybox tarball (setup, and the start
# of container_helpers' setup).
image_test_setup() {
	[ -x "$HAKO" ] || skip "hako binary $HAKO not found"
	[ "$(id -u)" -eq 0 ] || skip "must run as root"
	export HAKO_ROOT="$BATS_TEST_TMPDIR/store"
	WORK="$BATS_TEST_TMPDIR/work"
	mkdir -p "$WORK"
	BUSYBOX_TAR="$WORK/busybox.tar"
	make_busybox_tar "$BUSYBOX_TAR"
}

teardown() {
	# Overlay mounts made by a test must not outlive it.
	local m
	for m in $(awk -v d="$BATS_TEST_TMPDIR" '$5 ~ "^"d {print $5}' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	[ -z "$(awk -v d="$BATS_TEST_TMPDIR" '$5 ~ "^"d' /proc/self/mountinfo)" ] || fail "mounts left below $BATS_TEST_TMPDIR"
}

hako() { "$HAKO" "$@"; }

# make_busybox_tar OUT: a busybox root filesystem as an uncompressed tar.
make_busybox_tar() {
	local out=$1 dir
	dir=$(mktemp -d "$BATS_TEST_TMPDIR/rootfs.XXXXXX")
	rootfs_busybox "$dir" /bin/busybox bin >/dev/null
	rootfs_users "$dir"
	tar -C "$dir" --numeric-owner -cf "$out" .
	rm -rf "$dir"
}

# import_busybox [NAME]: imports the busybox tarball as NAME (busybox:latest).
import_busybox() {
	hako import -c 'CMD ["sh"]' "$BUSYBOX_TAR" "${1:-busybox:latest}" >/dev/null
}

# The store holds no image, no blob, no layer tree and no container layer.
assert_store_empty() {
	run hako images -q
	assert_status 0
	[ -z "$output" ] || fail "images left: $output"
	[ -z "$(ls -A "$HAKO_ROOT/blobs/sha256" 2>/dev/null)" ] || fail "blobs left: $(ls "$HAKO_ROOT/blobs/sha256")"
	[ -z "$(ls -A "$HAKO_ROOT/layers" 2>/dev/null)" ] || fail "layers left: $(ls -A "$HAKO_ROOT/layers")"
	[ -z "$(ls -A "$HAKO_ROOT/ingest" 2>/dev/null)" ] || fail "ingest left: $(ls -A "$HAKO_ROOT/ingest")"
}

# eventually 'SHELL CONDITION': polls (eval) until it holds, for up to
# $WAIT_TIMEOUT seconds.
eventually() {
	local i
	for ((i = 0; i < ${WAIT_TIMEOUT:-10} * 20; i++)); do
		eval "$1" && return 0
		sleep 0.05
	done
	fail "timed out waiting for: $1"
}
