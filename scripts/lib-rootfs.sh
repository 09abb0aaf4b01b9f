# shellcheck shell=bash
# lib-rootfs.sh: builds busybox root filesystems.  Sourced (bash) by
# scripts/make-busybox-bundle.sh, scripts/make-base-images.sh and
# tests/system/registry.bash, so every busybox tree hako is tested or
# benchmarked with is made the same way.
#
# Functions (each returns non-zero with a "$0: ..." message on stderr when
# something is wrong; none calls exit):
#
#   rootfs_check_busybox BUSYBOX
#       BUSYBOX exists, is executable and is statically linked (the rootfs
#       has no libc, so a dynamic busybox would fail inside it with a
#       confusing "no such file or directory" from the runtime).
#
#   rootfs_busybox ROOTFS BUSYBOX [bin|full]
#       Creates (or tops up) a busybox tree at ROOTFS: bin proc sys dev tmp
#       etc, /tmp mode 1777, BUSYBOX copied to bin/busybox, one relative
#       symlink per applet.  "bin" (the default) puts every applet in /bin
#       (`busybox --list`), as make-busybox-bundle.sh always has; "full"
#       puts each where busybox itself would install it (`busybox
#       --list-full`: /bin, /sbin, /usr/bin, /usr/sbin, /linuxrc), as a
#       distribution image would.  Existing files and links are left alone,
#       so re-runs are cheap.
#
#   rootfs_users ROOTFS
#       Writes etc/passwd (root, nobody) and etc/group (root, tty, nogroup).

rootfs_check_busybox() {
  local busybox=$1
  [[ -x $busybox ]] || { echo "$0: $busybox not found (apt-get install busybox-static)" >&2; return 1; }
  if LC_ALL=C file -b "$busybox" 2>/dev/null | grep -q 'dynamically linked'; then
    echo "$0: $busybox is dynamically linked; use busybox-static" >&2
    return 1
  fi
}

rootfs_busybox() {
  local rootfs=$1 busybox=$2 layout=${3:-bin} applet dir target
  case $layout in
    bin | full) ;;
    *) echo "$0: rootfs_busybox: layout must be bin or full, got '$layout'" >&2; return 1 ;;
  esac
  mkdir -p "$rootfs"/{bin,proc,sys,dev,tmp,etc} || return 1
  chmod 1777 "$rootfs/tmp" || return 1

  # Copy rather than hard-link: the rootfs must not change if the host's
  # busybox is upgraded mid-benchmark.  Skip the copy when it is identical.
  if ! cmp -s "$busybox" "$rootfs/bin/busybox"; then
    install -m 0755 "$busybox" "$rootfs/bin/busybox.tmp" || return 1
    mv -f "$rootfs/bin/busybox.tmp" "$rootfs/bin/busybox" || return 1
  fi

  # Relative links so they resolve the same inside and outside the
  # container.  Only missing ones are created, to keep re-runs cheap.
  if [[ $layout == bin ]]; then
    while read -r applet; do
      [[ -n $applet && $applet != busybox ]] || continue
      [[ -L $rootfs/bin/$applet || -e $rootfs/bin/$applet ]] || ln -s busybox "$rootfs/bin/$applet" || return 1
    done < <("$rootfs/bin/busybox" --list)
  else
    # "usr/bin/wget" -> "../../bin/busybox", "linuxrc" -> "bin/busybox"
    while read -r applet; do
      applet=${applet#/}
      [[ -n $applet && $applet != bin/busybox ]] || continue
      [[ -L $rootfs/$applet || -e $rootfs/$applet ]] && continue
      dir=$(dirname "$applet")
      target=bin/busybox
      if [[ $dir != . ]]; then
        mkdir -p "$rootfs/$dir" || return 1
        # one "../" per component of dir (word splitting wanted)
        # shellcheck disable=SC2086
        target=$(printf '../%.0s' ${dir//\// })bin/busybox
        [[ $dir == bin ]] && target=busybox
      fi
      ln -s "$target" "$rootfs/$applet" || return 1
    done < <("$rootfs/bin/busybox" --list-full)
  fi
}

rootfs_users() {
  local rootfs=$1
  printf '%s\n' \
    'root:x:0:0:root:/root:/bin/sh' \
    'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$rootfs/etc/passwd" || return 1
  printf '%s\n' \
    'root:x:0:' \
    'tty:x:5:' \
    'nogroup:x:65534:' >"$rootfs/etc/group" || return 1
}
