#!/usr/bin/env bash
# Fetches the JSON schemas the tests validate hako's reports against, from
# npm packages that ship them, into a cache (never into the repository):
#   sarif-2.1.0.json                SARIF 2.1.0 (the OASIS standard's RTM 5
#                                   schema), from @microsoft/jest-sarif
#   bom-1.5.SNAPSHOT.schema.json    CycloneDX 1.5 JSON, with the two schemas it
#   spdx.SNAPSHOT.schema.json       $refs by these relative names (the SPDX
#   jsf-0.82.SNAPSHOT.schema.json   license id list and JSON Signature Format),
#                                   from @cyclonedx/cyclonedx-library
# validate_schema.py resolves such references among the files of the cache.
# The SPDX 2.3 JSON schema is not here: no npm package found ships it.
# Prints the cache directory. Idempotent: a schema already cached is kept.
set -euo pipefail
cache=${HAKO_SCHEMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hako-schemas}
mkdir -p "$cache"

# fetch PACKAGE@VERSION PATH-IN-PACKAGE NAME [PATH-IN-PACKAGE NAME]...
fetch() {
	local pkg=$1 tmp inner name missing=0 i
	shift
	for ((i = 2; i <= $#; i += 2)); do
		[ -s "$cache/${!i}" ] || missing=1
	done
	[ "$missing" = 1 ] || return 0
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
	while [ $# -gt 0 ]; do
		inner=$1 name=$2
		shift 2
		[ -s "$cache/$name" ] && continue
		tar -xzf "$tmp"/*.tgz -C "$tmp" "package/$inner"
		mv "$tmp/package/$inner" "$cache/$name.tmp"
		mv "$cache/$name.tmp" "$cache/$name"
	done
}

fetch @microsoft/jest-sarif@1.0.0-beta.0 lib/schemas/sarif-2.1.0-rtm.5.json sarif-2.1.0.json
fetch @cyclonedx/cyclonedx-library@10.3.0 \
	res/schema/bom-1.5.SNAPSHOT.schema.json bom-1.5.SNAPSHOT.schema.json \
	res/schema/spdx.SNAPSHOT.schema.json spdx.SNAPSHOT.schema.json \
	res/schema/jsf-0.82.SNAPSHOT.schema.json jsf-0.82.SNAPSHOT.schema.json
echo "$cache"
