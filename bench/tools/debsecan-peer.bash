# shellcheck shell=bash
# The peer of bench/scan.sh: Debian's debsecan, offline, on the same
# advisories (bench/tools/osv-to-debsecan.py converts the generated Debian
# 12 OSV documents into the zlib'd data file debsecan fetches, which it
# reads from a file:// URL) and the Debian image's own dpkg status file.

# debsecan_prepare TMP REPO DEBIAN_TAR: converts TMP/osv into TMP/debsecan
# and extracts the image's status file.
debsecan_prepare() {
  DEBSECAN_DIR=$1/debsecan
  python3 "$2/bench/tools/osv-to-debsecan.py" "$1/osv" "$DEBSECAN_DIR" >/dev/null
  mkdir -p "$1/status-root"
  tar -xf "$3" -C "$1/status-root" var/lib/dpkg/status
  DEBSECAN_STATUS=$1/status-root/var/lib/dpkg/status
  # A whitelist that does not exist: nothing on this host hides findings.
  DEBSECAN_WHITELIST=$1/no-whitelist
}

# One scan, as a user would run it for the same table of findings.
debsecan_run() {
  debsecan --suite bookworm --source "file://$DEBSECAN_DIR/" --status "$DEBSECAN_STATUS" \
    --whitelist "$DEBSECAN_WHITELIST" --format detail
}

# debsecan_count OUTPUT: findings in a detail report (one "VULN binpkg"
# line each in the simple format, so count those instead).
debsecan_count() {
  debsecan --suite bookworm --source "file://$DEBSECAN_DIR/" --status "$DEBSECAN_STATUS" \
    --whitelist "$DEBSECAN_WHITELIST" --format simple | wc -l
}
