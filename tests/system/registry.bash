# shellcheck shell=bash
# A private OCI/Docker registry for one test (or one test file), made from
# Debian's docker-registry (distribution v2.8), plus helpers that push test
# images into it with skopeo and umoci.
#
#   load registry                       # in a .bats file (works beside helpers)
#   source tests/system/registry.bash   # from a plain bash script (bench/)
#
#   start_registry [--htpasswd USER:PASS] [--tls]
#       Starts a registry on 127.0.0.1:<free port> with its storage, config,
#       log and certificates in a new directory below $BATS_TEST_TMPDIR
#       (else $BATS_FILE_TMPDIR, else $TMPDIR or /tmp) and waits until
#       /v2/ answers.  Exports:
#         REGISTRY          127.0.0.1:PORT (what goes in image references)
#         REGISTRY_URL      http://127.0.0.1:PORT or https://...
#         REGISTRY_DIR      its directory; REGISTRY_PID its pid
#         REGISTRY_LOG      the registry's log file
#       with --tls (a throw-away CA, and a server certificate for IP
#       127.0.0.1 and DNS localhost signed by it, both made by openssl):
#         REGISTRY_CA       the CA certificate (PEM)
#         REGISTRY_CERT_DIR a directory holding only ca.crt, as skopeo's
#                           --cert-dir and /etc/docker/certs.d/HOST/ want it
#       with --htpasswd (bcrypt file from `htpasswd -Bbn`, realm hako-test):
#         REGISTRY_USER, REGISTRY_PASS, REGISTRY_CREDS (USER:PASS)
#         REGISTRY_AUTH_JSON a Docker config.json with those credentials
#                           for REGISTRY ({"auths": {...: {"auth": b64}}});
#                           not named REGISTRY_AUTH_FILE on purpose: skopeo
#                           reads that variable and would send them always
#       Storage is the filesystem driver with deletes enabled.  Call it in
#       setup or setup_file (or a test) itself, not under `run` or $(...):
#       the registry is killed when the shell that started it exits
#       (setpriv --pdeathsig), so a crashed or killed test run cannot leave
#       it behind.  One registry per shell at a time.
#
#   stop_registry
#       Kills the registry (TERM, then KILL after 10 s), reaps it, removes
#       REGISTRY_DIR (set REGISTRY_KEEP=1 to keep it) and unsets the
#       variables.  Safe to call when none is running, more than once, and
#       from teardown/teardown_file; fails only if the process would not die.
#
#   registry_opts KIND
#       Prints, one per line, the skopeo options that reach this registry:
#       KIND "" (inspect, list-tags, delete), "src" or "dest" (copy).  TLS:
#       --cert-dir REGISTRY_CERT_DIR, else --tls-verify=false; with auth
#       --creds USER:PASS.  Use: mapfile -t o < <(registry_opts dest)
#
#   seed_registry_image NAME:TAG [--format oci|v2s2]
#       Pushes a busybox image (one layer: busybox-static with its applets
#       in /bin, /etc/passwd and group, as scripts/make-busybox-bundle.sh
#       makes it; Cmd ["sh"]; the host's architecture) as REGISTRY/NAME:TAG.
#       Default format: OCI; v2s2 pushes Docker schema2 instead.
#
#   seed_multiplatform_index NAME:TAG
#       Pushes an OCI image index with two entries: the busybox image above
#       for the host's platform (linux/amd64 here) and a small, distinct
#       image for the other one of linux/amd64 and linux/arm64 (one layer
#       holding /platform, a text file naming that platform; Cmd
#       ["/platform"]; it cannot run here, it only has to be told apart).
#
#   registry_log      prints the registry's log (for failure messages)
#   require_registry_tools [--tls] [--htpasswd] [--seed]
#                     skips the test (fails outside bats) unless what those
#                     need is installed; start_registry and the seed helpers
#                     call it themselves
#   registry_push SRC NAME:TAG [SKOPEO COPY OPTIONS...]
#                     skopeo copy SRC (any transport) to REGISTRY/NAME:TAG
#   registry_host_arch, registry_other_arch
#                     the platforms of the two index entries (amd64/arm64)
#   registry_http_code URL [CURL OPTIONS...]
#                     HTTP status of a GET, 000 if nothing answered
#
# Knobs: REGISTRY_BIN (default docker-registry), REGISTRY_START_TIMEOUT
# (seconds, 20), REGISTRY_KEEP=1 (stop_registry leaves REGISTRY_DIR).
#
# The OCI layout both seed helpers push from is built once (umoci init /
# new / unpack / repack / config) and kept in $BATS_RUN_TMPDIR when running
# under bats, else in REGISTRY_DIR.
#
# Needs docker-registry, curl (or busybox wget), skopeo, umoci, jq, openssl
# (--tls), htpasswd from apache2-utils (--htpasswd), python3 or ss (port).

REGISTRY_BIN=${REGISTRY_BIN:-docker-registry}
# Seconds to wait for the registry to answer /v2/ after starting it.
REGISTRY_START_TIMEOUT=${REGISTRY_START_TIMEOUT:-20}
REGISTRY_TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REGISTRY_REPO_DIR=$(cd "$REGISTRY_TESTS_DIR/../.." && pwd)

# registry_skip_or_fail MESSAGE: skips the bats test, or fails outside bats.
registry_skip_or_fail() {
	if declare -F skip >/dev/null; then
		skip "$1"
	fi
	echo "registry.bash: $1" >&2
	return 1
}

# require_registry_tools [--tls] [--htpasswd] [--seed]: skip unless what
# those options need is installed.
require_registry_tools() {
	local tools=("$REGISTRY_BIN" jq) t
	while [ $# -gt 0 ]; do
		case $1 in
		--tls) tools+=(openssl) ;;
		--htpasswd) tools+=(htpasswd) ;;
		--seed) tools+=(skopeo umoci) ;;
		esac
		shift
	done
	for t in "${tools[@]}"; do
		command -v "$t" >/dev/null 2>&1 ||
			registry_skip_or_fail "$t not installed (scripts/install-deps.sh)" || return 1
	done
	if ! command -v curl >/dev/null 2>&1 && ! command -v busybox >/dev/null 2>&1; then
		registry_skip_or_fail "neither curl nor busybox installed" || return 1
	fi
}

# A TCP port on 127.0.0.1 that nothing listens on right now.  (Something
# may take it before the registry does; start_registry retries then.)
registry_free_port() {
	local port i
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
		return
	fi
	for ((i = 0; i < 50; i++)); do
		port=$((20000 + RANDOM % 40000))
		if ! ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
			echo "$port"
			return
		fi
	done
	return 1
}

# registry_http_code URL [CURL OPTIONS...]: the HTTP status of a GET, or 000
# when nothing answered.
registry_http_code() {
	local url=$1 out
	shift
	if command -v curl >/dev/null 2>&1; then
		curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$@" "$url" 2>/dev/null || true
		return
	fi
	# busybox wget: no -T (it crashes in Debian's 1.35), so `timeout`; it
	# does not verify certificates, and reports errors as text.
	if out=$(timeout 3 busybox wget -q -O /dev/null "$url" 2>&1); then
		echo 200
	elif [[ $out =~ HTTP/1\.[01]\ ([0-9]{3}) ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		echo 000
	fi
}

# registry_make_certs DIR: CA and server certificate for 127.0.0.1 and
# localhost, valid for two days.  ECDSA P-256: quick to make, and what Go's
# TLS (the registry, skopeo) handles best.
registry_make_certs() {
	local dir=$1
	mkdir -p "$dir/ca" "$dir/tls" "$dir/certs" || return 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$dir/ca/ca.key" -out "$dir/ca/ca.crt" -days 2 -subj "/CN=hako test CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1 || return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$dir/tls/server.key" -out "$dir/tls/server.csr" -subj "/CN=127.0.0.1" >/dev/null 2>&1 || return 1
	printf '%s\n' \
		'basicConstraints=CA:FALSE' \
		'keyUsage=critical,digitalSignature,keyEncipherment' \
		'extendedKeyUsage=serverAuth' \
		'subjectAltName=IP:127.0.0.1,DNS:localhost' >"$dir/tls/server.ext"
	openssl x509 -req -in "$dir/tls/server.csr" -CA "$dir/ca/ca.crt" -CAkey "$dir/ca/ca.key" \
		-CAcreateserial -days 2 -extfile "$dir/tls/server.ext" -out "$dir/tls/server.crt" >/dev/null 2>&1 || return 1
	cp "$dir/ca/ca.crt" "$dir/certs/ca.crt"
}

registry_write_config() {
	local dir=$1 port=$2 tls=$3 auth=$4
	{
		cat <<-EOF
			version: 0.1
			log:
			  level: info
			  fields:
			    service: registry
			storage:
			  filesystem:
			    rootdirectory: $dir/storage
			  delete:
			    enabled: true
			  maintenance:
			    uploadpurging:
			      enabled: false
			http:
			  addr: 127.0.0.1:$port
			  secret: hako-test-$port-$$
			  headers:
			    X-Content-Type-Options: [nosniff]
		EOF
		if ((tls)); then
			cat <<-EOF
				  tls:
				    certificate: $dir/tls/server.crt
				    key: $dir/tls/server.key
			EOF
		fi
		if ((auth)); then
			cat <<-EOF
				auth:
				  htpasswd:
				    realm: hako-test
				    path: $dir/htpasswd
			EOF
		fi
	} >"$dir/config.yml"
}

# registry_alive PID DIR: PID is running (not a zombie) and is the registry
# whose config is in DIR (guards against a recycled pid).
registry_alive() {
	local pid=$1 dir=$2
	[ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
	grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null && return 1
	tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$dir/config.yml"
}

start_registry() {
	local tls=0 auth=0 user='' pass='' base dir port attempt code=000 i
	while [ $# -gt 0 ]; do
		case $1 in
		--tls) tls=1 ;;
		--htpasswd)
			[[ ${2:-} == *:* ]] || { echo "start_registry: --htpasswd USER:PASS" >&2; return 2; }
			auth=1 user=${2%%:*} pass=${2#*:}
			shift
			;;
		*) echo "start_registry: unknown option $1" >&2; return 2 ;;
		esac
		shift
	done
	if [ -n "${REGISTRY_PID:-}" ] && registry_alive "$REGISTRY_PID" "${REGISTRY_DIR:-}"; then
		echo "start_registry: a registry is already running ($REGISTRY); stop_registry first" >&2
		return 1
	fi
	local req=()
	((tls)) && req+=(--tls)
	((auth)) && req+=(--htpasswd)
	require_registry_tools "${req[@]}" || return 1

	base=${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}}
	dir=$(mktemp -d "$base/registry.XXXXXX") || return 1
	# Exported at once, so that stop_registry can clean up whatever happens next.
	export REGISTRY_DIR=$dir REGISTRY_LOG=$dir/registry.log
	mkdir -p "$dir/storage"

	local scheme=http curl_opts=()
	if ((tls)); then
		registry_make_certs "$dir" || { echo "start_registry: making certificates failed" >&2; stop_registry; return 1; }
		scheme=https
		curl_opts=(--cacert "$dir/ca/ca.crt")
	fi
	if ((auth)); then
		htpasswd -Bbn "$user" "$pass" >"$dir/htpasswd" 2>/dev/null ||
			{ echo "start_registry: htpasswd failed" >&2; stop_registry; return 1; }
	fi

	# The registry reads REGISTRY_* environment variables as configuration
	# overrides; ours (REGISTRY, REGISTRY_DIR, ...) must not reach it.
	local unset_env=() v
	for v in $(compgen -e); do
		[[ $v == REGISTRY_* ]] && unset_env+=(-u "$v")
	done
	local launcher=()
	if setpriv --help 2>/dev/null | grep -q -- --pdeathsig; then
		launcher=(setpriv --pdeathsig KILL --)
	fi

	for ((attempt = 0; attempt < 5; attempt++)); do
		port=$(registry_free_port) || { echo "start_registry: no free port" >&2; stop_registry; return 1; }
		registry_write_config "$dir" "$port" "$tls" "$auth"
		# stdio detached, and bats' fd 3 closed: otherwise bats waits for
		# the registry to exit before it reports the test.
		env "${unset_env[@]}" "${launcher[@]}" "$REGISTRY_BIN" serve "$dir/config.yml" \
			</dev/null >>"$REGISTRY_LOG" 2>&1 3>&- &
		export REGISTRY_PID=$!
		echo "$REGISTRY_PID" >"$dir/registry.pid"
		for ((i = 0; i < REGISTRY_START_TIMEOUT * 10; i++)); do
			code=$(registry_http_code "$scheme://127.0.0.1:$port/v2/" "${curl_opts[@]}")
			case $code in
			200 | 401)
				export REGISTRY=127.0.0.1:$port REGISTRY_URL=$scheme://127.0.0.1:$port
				if ((tls)); then
					export REGISTRY_CA=$dir/ca/ca.crt REGISTRY_CERT_DIR=$dir/certs
				fi
				if ((auth)); then
					export REGISTRY_USER=$user REGISTRY_PASS=$pass REGISTRY_CREDS=$user:$pass
					export REGISTRY_AUTH_JSON=$dir/auth.json
					jq -n --arg r "$REGISTRY" --arg a "$(printf '%s' "$user:$pass" | base64 -w0)" \
						'{auths: {($r): {auth: $a}}}' >"$REGISTRY_AUTH_JSON"
				fi
				return 0
				;;
			esac
			kill -0 "$REGISTRY_PID" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$REGISTRY_PID" 2>/dev/null; then
			echo "start_registry: no answer from $scheme://127.0.0.1:$port/v2/ after ${REGISTRY_START_TIMEOUT}s (last status $code)" >&2
			break
		fi
		wait "$REGISTRY_PID" 2>/dev/null || true
		unset REGISTRY_PID
		# Lost the race for the port: try another one.
		grep -q 'address already in use' "$REGISTRY_LOG" 2>/dev/null || break
		: >"$REGISTRY_LOG"
	done
	echo "start_registry: the registry did not start; its log:" >&2
	sed 's/^/  /' "$REGISTRY_LOG" >&2 2>/dev/null || true
	stop_registry
	return 1
}

stop_registry() {
	local pid=${REGISTRY_PID:-} dir=${REGISTRY_DIR:-} i rc=0
	if [ -z "$pid" ] && [ -n "$dir" ] && [ -r "$dir/registry.pid" ]; then
		pid=$(cat "$dir/registry.pid")
	fi
	if [ -n "$pid" ] && [ -n "$dir" ] && registry_alive "$pid" "$dir"; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			registry_alive "$pid" "$dir" || break
			sleep 0.1
		done
		if registry_alive "$pid" "$dir"; then
			echo "stop_registry: $pid ignored SIGTERM; killing it" >&2
			kill -KILL "$pid" 2>/dev/null || true
			for ((i = 0; i < 50; i++)); do
				registry_alive "$pid" "$dir" || break
				sleep 0.1
			done
		fi
		if registry_alive "$pid" "$dir"; then
			echo "stop_registry: registry $pid would not die" >&2
			rc=1
		fi
	fi
	# Reap it if it is our child (no error if it is not).
	[ -z "$pid" ] || wait "$pid" 2>/dev/null || true
	if [ -n "$dir" ] && [ -d "$dir" ] && [ "${REGISTRY_KEEP:-0}" != 1 ] && ((rc == 0)); then
		rm -rf "$dir"
	fi
	unset REGISTRY REGISTRY_URL REGISTRY_DIR REGISTRY_PID REGISTRY_LOG REGISTRY_CA \
		REGISTRY_CERT_DIR REGISTRY_USER REGISTRY_PASS REGISTRY_CREDS REGISTRY_AUTH_JSON
	return $rc
}

registry_log() {
	cat "${REGISTRY_LOG:-/dev/null}" 2>/dev/null
}

registry_opts() {
	local kind=${1:-} p=
	[ -n "$kind" ] && p=$kind-
	if [ -n "${REGISTRY_CERT_DIR:-}" ]; then
		printf '%s\n' "--${p}cert-dir" "$REGISTRY_CERT_DIR"
	else
		printf '%s\n' "--${p}tls-verify=false"
	fi
	if [ -n "${REGISTRY_CREDS:-}" ]; then
		printf '%s\n' "--${p}creds" "$REGISTRY_CREDS"
	fi
}

# ---------------------------------------------------------------------------
# Seed images
# ---------------------------------------------------------------------------

# The platform names of this host and of the "other" image in the index.
registry_host_arch() {
	local a
	a=$(dpkg --print-architecture 2>/dev/null) || a=$(uname -m)
	case $a in
	x86_64) a=amd64 ;;
	aarch64) a=arm64 ;;
	esac
	echo "$a"
}

registry_other_arch() {
	if [ "$(registry_host_arch)" = arm64 ]; then echo amd64; else echo arm64; fi
}

# registry_build_seed OCI TMP: the layout described at the top of this
# file, at OCI (TMP for the bundles).  Every step is checked explicitly:
# callers may test this function's status, and that turns off errexit.
registry_build_seed() {
	local oci=$1 tmp=$2 arch other busybox=${BUSYBOX:-/bin/busybox} rootless=() index digest
	arch=$(registry_host_arch)
	other=$(registry_other_arch)
	[ "$(id -u)" -eq 0 ] || rootless=(--rootless)
	# shellcheck source=scripts/lib-rootfs.sh
	source "$REGISTRY_REPO_DIR/scripts/lib-rootfs.sh" || return 1
	rootfs_check_busybox "$busybox" || return 1
	umoci init --layout "$oci" || return 1

	umoci new --image "$oci:busybox" || return 1
	umoci unpack "${rootless[@]}" --image "$oci:busybox" "$tmp/bb" || return 1
	rootfs_busybox "$tmp/bb/rootfs" "$busybox" bin || return 1
	rootfs_users "$tmp/bb/rootfs" || return 1
	mkdir -m 0700 "$tmp/bb/rootfs/root" || return 1
	umoci repack --image "$oci:busybox" "$tmp/bb" || return 1
	umoci config --image "$oci:busybox" --os linux --architecture "$arch" --config.cmd sh \
		--config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin || return 1

	umoci new --image "$oci:other" || return 1
	umoci unpack "${rootless[@]}" --image "$oci:other" "$tmp/other" || return 1
	echo "linux/$other" >"$tmp/other/rootfs/platform" || return 1
	umoci repack --image "$oci:other" "$tmp/other" || return 1
	umoci config --image "$oci:other" --os linux --architecture "$other" --config.cmd /platform || return 1
	umoci gc --layout "$oci" || return 1

	# The index: both manifests with their platforms, as one more blob,
	# tagged "index" in index.json.
	index=$(jq -c --arg a "$arch" --arg o "$other" '
		def entry($tag; $arch):
			.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $tag)
			| { mediaType, digest, size, platform: { architecture: $arch, os: "linux" } };
		{ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
		  manifests: ([ entry("busybox"; $a), entry("other"; $o) ]
		  | sort_by(.platform.architecture)) }' "$oci/index.json") || return 1
	printf '%s' "$index" >"$tmp/index.blob" || return 1
	digest=$(sha256sum "$tmp/index.blob" | cut -d' ' -f1)
	mv "$tmp/index.blob" "$oci/blobs/sha256/$digest" || return 1
	jq --arg d "sha256:$digest" --argjson s "${#index}" '.manifests += [{
		mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
		annotations: { "org.opencontainers.image.ref.name": "index" } }]' \
		"$oci/index.json" >"$tmp/index.json" || return 1
	mv "$tmp/index.json" "$oci/index.json" || return 1
	rm -rf "$tmp/bb" "$tmp/other"
}

# registry_seed_layout: sets REGISTRY_SEED_OCI to an OCI layout with the
# tags "busybox", "other" and "index", building it the first time.
registry_seed_layout() {
	local cache=${BATS_RUN_TMPDIR:-${REGISTRY_DIR:-}}
	[ -n "$cache" ] || { echo "registry.bash: start_registry first" >&2; return 1; }
	cache=$cache/registry-seed
	if [ ! -f "$cache/done" ]; then
		require_registry_tools --seed || return 1
		local tmp
		tmp=$(mktemp -d "$(dirname "$cache")/registry-seed.XXXXXX") || return 1
		if ! registry_build_seed "$tmp/oci" "$tmp" >"$tmp/build.log" 2>&1; then
			echo "registry.bash: building the seed images failed:" >&2
			sed 's/^/  /' "$tmp/build.log" >&2
			rm -rf "$tmp"
			return 1
		fi
		touch "$tmp/done"
		# Another test (bats --jobs) may have finished first: keep theirs.
		mv -T "$tmp" "$cache" 2>/dev/null || rm -rf "$tmp"
	fi
	REGISTRY_SEED_OCI=$cache/oci
}

# registry_push SRC NAME:TAG [SKOPEO COPY OPTIONS...]
registry_push() {
	local src=$1 ref=$2 opts out
	shift 2
	[ -n "${REGISTRY:-}" ] || { echo "registry.bash: start_registry first" >&2; return 1; }
	mapfile -t opts < <(registry_opts dest)
	out=$(skopeo copy --quiet "${opts[@]}" "$@" "$src" "docker://$REGISTRY/$ref" 2>&1) || {
		echo "registry.bash: pushing $src to $REGISTRY/$ref failed: $out" >&2
		return 1
	}
}

seed_registry_image() {
	local ref=${1:?seed_registry_image NAME:TAG} format=oci
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--format) format=$2; shift ;;
		--format=*) format=${1#--format=} ;;
		*) echo "seed_registry_image: unknown option $1" >&2; return 2 ;;
		esac
		shift
	done
	registry_seed_layout || return 1
	registry_push "oci:$REGISTRY_SEED_OCI:busybox" "$ref" --format "$format"
}

seed_multiplatform_index() {
	local ref=${1:?seed_multiplatform_index NAME:TAG}
	registry_seed_layout || return 1
	registry_push "oci:$REGISTRY_SEED_OCI:index" "$ref" --all
}
