#!/usr/bin/env python3
"""Converts OSV advisories (OSV's export layout, OSV_DIR/Debian/all.zip) into
the vulnerability data debsecan downloads, so debsecan can be run offline
against the same advisories `hako scan` uses (bench peer).

debsecan fetches SOURCE/<suite> (or SOURCE/GENERIC without --suite), a
zlib-compressed text file in "VERSION 1" format:

    VERSION 1
    <vuln-name>,<flags>,<description>             one per vulnerability
    <blank>
    <package>,<vuln-index>,<flags>,<fixed-version>,<other-fixed-versions>
    <blank>
    <source>,<binary1 binary2 ...>               optional, for "obsolete"

The second section's flags are 4 characters: S/B (source or binary package),
urgency (' ', L, M, H), remote (?, R, ' '), F when a fix is available.  A
package is vulnerable when its (source) version is below <fixed-version>, or
always when <fixed-version> is empty.

Written files: OUTDIR/<suite> (default bookworm, from ecosystem Debian:12) and
OUTDIR/GENERIC (same data, for runs without --suite).  Run debsecan with
    debsecan --suite bookworm --source file://OUTDIR/ --status STATUS --format detail
(urllib opens file:// URLs, so no HTTP server is needed).

Mapping and its limits (debsecan's model is poorer than OSV's):
  * fixed V        -> fixed version V, flag F.
  * no fixed event -> unfixed (empty fixed version).
  * last_affected  -> unfixed: debsecan has no upper-inclusive bound, so
                      versions above last_affected are reported too.
  * introduced > 0 -> ignored: debsecan has no lower bound (over-reports).
  * several ranges/affected entries for one package in one advisory ->
                      one line: unfixed if any range is unfixed, else the
                      highest fixed version.
  * urgency low/medium/high -> L/M/H; anything else (unimportant,
                      not yet assigned, end-of-life, ...) -> ' ' (none).
  * only entries of --ecosystem (default Debian:12) are converted; hako also
    matches release-less "Debian" entries: pass --include-unversioned to
    convert those too.
  * withdrawn advisories are skipped (hako never matches them either).
  * remote is unknown ('?'); no source->binary section is written, so
    debsecan never reports "obsolete".
Stdlib only.
"""
import argparse
import json
import os
import sys
import zipfile
import zlib

SUITES = {"Debian:13": "trixie", "Debian:12": "bookworm", "Debian:11": "bullseye", "Debian:10": "buster"}
URGENCY_FLAG = {"low": "L", "medium": "M", "high": "H"}


# ---- dpkg version comparison (to pick the highest fixed version) ----

def _order(c):
    if c == "~":
        return -1
    if c.isdigit():
        return 0
    if c.isalpha():
        return ord(c)
    return ord(c) + 256


def _cmp_part(a, b):
    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _order(a[i]) if i < len(a) and not a[i].isdigit() else 0
            bc = _order(b[j]) if j < len(b) and not b[j].isdigit() else 0
            if ac != bc:
                return ac - bc
            i += 1
            j += 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        while i < len(a) and a[i].isdigit() and j < len(b) and b[j].isdigit():
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i += 1
            j += 1
        if i < len(a) and a[i].isdigit():
            return 1
        if j < len(b) and b[j].isdigit():
            return -1
        if first_diff:
            return first_diff
    return 0


def _split(v):
    epoch, _, rest = v.partition(":") if ":" in v else ("0", "", v)
    upstream, _, rev = rest.rpartition("-") if "-" in rest else (rest, "", "0")
    try:
        epoch = int(epoch)
    except ValueError:
        epoch = 0
    return epoch, upstream, rev


def version_cmp(a, b):
    ea, ua, ra = _split(a)
    eb, ub, rb = _split(b)
    if ea != eb:
        return ea - eb
    return _cmp_part(ua, ub) or _cmp_part(ra, rb)


# ---- conversion ----

def clean(text):
    return " ".join(str(text).split())


def range_fix(events):
    """The fixed version of one range, or None when it is unfixed
    (no fixed event, or a last_affected bound)."""
    fixed = None
    for e in events:
        if "last_affected" in e or "limit" in e:
            return None
        if "fixed" in e:
            if fixed is None or version_cmp(e["fixed"], fixed) > 0:
                fixed = e["fixed"]
    # a trailing introduced after the last fixed reopens the range
    if events and "introduced" in events[-1] and fixed is not None and len(events) > 1:
        return None
    return fixed


def iter_docs(osv_dir):
    path = os.path.join(osv_dir, "Debian", "all.zip")
    if not os.path.exists(path):
        sys.exit(f"error: {path}: no such file")
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith(".json"):
                continue
            try:
                yield json.loads(z.read(name))
            except ValueError as e:
                print(f"warning: {name}: {e}", file=sys.stderr)


def convert(osv_dir, ecosystem, unversioned=False):
    # (vuln id) -> description; (vuln id, package) -> [unfixed?, fix, urgency]
    vulns = {}
    entries = {}
    stats = {"documents": 0, "withdrawn": 0, "last_affected": 0, "introduced_nonzero": 0}
    for doc in iter_docs(osv_dir):
        stats["documents"] += 1
        if doc.get("withdrawn"):
            stats["withdrawn"] += 1
            continue
        vid = doc.get("id")
        if not vid or "," in vid:
            continue
        for aff in doc.get("affected", []):
            pkg = aff.get("package", {})
            eco = pkg.get("ecosystem")
            if not (eco == ecosystem or (unversioned and eco == ecosystem.split(":")[0])) or not pkg.get("name"):
                continue
            name = pkg["name"]
            urg = str((aff.get("ecosystem_specific") or {}).get("urgency", "")).lower().rstrip("*")
            urg = URGENCY_FLAG.get(urg, " ")
            ranges = [r for r in aff.get("ranges", []) if r.get("type") in ("ECOSYSTEM", None)]
            fixes = []
            for r in ranges:
                ev = r.get("events", [])
                if any("last_affected" in e for e in ev):
                    stats["last_affected"] += 1
                if any(e.get("introduced") not in (None, "0") for e in ev):
                    stats["introduced_nonzero"] += 1
                fixes.append(range_fix(ev))
            if not ranges:
                if not aff.get("versions"):
                    continue
                fixes.append(None)  # explicit version list only: treat as unfixed
            vulns.setdefault(vid, clean(doc.get("summary") or doc.get("details", "")[:200]))
            key = (vid, name)
            cur = entries.get(key)
            for f in fixes:
                if cur is None:
                    cur = [f is None, f, urg]
                else:
                    if f is None:
                        cur[0] = True
                    elif cur[1] is None or version_cmp(f, cur[1]) > 0:
                        cur[1] = f
                    if cur[2] == " ":
                        cur[2] = urg
            entries[key] = cur
    return vulns, entries, stats


def render(vulns, entries):
    names = sorted(vulns)
    index = {n: i for i, n in enumerate(names)}
    out = ["VERSION 1"]
    out += [f"{n},,{vulns[n]}" for n in names]
    out.append("")
    for (vid, pkg) in sorted(entries, key=lambda k: (k[1], k[0])):
        unfixed, fix, urg = entries[(vid, pkg)]
        fixv = "" if unfixed or fix is None else fix
        flags = "S" + urg + "?" + ("F" if fixv else " ")
        out.append(f"{pkg},{index[vid]},{flags},{fixv},")
    out.append("")
    out.append("")  # empty source->binary section
    return zlib.compress(("\n".join(out)).encode("utf-8"), 9)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("osv_dir", help="directory holding Debian/all.zip")
    ap.add_argument("outdir")
    ap.add_argument("--ecosystem", default="Debian:12", help="OSV ecosystem to convert (default Debian:12)")
    ap.add_argument("--include-unversioned", action="store_true",
                    help='also convert entries whose ecosystem has no release ("Debian"), as hako matches them')
    ap.add_argument("--suite", help="debsecan suite name (default: from --ecosystem, e.g. bookworm)")
    args = ap.parse_args()
    suite = args.suite or SUITES.get(args.ecosystem)
    if not suite:
        sys.exit(f"error: no suite name known for {args.ecosystem}; pass --suite")
    vulns, entries, stats = convert(args.osv_dir, args.ecosystem, args.include_unversioned)
    data = render(vulns, entries)
    os.makedirs(args.outdir, exist_ok=True)
    for fname in (suite, "GENERIC"):
        tmp = os.path.join(args.outdir, fname + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(args.outdir, fname))
    packages = {p for _, p in entries}
    unfixed = sum(1 for e in entries.values() if e[0] or e[1] is None)
    print(f"{args.ecosystem} -> {os.path.join(args.outdir, suite)} (+GENERIC): "
          f"{len(vulns)} vulnerabilities, {len(packages)} packages, {len(entries)} (vuln, package) entries "
          f"({unfixed} unfixed, {stats['last_affected']} last_affected ranges treated as unfixed, "
          f"{stats['introduced_nonzero']} ranges with introduced>0 widened to 0); "
          f"read {stats['documents']} documents, {stats['withdrawn']} withdrawn skipped")


if __name__ == "__main__":
    main()
