#!/usr/bin/env bats
# hako scan and hako sbom as a Trivy user drives them, against the fixture
# OSV database in tests/scan/osv (written for these tests: each advisory
# says in its summary why it must or must not match):
#   - the Debian image (debootstrap minbase) gives exactly the expected
#     findings: source-package names, release 12 not 11, epochs and tildes,
#     last_affected, unfixed, withdrawn;
#   - a busybox image with an Alpine apk database and an npm lockfile (in a
#     second layer) gives exactly its findings: apk -rN and _p suffixes,
#     Alpine v3.19 not v3.20, SemVer prereleases, explicit version lists;
#   - filters, the ignore file and --exit-code; JSON, SARIF (validated
#     against the SARIF 2.1.0 schema) and CycloneDX 1.5 (validated against
#     its schema); --rootfs and --input;
#   - `scan db import` of files, directories and zips, `scan db update`
#     from a local HTTP server, and the database's age.
# Nothing is left mounted (image_helpers' teardown checks).

bats_require_minimum_version 1.5.0
load helpers
load image_helpers

OSV="$REPO_DIR/tests/scan/osv"

setup_file() {
	# The Debian image: built once per machine (debootstrap), then cached.
	HAKO='' "$REPO_DIR/scripts/make-base-images.sh" --no-layered >/dev/null
	export DEBIAN_TAR="${HAKO_BASE_CACHE:-/var/cache/hako/base}/debian-bookworm.tar"
}

setup() {
	image_test_setup
	cd "$WORK" || return 1
	export HAKO_SCAN_DB="$WORK/osv.db"
	HTTP_PID=
}

teardown() {
	[ -z "$HTTP_PID" ] || kill "$HTTP_PID" 2>/dev/null || true
	local m
	for m in $(awk -v d="$BATS_TEST_TMPDIR" '$5 ~ "^"d {print $5}' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	[ -z "$(awk -v d="$BATS_TEST_TMPDIR" '$5 ~ "^"d' /proc/self/mountinfo)" ] || fail "mounts left below $BATS_TEST_TMPDIR"
	# No view directory or throw-away store outlives a scan.
	[ -z "$(ls -A "$HAKO_ROOT/tmp" 2>/dev/null)" ] || fail "left in $HAKO_ROOT/tmp: $(ls -A "$HAKO_ROOT/tmp")"
}

import_db() { hako scan db import "$OSV" >/dev/null; }

# The busybox image with /lib/apk/db/installed and /etc/os-release of
# Alpine 3.19 (layer 1), and /app/package-lock.json added by a build (layer 2).
make_alpine_like() {
	local root="$WORK/alpine-root"
	mkdir -p "$root"
	tar -C "$root" -xf "$BUSYBOX_TAR"
	mkdir -p "$root/lib/apk/db"
	cat >"$root/etc/os-release" <<-'EOF2'
		NAME="Alpine Linux"
		ID=alpine
		VERSION_ID=3.19.1
		PRETTY_NAME="Alpine Linux v3.19"
	EOF2
	apk_entry() { printf 'P:%s\nV:%s\nA:x86_64\no:%s\nL:%s\n\n' "$1" "$2" "$3" "$4"; }
	{
		apk_entry musl 1.2.4-r2 musl MIT
		apk_entry busybox 1.36.1-r5 busybox GPL-2.0-only
		apk_entry libcrypto3 3.1.4-r5 openssl Apache-2.0
		apk_entry libssl3 3.1.4-r5 openssl Apache-2.0
	} >"$root/lib/apk/db/installed"
	tar -C "$root" --numeric-owner -cf "$WORK/alpine-like.tar" .
	hako import -c 'CMD ["sh"]' "$WORK/alpine-like.tar" alpine-like:base >/dev/null
	mkdir -p "$WORK/ctx"
	cat >"$WORK/ctx/package-lock.json" <<-'EOF2'
		{"name": "app", "lockfileVersion": 3, "packages": {
		  "": {"name": "app", "version": "1.0.0"},
		  "node_modules/lodash": {"version": "4.17.20", "license": "MIT"},
		  "node_modules/minimist": {"version": "1.2.5", "license": "MIT"},
		  "node_modules/left-pad": {"version": "1.3.0", "license": "WTFPL"}}}
	EOF2
	printf 'FROM alpine-like:base\nCOPY package-lock.json /app/\n' >"$WORK/ctx/Dockerfile"
	hako build --network none -q -t alpine-like "$WORK/ctx" >/dev/null
}

# finding lines of a JSON report: "TARGET-CLASS PKG ID FIXED SEVERITY", sorted.
findings() {
	jq -r '.Results[] | .Class as $c | (.Vulnerabilities // [])[] |
		"\($c) \(.PkgName) \(.VulnerabilityID) \(if .FixedVersion == "" then "-" else .FixedVersion end) \(.Severity)"' "$1" | sort
}

@test "scan: the Debian image gives exactly the fixture's Debian findings" {
	hako import "$DEBIAN_TAR" debian:12 >/dev/null
	import_db
	hako scan -f json debian:12 >out.json
	# zlib (D1, source of zlib1g) fixed later; coreutils (D2) unfixed;
	# debianutils 5.7-0.5~deb12u1 < 5.7-0.5 (D6); glibc's binaries up to
	# last_affected (D8, CVSS 9.8). Not: bash's binNMU source 5.2.15-2 >
	# 5.2.15-1 (D3), Debian 11 (D4), a binary name (D5), 1:4.13 > 4.14 (D7),
	# withdrawn (D9), a version list without ours (D10).
	assert_eq "$(findings out.json)" "os-pkgs coreutils HAKO-D-0002 - LOW
os-pkgs debianutils HAKO-D-0006 5.7-0.5 MEDIUM
os-pkgs libc-bin HAKO-D-0008 - CRITICAL
os-pkgs libc6 HAKO-D-0008 - CRITICAL
os-pkgs zlib1g HAKO-D-0001 1:1.2.13.dfsg-1+deb12u90 HIGH"
	# The installed version is the package's, the source name is recorded,
	# and every finding names the layer.
	local zlib
	zlib=$(hako run --rm debian:12 dpkg-query -W -f '${Version}' zlib1g)
	jq -e --arg v "$zlib" '.Results[0].Vulnerabilities[] | select(.PkgName == "zlib1g") |
		.InstalledVersion == $v and .PkgSrcName == "zlib" and .Status == "fixed" and (.Layer.DiffID | startswith("sha256:"))' out.json >/dev/null
	jq -e '.ArtifactType == "container_image" and .Metadata.OS.Family == "debian" and .Metadata.OS.Name == "12" and .Results[0].Target == "debian:12 (debian 12)"' out.json >/dev/null
	# The table: heading, totals, one row per finding with "(no fix)".
	run hako scan debian:12
	assert_status 0
	assert_match "debian:12 \\(debian 12\\)"
	assert_match "Total: 5 \\(UNKNOWN: 0, LOW: 1, MEDIUM: 1, HIGH: 1, CRITICAL: 2\\)"
	assert_match "SEVERITY +PACKAGE +INSTALLED +FIXED +ID +TITLE"
	assert_match "LOW +coreutils +9\\.[^ ]+ +\\(no fix\\) +HAKO-D-0002 +coreutils: no fix yet"
}

@test "scan: an image with an apk database and an npm lockfile in a later layer" {
	make_alpine_like
	import_db
	hako scan -f json alpine-like >out.json
	# musl -r2 < -r3 (A1); openssl 3.1.4-r5 < 3.1.4_p1-r0 for both binaries
	# (A4); lodash < 4.17.21 (GHSA, alias CVE-2021-23337); minimist in the
	# version list, no fix. Not: busybox for v3.20 (A2) or fixed at exactly
	# -r5 (A3); left-pad 1.3.0 > 1.3.0-rc.1 (N3).
	assert_eq "$(findings out.json)" "lang-pkgs lodash GHSA-35jh-r3h4-6jhm 4.17.21 HIGH
lang-pkgs minimist HAKO-N-0002 - CRITICAL
os-pkgs libcrypto3 HAKO-A-0004 3.1.4_p1-r0 CRITICAL
os-pkgs libssl3 HAKO-A-0004 3.1.4_p1-r0 CRITICAL
os-pkgs musl HAKO-A-0001 1.2.4-r3 HIGH"
	jq -e '.Results | map(.Target) == ["alpine-like (alpine 3.19.1)", "app/package-lock.json"]' out.json >/dev/null
	jq -e '.Results[1].Type == "npm" and .Results[1].Vulnerabilities[0].PkgIdentifier.PURL == "pkg:npm/lodash@4.17.20"' out.json >/dev/null
	# Attribution: the lockfile came with the build's layer, musl with the base.
	local diff_ids
	diff_ids=$(jq -c '.Metadata.DiffIDs' out.json)
	jq -e --argjson d "$diff_ids" '($d | length) == 2 and
		(.Results[0].Vulnerabilities[0].Layer.DiffID == $d[0]) and
		(.Results[1].Vulnerabilities[0].Layer.DiffID == $d[1])' out.json >/dev/null
}

@test "scan: --severity, --ignore-unfixed, the ignore file and --exit-code" {
	make_alpine_like
	import_db
	hako scan -f json --severity critical alpine-like >out.json
	assert_eq "$(findings out.json | awk '{print $3}' | sort -u | tr '\n' ' ')" "HAKO-A-0004 HAKO-N-0002 "
	hako scan -f json --ignore-unfixed alpine-like >out.json
	[ "$(findings out.json | grep -c ' - ')" -eq 0 ] || fail "unfixed findings reported"
	[ "$(findings out.json | wc -l)" -eq 4 ] || fail "expected 4 fixed findings: $(findings out.json)"
	# An alias in .hakoignore silences the GHSA; an expired entry does not.
	printf '# accepted\nCVE-2021-23337\nHAKO-A-0001 exp:2020-01-01\n' >.hakoignore
	hako scan -f json alpine-like >out.json
	run findings out.json
	[[ "$output" != *GHSA-35jh-r3h4-6jhm* ]] || fail "ignored finding reported"
	assert_match "HAKO-A-0001"
	# --exit-code applies when something is reported, and only then.
	run hako scan --exit-code 3 alpine-like
	assert_status 3
	run hako scan --exit-code 3 --severity LOW alpine-like
	assert_status 0
	assert_match "Total: 0"
	# Bad input names the problem.
	run hako scan --severity SEVERE alpine-like
	assert_status 1
	assert_match 'unknown severity "SEVERE"'
	printf 'CVE-1 exp:2026-13-01\n' >bad.ignore
	run hako scan --ignorefile bad.ignore alpine-like
	assert_status 1
	assert_match 'bad.ignore:1: bad expiry date "2026-13-01"'
	run hako scan --format xml alpine-like
	assert_status 1
	assert_match "want table, json or sarif"
	run hako scan no-such-image
	assert_status 1
	assert_match "No such image: no-such-image"
}

@test "scan: SARIF validates against the SARIF 2.1.0 schema" {
	make_alpine_like
	import_db
	local schemas
	schemas=$("$REPO_DIR/scripts/fetch-schemas.sh")
	hako scan -f sarif -o out.sarif alpine-like
	"$PYTHON" "$TESTS_DIR/validate_schema.py" "$schemas/sarif-2.1.0.json" out.sarif
	jq -e '.runs[0].results | length == 5' out.sarif >/dev/null
	jq -e '.runs[0].results[] | select(.ruleId == "GHSA-35jh-r3h4-6jhm") | .level == "error" and
		.locations[0].physicalLocation.artifactLocation.uri == "app/package-lock.json"' out.sarif >/dev/null
	jq '.runs[0].results[0].level = "fatal"' out.sarif >bad.sarif
	run "$PYTHON" "$TESTS_DIR/validate_schema.py" "$schemas/sarif-2.1.0.json" bad.sarif
	assert_status 1
}

@test "scan: --rootfs scans a directory and --input an image archive" {
	make_alpine_like
	import_db
	hako scan -f json --rootfs "$WORK/alpine-root" >out.json
	jq -e '.ArtifactType == "filesystem" and (.Results | length) == 1' out.json >/dev/null
	[ "$(findings out.json | wc -l)" -eq 3 ] || fail "$(findings out.json)"
	hako save -o "$WORK/alpine-like.oci.tar" alpine-like
	hako scan -f json --input "$WORK/alpine-like.oci.tar" >out.json
	jq -e '.ArtifactType == "archive"' out.json >/dev/null
	[ "$(findings out.json | wc -l)" -eq 5 ] || fail "$(findings out.json)"
	run hako scan --input "$WORK/nothing.tar"
	assert_status 1
	assert_match "nothing.tar"
	run hako scan --rootfs "$WORK/alpine-root" alpine-like
	assert_status 1
	assert_match "only one of IMAGE, --rootfs and --input"
}

@test "scan db: import of files, directories and zips; status shows the age; bad data changes nothing" {
	run hako scan alpine-like
	assert_status 1
	assert_match "no vulnerability database at $WORK/osv.db"
	# A zip of one ecosystem, then single files.
	(cd "$OSV/npm" && python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w"); [z.write(f) for f in sys.argv[2:]]' "$WORK/npm.zip" *.json)
	run hako scan db import "$WORK/npm.zip" "$OSV/Debian/HAKO-D-0001.json"
	assert_status 0
	assert_match "Imported 3 advisories from $WORK/npm.zip"
	run hako scan db status
	assert_status 0
	assert_match "Advisories: 4"
	assert_match "Updated: +20[0-9-]+T.*ago\\)"
	# A broken advisory is refused with its file and field; nothing changes.
	mkdir bad
	cp "$OSV/Alpine/HAKO-A-0001.json" bad/
	echo '{"id": "X-1", "modified": "2026-01-01T00:00:00Z", "affected": "no"}' >bad/X-1.json
	run hako scan db import bad
	assert_status 1
	assert_match "X-1.json"
	run hako scan db status
	assert_match "Advisories: 4"
	run hako scan db import "$WORK/none"
	assert_status 1
	assert_match "none: no such file or directory"
	# A database last updated long ago is warned about.
	sqlite3 "$HAKO_SCAN_DB" "UPDATE metadata SET updated_at = '2020-01-01T00:00:00Z'"
	run hako scan db status
	assert_match "WARNING: the vulnerability database was last updated .* ago \\(2020-01-01T00:00:00Z\\)"
}

@test "scan db update downloads each ecosystem's all.zip from the configured URL" {
	mkdir -p www/Debian www/Alpine www/npm
	local eco port
	for eco in Debian Alpine npm; do
		(cd "$OSV/$eco" && python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w"); [z.write(f) for f in sys.argv[2:]]' "$WORK/www/$eco/all.zip" *.json)
	done
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	python3 -m http.server --bind 127.0.0.1 --directory "$WORK/www" "$port" >/dev/null 2>&1 3>&- &
	HTTP_PID=$!
	wait_for curl -sf "http://127.0.0.1:$port/npm/all.zip" -o /dev/null
	run hako scan db update --url "http://127.0.0.1:$port" --ecosystem Debian --ecosystem Alpine --ecosystem npm
	assert_status 0
	assert_match "Downloaded http://127.0.0.1:$port/Debian/all.zip"
	assert_match "17 advisories imported from 3 ecosystems"
	run hako scan db status
	assert_match "Advisories: 17"
	assert_match "Source: +http://127.0.0.1:$port"
	# A missing export fails naming its URL and leaves the database as it was.
	HAKO_SCAN_DB_URL="http://127.0.0.1:$port" run hako scan db update --ecosystem npm --ecosystem PyPI
	assert_status 1
	assert_match "GET http://127.0.0.1:$port/PyPI/all.zip: 404"
	run hako scan db status
	assert_match "Advisories: 17"
}

@test "sbom: CycloneDX 1.5 validates against its schema; SPDX 2.3 and the table list the same packages" {
	make_alpine_like
	local schemas
	schemas=$("$REPO_DIR/scripts/fetch-schemas.sh")
	hako sbom --format cyclonedx -o bom.json alpine-like
	"$PYTHON" "$TESTS_DIR/validate_schema.py" "$schemas/bom-1.5.SNAPSHOT.schema.json" bom.json
	jq -e '.specVersion == "1.5" and (.components | map(select(.type == "library")) | length) == 7' bom.json >/dev/null
	jq -e '.components[] | select(.name == "musl") | .purl == "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1"' bom.json >/dev/null ||
		fail "musl purl: $(jq -c '.components[] | select(.name == "musl") | .purl' bom.json)"
	jq '.components[0].type = "gadget"' bom.json >bad.json
	run "$PYTHON" "$TESTS_DIR/validate_schema.py" "$schemas/bom-1.5.SNAPSHOT.schema.json" bad.json
	assert_status 1
	hako sbom --format spdx-json -o spdx.json alpine-like
	jq -e '.spdxVersion == "SPDX-2.3" and .dataLicense == "CC0-1.0" and
		([.packages[] | select(.SPDXID | startswith("SPDXRef-Package-"))] | length) == 7 and
		([.packages[].SPDXID] as $ids | all(.relationships[]; (.relatedSpdxElement as $r | $ids | index($r)) != null))' spdx.json >/dev/null
	run hako sbom alpine-like
	assert_status 0
	assert_match "lodash +4.17.20 +MIT"
	assert_match "Total: 4 packages"
	assert_match "Total: 3 packages"
	run hako sbom --format xml alpine-like
	assert_status 1
	assert_match "want table, cyclonedx or spdx-json"
}
