#!/usr/bin/env bats
# The private registry fixture (registry.bash) itself: it starts and stops
# cleanly with each option, seeded images are what they claim to be, auth
# and TLS work as advertised, and nothing survives a test.  hako's pull and
# push tests are built on it, so it must be trustworthy on its own.
#
#   bats tests/system/registry_fixture.bats
#
# Needs docker-registry, skopeo, umoci, jq, curl, openssl, htpasswd
# (apache2-utils) and busybox-static; tests skip, saying what is missing.
# No runtime is involved: helpers.bash is loaded for its assertions only,
# and its setup/teardown (which make bundles for $RUNTIME) are replaced.

load helpers
load registry

setup() {
	require_registry_tools
}

# Our registries are the docker-registry processes whose config lives in
# this test's temp dir; any still running after stop_registry is a leak.
our_registries() {
	local p
	for p in $(pgrep -x docker-registry 2>/dev/null); do
		tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -qF -- "$BATS_TEST_TMPDIR/" && echo "$p"
	done
	return 0
}

teardown() {
	local leaks p
	stop_registry
	leaks=$(our_registries)
	for p in $leaks; do
		kill -KILL "$p" 2>/dev/null || true
	done
	[ -z "$leaks" ] || fail "registry processes left: $leaks"
	[ -z "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'registry.*')" ] ||
		fail "registry dir left: $(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'registry.*')"
}

# code URL [CURL OPTIONS...]: HTTP status of a GET (000: no answer).
code() {
	registry_http_code "$@"
}

listening_on() {
	ss -Hltn "sport = :$1" 2>/dev/null | awk '{ print $4 }'
}

@test "start_registry: plain HTTP on 127.0.0.1, /v2/ answers; stop_registry removes everything" {
	start_registry
	[[ $REGISTRY =~ ^127\.0\.0\.1:[0-9]+$ ]] || fail "REGISTRY=$REGISTRY"
	assert_eq "$REGISTRY_URL" "http://$REGISTRY"
	assert_eq "$(code "$REGISTRY_URL/v2/")" 200
	run curl -s -D - -o /dev/null "$REGISTRY_URL/v2/"
	assert_match 'Docker-Distribution-Api-Version: registry/2.0'
	if command -v ss >/dev/null; then
		assert_eq "$(listening_on "${REGISTRY##*:}")" "$REGISTRY"
	fi
	local pid=$REGISTRY_PID dir=$REGISTRY_DIR url=$REGISTRY_URL
	kill -0 "$pid"
	[ -d "$dir/storage" ]

	stop_registry
	! kill -0 "$pid" 2>/dev/null || fail "registry $pid still running"
	[ ! -e "$dir" ] || fail "$dir left behind"
	assert_eq "$(code "$url/v2/")" 000
	[ -z "${REGISTRY:-}${REGISTRY_PID:-}${REGISTRY_DIR:-}" ] || fail "variables still set"
	# again, and with nothing started: both no-ops
	stop_registry
}

@test "stop_registry without start_registry is a no-op" {
	stop_registry
	stop_registry
}

@test "start_registry refuses a second registry in the same shell" {
	start_registry
	local first=$REGISTRY
	run start_registry
	assert_failure
	assert_match 'already running'
	assert_eq "$(code "http://$first/v2/")" 200
}

@test "start_registry --htpasswd: no credentials, wrong ones refused; right ones accepted" {
	require_registry_tools --htpasswd --seed
	start_registry --htpasswd alice:s3cret
	assert_eq "$REGISTRY_CREDS" alice:s3cret
	assert_eq "$(code "$REGISTRY_URL/v2/")" 401
	run curl -s -D - -o /dev/null "$REGISTRY_URL/v2/"
	assert_match 'Www-Authenticate: Basic realm="hako-test"'
	assert_eq "$(code "$REGISTRY_URL/v2/" -u alice:wrong)" 401
	assert_eq "$(code "$REGISTRY_URL/v2/" -u alice:s3cret)" 200

	seed_registry_image busybox:latest
	run skopeo inspect --tls-verify=false "docker://$REGISTRY/busybox:latest"
	assert_failure
	assert_match 'unauthorized|authentication required'
	run skopeo inspect --tls-verify=false --creds alice:wrong "docker://$REGISTRY/busybox:latest"
	assert_failure
	run skopeo inspect --tls-verify=false --creds "$REGISTRY_CREDS" "docker://$REGISTRY/busybox:latest"
	assert_status 0
	# The Docker config.json works too.
	run jq -r --arg r "$REGISTRY" '.auths[$r].auth | @base64d' "$REGISTRY_AUTH_JSON"
	assert_eq "$output" alice:s3cret
	run skopeo inspect --tls-verify=false --authfile "$REGISTRY_AUTH_JSON" "docker://$REGISTRY/busybox:latest"
	assert_status 0
}

@test "start_registry --tls: HTTPS with a certificate for 127.0.0.1 and localhost from REGISTRY_CA" {
	require_registry_tools --tls --seed
	start_registry --tls
	assert_eq "$REGISTRY_URL" "https://$REGISTRY"
	[ -f "$REGISTRY_CA" ]
	assert_eq "$(ls "$REGISTRY_CERT_DIR")" ca.crt
	assert_eq "$(code "$REGISTRY_URL/v2/" --cacert "$REGISTRY_CA")" 200
	assert_eq "$(code "https://localhost:${REGISTRY##*:}/v2/" --cacert "$REGISTRY_CA")" 200
	# not trusted without the CA, and no plain HTTP
	assert_eq "$(code "$REGISTRY_URL/v2/")" 000
	assert_eq "$(code "http://$REGISTRY/v2/")" 400
	run openssl verify -CAfile "$REGISTRY_CA" "$REGISTRY_DIR/tls/server.crt"
	assert_status 0

	seed_registry_image busybox:tls
	run skopeo inspect --cert-dir "$REGISTRY_CERT_DIR" "docker://$REGISTRY/busybox:tls"
	assert_status 0
	run skopeo inspect --tls-verify=true "docker://$REGISTRY/busybox:tls"
	assert_failure
	assert_match 'certificate'
}

@test "start_registry --tls --htpasswd together" {
	require_registry_tools --tls --htpasswd --seed
	start_registry --tls --htpasswd bob:pw
	assert_eq "$(code "$REGISTRY_URL/v2/" --cacert "$REGISTRY_CA")" 401
	assert_eq "$(code "$REGISTRY_URL/v2/" --cacert "$REGISTRY_CA" -u bob:pw)" 200
	seed_multiplatform_index multi:1
	run skopeo inspect --cert-dir "$REGISTRY_CERT_DIR" "docker://$REGISTRY/multi:1"
	assert_failure
	run skopeo inspect --raw --cert-dir "$REGISTRY_CERT_DIR" --creds bob:pw "docker://$REGISTRY/multi:1"
	assert_status 0
	assert_eq "$(jq -r .mediaType <<<"$output")" application/vnd.oci.image.index.v1+json
}

@test "seed_registry_image: a runnable one-layer busybox image, OCI or Docker schema2" {
	require_registry_tools --seed
	start_registry
	seed_registry_image library/busybox:1
	seed_registry_image busybox:v2s2 --format v2s2

	run skopeo inspect --tls-verify=false "docker://$REGISTRY/library/busybox:1"
	assert_status 0
	assert_eq "$(jq -r .Architecture <<<"$output")" "$(registry_host_arch)"
	assert_eq "$(jq -r .Os <<<"$output")" linux
	assert_eq "$(jq '.Layers | length' <<<"$output")" 1

	# (umoci writes OCI manifests without the optional mediaType field; the
	# registry serves them with the OCI Content-Type all the same)
	run curl -s -o /dev/null -w '%{content_type}' -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
		"$REGISTRY_URL/v2/library/busybox/manifests/1"
	assert_eq "$output" application/vnd.oci.image.manifest.v1+json
	run skopeo inspect --config --tls-verify=false "docker://$REGISTRY/library/busybox:1"
	assert_eq "$(jq -c .config.Cmd <<<"$output")" '["sh"]'

	run skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/busybox:v2s2"
	assert_eq "$(jq -r .mediaType <<<"$output")" application/vnd.docker.distribution.manifest.v2+json
	assert_eq "$(jq -r '.layers[0].mediaType' <<<"$output")" application/vnd.docker.image.rootfs.diff.tar.gzip

	run curl -s "$REGISTRY_URL/v2/_catalog"
	assert_eq "$(jq -c .repositories <<<"$output")" '["busybox","library/busybox"]'

	# Pull it back and run its shell.
	skopeo copy --quiet --src-tls-verify=false "docker://$REGISTRY/library/busybox:1" "oci:$BATS_TEST_TMPDIR/back:1"
	umoci unpack --image "$BATS_TEST_TMPDIR/back:1" "$BATS_TEST_TMPDIR/bundle" >/dev/null
	# shellcheck disable=SC2016 # expanded by the container's shell
	run chroot "$BATS_TEST_TMPDIR/bundle/rootfs" /bin/sh -c 'echo hello from $(cat /etc/passwd | head -n1 | cut -d: -f1)'
	assert_status 0
	assert_eq "$output" "hello from root"
	assert_eq "$(stat -c %a "$BATS_TEST_TMPDIR/bundle/rootfs/tmp")" 1777
}

@test "seed_multiplatform_index: an OCI index of linux/amd64 and linux/arm64" {
	require_registry_tools --seed
	start_registry
	seed_multiplatform_index multi:latest

	run skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/multi:latest"
	assert_status 0
	local index=$output
	assert_eq "$(jq -r .mediaType <<<"$index")" application/vnd.oci.image.index.v1+json
	assert_eq "$(jq -c '[.manifests[].platform | "\(.os)/\(.architecture)"]' <<<"$index")" '["linux/amd64","linux/arm64"]'

	local amd arm
	amd=$(skopeo inspect --tls-verify=false --override-os linux --override-arch amd64 "docker://$REGISTRY/multi:latest")
	arm=$(skopeo inspect --tls-verify=false --override-os linux --override-arch arm64 "docker://$REGISTRY/multi:latest")
	assert_eq "$(jq -r .Architecture <<<"$amd")" amd64
	assert_eq "$(jq -r .Architecture <<<"$arm")" arm64
	[ "$(jq -r '.manifests[0].digest' <<<"$index")" != "$(jq -r '.manifests[1].digest' <<<"$index")" ] ||
		fail "both platforms have one image"
	[ "$(jq -c .Layers <<<"$amd")" != "$(jq -c .Layers <<<"$arm")" ] || fail "both platforms share their layers"

	# Each entry's manifest is in the registry under its digest.
	local d
	for d in $(jq -r '.manifests[].digest' <<<"$index"); do
		assert_eq "$(code "$REGISTRY_URL/v2/multi/manifests/$d" -H 'Accept: application/vnd.oci.image.manifest.v1+json')" 200
	done

	# The non-host image says which platform it is for.
	local other
	other=$(registry_other_arch)
	skopeo copy --quiet --src-tls-verify=false --override-arch "$other" \
		"docker://$REGISTRY/multi:latest" "oci:$BATS_TEST_TMPDIR/other:1"
	umoci unpack --image "$BATS_TEST_TMPDIR/other:1" "$BATS_TEST_TMPDIR/bundle" >/dev/null
	assert_eq "$(cat "$BATS_TEST_TMPDIR/bundle/rootfs/platform")" "linux/$other"
}

@test "the registry has deletes enabled" {
	require_registry_tools --seed
	start_registry
	seed_registry_image gone:1
	skopeo delete --tls-verify=false "docker://$REGISTRY/gone:1"
	run skopeo inspect --tls-verify=false "docker://$REGISTRY/gone:1"
	assert_failure
	assert_match 'manifest unknown'
}

@test "a registry dies with the shell that started it, even without stop_registry" {
	# Simulates a test run killed before its teardown: the shell exits and
	# leaves the registry running.  It runs under a child subreaper (python
	# prctl) that reaps the orphaned registry once it has died, so it does
	# not linger as a zombie of pid 1.
	local script="source '$REGISTRY_TESTS_DIR/registry.bash' && start_registry &&
		echo \$REGISTRY_PID >'$BATS_TEST_TMPDIR/pid' && echo \$REGISTRY_DIR >'$BATS_TEST_TMPDIR/dir'"
	if command -v python3 >/dev/null; then
		timeout -k 5 30 python3 -c '
import ctypes, os, subprocess, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
rc = subprocess.call(["bash", "-c", sys.argv[1]])
while True:  # the orphaned registry, once pdeathsig has killed it
    try:
        os.wait()
    except ChildProcessError:
        break
sys.exit(rc)' "$script" 3>&-
	else
		bash -c "$script" 3>&-
	fi
	local pid dir i
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	dir=$(cat "$BATS_TEST_TMPDIR/dir")
	for ((i = 0; i < 50; i++)); do
		registry_alive "$pid" "$dir" || break
		sleep 0.1
	done
	! registry_alive "$pid" "$dir" || fail "registry $pid outlived its shell"
	rm -rf "$dir"
}

@test "start_registry fails cleanly when the registry cannot start" {
	# a "registry" that exits at once
	REGISTRY_BIN=false run start_registry
	assert_failure
	assert_match 'did not start'
	[ -z "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'registry.*')" ] || fail "registry dir left behind"
	# an unknown option
	run start_registry --bogus
	assert_status 2
}
