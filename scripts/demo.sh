#!/usr/bin/env bash
# The demo: build hako, make a busybox image from Debian's busybox-static,
# push it to a private registry on 127.0.0.1 and pull it back into an empty
# store, then run containers from it: one in the foreground that reports
# who and where it is (hostname, pid 1, its memory limit), and one detached
# whose logs are read before it is stopped and removed; then a web server
# on a network of its own, reached by name and through a published port;
# then examples/hello-web built from its multi-stage Dockerfile, run, read
# from the host, and rebuilt from the cache; last, an image with an npm
# lockfile scanned for vulnerabilities and listed as an SBOM.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh" >/dev/null
hako=$here/build/hako

work=$(mktemp -d /tmp/hako-demo.XXXXXX)
registry_pid=
# The default bridge stays after hako's containers, as docker0 does; the
# demo removes it again if it made it.
had_bridge=0
ip link show hako0 >/dev/null 2>&1 && had_bridge=1
# Making the bridge turns IPv4 forwarding on, as Docker does; the demo puts
# it back as it found it.
ip_forward_before=$(cat /proc/sys/net/ipv4/ip_forward)
cleanup() {
  HAKO_ROOT=$work/store2 "$hako" rm -f demo-web demo-site demo-hello >/dev/null 2>&1 || true
  HAKO_ROOT=$work/store2 "$hako" network rm demo-net >/dev/null 2>&1 || true
  if [ -n "$registry_pid" ]; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  umount -l "$work"/store*/snapshots/*/merged 2>/dev/null || true
  if [ "$had_bridge" = 0 ]; then
    ip link del hako0 2>/dev/null || true
    nft delete table ip hako 2>/dev/null || true
    echo "$ip_forward_before" >/proc/sys/net/ipv4/ip_forward 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

show() {
  echo "\$ $*"
  "$@"
  echo
}

# A busybox image, and a registry to push it to.
HAKO_BASE_CACHE=$work/base "$here/scripts/make-base-images.sh" --busybox-only >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/registry.yml" <<EOF
version: 0.1
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
EOF
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done

export HAKO_ROOT=$work/store
show "$hako" import -c 'CMD ["sh"]' "$work/base/busybox.tar" busybox:latest
show "$hako" tag busybox "127.0.0.1:$port/demo/busybox:1"
show "$hako" push "127.0.0.1:$port/demo/busybox:1"

export HAKO_ROOT=$work/store2
show "$hako" pull "127.0.0.1:$port/demo/busybox:1"
show "$hako" images
show "$hako" run --rm --hostname hako-demo --memory 64m "127.0.0.1:$port/demo/busybox:1" sh -c '
    echo "hostname:     $(hostname)"
    echo "my pid:       $$"
    limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)
    echo "memory limit: $((limit / 1024 / 1024)) MiB"
    echo "processes:    $(ls -d /proc/[0-9]* | wc -l) visible"'
show "$hako" run -d --name demo-web "127.0.0.1:$port/demo/busybox:1" sh -c 'echo serving; sleep 1000'
show "$hako" ps
sleep 0.3
show "$hako" logs demo-web
echo "hello from the host" >"$work/greeting.txt"
show "$hako" cp "$work/greeting.txt" demo-web:/tmp/
show "$hako" exec demo-web cat /tmp/greeting.txt
show "$hako" diff demo-web
show "$hako" top demo-web
show "$hako" stats --no-stream demo-web
show "$hako" stop -t 1 demo-web
show "$hako" rm demo-web

# Networks: a web server found by name from another container, and
# published on the host's 127.0.0.1.
show "$hako" network create demo-net
show "$hako" run -d --name demo-site --network demo-net -p 127.0.0.1:18088:80 "127.0.0.1:$port/demo/busybox:1" \
  sh -c 'mkdir /www && echo "hello from $(hostname)" >/www/index.html && exec httpd -f -p 80 -h /www'
show "$hako" run --rm --network demo-net "127.0.0.1:$port/demo/busybox:1" wget -qO- http://demo-site/
show "$hako" port demo-site
for _ in $(seq 50); do curl -sf http://127.0.0.1:18088/ >/dev/null && break; sleep 0.1; done
show curl -s http://127.0.0.1:18088/
show "$hako" rm -f demo-site
show "$hako" network rm demo-net

# Build: examples/hello-web's multi-stage Dockerfile (a build stage renders
# the site, the final busybox stage has only the result), run it with its
# port published, read the page from the host, then build it again: every
# step comes from the cache.
web_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
show "$hako" tag "127.0.0.1:$port/demo/busybox:1" busybox:latest
# Lint first: the Dockerfile passes Hadolint's rules (hako lint); a careless
# one does not, and says where and why.
show "$hako" lint "$here/examples/hello-web/Dockerfile"
printf 'FROM debian\nRUN apt-get update && apt-get install curl\nWORKDIR app\n' >"$work/careless.Dockerfile"
show "$hako" lint "$work/careless.Dockerfile" || true
show "$hako" build -t hello-web "$here/examples/hello-web"
show "$hako" images hello-web
show "$hako" run -d --name demo-hello -p "127.0.0.1:$web_port:8080" hello-web
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$web_port/" >/dev/null && break; sleep 0.1; done
show curl -sS --max-time 5 "http://127.0.0.1:$web_port/"
show curl -sS --max-time 5 "http://127.0.0.1:$web_port/context.txt"
show "$hako" exec demo-hello id
echo "\$ time $hako build -t hello-web $here/examples/hello-web"
start=$EPOCHREALTIME
"$hako" build -t hello-web "$here/examples/hello-web"
end=$EPOCHREALTIME
echo "rebuilt from the cache in $(((${end/./} - ${start/./}) / 1000)) ms"
echo
show "$hako" rm -f demo-hello

# Scan: an image that carries an npm lockfile, against a small OSV database
# (the tests' fixture advisories; `hako scan db update` downloads OSV's own
# exports), then its bill of materials.
mkdir -p "$work/scan-app"
printf '%s\n' '{"name": "app", "lockfileVersion": 3, "packages": {"": {"name": "app"},' \
  '  "node_modules/lodash": {"version": "4.17.20", "license": "MIT"},' \
  '  "node_modules/minimist": {"version": "1.2.5", "license": "MIT"}}}' >"$work/scan-app/package-lock.json"
printf 'FROM busybox\nCOPY package-lock.json /app/\n' >"$work/scan-app/Dockerfile"
show "$hako" build -q -t demo-app "$work/scan-app"
export HAKO_SCAN_DB=$work/osv.db
show "$hako" scan db import "$here/tests/scan/osv"
show "$hako" scan demo-app
show "$hako" sbom demo-app
