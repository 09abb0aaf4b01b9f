#!/usr/bin/env bash
# make-base-images.sh [--busybox-only] [--no-layered] [--rebuild]
#
# Builds the base images hako is tested and benchmarked with, as plain
# files, once, and caches them:
#
#   busybox.tar          busybox-static with every applet linked where
#                        `busybox --list-full` says, /etc/passwd and group,
#                        /tmp (1777), /root, empty /proc /sys /dev; all
#                        owned by root.  Uncompressed; reproducible (sorted,
#                        one fixed mtime), so the same busybox gives the
#                        same diff id.
#   debian-bookworm.tar  `debootstrap --variant=minbase bookworm` from the
#                        apt mirror this host uses, apt lists/caches, logs
#                        and device nodes removed.  Uncompressed, ~120 MB.
#   debian-bookworm-layered/
#                        a ~220 MB, 4-layer image for the pull benchmark:
#                        minbase plus perl, python3, ca-certificates and
#                        curl, as gzip layer tarballs, layers.json (order,
#                        digests, sizes) and an OCI image layout in oci/
#                        (tag "bench") that skopeo can push as it is.
#
# Layering of debian-bookworm-layered: layer 1 is
# exactly debian-bookworm.tar, so the big image shares its base layer with
# debian:bookworm as real images do.  A second debootstrap run with
# --include gives the full tree; what it adds or changes relative to
# minbase (new files, changed content or metadata; unchanged files whose
# mtime alone differs stay below) is split by where it lives, because with
# merged /usr nearly everything is under /usr: layer 2 = usr/lib, layer 3 =
# usr/share, layer 4 = everything else (usr/bin, usr/sbin, etc, var: the
# binaries, configuration and the dpkg database).  Each layer carries the
# parent directories of its entries; paths removed relative to minbase
# become .wh. whiteouts in the layer of their group (none are expected).
#
# Tar format everywhere: POSIX pax, numeric owners, entries sorted by name,
# without atime/ctime/sub-second mtime records, so there is an extended
# header only where ustar cannot hold a value (long names): what Go's
# archive/tar (Docker, containerd) writes as well.  No xattrs: neither
# tree has any that matter (no file capabilities in these packages).
#
# Cache: ${HAKO_BASE_CACHE:-/var/cache/hako/base}/<name>-<revision>/, where
# the revision strings below change whenever the recipe does; reruns find
# the files there and take no time.  Every artifact is built in a temporary
# directory beside the cache and renamed into place in one step, and on any
# failure or interruption the temporary directory (after unmounting what
# debootstrap mounted in it) is removed, so the cache never holds a
# half-made image.  Stable names in the cache root always point at the
# current revision:  busybox.tar, debian-bookworm.tar and
# debian-bookworm-layered (symlinks).  Downloaded .debs are kept in
# $HAKO_BASE_CACHE/debs (debootstrap --cache-dir) for the next rebuild.
#
# Options:
#   --busybox-only   only busybox.tar (no debootstrap; fast, for tests)
#   --no-layered     busybox.tar and debian-bookworm.tar, not the big image
#   --rebuild        rebuild the selected artifacts even if cached
#
# Environment:
#   HAKO_BASE_CACHE  cache directory (default /var/cache/hako/base)
#   DEBIAN_MIRROR    mirror for debootstrap (default: the bookworm URI of
#                    this host's apt sources, else http://deb.debian.org/debian)
#   BUSYBOX          static busybox to use (default /bin/busybox)
#   HAKO             if set and `$HAKO import --help` succeeds, the images
#                    are imported: busybox.tar as busybox:latest and
#                    debian-bookworm.tar as debian:bookworm
#   HAKO_ROOT        passed to hako as --root when importing
#
# Prints where everything is, the sizes, and how long debootstrap took
# (also recorded in each artifact's info file).  Needs root for debootstrap.
set -euo pipefail
export LC_ALL=C
umask 022

self_dir=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=scripts/lib-rootfs.sh
source "$self_dir/lib-rootfs.sh"

# Bump a revision whenever the recipe for that artifact changes.
BUSYBOX_REV=r1
MINBASE_REV=r1
LAYERED_REV=r1
SUITE=bookworm
LAYERED_INCLUDE=perl,python3,ca-certificates,curl
# Layer groups of the layered image after the minbase layer, in order; a
# path belongs to the first group it is in (path-component prefix), "" is
# everything else.
LAYERED_GROUPS=(usr/lib usr/share "")

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
  exit "${1:-2}"
}

busybox_only=0 layered=1 rebuild=0
while (($#)); do
  case $1 in
    --busybox-only) busybox_only=1 ;;
    --no-layered) layered=0 ;;
    --rebuild) rebuild=1 ;;
    -h | --help) usage 0 ;;
    *) echo "$0: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
((busybox_only)) && layered=0

cache=${HAKO_BASE_CACHE:-/var/cache/hako/base}
busybox=${BUSYBOX:-/bin/busybox}

die() {
  echo "$0: $*" >&2
  exit 1
}

for tool in tar gzip sha256sum jq; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
rootfs_check_busybox "$busybox" || exit 1
if ((!busybox_only)); then
  (($(id -u) == 0)) || die "debootstrap needs root (or use --busybox-only)"
  command -v debootstrap >/dev/null || die "debootstrap is required (apt-get install debootstrap)"
fi
if ((layered)); then
  command -v python3 >/dev/null || die "python3 is required to split the layered image"
fi

mkdir -p "$cache" || die "cannot create $cache"
[[ -w $cache ]] || die "$cache is not writable"
cache=$(readlink -f "$cache")

# One builder at a time; a second caller waits and then finds the cache.
exec {lock_fd}>"$cache/.lock"
flock "$lock_fd"

# --- temporary work directories, removed on every exit ----------------------

work_dirs=()
child_pid=

# Unmounts whatever is mounted at or below $1 (debootstrap mounts /proc and
# /sys in its target while packages configure; a kill can leave them), so
# that removing the directory never descends into a live filesystem.
unmount_below() {
  local dir=$1 m
  while read -r m; do
    [[ -z $m ]] || umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
}

# shellcheck disable=SC2317 # reached through the trap
cleanup() {
  local rc=$? d
  set +e
  trap - EXIT INT TERM
  if [[ -n $child_pid ]]; then
    # debootstrap runs in its own process group (setsid): end all of it.
    kill -TERM -- "-$child_pid" 2>/dev/null
    wait "$child_pid" 2>/dev/null
  fi
  for d in "${work_dirs[@]}"; do
    [[ -n $d && -d $d ]] || continue
    unmount_below "$d"
    rm -rf --one-file-system "$d"
  done
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Holding the lock, any work or old directory still here belongs to a run
# that was killed (SIGKILL leaves no chance to clean up): remove it now.
for stale in "$cache"/.work-* "$cache"/.old-* "$cache"/.*.tmp; do
  [[ -e $stale || -L $stale ]] || continue
  echo "removing $stale, left by an interrupted run" >&2
  unmount_below "$stale"
  rm -rf --one-file-system "$stale"
done

new_work_dir() {
  local d
  d=$(mktemp -d "$cache/.work-$1.XXXXXX")
  work_dirs+=("$d")
  WORK=$d
}

# Moves the finished directory $1 to $cache/$2 in one rename, replacing an
# older copy (from --rebuild) only after the new one is complete.
publish() {
  local src=$1 name=$2 old=
  if [[ -e $cache/$name ]]; then
    old=$(mktemp -d "$cache/.old-$name.XXXXXX")
    work_dirs+=("$old")
    mv "$cache/$name" "$old/"
  fi
  mv -T "$src" "$cache/$name"
}

# Points the stable name $cache/$1 at $2 (relative to $cache), atomically.
link_current() {
  ln -sfn "$2" "$cache/.$1.tmp"
  mv -T "$cache/.$1.tmp" "$cache/$1"
}

# --- helpers -----------------------------------------------------------------

# shellcheck disable=SC2054 # the commas belong to one --pax-option value
TAR_FORMAT=(--format=posix
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime,delete=mtime
  --numeric-owner)

# pack_tree ROOTFS OUT [TAR OPTIONS...]: ROOTFS's contents (names without a
# leading "./", no entry for the root itself) into OUT.
pack_tree() {
  local rootfs=$1 out=$2
  shift 2
  local names=()
  mapfile -t names < <(cd "$rootfs" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | sort)
  tar -C "$rootfs" "${TAR_FORMAT[@]}" --sort=name "$@" -cf "$out" -- "${names[@]}"
}

sha256_of() {
  local s
  s=$(sha256sum "$1")
  echo "sha256:${s%% *}"
}

human() {
  awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'
}

# The mirror this host installs bookworm from: deb822 .sources stanzas
# first, then one-line .list entries; the security archive is skipped.
detect_mirror() {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    uri=$(awk -v suite="$SUITE" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "") {
          split(uris, u, " ")
          if (u[1] ~ /^https?:\/\// && u[1] !~ /security/) { print u[1]; found = 1; exit }
        }
        types = suites = uris = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^[[:space:]]*#/ { next }
      tolower($1) == "types:"  { $1 = ""; types = $0 }
      tolower($1) == "suites:" { $1 = ""; suites = $0 }
      tolower($1) == "uris:"   { $1 = ""; uris = $0 }
      END { if (!found) flush() }
    ' "$f" | head -n1)
    [[ -n $uri ]] && { echo "${uri%/}"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r $f ]] || continue
    uri=$(awk -v suite="$SUITE" '
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) == suite && $i ~ /^https?:\/\// && $i !~ /security/) { print $i; exit }
      }' "$f")
    [[ -n $uri ]] && { echo "${uri%/}"; return; }
  done
  echo http://deb.debian.org/debian
}

# debootstrap_tree TARGET LOG [EXTRA OPTIONS...]: runs debootstrap into
# TARGET (in its own process group, so an interrupt can end all of it),
# sets DEBOOTSTRAP_SECONDS.  On failure prints the end of the log.
debootstrap_tree() {
  local target=$1 log=$2 t0 t1 rc=0
  shift 2
  mkdir -p "$cache/debs"
  echo "debootstrap --variant=minbase${*:+ $*} $SUITE $mirror (log: $log)" >&2
  t0=$EPOCHREALTIME
  setsid debootstrap --variant=minbase --cache-dir="$cache/debs" "$@" \
    "$SUITE" "$target" "$mirror" </dev/null >"$log" 2>&1 &
  child_pid=$!
  wait "$child_pid" || rc=$?
  child_pid=
  t1=$EPOCHREALTIME
  DEBOOTSTRAP_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  if ((rc != 0)); then
    echo "$0: debootstrap failed (exit $rc) after ${DEBOOTSTRAP_SECONDS}s; end of its log:" >&2
    tail -n 40 "$log" "$target/debootstrap/debootstrap.log" 2>/dev/null | sed 's/^/  /' >&2
    exit 1
  fi
  echo "debootstrap took ${DEBOOTSTRAP_SECONDS}s" >&2
}

# What an image should not carry (what Debian's own images, made by
# debuerreotype, drop as well): apt's package lists and caches, the
# downloaded .debs, logs and "-old" backups of this one-off install, the
# device nodes debootstrap made (engines mount /dev), and the host's
# resolv.conf/hostname debootstrap copied (kept as empty files, the engine
# bind-mounts its own over them).
clean_tree() {
  local r=$1
  find "$r/var/lib/apt/lists" "$r/dev" "$r/tmp" "$r/var/tmp" -mindepth 1 -delete 2>/dev/null || true
  rm -f "$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb \
    "$r"/var/log/bootstrap.log "$r"/var/log/dpkg.log "$r"/var/log/alternatives.log \
    "$r"/var/log/apt/* "$r"/var/cache/ldconfig/aux-cache \
    "$r"/var/lib/dpkg/*-old "$r"/var/cache/debconf/*-old
  : >"$r/etc/resolv.conf"
  : >"$r/etc/hostname"
  [[ ! -e $r/etc/machine-id ]] || : >"$r/etc/machine-id"
  [[ ! -d $r/debootstrap ]] || die "debootstrap left $r/debootstrap behind"
}

write_info() {
  local file=$1
  shift
  printf '%s\n' "$@" "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$file"
}

info_value() {
  sed -n "s/^$2=//p" "$1" 2>/dev/null | head -n1
}

# --- busybox.tar ---------------------------------------------------------------

bb_version=$({ "$busybox" 2>&1 || true; } | sed -n '1s/^BusyBox v\([^ ]*\).*/\1/p')
bb_sum=$(sha256sum "$busybox")
busybox_key=busybox-${bb_version:-unknown}-${bb_sum:0:12}-$BUSYBOX_REV

build_busybox() {
  local r
  new_work_dir busybox
  r=$WORK/rootfs
  rootfs_busybox "$r" "$busybox" full || exit 1
  rootfs_users "$r" || exit 1
  mkdir -m 0700 "$r/root"
  mkdir "$WORK/out"
  # One fixed mtime (the binary's), so the tar, and its diff id, depend on
  # the busybox binary alone.
  pack_tree "$r" "$WORK/out/busybox.tar" --owner=0 --group=0 \
    --mtime="@$(stat -c %Y "$busybox")"
  write_info "$WORK/out/info" "busybox=$busybox" "busybox_version=$bb_version" \
    "diff_id=$(sha256_of "$WORK/out/busybox.tar")"
  publish "$WORK/out" "$busybox_key"
}

# --- debian-bookworm.tar (minbase) ---------------------------------------------

minbase_key=debian-$SUITE-minbase-$MINBASE_REV
layered_key=debian-$SUITE-layered-$MINBASE_REV-$LAYERED_REV

build_minbase() {
  local r
  new_work_dir minbase
  r=$WORK/rootfs
  debootstrap_tree "$r" "$WORK/debootstrap.log"
  clean_tree "$r"
  mkdir "$WORK/out"
  pack_tree "$r" "$WORK/out/debian-$SUITE.tar"
  write_info "$WORK/out/info" "suite=$SUITE" "variant=minbase" "mirror=$mirror" \
    "debootstrap_seconds=$DEBOOTSTRAP_SECONDS" \
    "unpacked_bytes=$(du -sb "$r" | cut -f1)" \
    "diff_id=$(sha256_of "$WORK/out/debian-$SUITE.tar")"
  publish "$WORK/out" "$minbase_key"
}

# --- debian-bookworm-layered ---------------------------------------------------

# Splits UPPER's differences from LOWER into the groups of LAYERED_GROUPS:
# writes DIR/files.N (NUL-separated paths, with parent directories, sorted)
# and DIR/whiteouts.N (paths of ".wh." entries to create) for group N=1...
SPLIT_PY='
import os, stat, sys
lower, upper, out = sys.argv[1], sys.argv[2], sys.argv[3]
groups = sys.argv[4:]

def scan(root):
    entries = {}
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(d, n)
            entries[os.path.relpath(p, root)] = os.lstat(p)
    return entries

def same_content(rel):
    with open(os.path.join(lower, rel), "rb") as f, open(os.path.join(upper, rel), "rb") as g:
        while True:
            a, b = f.read(1 << 20), g.read(1 << 20)
            if a != b:
                return False
            if not a:
                return True

def unchanged(rel, a, b):
    if (a.st_mode, a.st_uid, a.st_gid) != (b.st_mode, b.st_uid, b.st_gid):
        return False
    if stat.S_ISLNK(a.st_mode):
        return os.readlink(os.path.join(lower, rel)) == os.readlink(os.path.join(upper, rel))
    if stat.S_ISCHR(a.st_mode) or stat.S_ISBLK(a.st_mode):
        return a.st_rdev == b.st_rdev
    if stat.S_ISREG(a.st_mode):
        if a.st_size != b.st_size:
            return False
        return a.st_mtime_ns == b.st_mtime_ns or same_content(rel)
    return True  # directories, fifos, sockets: metadata is all there is

def group_of(rel):
    for i, g in enumerate(groups):
        if g == "" or rel == g or rel.startswith(g + "/"):
            return i
    raise SystemExit("no group for " + rel)

lo, up = scan(lower), scan(upper)
files = [set() for _ in groups]
whiteouts = [set() for _ in groups]
for rel, st in up.items():
    if rel in lo and unchanged(rel, lo[rel], st):
        continue
    g = group_of(rel)
    files[g].add(rel)
    parent = os.path.dirname(rel)
    while parent:
        files[g].add(parent)
        parent = os.path.dirname(parent)
for rel in lo:
    parent = os.path.dirname(rel)
    if rel not in up and (parent == "" or parent in up):
        g = group_of(rel)
        whiteouts[g].add(os.path.join(parent, ".wh." + os.path.basename(rel)))
        while parent:
            files[g].add(parent)
            parent = os.path.dirname(parent)
for i in range(len(groups)):
    with open(os.path.join(out, "files.%d" % (i + 1)), "wb") as f:
        f.write(b"".join(os.fsencode(p) + b"\0" for p in sorted(files[i])))
    with open(os.path.join(out, "whiteouts.%d" % (i + 1)), "wb") as f:
        f.write(b"".join(os.fsencode(p) + b"\0" for p in sorted(whiteouts[i])))
'

build_layered() {
  local minbase_tar=$cache/$minbase_key/debian-$SUITE.tar
  local lower upper out split i n g desc created layers_json
  new_work_dir layered
  lower=$WORK/lower upper=$WORK/upper out=$WORK/out split=$WORK/split
  mkdir -p "$lower" "$out" "$split" "$WORK/wh"

  debootstrap_tree "$upper" "$WORK/debootstrap.log" --include="$LAYERED_INCLUDE"
  clean_tree "$upper"
  local include_seconds=$DEBOOTSTRAP_SECONDS

  # Compare with minbase as it is in layer 1, i.e. as the tar has it.
  tar -C "$lower" --numeric-owner -xpf "$minbase_tar"
  python3 -c "$SPLIT_PY" "$lower" "$upper" "$split" "${LAYERED_GROUPS[@]}"

  echo "compressing layers" >&2
  gzip -n -c "$minbase_tar" >"$out/layer-1.tar.gz"
  n=${#LAYERED_GROUPS[@]}
  for ((i = 1; i <= n; i++)); do
    tar -C "$upper" "${TAR_FORMAT[@]}" --no-recursion --null -T "$split/files.$i" -cf "$WORK/layer.tar"
    if [[ -s $split/whiteouts.$i ]]; then
      # shellcheck disable=SC2016 # $p is expanded by the inner sh
      (cd "$WORK/wh" && xargs -0 -r sh -c 'for p; do mkdir -p "$(dirname "$p")"; : >"$p"; done' sh <"$split/whiteouts.$i")
      tar -C "$WORK/wh" "${TAR_FORMAT[@]}" --owner=0 --group=0 --no-recursion --null \
        -T "$split/whiteouts.$i" -rf "$WORK/layer.tar"
    fi
    gzip -n -c "$WORK/layer.tar" >"$out/layer-$((i + 1)).tar.gz"
    sha256_of "$WORK/layer.tar" >"$split/diff_id.$i"
    stat -c %s "$WORK/layer.tar" >"$split/size.$i"
    rm -f "$WORK/layer.tar"
  done

  # layers.json: the order and what each layer holds.
  created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  layers_json=$(jq -n \
    --arg file layer-1.tar.gz \
    --arg content "debootstrap --variant=minbase $SUITE (the tree of debian-$SUITE.tar)" \
    --arg diff_id "$(info_value "$cache/$minbase_key/info" diff_id)" \
    --arg digest "$(sha256_of "$out/layer-1.tar.gz")" \
    --argjson size "$(stat -c %s "$out/layer-1.tar.gz")" \
    --argjson usize "$(stat -c %s "$minbase_tar")" \
    '[{file: $file, content: $content, diff_id: $diff_id, digest: $digest,
       size: $size, uncompressed_size: $usize, whiteouts: 0}]')
  for ((i = 1; i <= n; i++)); do
    g=${LAYERED_GROUPS[i - 1]}
    if [[ -n $g ]]; then
      desc="what --include=$LAYERED_INCLUDE added or changed under /$g"
    else
      desc="what --include=$LAYERED_INCLUDE added or changed everywhere else"
    fi
    layers_json=$(jq \
      --arg file "layer-$((i + 1)).tar.gz" --arg content "$desc" --arg group "$g" \
      --arg diff_id "$(cat "$split/diff_id.$i")" \
      --arg digest "$(sha256_of "$out/layer-$((i + 1)).tar.gz")" \
      --argjson size "$(stat -c %s "$out/layer-$((i + 1)).tar.gz")" \
      --argjson usize "$(cat "$split/size.$i")" \
      --argjson wh "$(tr -cd '\0' <"$split/whiteouts.$i" | wc -c)" \
      '. + [{file: $file, content: $content, group: $group, diff_id: $diff_id,
             digest: $digest, size: $size, uncompressed_size: $usize, whiteouts: $wh}]' \
      <<<"$layers_json")
  done
  jq -n --arg suite "$SUITE" --arg packages "$LAYERED_INCLUDE" --arg mirror "$mirror" \
    --arg created "$created" --argjson layers "$layers_json" \
    '{image: "debian:bench", suite: $suite, "include": ($packages | split(",")),
      mirror: $mirror, created: $created, oci_layout: "oci", oci_tag: "bench",
      layers: $layers}' >"$out/layers.json"

  # An OCI image layout of the same blobs (hard links), for skopeo to push.
  local oci=$out/oci arch config_file manifest_file digest
  mkdir -p "$oci/blobs/sha256"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$oci/oci-layout"
  for ((i = 1; i <= n + 1; i++)); do
    digest=$(jq -r --argjson i "$((i - 1))" '.layers[$i].digest' "$out/layers.json")
    ln "$out/layer-$i.tar.gz" "$oci/blobs/sha256/${digest#sha256:}" 2>/dev/null ||
      cp "$out/layer-$i.tar.gz" "$oci/blobs/sha256/${digest#sha256:}"
  done
  arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
  config_file=$WORK/config.json
  jq -c --arg arch "$arch" --arg created "$created" '{
      created: .created, architecture: $arch, os: "linux",
      config: {
        Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        Cmd: ["bash"]
      },
      rootfs: { type: "layers", diff_ids: [.layers[].diff_id] },
      history: [.layers[] | { created: $created, created_by: .content }]
    }' "$out/layers.json" >"$config_file"
  digest=$(sha256_of "$config_file")
  mv "$config_file" "$oci/blobs/sha256/${digest#sha256:}"
  manifest_file=$WORK/manifest.json
  jq -c --arg cdigest "$digest" --argjson csize "$(stat -c %s "$oci/blobs/sha256/${digest#sha256:}")" '{
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: $cdigest, size: $csize },
      layers: [.layers[] | { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: .digest, size: .size }]
    }' "$out/layers.json" >"$manifest_file"
  digest=$(sha256_of "$manifest_file")
  jq -n --arg digest "$digest" --argjson size "$(stat -c %s "$manifest_file")" '{
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $digest,
                    size: $size, annotations: { "org.opencontainers.image.ref.name": "bench" } }]
    }' >"$oci/index.json"
  mv "$manifest_file" "$oci/blobs/sha256/${digest#sha256:}"

  write_info "$out/info" "suite=$SUITE" "include=$LAYERED_INCLUDE" "mirror=$mirror" \
    "debootstrap_seconds=$include_seconds" \
    "unpacked_bytes=$(du -sb "$upper" | cut -f1)" "manifest_digest=$digest"
  publish "$out" "$layered_key"
}

# --- main ------------------------------------------------------------------------

mirror=${DEBIAN_MIRROR:-}
if ((!busybox_only)); then
  [[ -n $mirror ]] || mirror=$(detect_mirror)
fi

want=(busybox)
((busybox_only)) || want+=(minbase)
((layered)) && want+=(layered)

for a in "${want[@]}"; do
  key_var=${a}_key
  key=${!key_var}
  if ((rebuild)) || [[ ! -f $cache/$key/info ]]; then
    echo "building $a ($key)" >&2
    "build_$a"
  fi
done

link_current busybox.tar "$busybox_key/busybox.tar"
((busybox_only)) || link_current "debian-$SUITE.tar" "$minbase_key/debian-$SUITE.tar"
((layered)) && link_current "debian-$SUITE-layered" "$layered_key"

echo "base images in $cache:"
printf '  %-28s %s (%s)\n' busybox.tar "$cache/$busybox_key/busybox.tar" \
  "$(human "$(stat -c %s "$cache/$busybox_key/busybox.tar")")"
if ((!busybox_only)); then
  f=$cache/$minbase_key/debian-$SUITE.tar
  printf '  %-28s %s (%s; debootstrap took %ss on %s)\n' "debian-$SUITE.tar" "$f" \
    "$(human "$(stat -c %s "$f")")" "$(info_value "$cache/$minbase_key/info" debootstrap_seconds)" \
    "$(info_value "$cache/$minbase_key/info" built)"
fi
if ((layered)); then
  d=$cache/$layered_key
  printf '  %-28s %s (%s layers, %s compressed, %s unpacked; debootstrap --include took %ss)\n' \
    "debian-$SUITE-layered/" "$d" "$(jq '.layers | length' "$d/layers.json")" \
    "$(human "$(jq '[.layers[].size] | add' "$d/layers.json")")" \
    "$(human "$(jq '[.layers[].uncompressed_size] | add' "$d/layers.json")")" \
    "$(info_value "$d/info" debootstrap_seconds)"
  jq -r '.layers[] | "      \(.file): \(.size / 1e6 * 10 | round / 10) MB gz, \(.uncompressed_size / 1e6 * 10 | round / 10) MB tar  \(.content)"' "$d/layers.json"
fi

# --- import into hako, if it can --------------------------------------------------

if [[ -n ${HAKO:-} ]]; then
  hako_cmd=("$HAKO")
  [[ -n ${HAKO_ROOT:-} ]] && hako_cmd+=(--root "$HAKO_ROOT")
  if "$HAKO" import --help >/dev/null 2>&1; then
    "${hako_cmd[@]}" import "$cache/$busybox_key/busybox.tar" busybox:latest
    if ((!busybox_only)); then
      "${hako_cmd[@]}" import "$cache/$minbase_key/debian-$SUITE.tar" "debian:$SUITE"
    fi
  else
    echo "note: $HAKO has no working 'import' command yet; images not imported" >&2
  fi
fi
