#!/usr/bin/env bats
# hako against a real registry (Debian's docker-registry on 127.0.0.1, made
# by registry.bash for each test): push, pull by tag and digest, image
# indexes, basic/bearer auth with login/logout, TLS with a certs.d CA,
# cross-repository mounts, and interop with skopeo and umoci.

load helpers
load image_helpers
load registry

setup() {
	[ -x "$HAKO" ] || skip "hako binary $HAKO not found"
	[ "$(id -u)" -eq 0 ] || skip "must run as root"
	require_registry_tools --seed --htpasswd --tls
	export HAKO_ROOT="$BATS_TEST_TMPDIR/store"
	export DOCKER_CONFIG="$BATS_TEST_TMPDIR/docker-config"
	WORK="$BATS_TEST_TMPDIR/work"
	mkdir -p "$WORK"
	BUSYBOX_TAR="$WORK/busybox.tar"
	make_busybox_tar "$BUSYBOX_TAR"
}

teardown() {
	stop_registry
}

# The digest the registry serves for NAME:TAG.
registry_digest() {
	local o
	mapfile -t o < <(registry_opts)
	skopeo inspect "${o[@]}" "docker://$REGISTRY/$1" | jq -r .Digest
}

@test "push, then pull by tag and by digest into an empty store" {
	start_registry
	import_busybox "$REGISTRY/tools/busybox:1"
	local id
	id=$(hako image inspect -f '{{.Id}}' "$REGISTRY/tools/busybox:1")
	run hako push "$REGISTRY/tools/busybox:1"
	assert_status 0
	assert_match "The push refers to repository \[$REGISTRY/tools/busybox\]"
	assert_match '[0-9a-f]{12}: Pushed'
	assert_match '1: digest: sha256:[0-9a-f]{64} size: [0-9]+'
	digest=$(registry_digest tools/busybox:1)
	assert_match "digest: $digest"
	run hako push "$REGISTRY/tools/busybox:1"
	assert_match 'Layer already exists'

	export HAKO_ROOT="$BATS_TEST_TMPDIR/store2"
	run hako pull "$REGISTRY/tools/busybox:1"
	assert_status 0
	assert_match 'Pull complete'
	assert_match "Digest: $digest"
	assert_match "Status: Downloaded newer image for $REGISTRY/tools/busybox:1"
	assert_eq "${lines[-1]}" "$REGISTRY/tools/busybox:1"
	assert_eq "$(hako image inspect -f '{{.Id}}' "$REGISTRY/tools/busybox:1")" "$id"
	run hako images --digests --format '{{.Digest}}'
	assert_eq "$output" "$digest"
	run hako pull "$REGISTRY/tools/busybox:1"
	assert_match 'Image is up to date'

	export HAKO_ROOT="$BATS_TEST_TMPDIR/store3"
	run hako pull -q "$REGISTRY/tools/busybox@$digest"
	assert_status 0
	assert_eq "$output" "$REGISTRY/tools/busybox@$digest"
	assert_eq "$(hako image inspect -f '{{.Id}}' "$REGISTRY/tools/busybox@$digest")" "$id"
	run hako images --format '{{.Repository}} {{.Tag}}'
	assert_eq "$output" "$REGISTRY/tools/busybox <none>"

	run hako pull "$REGISTRY/tools/missing:1"
	assert_status 1
	assert_match 'manifest unknown'
	run hako pull "$REGISTRY/tools/busybox@sha256:$(printf 'x%.0s' {1..64} | tr x 0)"
	assert_status 1
}

@test "an image index: the host's platform, or the one --platform names" {
	start_registry
	seed_multiplatform_index multi:1
	run hako pull "$REGISTRY/multi:1"
	assert_status 0
	assert_eq "$(hako image inspect -f '{{.Os}}/{{.Architecture}}' "$REGISTRY/multi:1")" "linux/amd64"
	layer=$(hako image inspect -f '{{or .GraphDriver.Data.UpperDir .GraphDriver.Data.Dir}}' "$REGISTRY/multi:1")
	[ -x "$layer/bin/busybox" ] || fail "the amd64 image is not busybox: $(ls "$layer")"
	# The repo digest is the index's, as Docker records it.
	assert_eq "$(hako image inspect -f '{{index .RepoDigests 0}}' "$REGISTRY/multi:1")" "$REGISTRY/multi@$(registry_digest multi:1)"

	run hako pull --platform linux/arm64 "$REGISTRY/multi:1"
	assert_status 0
	assert_eq "$(hako image inspect -f '{{.Architecture}}' "$REGISTRY/multi:1")" "arm64"
	layer=$(hako image inspect -f '{{or .GraphDriver.Data.UpperDir .GraphDriver.Data.Dir}}' "$REGISTRY/multi:1")
	assert_eq "$(cat "$layer/platform")" "linux/arm64"
	run hako pull --platform linux/s390x "$REGISTRY/multi:1"
	assert_status 1
	assert_match 'no matching manifest for linux/s390x'
}

@test "auth: refused without credentials, login and logout in Docker's config.json" {
	start_registry --htpasswd alice:s3cret
	import_busybox "$REGISTRY/private/app:1"
	run hako push "$REGISTRY/private/app:1"
	assert_status 1
	assert_match 'unauthorized|authentication required'

	run bash -c "echo wrong | '$HAKO' login -u alice --password-stdin $REGISTRY"
	assert_status 1
	[ ! -e "$DOCKER_CONFIG/config.json" ] || ! grep -q "$REGISTRY" "$DOCKER_CONFIG/config.json" || fail "bad login stored"
	run bash -c "echo s3cret | '$HAKO' login -u alice --password-stdin $REGISTRY"
	assert_status 0
	assert_match 'Login Succeeded'
	assert_eq "$(jq -r --arg r "$REGISTRY" '.auths[$r].auth' "$DOCKER_CONFIG/config.json" | base64 -d)" "alice:s3cret"
	assert_eq "$(stat -c %a "$DOCKER_CONFIG/config.json")" "600"

	run hako push "$REGISTRY/private/app:1"
	assert_status 0
	export HAKO_ROOT="$BATS_TEST_TMPDIR/store2"
	run hako pull "$REGISTRY/private/app:1"
	assert_status 0

	run hako logout "$REGISTRY"
	assert_status 0
	assert_match "Removing login credentials for $REGISTRY"
	run hako pull "$REGISTRY/private/app:1"
	assert_status 1
	assert_match 'unauthorized|authentication required'
}

@test "TLS: a registry whose CA is in a certs.d directory" {
	start_registry --tls
	mkdir -p "$WORK/certs.d/$REGISTRY"
	cp "$REGISTRY_CA" "$WORK/certs.d/$REGISTRY/ca.crt"
	export HAKO_CERTS_DIRS="$WORK/certs.d"
	# A loopback registry is verified once certs.d has a CA for it, so a
	# wrong CA must fail and the right one must work.
	import_busybox "$REGISTRY/tls/app:1"
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=wrong -days 1 -keyout "$WORK/wrong.key" \
		-out "$WORK/certs.d/$REGISTRY/ca.crt" 2>/dev/null
	run hako push "$REGISTRY/tls/app:1"
	assert_status 1
	assert_match 'certificate|SSL'
	cp "$REGISTRY_CA" "$WORK/certs.d/$REGISTRY/ca.crt"
	run hako push "$REGISTRY/tls/app:1"
	assert_status 0
	export HAKO_ROOT="$BATS_TEST_TMPDIR/store2"
	run hako pull "$REGISTRY/tls/app:1"
	assert_status 0
	assert_match 'Pull complete'
}

@test "cross-repository mount, and skopeo copies what hako pushed" {
	start_registry
	import_busybox "$REGISTRY/one/app:1"
	hako push "$REGISTRY/one/app:1" >/dev/null
	hako tag "$REGISTRY/one/app:1" "$REGISTRY/two/app:1"
	run hako push "$REGISTRY/two/app:1"
	assert_status 0
	assert_match 'Mounted from one/app'

	local o
	mapfile -t o < <(registry_opts src)
	run skopeo copy "${o[@]}" "docker://$REGISTRY/two/app:1" "oci:$WORK/layout:copied"
	assert_status 0
	assert_eq "$(jq -r '.manifests[0].digest' "$WORK/layout/index.json")" "$(registry_digest two/app:1)"
}

@test "hako pulls what skopeo pushed, and loads what umoci made" {
	start_registry
	seed_registry_image seeded/busybox:1 --format v2s2
	run hako pull "$REGISTRY/seeded/busybox:1"
	assert_status 0
	run hako image inspect -f '{{json .Config.Cmd}}' "$REGISTRY/seeded/busybox:1"
	assert_eq "$output" '["sh"]'

	umoci init --layout "$WORK/umoci"
	umoci new --image "$WORK/umoci:t1"
	mkdir -p "$WORK/extra/etc"
	echo from-umoci >"$WORK/extra/etc/motd"
	umoci insert --image "$WORK/umoci:t1" "$WORK/extra/etc" /etc
	tar -C "$WORK/umoci" -cf "$WORK/umoci.tar" .
	run hako load -i "$WORK/umoci.tar"
	assert_status 0
	assert_match 'Loaded image ID: sha256:'
	id=${output##*: }
	run hako image inspect -f '{{len .RootFS.Layers}}' "$id"
	assert_eq "$output" "1"
	hako tag "$id" umoci:t1
	layer=$(hako image inspect -f '{{or .GraphDriver.Data.UpperDir .GraphDriver.Data.Dir}}' umoci:t1)
	assert_eq "$(cat "$layer/etc/motd")" "from-umoci"

	# And skopeo's docker-archive (legacy format) loads with its name.
	mapfile -t o < <(registry_opts src)
	skopeo copy "${o[@]}" "docker://$REGISTRY/seeded/busybox:1" "docker-archive:$WORK/legacy.tar:seeded/legacy:1" >/dev/null
	run hako load -i "$WORK/legacy.tar"
	assert_status 0
	assert_match 'Loaded image: seeded/legacy:1'
}
