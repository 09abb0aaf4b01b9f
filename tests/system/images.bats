#!/usr/bin/env bats
# hako's local image commands, driven as a user would: import, images,
# tag, rmi, inspect, history, save, load, image prune, and what a hostile
# tarball or archive does (nothing).

load helpers
load image_helpers

@test "import makes an image with the changes asked for" {
	run hako import -c 'CMD ["sh", "-c", "echo hi"]' -c 'ENV A=1' -c 'EXPOSE 8080' -m 'base' "$BUSYBOX_TAR" box:1
	assert_status 0
	assert_match '^sha256:[0-9a-f]{64}$'
	id=$output
	run hako images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	assert_status 0
	assert_eq "$output" "box:1 ${id:7:12}"
	run hako image inspect -f '{{json .Config.Cmd}} {{json .Config.Env}} {{.Os}}/{{.Architecture}} {{len .RootFS.Layers}}' box:1
	assert_status 0
	assert_eq "$output" '["sh","-c","echo hi"] ["A=1"] linux/amd64 1'
	run hako image inspect box:1
	assert_status 0
	assert_eq "$(jq -r '.[0].Id' <<<"$output")" "$id"
	assert_eq "$(jq -r '.[0].RepoTags[0]' <<<"$output")" "box:1"
	assert_eq "$(jq -r '.[0].Config.ExposedPorts | keys[0]' <<<"$output")" "8080/tcp"
	run hako history box:1
	assert_status 0
	assert_match 'IMAGE +CREATED +CREATED BY +SIZE +COMMENT'
	assert_match "${id:7:12} .* base"
	# From stdin, compressed: the same content gives the same layer.
	run bash -c "gzip -c '$BUSYBOX_TAR' | '$HAKO' import - box:2"
	assert_status 0
	run hako image inspect -f '{{index .RootFS.Layers 0}}' box:1 box:2
	[ "${lines[0]}" = "${lines[1]}" ] || fail "diff ids differ: $output"
	[ "$(find "$HAKO_ROOT/layers" -mindepth 1 -maxdepth 1 | wc -l)" -eq 1 ] || fail "layer unpacked twice"
}

@test "images lists, filters and formats like docker" {
	import_busybox
	hako tag busybox:latest localhost:5000/team/app:v2
	run hako images
	assert_status 0
	assert_match '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE'
	assert_match 'busybox +latest +[0-9a-f]{12} +(Less than a second|[0-9]+ seconds?) ago +[0-9.]+MB'
	assert_match 'localhost:5000/team/app +v2'
	run hako images -q
	assert_eq "${#lines[@]}" 1
	run hako images busybox --format '{{.Repository}}'
	assert_eq "$output" "busybox"
	run hako images --filter 'reference=localhost:5000/*/*' --format '{{.Repository}}:{{.Tag}}'
	assert_eq "$output" "localhost:5000/team/app:v2"
	run hako images --no-trunc --format '{{.ID}}'
	assert_match '^sha256:[0-9a-f]{64}$' "${lines[0]}"
	run hako images --format json
	assert_eq "$(jq -r .Repository <<<"$output" | sort | tr "\n" " ")" "busybox localhost:5000/team/app "
	run hako images --filter dangling=true -q
	assert_eq "$output" ""
	run hako images --format '{{.Nope}}'
	assert_status 1
	assert_match 'Nope'
	run hako images --bogus
	assert_status 125
	assert_match 'unknown flag: --bogus'
}

@test "tag and rmi follow docker's rules and leave nothing behind" {
	import_busybox
	hako tag busybox other:1
	run hako rmi "$(hako images -q | head -1)"
	assert_status 1
	assert_match 'must be forced.*referenced in multiple repositories'
	run hako rmi other:1
	assert_status 0
	assert_eq "$output" "Untagged: other:1"
	run hako rmi busybox
	assert_status 0
	assert_match 'Untagged: busybox:latest'
	assert_match 'Deleted: sha256:'
	assert_store_empty
	run hako rmi busybox
	assert_status 1
	assert_match 'No such image: busybox'
	run hako tag nope:1 x:1
	assert_status 1
	assert_match 'No such image: nope:1'
	run hako tag onlyone
	assert_status 1
	assert_match '"hako tag" requires exactly 2 arguments'
}

@test "save then load keeps image ids and manifest digests" {
	import_busybox busybox:latest
	hako import -c 'CMD ["true"]' "$BUSYBOX_TAR" second:1 >/dev/null
	before=$(hako image inspect -f '{{.Id}}' busybox second:1)
	hako save -o "$WORK/images.tar" busybox second:1
	tar -tf "$WORK/images.tar" | grep -qx 'manifest.json' || fail "no manifest.json"
	tar -tf "$WORK/images.tar" | grep -qx 'index.json' || fail "no index.json"
	manifests_before=$(tar -xOf "$WORK/images.tar" index.json | jq -r '.manifests[].digest' | sort)

	export HAKO_ROOT="$BATS_TEST_TMPDIR/other-store"
	run hako load -i "$WORK/images.tar"
	assert_status 0
	assert_match 'Loaded image: busybox:latest'
	assert_match 'Loaded image: second:1'
	assert_eq "$(hako image inspect -f '{{.Id}}' busybox second:1)" "$before"
	hako save second:1 busybox >"$WORK/again.tar"
	manifests_after=$(tar -xOf "$WORK/again.tar" index.json | jq -r '.manifests[].digest' | sort)
	assert_eq "$manifests_after" "$manifests_before"
	# stdin works too, and loading again changes nothing.
	run bash -c "'$HAKO' load <'$WORK/images.tar'"
	assert_status 0
	assert_eq "$(hako images -q | sort -u | wc -l)" 2
}

@test "image prune removes dangling images, -a every unused one" {
	import_busybox box:1
	import_busybox box:1 # a new image (its config has a new time): the first is dangling
	hako import -c 'CMD ["x"]' "$BUSYBOX_TAR" box:1 >/dev/null # and so is the second
	run hako images --filter dangling=true --format '{{.Repository}}:{{.Tag}}'
	assert_eq "$output" $'<none>:<none>\n<none>:<none>'
	run hako image prune -f
	assert_status 0
	assert_match 'Deleted Images:'
	assert_match 'Total reclaimed space:'
	run hako images -q
	assert_eq "${#lines[@]}" 1
	run hako image prune -a -f
	assert_status 0
	assert_store_empty
}

@test "the vfs driver stores each layer as a whole tree" {
	export HAKO_STORAGE_DRIVER=vfs
	import_busybox
	run hako image inspect -f '{{.GraphDriver.Name}}' busybox
	assert_eq "$output" "vfs"
	dir=$(hako image inspect -f '{{.GraphDriver.Data.Dir}}' busybox)
	[ -x "$dir/bin/busybox" ] || fail "no busybox in $dir"
	run env HAKO_STORAGE_DRIVER=overlay "$HAKO" images
	assert_status 1
	assert_match 'cannot be used with the overlay driver'
	hako rmi busybox >/dev/null
	assert_store_empty
}

@test "hostile tarballs are refused and leave nothing behind" {
	mkdir -p "$WORK/outside"
	python3 - "$WORK" <<-'PY'
	import io, sys, tarfile
	work = sys.argv[1]
	def tar(name, entries):
	    with tarfile.open(f"{work}/{name}", "w") as t:
	        for info, data in entries:
	            t.addfile(info, io.BytesIO(data) if data is not None else None)
	def f(name, data=b"x"):
	    i = tarfile.TarInfo(name); i.size = len(data); return (i, data)
	def link(name, target, kind=tarfile.SYMTYPE):
	    i = tarfile.TarInfo(name); i.type = kind; i.linkname = target; return (i, None)
	tar("dotdot.tar", [f("../../escape")])
	tar("absolute.tar", [f("/abs-escape")])
	tar("hardlink.tar", [link("h", "../../etc/passwd", tarfile.LNKTYPE)])
	tar("symlink.tar", [link("s", work + "/outside"), f("s/planted")])
	PY
	for t in dotdot absolute hardlink; do
		run hako import "$WORK/$t.tar" "evil:$t"
		assert_status 1
		assert_match 'escapes the root'
	done
	# A symlink to an absolute path is followed inside the root, never out.
	run hako import "$WORK/symlink.tar" evil:symlink
	assert_status 0
	[ ! -e "$WORK/outside/planted" ] || fail "a write escaped through a symlink"
	hako rmi evil:symlink >/dev/null
	[ ! -e "$BATS_TEST_TMPDIR/escape" ] && [ ! -e /abs-escape ] || fail "an entry escaped"
	assert_store_empty

	# A docker-archive whose layer is hostile: refused at load, nothing kept.
	mkdir -p "$WORK/arch"
	cp "$WORK/dotdot.tar" "$WORK/arch/layer.tar"
	diff=$(sha256sum "$WORK/arch/layer.tar" | cut -d' ' -f1)
	printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$diff" >"$WORK/arch/config.json"
	printf '[{"Config":"config.json","RepoTags":["evil:archive"],"Layers":["layer.tar"]}]' >"$WORK/arch/manifest.json"
	tar -C "$WORK/arch" -cf "$WORK/evil-archive.tar" manifest.json config.json layer.tar
	run hako load -i "$WORK/evil-archive.tar"
	assert_status 1
	assert_match 'escapes the root'
	assert_store_empty
	run hako load -i "$WORK/dotdot.tar"
	assert_status 1
	assert_store_empty
}
