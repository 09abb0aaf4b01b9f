#!/usr/bin/env bats
# `hako compose` as a user drives it, on examples/compose-app (web + db +
# worker, busybox only): the model printed by config, up in dependency
# order with a healthy wait, DNS by service name, a published port, a named
# volume that outlives down, scaling, and down -v leaving nothing behind.

bats_require_minimum_version 1.5.0
load helpers
load image_helpers
load container_helpers

APP_DIR="$(cd "$(dirname "$BATS_TEST_FILENAME")/../../examples/compose-app" && pwd)"

setup() {
	image_test_setup
	import_busybox
	command -v nft >/dev/null || skip "nft not installed"
	export HAKO_RESOLV_CONF="$WORK/resolv.conf"
	echo "nameserver 127.0.0.1" >"$HAKO_RESOLV_CONF"
	ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort >"$WORK/links.before"
	host_network_save
	APP="$WORK/app"
	mkdir -p "$APP"
	cp "$APP_DIR/compose.yaml" "$APP/"
	WEB_PORT=$(unused_tcp_port) || return 1
	export WEB_PORT
	cd "$APP" || return 1
}

teardown() {
	local ids n v
	ids=$("$HAKO" ps -aq --no-trunc 2>/dev/null) || true
	[ -z "$ids" ] || "$HAKO" rm -f $ids >/dev/null 2>&1 || true
	for n in $("$HAKO" network ls -q --filter type=custom 2>/dev/null); do
		"$HAKO" network rm "$n" >/dev/null || fail "network rm $n"
	done
	for v in $("$HAKO" volume ls -q 2>/dev/null); do "$HAKO" volume rm "$v" >/dev/null || true; done
	container_teardown
	ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort >"$WORK/links.after"
	diff "$WORK/links.before" "$WORK/links.after" || fail "links left"
}

@test "compose config prints the normalised model as YAML, JSON and lists" {
	cat >small.yaml <<'YAML'
services:
  app:
    image: busybox
    ports: ["8080:80"]
    volumes: [data:/data]
    environment:
      A: "1"
volumes:
  data: {}
YAML
	run hako compose -f small.yaml -p demo config
	assert_status 0
	assert_eq "$output" 'name: demo
networks:
  default:
    ipam: {}
    name: demo_default
services:
  app:
    command: null
    entrypoint: null
    environment:
      A: "1"
    image: busybox
    networks:
      default: null
    ports:
    - mode: ingress
      protocol: tcp
      published: "8080"
      target: 80
    volumes:
    - source: data
      target: /data
      type: volume
      volume: {}
volumes:
  data:
    name: demo_data'
	run hako compose -f small.yaml -p demo config --format json
	assert_status 0
	[ "$(echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["name"], d["services"]["app"]["ports"][0]["published"], d["volumes"]["data"]["name"])')" = "demo 8080 demo_data" ] || fail "json: $output"
	run hako compose config --services
	assert_eq "$output" "db
web
worker"
	run hako compose config --volumes
	assert_eq "$output" "db-data"
	run hako compose config -q
	assert_status 0
	assert_eq "$output" ""
}

@test "up -d starts db, then web once db is healthy; web reads db by name; the port is published" {
	run hako compose up -d
	assert_status 0
	# web was created only after db became healthy
	assert_match "Container app-db-1  Healthy"
	run hako ps --format '{{.Names}}'
	assert_match "app-db-1"
	assert_match "app-web-1"
	assert_match "app-worker-1"
	run hako inspect -f '{{index .Config.Labels "com.docker.compose.project"}} {{index .Config.Labels "com.docker.compose.service"}} {{index .Config.Labels "com.docker.compose.container-number"}} {{index .Config.Labels "com.docker.compose.oneoff"}}' app-web-1
	assert_eq "$output" "app web 1 False"
	run hako network ls --format '{{.Name}}'
	assert_match "app_default"
	run hako volume ls --format '{{.Name}}'
	assert_match "app_db-data"
	eventually "curl -fsS http://127.0.0.1:$WEB_PORT/ >/dev/null"
	run curl -fsS "http://127.0.0.1:$WEB_PORT/"
	assert_eq "$output" "web got: db says hello"
	run hako compose ps
	assert_status 0
	assert_match "app-db-1 .*db .*Up \(healthy\)"
	assert_match "0.0.0.0:$WEB_PORT->8080/tcp"
	run hako compose ps -q
	[ "$(echo "$output" | wc -l)" -eq 3 ] || fail "ps -q: $output"
	run hako compose exec -T worker sh -c 'echo hi from $HOSTNAME-ish'
	assert_status 0
	assert_match "hi from"
	run hako compose ls
	assert_match "app +running\(3\)"
	run hako compose logs db
	assert_status 0
	run hako compose down
	assert_status 0
	run hako ps -a -q
	assert_eq "$output" ""
}

@test "a second up leaves unchanged containers alone and recreates a changed one" {
	hako compose up -d 2>/dev/null
	local db web
	db=$(hako inspect -f '{{.Id}}' app-db-1)
	web=$(hako inspect -f '{{.Id}}' app-web-1)
	run hako compose up -d
	assert_status 0
	[ "$(hako inspect -f '{{.Id}}' app-db-1)" = "$db" ] || fail "db recreated"
	[ "$(hako inspect -f '{{.Id}}' app-web-1)" = "$web" ] || fail "web recreated"
	sed -i 's/"sleep", "3600"/"sleep", "3601"/' compose.yaml
	local worker
	worker=$(hako inspect -f '{{.Id}}' app-worker-1)
	run hako compose up -d
	assert_status 0
	assert_match "Container app-worker-1  Recreate"
	[ "$(hako inspect -f '{{.Id}}' app-worker-1)" != "$worker" ] || fail "worker not recreated"
	[ "$(hako inspect -f '{{.Id}}' app-db-1)" = "$db" ] || fail "db recreated"
	hako compose down -v 2>/dev/null
}

@test "db data in the named volume survives down and up" {
	hako compose up -d 2>/dev/null
	hako compose exec -T db sh -c 'echo kept >/data/row'
	run hako compose down
	assert_status 0
	run hako volume ls --format '{{.Name}}'
	assert_eq "$output" "app_db-data"
	hako compose up -d db 2>/dev/null
	run hako compose exec -T db cat /data/row
	assert_eq "$output" "kept"
	# only db and what it depends on were started
	run hako ps --format '{{.Names}}'
	assert_eq "$output" "app-db-1"
	hako compose down -v 2>/dev/null
}

@test "up --scale worker=3 runs three workers; scaling down removes the extra ones" {
	run hako compose up -d --scale worker=3
	assert_status 0
	run hako ps --filter label=com.docker.compose.service=worker --format '{{.Names}}'
	[ "$(echo "$output" | sort | tr '\n' ' ')" = "app-worker-1 app-worker-2 app-worker-3 " ] || fail "workers: $output"
	run hako compose up -d --scale worker=1
	assert_status 0
	run hako ps -a --filter label=com.docker.compose.service=worker --format '{{.Names}}'
	assert_eq "$output" "app-worker-1"
	hako compose down -v 2>/dev/null
}

@test "down -v removes every container, network and volume the project made" {
	hako compose up -d --scale worker=3 2>/dev/null
	hako compose run --rm -T worker true
	run hako compose stop worker
	assert_status 0
	run hako compose ps -a --format json
	assert_match '"State":"exited"'
	run hako compose down -v
	assert_status 0
	run hako ps -a -q
	assert_eq "$output" ""
	run hako network ls --format '{{.Name}}' --filter type=custom
	assert_eq "$output" ""
	run hako volume ls -q
	assert_eq "$output" ""
	ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort >"$WORK/links.now"
	diff "$WORK/links.before" "$WORK/links.now" || fail "links left"
}

@test "stop, start, restart, kill, pause, unpause and rm act on services" {
	hako compose up -d worker 2>/dev/null
	run hako compose pause worker
	assert_status 0
	[ "$(hako inspect -f '{{.State.Status}}' app-worker-1)" = paused ] || fail "not paused"
	hako compose unpause worker 2>/dev/null
	[ "$(hako inspect -f '{{.State.Status}}' app-worker-1)" = running ] || fail "not running"
	hako compose kill worker 2>/dev/null
	[ "$(hako inspect -f '{{.State.Status}}' app-worker-1)" = exited ] || fail "not killed"
	hako compose start worker 2>/dev/null
	[ "$(hako inspect -f '{{.State.Status}}' app-worker-1)" = running ] || fail "not started"
	hako compose restart worker 2>/dev/null
	[ "$(hako inspect -f '{{.State.Status}}' app-worker-1)" = running ] || fail "not restarted"
	hako compose stop worker 2>/dev/null
	run hako compose rm -f worker
	assert_status 0
	run hako ps -a -q
	assert_eq "$output" ""
	# web depends on db with restart: true, so restarting db restarts web too
	hako compose up -d db web 2>/dev/null
	run hako compose restart db
	assert_status 0
	assert_match "Container app-db-1  Restarting"
	assert_match "Container app-web-1  Restarting"
	[[ "$output" != *app-worker-1* ]] || fail "worker restarted with db: $output"
	hako compose down 2>/dev/null
}

@test "logs are prefixed with the container name; foreground up follows until the containers exit" {
	cat >compose.yaml <<'YAML'
services:
  one:
    image: busybox
    command: ["sh", "-c", "echo first; echo second"]
  two:
    image: busybox
    command: ["sh", "-c", "sleep 0.5; echo from two"]
YAML
	run timeout 30 "$HAKO" compose up
	assert_status 0
	assert_match "app-one-1 +\| first"
	assert_match "app-two-1 +\| from two"
	run hako compose logs --tail 1 one
	assert_eq "$output" "app-one-1 | second"
	hako compose down 2>/dev/null
}

@test "Ctrl-C on a foreground up stops the containers" {
	cat >compose.yaml <<'YAML'
services:
  loop:
    image: busybox
    init: true
    command: ["sh", "-c", "echo started; exec sleep 600"]
YAML
	"$HAKO" compose up >"$WORK/up.out" 2>&1 &
	local pid=$!
	BG_PIDS+=("$pid")
	eventually "grep -q 'app-loop-1 *| started' '$WORK/up.out'"
	kill -INT "$pid"
	wait "$pid" || true
	run cat "$WORK/up.out"
	assert_match "Gracefully stopping"
	[ "$(hako inspect -f '{{.State.Status}}' app-loop-1)" = exited ] || fail "still running: $(cat "$WORK/up.out")"
	hako compose down 2>/dev/null
}

@test "up --wait returns once db is healthy; ps CREATED, port, images and top look into the project" {
	run hako compose up --wait
	assert_status 0
	assert_match "Container app-db-1  Healthy"
	assert_match "Container app-worker-1  Running"
	[ "$(hako inspect -f '{{.State.Health.Status}}' app-db-1)" = healthy ] || fail "db not healthy after --wait"
	run hako compose ps
	assert_status 0
	assert_match "NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS"
	assert_match "app-db-1 .* db +(Less than a second|[0-9]+ seconds?) ago +Up \(healthy\)"
	run hako compose port web 8080
	assert_status 0
	assert_eq "$output" "0.0.0.0:$WEB_PORT"
	run hako compose port web 9999
	assert_status 1
	run hako compose images
	assert_status 0
	assert_match "CONTAINER +REPOSITORY +TAG +IMAGE ID +SIZE"
	assert_match "app-worker-1 +busybox +latest +[0-9a-f]{12} +[0-9.]+[kM]B"
	run hako compose top worker
	assert_status 0
	assert_match "app-worker-1"
	assert_match "sleep 3600"
	run hako compose down -v
	assert_status 0
}

@test "a service built from its Dockerfile: logs with and without prefixes and colours, events, down --rmi local" {
	mkdir -p talker
	printf 'FROM busybox\nCMD ["sh", "-c", "echo one; echo two; exec sleep 3600"]\n' >talker/Dockerfile
	cat >compose.yaml <<-'YAML'
		services:
		  talker:
		    build: ./talker
		  plain:
		    image: busybox
		    command: ["sh", "-c", "echo plain; exec sleep 3600"]
	YAML
	run hako compose up -d
	assert_status 0
	run hako image inspect -f '{{.Config.Cmd}}' app-talker
	assert_status 0
	eventually '[ "$(hako compose logs --no-log-prefix talker)" = "$(printf "one\ntwo")" ]'
	run hako compose logs talker
	assert_match "app-talker-1 \| one"
	[[ "$output" != *plain* ]] || fail "plain's logs shown for talker: $output"
	run hako compose --ansi always logs plain
	assert_match $'\033\\[36mapp-plain-1 \\|\033\\[0m plain'
	"$HAKO" compose events >events.out 2>&1 3>&- &
	local ev=$!
	# events shows what happens once it watches the log: wait for its inotify
	# watch, not a fixed sleep a loaded machine can outrun.
	eventually "ls -l /proc/$ev/fd 2>/dev/null | grep -q inotify"
	hako compose restart plain
	eventually 'grep -q "container start .*name=app-plain-1" events.out'
	kill "$ev"
	wait "$ev" 2>/dev/null || true
	! grep -q "app-talker-1" events.out || fail "events of a container that did nothing: $(cat events.out)"
	run hako compose down --rmi local
	assert_status 0
	assert_match "Image app-talker  Removed"
	run hako image inspect app-talker
	assert_status 1
	run hako image inspect busybox
	assert_status 0
}

@test "a service's settings reach its container; external resources are used and kept; completed_successfully; orphans" {
	hako network create pre-made >/dev/null
	hako volume create pre-vol >/dev/null
	echo s3cr3t >token.txt
	echo "level=debug" >settings.conf
	echo "FROM_FILE=2" >extra.env
	cat >compose.yaml <<-'YAML'
		services:
		  box:
		    image: busybox
		    command: ["sleep", "3600"]
		    init: true
		    user: "65534:65534"
		    working_dir: /tmp
		    hostname: boxhost
		    read_only: true
		    tmpfs: [/scratch]
		    cap_drop: [ALL]
		    stop_signal: SIGINT
		    stop_grace_period: 3s
		    labels: {tier: test}
		    environment: [FROM_LIST=1]
		    env_file: [extra.env]
		    ulimits: {nofile: {soft: 1024, hard: 2048}}
		    pids_limit: 64
		    deploy:
		      resources:
		        limits: {memory: 64M, cpus: "0.5"}
		        reservations: {memory: 16M}
		      restart_policy: {condition: on-failure, max_attempts: 3}
		    secrets: [token]
		    configs: [{source: settings, target: /etc/settings.conf}]
		    volumes: [keep:/keep]
		    networks:
		      front: {aliases: [boxalias]}
		      back: {}
		  probe:
		    image: busybox
		    command: ["sleep", "3600"]
		    networks: [front, outside]
		  done:
		    image: busybox
		    command: ["sh", "-c", "echo finished"]
		  after:
		    image: busybox
		    command: ["sleep", "3600"]
		    network_mode: none
		    depends_on:
		      done: {condition: service_completed_successfully}
		networks:
		  front: {}
		  back: {internal: true}
		  outside: {external: true, name: pre-made}
		volumes:
		  keep: {external: true, name: pre-vol}
		secrets:
		  token: {file: ./token.txt}
		configs:
		  settings: {file: ./settings.conf}
	YAML
	run hako compose up -d
	assert_status 0
	local f='{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.MemoryReservation}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}'
	assert_eq "$(hako inspect -f "$f" app-box-1)" "67108864 500000000 16777216 64 on-failure:3"
	f='{{.Config.User}} {{.Config.WorkingDir}} {{.Config.Hostname}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.Init}} {{.HostConfig.CapDrop}} {{.Config.StopSignal}} {{.Config.StopTimeout}} {{index .Config.Labels "tier"}}'
	assert_eq "$(hako inspect -f "$f" app-box-1)" "65534:65534 /tmp boxhost true true [ALL] SIGINT 3 test"
	run hako compose exec box sh -c 'echo $FROM_LIST $FROM_FILE; ulimit -n; cat /run/secrets/token /etc/settings.conf; touch /scratch/x && echo tmpfs-ok; touch /x 2>/dev/null || echo ro-ok; ls -d /keep'
	assert_status 0
	assert_eq "$output" "$(printf '1 2\n1024\ns3cr3t\nlevel=debug\ntmpfs-ok\nro-ok\n/keep')"
	run hako inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' app-box-1
	assert_match "app_back"
	assert_match "app_front"
	run hako compose exec probe nslookup boxalias
	assert_status 0
	assert_match "Address.*10\."
	assert_eq "$(hako inspect -f '{{.State.Status}} {{.State.ExitCode}}' app-done-1)" "exited 0"
	assert_eq "$(hako inspect -f '{{.State.Status}} {{.HostConfig.NetworkMode}}' app-after-1)" "running none"
	# probe is gone from the file: up reports it as an orphan, --remove-orphans removes it
	sed -i '/^  probe:/,/^  done:/{/^  done:/!d}' compose.yaml
	run hako compose up -d
	assert_match "Found orphan containers \(\[app-probe-1\]\)"
	run hako compose up -d --remove-orphans
	assert_status 0
	run hako inspect app-probe-1
	assert_status 1
	run hako compose down -v
	assert_status 0
	hako network inspect pre-made >/dev/null || fail "external network removed"
	hako volume inspect pre-vol >/dev/null || fail "external volume removed"
	run hako network inspect app_front
	assert_status 1
	hako network rm pre-made >/dev/null
	hako volume rm pre-vol >/dev/null
}
