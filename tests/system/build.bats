#!/usr/bin/env bats
# hako build as a user drives it: multi-stage builds whose final image holds
# only the artefact, COPY --from a stage or an image, ARG before FROM,
# .dockerignore, the build cache (which steps re-run after a change, CACHED
# in plain progress, the same image id for an unchanged rebuild, builder
# prune), RUN --mount=type=cache/secret, the image's config as inspect and
# run see it, and errors that name the Dockerfile line; and after a failed
# build no container and no scratch mount is left.

bats_require_minimum_version 1.5.0
load helpers
load image_helpers
load container_helpers

# A test's HTTP server (ADD URL) goes with the test, whatever happens.
teardown() {
	if [ -n "${HTTP_PID:-}" ]; then
		kill "$HTTP_PID" 2>/dev/null || true
		wait "$HTTP_PID" 2>/dev/null || true
	fi
	container_teardown
}

# context NAME: makes the build context $WORK/NAME (its path in $CTX) with
# the Dockerfile read from stdin.
context() {
	CTX="$WORK/$1"
	mkdir -p "$CTX"
	cat >"$CTX/Dockerfile"
}

# build ARGS...: hako build with plain progress (run it under `run`).
build() { hako build --progress plain "$@"; }

# step_state TEXT: the outcome (CACHED, DONE or ERROR) of the first build
# step whose plain-progress header ("#N [stage i/n] INSTRUCTION") ends in
# TEXT (e.g. "RUN echo hi"), from $output; "missing" when none was shown.
step_state() {
	local n
	n=$(awk -v t="$1" '/^#[0-9]+ \[/ && length($0) >= length(t) &&
		substr($0, length($0) - length(t) + 1) == t { sub(/^#/, "", $1); print $1; exit }' <<<"$output")
	[ -n "$n" ] || { echo missing; return; }
	awk -v n="#$n" '$1 == n && ($2 == "CACHED" || $2 == "DONE" || $2 ~ /^ERROR/) { sub(/:$/, "", $2); print $2; exit }' <<<"$output"
}

assert_cached() {
	local s
	for s in "$@"; do
		[ "$(step_state "$s")" = CACHED ] || fail "step '$s' is $(step_state "$s"), not CACHED, in: $output"
	done
}

assert_ran() {
	local s
	for s in "$@"; do
		[ "$(step_state "$s")" = DONE ] || fail "step '$s' is $(step_state "$s"), not DONE (run), in: $output"
	done
}

image_id() { hako image inspect -f '{{.Id}}' "$1"; }

# No container of the store and no mount below the test's directory.
assert_no_build_leftovers() {
	run hako ps -a -q
	assert_status 0
	[ -z "$output" ] || fail "containers left: $output"
	local m
	m=$(awk -v d="$BATS_TEST_TMPDIR" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo)
	[ -z "$m" ] || fail "mounts left: $m"
}

@test "a multi-stage build: the final image holds only the artefact, and runs" {
	mkdir -p "$WORK/ms"
	printf 'hello from the artefact\n' >"$WORK/ms/message.txt"
	context ms <<-'EOF'
		FROM busybox AS builder
		WORKDIR /src
		COPY message.txt .
		RUN mkdir -p /out && { echo '#!/bin/sh'; echo "echo '$(cat message.txt)'"; } >/out/app && chmod 755 /out/app && echo scratch >/src/junk

		FROM busybox
		COPY --from=builder /out/app /usr/local/bin/app
		CMD ["app"]
	EOF
	run build -t ms "$CTX"
	assert_status 0
	run hako run --rm ms
	assert_status 0
	assert_eq "$output" "hello from the artefact"
	# nothing of the build stage but the artefact
	run hako run --rm ms ls /src
	assert_failure
	run hako run --rm ms sh -c 'test -e /out || test -e /src/junk || test -e /src/message.txt'
	assert_failure
	run hako images --format '{{.Repository}}:{{.Tag}}'
	assert_match "ms:latest"
}

@test "COPY --from an image tagged locally (not a stage)" {
	context tools <<-'EOF'
		FROM busybox
		RUN mkdir -p /opt/tools && echo 'echo tool-output' >/opt/tools/tool.sh && echo unrelated >/opt/other
	EOF
	run build -t local/tools:1.0 "$CTX"
	assert_status 0
	context user <<-'EOF'
		FROM busybox
		COPY --from=local/tools:1.0 /opt/tools/tool.sh /tool.sh
		CMD ["sh", "/tool.sh"]
	EOF
	run build -t user "$CTX"
	assert_status 0
	run hako run --rm user
	assert_eq "$output" "tool-output"
	run hako run --rm user ls /opt/other
	assert_failure
	# an image that does not exist (and is no stage) is an error
	context nosuch <<-'EOF'
		FROM busybox
		COPY --from=no-such-image:9 /x /x
	EOF
	run build -t nosuch "$CTX"
	assert_failure
	assert_match "no-such-image"
}

@test "ARG before FROM: used in FROM, visible in a stage only when re-declared, --build-arg overrides" {
	context alt <<-'EOF'
		FROM busybox
		RUN echo alt-base >/marker
	EOF
	run build -t altbase "$CTX"
	assert_status 0
	context args <<-'EOF'
		ARG BASE=busybox
		ARG VERSION=1.0
		ARG UNSEEN=global-only
		FROM ${BASE}
		ARG VERSION
		RUN echo "v=$VERSION u=$UNSEEN" >/version && (cat /marker 2>/dev/null || echo no-marker) >/base
	EOF
	run build -t args "$CTX"
	assert_status 0
	run hako run --rm args cat /version /base
	assert_eq "$output" "v=1.0 u=
no-marker"
	run build -t args2 --build-arg VERSION=2.5 --build-arg BASE=altbase "$CTX"
	assert_status 0
	run hako run --rm args2 cat /version /base
	assert_eq "$output" "v=2.5 u=
alt-base"
	# the same values hit the cache, another value of an ARG the stage
	# declared does not
	local run_step='RUN echo "v=$VERSION u=$UNSEEN" >/version && (cat /marker 2>/dev/null || echo no-marker) >/base'
	run build -t args2 --build-arg VERSION=2.5 --build-arg BASE=altbase "$CTX"
	assert_status 0
	assert_cached "$run_step"
	run build -t args3 --build-arg VERSION=2.6 --build-arg BASE=altbase "$CTX"
	assert_status 0
	assert_ran "$run_step"
	run hako run --rm args3 cat /version
	assert_eq "$output" "v=2.6 u="
}

@test ".dockerignore keeps files out of the context; ! re-includes one" {
	context ign <<-'EOF'
		FROM busybox
		COPY . /ctx
	EOF
	mkdir -p "$CTX/src" "$CTX/logs"
	echo top-secret >"$CTX/secret.txt"
	echo app >"$CTX/src/app.txt"
	echo noise >"$CTX/logs/a.log"
	echo wanted >"$CTX/logs/keep.log"
	echo tmp >"$CTX/src/x.tmp"
	printf '%s\n' secret.txt 'logs/*.log' '!logs/keep.log' '**/*.tmp' >"$CTX/.dockerignore"
	run build -t ign "$CTX"
	assert_status 0
	run hako run --rm ign sh -c 'cd /ctx && find . -type f | sort'
	assert_status 0
	[[ $output != *secret.txt* ]] || fail "ignored secret.txt is in the image: $output"
	[[ $output != *a.log* ]] || fail "ignored logs/a.log is in the image: $output"
	[[ $output != *x.tmp* ]] || fail "ignored src/x.tmp is in the image: $output"
	assert_match "./logs/keep.log"
	assert_match "./src/app.txt"
	run hako run --rm ign cat /ctx/logs/keep.log
	assert_eq "$output" "wanted"
	# an ignored file cannot be named by COPY either
	cat >"$CTX/Dockerfile" <<-'EOF'
		FROM busybox
		COPY secret.txt /s
	EOF
	run build -t ign2 "$CTX"
	assert_failure
	assert_match "secret.txt"
}

@test "changing one source re-runs only the steps from the first COPY that reads it; an unchanged rebuild is all CACHED, same id" {
	context cache <<-'EOF'
		FROM busybox
		RUN echo base >/base
		COPY a.txt /a.txt
		RUN cat /a.txt >/a.copy
		COPY b.txt /b.txt
		RUN cat /b.txt >/b.copy
		RUN echo last >/last
	EOF
	echo a1 >"$CTX/a.txt"
	echo b1 >"$CTX/b.txt"
	run build -t cache "$CTX"
	assert_status 0
	assert_ran "RUN echo base >/base" "COPY a.txt /a.txt" "RUN cat /b.txt >/b.copy"
	local id1 id2
	id1=$(image_id cache)

	echo b2 >"$CTX/b.txt"
	run build -t cache --iidfile "$WORK/iid" "$CTX"
	assert_status 0
	assert_cached "RUN echo base >/base" "COPY a.txt /a.txt" "RUN cat /a.txt >/a.copy"
	assert_ran "COPY b.txt /b.txt" "RUN cat /b.txt >/b.copy" "RUN echo last >/last"
	id2=$(image_id cache)
	[ "$id1" != "$id2" ] || fail "a changed source gave the same image $id1"
	assert_eq "$(cat "$WORK/iid")" "$id2"
	run hako run --rm cache cat /a.copy /b.copy
	assert_eq "$output" "a1
b2"

	# unchanged: every step CACHED, and the same image
	run build -t cache --iidfile "$WORK/iid2" "$CTX"
	assert_status 0
	assert_cached "RUN echo base >/base" "COPY a.txt /a.txt" "RUN cat /a.txt >/a.copy" \
		"COPY b.txt /b.txt" "RUN cat /b.txt >/b.copy" "RUN echo last >/last"
	assert_eq "$(cat "$WORK/iid2")" "$id2"
	run hako build -q -t cache "$CTX"
	assert_status 0
	assert_eq "$output" "$id2"
}

@test "touching a source without changing its content keeps the cache" {
	context touch <<-'EOF'
		FROM busybox
		COPY a.txt /a.txt
		RUN cat /a.txt >/a.copy
	EOF
	echo same >"$CTX/a.txt"
	run build -t touch "$CTX"
	assert_status 0
	touch -d '2001-01-01 00:00' "$CTX/a.txt"
	run build -t touch "$CTX"
	assert_status 0
	assert_cached "COPY a.txt /a.txt" "RUN cat /a.txt >/a.copy"
}

@test "the image's USER and HEALTHCHECK are honoured by run" {
	context usr <<-'EOF'
		FROM busybox
		RUN echo 'app:x:1234:2345:app:/home/app:/bin/sh' >>/etc/passwd && echo 'app:x:2345:' >>/etc/group && mkdir -p /home/app && chown 1234:2345 /home/app
		USER app
		RUN id -u >/home/app/built-by
		HEALTHCHECK --interval=1s --timeout=3s --retries=2 CMD test -e /tmp/healthy
		CMD ["sh", "-c", "touch /tmp/healthy; sleep 100"]
	EOF
	run build -t usr "$CTX"
	assert_status 0
	run hako run --rm usr id -u
	assert_eq "$output" "1234"
	run hako run --rm usr id -g
	assert_eq "$output" "2345"
	run hako run --rm usr cat /home/app/built-by
	assert_eq "$output" "1234"
	run hako image inspect -f '{{.Config.User}}' usr
	assert_eq "$output" "app"
	hako run -d --name hc usr >/dev/null
	WAIT_TIMEOUT=20 eventually '[ "$(hako inspect -f "{{.State.Health.Status}}" hc)" = healthy ]'
	hako rm -f hc >/dev/null
}

@test "RUN --mount=type=cache keeps its content between builds, out of the image" {
	context cm <<-'EOF'
		FROM busybox
		RUN --mount=type=cache,target=/var/cache/thing echo run >>/var/cache/thing/log && cp /var/cache/thing/log /seen
	EOF
	run build -t cm "$CTX"
	assert_status 0
	run hako run --rm cm cat /seen
	assert_eq "$output" "run"
	run build -t cm --no-cache "$CTX"
	assert_status 0
	[ "$(step_state "echo run >>/var/cache/thing/log && cp /var/cache/thing/log /seen")" = DONE ] ||
		fail "--no-cache did not run the step: $output"
	run hako run --rm cm cat /seen
	assert_eq "$output" "run
run"
	# The mount point itself is not kept either (test below); nothing under it.
	run hako run --rm cm sh -c 'ls -A /var/cache/thing 2>/dev/null'
	[ -z "$output" ] || fail "the cache mount's content is in the image: $output"
}

@test "RUN --mount=type=secret sees the secret, the image does not keep it" {
	echo s3cr3t-value >"$WORK/token"
	context sec <<-'EOF'
		FROM busybox
		RUN --mount=type=secret,id=tok wc -c </run/secrets/tok >/len
	EOF
	run build -t sec --secret id=tok,src="$WORK/token" "$CTX"
	assert_status 0
	run hako run --rm sec cat /len
	assert_eq "$output" "13"
	run hako run --rm sec sh -c 'cat /run/secrets/tok 2>/dev/null'
	[[ $output != *s3cr3t-value* ]] || fail "the secret is in the image: $output"
	# nor anywhere in the store (layers, build cache)
	run grep -rl s3cr3t-value "$HAKO_ROOT"
	[ -z "$output" ] || fail "the secret is stored in: $output"
	# without --secret the RUN fails (a required secret is missing or empty)
	run build -t sec2 --no-cache "$CTX"
	assert_failure
}

@test "mount points made for RUN --mount (secret, cache) are not left in the image" {
	echo s >"$WORK/token"
	context stubs <<-'EOF'
		FROM busybox
		RUN --mount=type=secret,id=tok --mount=type=cache,target=/var/cache/made-for-build cat /run/secrets/tok >/dev/null
	EOF
	run build -t stubs --secret id=tok,src="$WORK/token" "$CTX"
	assert_status 0
	run hako run --rm stubs sh -c 'ls -d /run/secrets/tok /run/secrets /var/cache/made-for-build 2>/dev/null'
	[ -z "$output" ] || fail "mount stubs left in the image: $output"
}

@test "--network none: RUN sees only the loopback" {
	context net <<-'EOF'
		FROM busybox
		RUN ls /sys/class/net >/nets
	EOF
	run build -t net --network none "$CTX"
	assert_status 0
	run hako run --rm --network none net cat /nets
	assert_eq "$output" "lo"
}

@test "--target builds only the stages it needs; so does the default (last) stage" {
	context tgt <<-'EOF'
		FROM busybox AS broken
		RUN echo broken-stage-ran; exit 1

		FROM busybox AS base
		RUN echo base >/base

		FROM base AS app
		RUN echo app >/app

		FROM busybox AS other
		RUN echo other >/other
	EOF
	run build -t app --target app "$CTX"
	assert_status 0
	[[ $output != *broken-stage-ran* ]] || fail "the unneeded stage was built: $output"
	[[ $output != *"echo other"* ]] || fail "a later unneeded stage was built: $output"
	run hako run --rm app cat /base /app
	assert_eq "$output" "base
app"
	run hako run --rm app ls /other
	assert_failure
	# no --target: the last stage, which needs none of the others
	run build -t other "$CTX"
	assert_status 0
	[[ $output != *broken-stage-ran* ]] || fail "the unneeded stage was built: $output"
	run hako run --rm other cat /other
	assert_eq "$output" "other"
	# the broken stage as target fails; an unknown target is named
	run build -t broken --target broken "$CTX"
	assert_status 1
	run build -t x --target nosuchstage "$CTX"
	assert_failure
	assert_match "nosuchstage"
}

@test "a failing RUN shows the step, its output, the exit code and Dockerfile:N; exit status 1" {
	context fail <<-'EOF'
		FROM busybox
		RUN echo fine
		RUN echo "oops-on-stdout"; echo "oops-on-stderr" >&2; exit 3
		RUN echo never-reached
	EOF
	run build -t failed "$CTX"
	assert_status 1
	assert_match 'RUN echo "oops-on-stdout"; echo "oops-on-stderr" >&2; exit 3'
	assert_match "oops-on-stdout"
	assert_match "oops-on-stderr"
	assert_match "exit code: 3"
	assert_match "Dockerfile:3"
	assert_eq "$(step_state "RUN echo never-reached")" missing
	run hako image inspect failed
	assert_failure
	assert_no_build_leftovers
}

@test "a failed build leaves no container and no scratch mount (multi-stage, cache mount, COPY --from)" {
	context fail2 <<-'EOF'
		FROM busybox AS one
		RUN --mount=type=cache,target=/c echo x >/c/f && echo one >/one
		FROM busybox
		COPY --from=one /one /one
		WORKDIR /w
		RUN --mount=type=cache,target=/c sleep 0.2; false
	EOF
	run build -t fail2 "$CTX"
	assert_status 1
	assert_no_build_leftovers
	# and a build still works afterwards in the same store
	cat >"$CTX/Dockerfile" <<-'EOF'
		FROM busybox
		RUN echo ok >/ok
	EOF
	run build -t fine "$CTX"
	assert_status 0
	assert_no_build_leftovers
}

@test "an unknown instruction names its line; a missing COPY source is a clear error" {
	context bad <<-'EOF'
		FROM busybox
		RUN echo one
		FROBNICATE the thing
	EOF
	run build -t bad "$CTX"
	assert_status 1
	assert_match "[Uu]nknown instruction: (FROBNICATE|frobnicate)"
	assert_match "(line 3|Dockerfile:3)"
	[[ $output != *"#2 DONE"* ]] || fail "steps ran despite a parse error: $output"
	cat >"$CTX/Dockerfile" <<-'EOF'
		FROM busybox
		COPY does-not-exist.txt /x
	EOF
	run build -t bad "$CTX"
	assert_status 1
	assert_match "does-not-exist.txt"
	assert_match "not found|no such file|No such file"
	assert_match "Dockerfile:2"
	run hako image inspect bad
	assert_failure
	assert_no_build_leftovers
}

@test "-f FILE, -f - and a context as a tar on stdin" {
	mkdir -p "$WORK/fctx"
	echo from-context >"$WORK/fctx/data.txt"
	echo 'FROM busybox
COPY data.txt /data.txt
RUN echo via-file >/how' >"$WORK/elsewhere.Dockerfile"
	run build -t viafile -f "$WORK/elsewhere.Dockerfile" "$WORK/fctx"
	assert_status 0
	run hako run --rm viafile cat /data.txt /how
	assert_eq "$output" "from-context
via-file"
	# a Dockerfile of another name inside the context
	printf 'FROM busybox\nRUN echo alt >/how\n' >"$WORK/fctx/Alt.Dockerfile"
	run build -t viaalt -f "$WORK/fctx/Alt.Dockerfile" "$WORK/fctx"
	assert_status 0
	run hako run --rm viaalt cat /how
	assert_eq "$output" "alt"
	# -f -: the Dockerfile on stdin, the context from PATH
	run bash -c "printf 'FROM busybox\nCOPY data.txt /d\nRUN echo stdin >/how\n' | '$HAKO' build -q -t viastdin -f - '$WORK/fctx'"
	assert_status 0
	run hako run --rm viastdin cat /d /how
	assert_eq "$output" "from-context
stdin"
	# the whole context as a tar on stdin
	mkdir -p "$WORK/tctx/sub"
	echo in-tar >"$WORK/tctx/sub/f"
	printf 'FROM busybox\nCOPY sub /sub\nRUN echo tar >/how\n' >"$WORK/tctx/Dockerfile"
	run bash -c "tar -C '$WORK/tctx' -c . | '$HAKO' build -t viatar -"
	assert_status 0
	run hako run --rm viatar cat /sub/f /how
	assert_eq "$output" "in-tar
tar"
}

@test "-q prints only the image id; --iidfile writes it; --label shows in image inspect" {
	context q <<-'EOF'
		FROM busybox
		LABEL from.dockerfile=yes
		RUN echo quiet >/q
	EOF
	run --separate-stderr hako build -q -t quiet --label org.test.by=cli --label other=2 "$CTX"
	assert_status 0
	[[ $output =~ ^sha256:[0-9a-f]{64}$ ]] || fail "-q printed more than an id: '$output'"
	[ -z "$stderr" ] || fail "-q printed on stderr: $stderr"
	assert_eq "$output" "$(image_id quiet)"
	run hako image inspect -f '{{index .Config.Labels "org.test.by"}} {{index .Config.Labels "other"}} {{index .Config.Labels "from.dockerfile"}}' quiet
	assert_eq "$output" "cli 2 yes"
	run build --iidfile "$WORK/id.txt" -t quiet2 "$CTX"
	assert_status 0
	assert_eq "$(cat "$WORK/id.txt")" "$(image_id quiet2)"
	[[ $(cat "$WORK/id.txt") =~ ^sha256:[0-9a-f]{64}$ ]] || fail "iidfile: $(cat "$WORK/id.txt")"
}

@test "the image config (Env, Cmd, Entrypoint, WorkingDir, ExposedPorts, Volumes, Labels, StopSignal, OnBuild) is in image inspect" {
	context cfg <<-'EOF'
		FROM busybox
		ENV A=1 B="two words"
		ENV C=${A}-x
		WORKDIR /app
		WORKDIR sub
		EXPOSE 8080/tcp 53/udp
		VOLUME ["/data", "/logs"]
		LABEL maint=me "with space"="a b"
		STOPSIGNAL SIGUSR1
		ONBUILD RUN echo child
		ENTRYPOINT ["/bin/echo"]
		CMD ["hello"]
	EOF
	run build -t cfg "$CTX"
	assert_status 0
	local f='{{json .Config.Env}}|{{json .Config.Cmd}}|{{json .Config.Entrypoint}}|{{.Config.WorkingDir}}|{{json .Config.ExposedPorts}}|{{json .Config.Volumes}}|{{json .Config.Labels}}|{{.Config.StopSignal}}|{{json .Config.OnBuild}}'
	run hako image inspect -f "$f" cfg
	assert_status 0
	IFS='|' read -r env cmd ep wd ports vols labels sig onbuild <<<"$output"
	assert_match '"A=1"' "$env"
	assert_match '"B=two words"' "$env"
	assert_match '"C=1-x"' "$env"
	assert_eq "$cmd" '["hello"]'
	assert_eq "$ep" '["/bin/echo"]'
	assert_eq "$wd" "/app/sub"
	assert_eq "$ports" '{"53/udp":{},"8080/tcp":{}}'
	assert_eq "$vols" '{"/data":{},"/logs":{}}'
	assert_eq "$labels" '{"maint":"me","with space":"a b"}'
	assert_eq "$sig" "SIGUSR1"
	assert_eq "$onbuild" '["RUN echo child"]'
	run hako run --rm cfg
	assert_eq "$output" "hello"
	run hako run --rm --entrypoint pwd cfg
	assert_eq "$output" "/app/sub"
	run hako run --rm --entrypoint sh cfg -c 'echo "$B|$C"'
	assert_eq "$output" "two words|1-x"
	# the ONBUILD trigger runs in a child build
	context child <<-'EOF'
		FROM cfg
		RUN true
	EOF
	run build -t child "$CTX"
	assert_status 0
	assert_match "echo child"
	run hako image inspect -f '{{json .Config.OnBuild}}' child
	assert_match '^(null|\[\])$'
}

@test "history has one entry per step" {
	local base
	base=$(hako history -q busybox | wc -l)
	context hist <<-'EOF'
		FROM busybox
		ENV K=v
		RUN echo one >/one
		COPY Dockerfile /Dockerfile
		WORKDIR /w
		CMD ["true"]
	EOF
	run build -t hist "$CTX"
	assert_status 0
	# (each line prefixed: the base's CreatedBy may be empty)
	run hako history --no-trunc --format '> {{.CreatedBy}}' hist
	assert_status 0
	[ "$(wc -l <<<"$output")" -eq $((base + 5)) ] || fail "expected $base + 5 entries: $output"
	assert_match '^> CMD \["true"\]' "$(sed -n 1p <<<"$output")"
	assert_match '^> WORKDIR /w' "$(sed -n 2p <<<"$output")"
	assert_match '^> COPY Dockerfile /Dockerfile' "$(sed -n 3p <<<"$output")"
	assert_match '^> RUN .*echo one >/one' "$(sed -n 4p <<<"$output")"
	assert_match '^> ENV K=v' "$(sed -n 5p <<<"$output")"
	# only RUN, COPY and WORKDIR (which makes /w, as BuildKit's does) add
	# layers; ENV and CMD do not
	run hako image inspect -f '{{len .RootFS.Layers}}' hist
	local bl
	bl=$(hako image inspect -f '{{len .RootFS.Layers}}' busybox)
	assert_eq "$output" "$((bl + 3))"
}

@test "builder prune empties the cache: the next build runs its steps again; --no-cache too" {
	context pr <<-'EOF'
		FROM busybox
		RUN echo step1 >/s1
		RUN echo step2 >/s2
	EOF
	run build -t pr "$CTX"
	assert_status 0
	run build -t pr "$CTX"
	assert_cached "RUN echo step1 >/s1" "RUN echo step2 >/s2"
	run build -t pr --no-cache "$CTX"
	assert_status 0
	assert_ran "RUN echo step1 >/s1" "RUN echo step2 >/s2"
	run hako builder prune -f
	assert_status 0
	run build -t pr "$CTX"
	assert_status 0
	assert_ran "RUN echo step1 >/s1" "RUN echo step2 >/s2"
	# prune keeps images
	run hako run --rm pr cat /s1 /s2
	assert_eq "$output" "step1
step2"
	run hako builder prune -f -a
	assert_status 0
	run build -t pr "$CTX"
	assert_ran "RUN echo step1 >/s1"
}

@test "RUN heredocs: a body alone is the script, a #! body runs as a file, a command reads its heredoc" {
	context hd <<-'EOF'
		FROM busybox
		RUN <<SCRIPT
		echo one >/one
		echo two >>/one
		SCRIPT
		RUN <<PY
		#!/bin/sh -e
		echo "ran as $0" >/shebang
		PY
		RUN cat <<DATA >/data
		line
		DATA
		COPY <<NOTE /note.txt
		from a heredoc
		NOTE
	EOF
	run build -t hd "$CTX"
	assert_status 0
	run hako run --rm hd cat /one /shebang /data /note.txt
	assert_status 0
	assert_eq "$output" "one
two
ran as /dev/pipes/PY
line
from a heredoc"
	# The script's mount point is not left in the image.
	run hako run --rm hd ls /dev/pipes
	assert_failure
}

@test "ADD: a local tar is unpacked, a URL is fetched (never unpacked) and checked against --checksum" {
	mkdir -p "$WORK/payload/pkg" "$WORK/www"
	echo inside >"$WORK/payload/pkg/file.txt"
	mkdir -p "$WORK/add"
	tar -C "$WORK/payload" -czf "$WORK/add/pkg.tar.gz" pkg
	cp "$WORK/add/pkg.tar.gz" "$WORK/www/remote.tar.gz"
	local port sum
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	python3 -m http.server --bind 127.0.0.1 --directory "$WORK/www" "$port" >/dev/null 2>&1 &
	HTTP_PID=$!
	wait_for curl -sf "http://127.0.0.1:$port/remote.tar.gz" -o /dev/null
	sum=sha256:$(sha256sum "$WORK/www/remote.tar.gz" | cut -d' ' -f1)
	context add <<-EOF
		FROM busybox
		ADD pkg.tar.gz /opt/
		ADD --checksum=$sum http://127.0.0.1:$port/remote.tar.gz /dl/
	EOF
	run build -t add "$CTX"
	assert_status 0
	run hako run --rm add sh -c 'cat /opt/pkg/file.txt; stat -c "%a %s" /dl/remote.tar.gz'
	assert_status 0
	assert_eq "$output" "inside
600 $(stat -c %s "$WORK/www/remote.tar.gz")"
	# A checksum that does not match stops the build, naming both digests.
	sed -i "s/$sum/sha256:$(printf '%064d' 0)/" "$CTX/Dockerfile"
	run build -t add2 "$CTX"
	assert_status 1
	assert_match "digest mismatch"
}

@test "RUN --mount=type=bind reads the context or another stage without copying it into the image" {
	mkdir -p "$WORK/bind"
	echo from-context >"$WORK/bind/input.txt"
	context bind <<-'EOF'
		FROM busybox AS tools
		RUN mkdir /tools && echo from-stage >/tools/msg
		FROM busybox
		RUN --mount=type=bind,source=input.txt,target=/in.txt --mount=type=bind,from=tools,source=/tools,target=/t \
		    cat /in.txt /t/msg >/seen && ! touch /in.txt 2>/dev/null
	EOF
	run build -t bind "$CTX"
	assert_status 0
	run hako run --rm bind sh -c 'cat /seen; ls /in.txt /t 2>&1 | grep -c "No such file"'
	assert_status 0
	assert_eq "$output" "from-context
from-stage
2"
	# A changed context file re-runs the step (the bind's content is in the key).
	echo changed >"$WORK/bind/input.txt"
	run build -t bind "$CTX"
	assert_status 0
	run hako run --rm bind head -1 /seen
	assert_eq "$output" "changed"
}
