#!/usr/bin/env bash
# Fetches the JSON schemas the tests validate hako's reports against, from
# npm packages that ship them, into a cache (never into the repository):
#   sarif-2.1.0.json   SARIF 2.1.0 (the OASIS standard's RTM 5 schema), from
#                      @microsoft/jest-sarif
# Prints the cache directory. Idempotent: a schema already cached is kept.
set -euo pipefail
cache=${HAKO_SCHEMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hako-schemas}
mkdir -p "$cache"

# fetch PACKAGE@VERSION PATH-IN-PACKAGE NAME
fetch() {
	local pkg=$1 inner=$2 name=$3 tmp
	[ -s "$cache/$name" ] && return 0
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
	tar -xzf "$tmp"/*.tgz -C "$tmp" "package/$inner"
	mv "$tmp/package/$inner" "$cache/$name.tmp"
	mv "$cache/$name.tmp" "$cache/$name"
}

fetch @microsoft/jest-sarif@1.0.0-beta.0 lib/schemas/sarif-2.1.0-rtm.5.json sarif-2.1.0.json
echo "$cache"
