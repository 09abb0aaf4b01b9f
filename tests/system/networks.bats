#!/usr/bin/env bats
# Networks as a user drives them: names resolved between containers,
# isolation between networks, published ports reached from the host, UDP,
# --internal, connect and disconnect on a live container; and after each
# test nothing of it is left in `ip link` or the nftables ruleset.

bats_require_minimum_version 1.5.0
load helpers
load image_helpers
load container_helpers

setup() {
	image_test_setup
	import_busybox
	command -v nft >/dev/null || skip "nft not installed"
	# The host's resolvers are not reachable here: forward to a local one
	# that nobody answers on, so nothing leaves the machine.
	export HAKO_RESOLV_CONF="$WORK/resolv.conf"
	echo "nameserver 127.0.0.1" >"$HAKO_RESOLV_CONF"
	ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort >"$WORK/links.before"
	nft list ruleset >"$WORK/ruleset.before"
	host_network_save
}

teardown() {
	[ -z "${HOST_HTTPD:-}" ] || kill "$HOST_HTTPD" 2>/dev/null || true
	local ids n
	ids=$("$HAKO" ps -aq --no-trunc 2>/dev/null) || true
	[ -z "$ids" ] || "$HAKO" rm -f $ids >/dev/null 2>&1 || true
	for n in $("$HAKO" network ls -q --filter type=custom 2>/dev/null); do
		"$HAKO" network rm "$n" >/dev/null || fail "network rm $n"
	done
	container_teardown  # and the default bridge, if this test made it
	ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort >"$WORK/links.after"
	diff "$WORK/links.before" "$WORK/links.after" || fail "links left"
	nft list ruleset >"$WORK/ruleset.after"
	diff "$WORK/ruleset.before" "$WORK/ruleset.after" || fail "nftables rules left"
}

# serve NAME NETWORK [RUN FLAGS...]: a detached busybox httpd on port 8080
# answering "hello from NAME".
serve() {
	local name=$1 net=$2
	shift 2
	hako run -d --name "$name" --network "$net" "$@" busybox \
		sh -c "mkdir /www && echo hello from $name >/www/index.html && exec httpd -f -p 8080 -h /www" >/dev/null
}

# import_with_binary NAME BINARY: busybox plus BINARY and the libraries it
# links, as an image NAME (the busybox image has no UDP server).
import_with_binary() {
	local name=$1 bin=$2 dir="$WORK/img-$1" f
	mkdir -p "$dir"
	tar -C "$dir" -xf "$BUSYBOX_TAR"
	for f in "$bin" $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$dir$(dirname "$f")"
		cp -L "$f" "$dir$f"
	done
	tar -C "$dir" -cf "$WORK/$name.tar" .
	hako import -c 'CMD ["sh"]' "$WORK/$name.tar" "$name" >/dev/null
}

ip_of() { hako inspect -f "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"; }

host_address() { ip -4 -o addr show scope global | awk '{split($4, a, "/"); print a[1]; exit}'; }

@test "containers on a user network reach each other by name, by ping and TCP" {
	hako network create front >/dev/null
	serve web front
	run hako run --rm --network front busybox ping -c 1 -W 5 web
	assert_status 0
	assert_match "1 packets received"
	run hako run --rm --network front busybox timeout 10 wget -qO- http://web:8080/
	assert_status 0
	assert_eq "$output" "hello from web"
	# the short id and an alias resolve too; an unknown name does not
	local id
	id=$(hako inspect -f '{{.Id}}' web)
	run hako run --rm --network front busybox timeout 10 wget -qO- "http://${id:0:12}:8080/"
	assert_eq "$output" "hello from web"
	hako run -d --name db --network front --network-alias database busybox sleep 300 >/dev/null
	run hako run --rm --network front busybox nslookup database 127.0.0.11
	assert_status 0
	assert_match "$(ip_of db front)"
	run hako run --rm --network front busybox cat /etc/resolv.conf
	assert_match "nameserver 127.0.0.11"
	run hako run --rm --network front busybox nslookup nosuchname.invalid 127.0.0.11
	assert_failure
}

@test "a container on another network cannot reach it, by name or address" {
	hako network create front >/dev/null
	hako network create back >/dev/null
	serve web front
	local ip
	ip=$(ip_of web front)
	run hako run --rm --network front busybox timeout 10 wget -qO- "http://$ip:8080/"
	assert_eq "$output" "hello from web"
	run hako run --rm --network back busybox timeout 5 wget -qO- "http://$ip:8080/"
	assert_failure
	run hako run --rm --network back busybox nslookup web 127.0.0.11
	assert_failure
	# the default bridge resolves no names, as Docker's
	run hako run --rm busybox cat /etc/resolv.conf
	[[ $output != *127.0.0.11* ]] || fail "default bridge uses the embedded DNS"
}

@test "-p publishes to 127.0.0.1 and to the host's own address; hako port shows it" {
	serve web bridge -p 18080:8080
	run hako port web
	assert_eq "$output" "8080/tcp -> 0.0.0.0:18080"
	run timeout 10 busybox wget -qO- http://127.0.0.1:18080/
	assert_status 0
	assert_eq "$output" "hello from web"
	local addr
	addr=$(host_address)
	[ -n "$addr" ] || skip "no global IPv4 address on this host"
	run timeout 10 busybox wget -qO- "http://$addr:18080/"
	assert_eq "$output" "hello from web"
	# from another container, through the host
	hako network create other >/dev/null
	run hako run --rm --network other busybox timeout 10 wget -qO- "http://$addr:18080/"
	assert_eq "$output" "hello from web"
	run hako ps --format '{{.Ports}}'
	assert_eq "$output" "0.0.0.0:18080->8080/tcp"
	# the port is taken while web runs
	run hako run -d -p 18080:80 busybox sleep 1
	assert_failure
	assert_match "port is already allocated"
	# -P: a random port for each exposed one
	hako run -d --name exposed --expose 8080 -P busybox \
		sh -c "mkdir /www && echo random >/www/index.html && exec httpd -f -p 8080 -h /www" >/dev/null
	local port
	port=$(hako port exposed 8080 | sed 's/.*://')
	[ "$port" -ge 32768 ] || fail "random port $port"
	run timeout 10 busybox wget -qO- "http://127.0.0.1:$port/"
	assert_eq "$output" "random"
}

@test "UDP ports are published" {
	command -v socat >/dev/null || skip "socat not installed"
	import_with_binary udpimg "$(command -v socat)"
	hako run -d --name udp -p 127.0.0.1:19999:9999/udp udpimg socat -u UDP-RECV:9999 STDOUT >/dev/null
	run hako port udp 9999/udp
	assert_eq "$output" "127.0.0.1:19999"
	# the first datagram may come before socat listens: send until one lands
	local i
	for ((i = 0; i < 50; i++)); do
		echo "datagram for hako" | socat -u STDIN UDP-SENDTO:127.0.0.1:19999
		hako logs udp | grep -q "datagram for hako" && break
		sleep 0.1
	done
	run hako logs udp
	assert_match "datagram for hako"
}

@test "--internal: no route out, but containers on it reach each other" {
	hako network create --internal sealed >/dev/null
	local addr
	addr=$(host_address)
	[ -n "$addr" ] || skip "no global IPv4 address on this host"
	mkdir -p "$WORK/www" && echo host >"$WORK/www/index.html"
	busybox httpd -f -p "$addr:18181" -h "$WORK/www" &
	HOST_HTTPD=$!
	# reachable from an ordinary network
	hako network create open >/dev/null
	run hako run --rm --network open busybox timeout 10 wget -qO- "http://$addr:18181/"
	assert_eq "$output" "host"
	run hako run --rm --network sealed busybox ip route
	[[ $output != *default* ]] || fail "internal network has a default route: $output"
	run hako run --rm --network sealed busybox timeout 5 wget -qO- "http://$addr:18181/"
	assert_failure
	serve inside sealed
	run hako run --rm --network sealed busybox timeout 10 wget -qO- http://inside:8080/
	assert_eq "$output" "hello from inside"
}

@test "connect and disconnect a running container" {
	hako network create one >/dev/null
	hako network create two >/dev/null
	serve web one
	run hako run --rm --network two busybox nslookup web 127.0.0.11
	assert_failure
	hako network connect --alias www two web
	run hako exec web ip -4 -o addr show eth1
	assert_status 0
	run hako run --rm --network two busybox timeout 10 wget -qO- http://www:8080/
	assert_eq "$output" "hello from web"
	run hako network inspect -f '{{range .Containers}}{{.Name}}{{end}}' two
	assert_eq "$output" "web"
	hako network disconnect two web
	run hako exec web ip link show eth1
	assert_failure
	run hako run --rm --network two busybox timeout 5 wget -qO- http://www:8080/
	assert_failure
	# still on its first network
	run hako run --rm --network one busybox timeout 10 wget -qO- http://web:8080/
	assert_eq "$output" "hello from web"
}

@test "network create, ls, inspect, rm and their errors" {
	run hako network create --subnet 10.213.7.0/24 --gateway 10.213.7.254 --label team=a lab
	assert_status 0
	run hako network ls --format '{{.Name}} {{.Driver}} {{.Scope}}'
	assert_match "lab bridge local"
	assert_match "bridge bridge local"
	run hako network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}} {{.Labels.team}}' lab
	assert_eq "$output" "10.213.7.0/24 10.213.7.254 a"
	run hako network create lab
	assert_failure
	assert_match "network with name lab already exists"
	run hako network create --subnet 10.213.7.128/25 overlap
	assert_failure
	assert_match "Pool overlaps"
	hako run -d --name pinned --network lab --ip 10.213.7.9 busybox sleep 300 >/dev/null
	run hako exec pinned ip -4 -o addr show eth0
	assert_match "10.213.7.9/24"
	run hako run --rm --network lab --ip 10.213.7.9 busybox true
	assert_failure
	assert_match "Address already in use"
	run hako network rm lab
	assert_failure
	assert_match "has active endpoints"
	run hako network rm bridge
	assert_failure
	assert_match "pre-defined network"
	run hako run --rm --network nosuch busybox true
	assert_failure
	assert_match "network nosuch not found"
	hako rm -f pinned >/dev/null
	run hako network rm lab
	assert_status 0
	assert_eq "$output" "lab"
}

@test "--network host, none and container:NAME" {
	run hako run --rm --network none busybox ip -o link show
	assert_status 0
	[[ $output == *lo* && $output != *eth0* ]] || fail "none: $output"
	[ "$(hako run --rm --network host busybox hostname)" = "$(hostname)" ] || fail "host hostname"
	serve web bridge
	run hako run --rm --network container:web busybox timeout 10 wget -qO- http://127.0.0.1:8080/
	assert_eq "$output" "hello from web"
	run hako run --rm --add-host pc:10.9.8.7 --add-host gw:host-gateway --dns 10.1.1.1 --dns-search corp.test \
		busybox cat /etc/hosts /etc/resolv.conf
	assert_match "10.9.8.7	pc"
	assert_match "10.210.0.1	gw"
	assert_match "nameserver 10.1.1.1"
	assert_match "search corp.test"
}

@test "after a crash: a bridge deleted by hand is made again, a killed monitor's ports are freed by rm" {
	hako network create mend >/dev/null
	local id
	id=$(hako network inspect -f '{{.Id}}' mend)
	ip link del "br-${id:0:12}"
	serve web mend -p 18090:8080
	ip link show "br-${id:0:12}" >/dev/null || fail "bridge not made again"
	run timeout 10 busybox wget -qO- http://127.0.0.1:18090/
	assert_eq "$output" "hello from web"
	# the monitor dies with the container still running: rm -f still frees everything
	kill -9 "$(hako inspect -f '{{.State.Pid}}' web)" "$(pgrep -f "hako-monitor $HAKO_ROOT $(hako inspect -f '{{.Id}}' web)")"
	hako rm -f web >/dev/null
	! nft list table ip hako | grep -q "dport 18090" || fail "published port left in the firewall"
	serve again mend -p 18090:8080
	run timeout 10 busybox wget -qO- http://127.0.0.1:18090/
	assert_eq "$output" "hello from again"
}
