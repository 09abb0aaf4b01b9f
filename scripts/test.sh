#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test: the unit tests
# (GoogleTest) and the system tests (bats driving the real binary), all
# through ctest.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
# The JSON schemas reports are validated against (SARIF), from npm, cached.
"$here/scripts/fetch-schemas.sh" >/dev/null
"$here/scripts/build.sh"
cd "$here/build"
ctest --output-on-failure "$@"
