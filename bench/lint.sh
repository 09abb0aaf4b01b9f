#!/usr/bin/env bash
# lint.sh: linting a 300-line Dockerfile, `hako lint` vs dockerfilelint (the
# npm linter; Hadolint itself is not packaged for Debian nor on npm), side
# by side in one run.  See bench/README.md.
#
# The Dockerfile is generated: three stages, package installs with apt-get,
# apk, pip and npm (pinned and not), multi-line RUNs with && chains, pipes,
# COPY/ENV/LABEL/EXPOSE/HEALTHCHECK, exactly LINES lines.  Each round runs
# both linters once on the same file, the starting one alternating; the
# wall time of the CLI (fork to exit) is recorded.  hako runs with
# --no-fail -f json (all rules, every finding serialised); dockerfilelint
# with -o json.  Both must produce findings, else the run counts as failed.
#
# Beside the CLI's time, build/hako-lint-time (bench/tools/lint_time.cc)
# times the lint alone in one process (every rule and the JSON report, 200
# times): what hako spends on the Dockerfile once the process is running.
#
# Environment:
#   HAKO    hako binary (default: <repo>/build/hako)
#   N       timed rounds (default 50), WARMUP untimed rounds (default 3)
#   LINES   length of the Dockerfile (default 300)
#   TOOLS   where dockerfilelint is installed from npm (default
#           ~/.cache/hako-bench/npm); ENGINES="hako" skips it
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
HAKO=${HAKO:-$repo/build/hako}
N=${N:-50}
WARMUP=${WARMUP:-3}
LINES=${LINES:-300}
TOOLS=${TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/hako-bench/npm}
ENGINES=${ENGINES:-hako dockerfilelint}
TARGET_MS=5

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[[ -x $HAKO ]] || { echo "hako not found at $HAKO (build it first)" >&2; exit 1; }
if [[ " $ENGINES " == *" dockerfilelint "* && ! -x $TOOLS/node_modules/.bin/dockerfilelint ]]; then
  echo "installing dockerfilelint@1.8.0 from npm into $TOOLS" >&2
  mkdir -p "$TOOLS"
  npm install --silent --prefix "$TOOLS" dockerfilelint@1.8.0 >/dev/null
fi

# gen_dockerfile LINES: a realistic multi-stage Dockerfile of exactly LINES lines.
gen_dockerfile() {
  local want=$1 n=0 i=0
  emit() { ((n < want)) || return 0; printf '%s\n' "$1"; n=$((n + 1)); }
  emit "# syntax=docker/dockerfile:1"
  emit "ARG BASE=debian:12"
  while ((n < want)); do
    i=$((i + 1))
    emit "FROM \${BASE} AS stage$i"
    emit "LABEL org.opencontainers.image.version=\"1.$i.0\" maintainer=\"dev$i@example.com\""
    emit "ENV APP_HOME=/srv/app$i PATH=/srv/app$i/bin:\$PATH"
    emit "WORKDIR /srv/app$i"
    emit "RUN apt-get update \\"
    emit " && apt-get install -y --no-install-recommends curl=7.88.1-10 ca-certificates git \\"
    emit " && rm -rf /var/lib/apt/lists/*"
    emit "RUN apk add --no-cache bash=5.2.15-r0 jq"
    emit "RUN pip install --no-cache-dir requests==2.31.0 flask"
    emit "RUN npm install -g typescript@5.3.3 left-pad"
    emit "RUN cd /tmp && curl -fsSL https://example.com/x$i.tar.gz | tar -xz && make -C x$i install"
    emit "COPY --chown=1000:1000 src/ /srv/app$i/src/"
    emit "COPY requirements.txt package.json ./"
    emit "ADD app$i.tar.gz /opt/"
    emit "EXPOSE 80$((i % 10))/tcp"
    emit "RUN set -eux; \\"
    emit "    for f in a b c; do echo \"\$f\" >> /etc/list$i; done; \\"
    emit "    if [ -f /etc/list$i ]; then sort /etc/list$i | uniq > /tmp/u; fi"
    emit "HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1"
    emit "USER app$i"
    emit "CMD python app.py --stage $i"
  done
}
gen_dockerfile "$LINES" >"$tmp/Dockerfile"
lines=$(wc -l <"$tmp/Dockerfile")

run_one() {
  case $1 in
    hako) "$HAKO" lint --no-fail -f json "$tmp/Dockerfile" ;;
    dockerfilelint) "$TOOLS/node_modules/.bin/dockerfilelint" -o json "$tmp/Dockerfile" ;;
  esac
}

read -r -a engines <<<"$ENGINES"
declare -A fails=()
for e in "${engines[@]}"; do : >"$tmp/$e.samples"; done
for ((r = 0; r < WARMUP + N; r++)); do
  for ((j = 0; j < ${#engines[@]}; j++)); do
    e=${engines[(r + j) % ${#engines[@]}]}
    t0=$EPOCHREALTIME
    rc=0
    run_one "$e" >"$tmp/$e.out" 2>"$tmp/$e.err" || rc=$?
    t1=$EPOCHREALTIME
    ((r < WARMUP)) && continue
    # dockerfilelint exits 1 when it finds something; both must find something.
    if [[ ! -s $tmp/$e.out ]] || ! grep -q '[A-Za-z]' "$tmp/$e.out" || { [[ $e == hako ]] && ((rc != 0)); }; then
      fails[$e]=$((${fails[$e]:-0} + 1))
      continue
    fi
    echo $((${t1/./} - ${t0/./})) >>"$tmp/$e.samples"
  done
done

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m / 1000 }'; }
p90() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } i = int(0.9 * NR); if (i < 0.9 * NR) i++; printf "%.2f\n", v[i] / 1000 }'; }

findings=$("$HAKO" lint --no-fail -f json "$tmp/Dockerfile" | jq length)
echo "Dockerfile: $lines lines, $(grep -c '^FROM' "$tmp/Dockerfile") stages; hako lint reports $findings findings"
printf '%-16s %10s %10s %8s %8s\n' linter "median ms" "p90 ms" runs failed
declare -A med=()
for e in "${engines[@]}"; do
  med[$e]=$(median "$tmp/$e.samples")
  printf '%-16s %10s %10s %8s %8s\n' "$e" "${med[$e]}" "$(p90 "$tmp/$e.samples")" "$(wc -l <"$tmp/$e.samples")" "${fails[$e]:-0}"
done
if [[ -n ${med[dockerfilelint]:-} && ${med[dockerfilelint]} != - && ${med[hako]} != - ]]; then
  awk -v a="${med[dockerfilelint]}" -v b="${med[hako]}" 'BEGIN { printf "dockerfilelint / hako: %.1fx\n", a / b }'
fi
lint_time=$(dirname "$HAKO")/hako-lint-time
if [[ -x $lint_time ]]; then
  read -r in_med in_p90 _ _ < <("$lint_time" "$tmp/Dockerfile" 200)
  echo "hako lint in one process (no fork/exec): median $in_med ms, p90 $in_p90 ms"
fi
awk -v m="${med[hako]}" -v t="$TARGET_MS" 'BEGIN { printf "hako target <= %d ms: %s\n", t, (m != "-" && m <= t) ? "met" : "MISSED" }'
status=0
for e in "${engines[@]}"; do
  if ((${fails[$e]:-0})); then
    echo "$e: ${fails[$e]} failed runs; last stderr:" >&2
    tail -5 "$tmp/$e.err" >&2
    status=1
  fi
done
exit $status
