#!/usr/bin/env bats
# hako lint as a Hadolint user drives it: findings with file and line in each
# output format (SARIF validated against the SARIF 2.1.0 schema), exit codes
# that follow --failure-threshold, .hadolint.yaml found where Hadolint looks
# and its settings, pragmas, stdin; and the build hooks: `build --check`
# lints without building, a build shows error-level findings as warnings.

bats_require_minimum_version 1.5.0
load helpers
load image_helpers

setup() {
	image_test_setup
	cd "$WORK" || return 1
	cat >Dockerfile <<-'EOF'
		FROM debian:12
		MAINTAINER someone
		RUN apt-get update && apt-get install -y curl
		WORKDIR app
		CMD python app.py
	EOF
}

@test "lint: tty findings with file, line, code and severity; exit 1" {
	run hako lint Dockerfile
	assert_status 1
	assert_match "Dockerfile:2 DL4000 error: MAINTAINER is deprecated"
	assert_match "Dockerfile:3 DL3008 warning: Pin versions in apt get install"
	assert_match "Dockerfile:3 DL3009 info: Delete the apt lists \\(/var/lib/apt/lists\\) after installing something"
	assert_match "Dockerfile:3 DL3015 info: Avoid additional packages by specifying \`--no-install-recommends\`"
	assert_match "Dockerfile:4 DL3000 error: Use absolute WORKDIR"
	assert_match "Dockerfile:5 DL3025 warning: Use arguments JSON notation for CMD and ENTRYPOINT arguments"
	# ordered by line
	[ "$(printf '%s\n' "$output" | cut -d' ' -f1 | cut -d: -f2 | sort -n -c && echo sorted)" = sorted ]
}

@test "lint: a clean Dockerfile prints nothing and exits 0; stdin is '-'" {
	cat >clean.Dockerfile <<-'EOF'
		FROM debian:12.5
		RUN apt-get update \
		 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
		 && rm -rf /var/lib/apt/lists/*
		USER 65534
		CMD ["curl", "--version"]
	EOF
	run hako lint clean.Dockerfile
	assert_status 0
	[ -z "$output" ] || fail "unexpected output: $output"
	run bash -c "'$HAKO' lint - < Dockerfile"
	assert_status 1
	assert_match "-:2 DL4000 error"
}

@test "lint --failure-threshold decides the exit code" {
	printf 'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n' >warn.Dockerfile
	run hako lint --failure-threshold error warn.Dockerfile
	assert_status 0
	assert_match "DL3008 warning"
	run hako lint --failure-threshold warning warn.Dockerfile
	assert_status 1
	run hako lint -t none Dockerfile
	assert_status 0
	run hako lint --no-fail Dockerfile
	assert_status 0
	run hako lint --failure-threshold fatal Dockerfile
	assert_status 1
	assert_match 'invalid failure threshold "fatal"'
}

@test "lint --format json, checkstyle, codeclimate and gitlab_codeclimate" {
	run hako lint --format json Dockerfile
	assert_status 1
	[ "$(printf '%s' "$output" | jq -r '.[] | select(.code == "DL3000") | "\(.file):\(.line):\(.column) \(.level)"')" = "Dockerfile:4:1 error" ]
	run hako lint -f checkstyle Dockerfile
	assert_match '<error line="4" column="1" severity="error" message="Use absolute WORKDIR" source="DL3000"/>'
	hako lint -f codeclimate --no-fail Dockerfile | tr '\0' '\n' | jq -s -e 'map(select(.check_name == "DL4000")) | length == 1 and .[0].severity == "blocker"' >/dev/null
	hako lint -f gitlab_codeclimate --no-fail Dockerfile | jq -e 'length >= 5 and all(.[]; .fingerprint | length == 40)' >/dev/null
	run hako lint -f xml Dockerfile
	assert_status 1
	assert_match 'invalid argument "xml" for "--format" flag'
}

@test "lint --format sarif validates against the SARIF 2.1.0 schema" {
	local schemas
	schemas=$("$REPO_DIR/scripts/fetch-schemas.sh")
	hako lint -f sarif --no-fail Dockerfile >out.sarif
	"$PYTHON" "$TESTS_DIR/validate_schema.py" "$schemas/sarif-2.1.0.json" out.sarif
	jq -e '.runs[0].results | map(.ruleId) | index("DL3000") != null' out.sarif >/dev/null
	jq -e '.runs[0].results[] | select(.ruleId == "DL3000") | .locations[0].physicalLocation.region.startLine == 4' out.sarif >/dev/null
	# A document the schema must reject: the validator is not a rubber stamp.
	jq '.runs[0].results[0].level = "fatal"' out.sarif >bad.sarif
	run "$PYTHON" "$TESTS_DIR/validate_schema.py" "$schemas/sarif-2.1.0.json" bad.sarif
	assert_status 1
}

@test "lint reads .hadolint.yaml from the working directory, or --config, and the HADOLINT_ environment" {
	printf 'ignored:\n  - DL3000\noverride:\n  error:\n    - DL3008\n' >.hadolint.yaml
	run hako lint Dockerfile
	assert_match "DL3008 error"
	[[ "$output" != *DL3000* ]] || fail "DL3000 not ignored: $output"
	mkdir -p other && printf 'ignored: [DL4000]\n' >other/cfg.yml
	run hako lint --config other/cfg.yml Dockerfile
	assert_match "DL3000 error"
	[[ "$output" != *DL4000* ]] || fail "DL4000 not ignored: $output"
	run env HADOLINT_IGNORE=DL3008,DL3009 "$HAKO" lint Dockerfile
	[[ "$output" != *DL3008* && "$output" != *DL3009* ]] || fail "HADOLINT_IGNORE not applied: $output"
	printf 'ignored: [DL3000]\nthreshold: error\n' >.hadolint.yaml
	run hako lint Dockerfile
	assert_status 1
	assert_match "\.hadolint\.yaml: threshold: unknown setting"
	run hako lint --config missing.yaml Dockerfile
	assert_status 1
	assert_match "missing.yaml: does not exist"
}

@test "lint pragmas, --ignore, --trusted-registry and --require-label" {
	cat >p.Dockerfile <<-'EOF'
		FROM registry.example.com/base:1.0
		# hadolint ignore=DL3000
		WORKDIR app
		WORKDIR other
	EOF
	run hako lint p.Dockerfile
	[[ "$output" != *"p.Dockerfile:3 DL3000"* ]] || fail "pragma not applied: $output"
	assert_match "p.Dockerfile:4 DL3000"
	run hako lint --ignore DL3000 p.Dockerfile
	[[ "$output" != *DL3000* ]] || fail "--ignore not applied: $output"
	run hako lint --trusted-registry docker.io p.Dockerfile
	assert_match "p.Dockerfile:1 DL3026"
	run hako lint --trusted-registry registry.example.com p.Dockerfile
	[[ "$output" != *DL3026* ]] || fail "trusted registry reported: $output"
	run hako lint --require-label org.opencontainers.image.version:semver p.Dockerfile
	assert_match "DL3049"
	run hako lint --require-label version p.Dockerfile
	assert_status 1
	assert_match 'invalid argument "version" for "--require-label" flag'
	run hako lint does-not-exist.Dockerfile
	assert_status 1
	assert_match "does-not-exist.Dockerfile: does not exist"
}

@test "build --check lints without building; a build shows error-level findings as warnings" {
	import_busybox
	mkdir -p ctx
	printf 'FROM busybox\nWORKDIR app\nRUN echo built > /built\n' >ctx/Dockerfile
	run hako build --check -t checked ctx
	assert_status 1
	assert_match "Dockerfile:2 DL3000 error: Use absolute WORKDIR"
	assert_match "Check complete, [0-9]+ warnings? ha(s|ve) been found!"
	run hako image inspect checked
	assert_status 1
	# --network none: the RUN needs no bridge (this file does not save and restore the host's network)
	run hako build --network none --progress plain -t built ctx
	assert_status 0
	assert_match "WARNING: Dockerfile:2 DL3000 Use absolute WORKDIR"
	run hako image inspect -f '{{.Config.WorkingDir}}' built
	assert_status 0
	[ "$output" = /app ] || fail "workdir: $output"
	printf 'FROM busybox:1.36\nWORKDIR /app\nUSER 65534\nCMD ["sh"]\n' >ctx/Dockerfile
	run hako build --check ctx
	assert_status 0
	assert_match "Check complete, no warnings found."
}
