#!/usr/bin/env python3
"""Generates OSV advisories for bench/scan.sh: N documents (default 100,000)
spread over Debian 12 and 11, Alpine 3.19, npm, PyPI and Go, written as one
all.zip per ecosystem (OSV's export layout: OUT/<Ecosystem>/all.zip).

Deterministic (fixed seed). With --sources FILE ("name version" lines, the
source packages of the image to scan) a share of the Debian 12 advisories
name those packages, with fixes both above and below the installed version,
so a scan has real matching work and real findings; the rest name
synthetic packages, as most of a real database does for any one image.
"""
import argparse
import io
import json
import os
import random
import zipfile

SHARES = [("Debian", "Debian:12", 0.50), ("Debian", "Debian:11", 0.10), ("Alpine", "Alpine:v3.19", 0.10),
          ("npm", "npm", 0.15), ("PyPI", "PyPI", 0.10), ("Go", "Go", 0.05)]
VECTORS = ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N",
           "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"]
URGENCY = ["low", "medium", "high", "unimportant", "not yet assigned"]


def version_for(eco, rnd):
    a, b, c = rnd.randint(0, 9), rnd.randint(0, 40), rnd.randint(0, 20)
    if eco.startswith("Debian"):
        return f"{a}.{b}.{c}-{rnd.randint(1, 9)}" + (f"+deb12u{rnd.randint(1, 5)}" if rnd.random() < 0.3 else "")
    if eco.startswith("Alpine"):
        return f"{a}.{b}.{c}-r{rnd.randint(0, 9)}"
    if eco == "Go":
        return f"{a}.{b}.{c}"
    return f"{a}.{b}.{c}"


def bump_below(version, rnd):
    """A Debian version just below `version` (a fix the image already has)."""
    return version + "~bench1" if rnd.random() < 0.5 else "0:" + version.split(":")[-1].split("-")[0] + "~0"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--sources", help='"name version" lines: real packages to cover')
    args = ap.parse_args()
    rnd = random.Random(20261206)
    sources = []
    if args.sources:
        with open(args.sources) as f:
            sources = [tuple(line.split()[:2]) for line in f if len(line.split()) >= 2]
    zips = {}
    counts = {}
    written = 0
    for base, eco, share in SHARES:
        n = int(args.n * share) if (base, eco) != SHARES[-1][:2] else args.n - written
        names = [f"bench-{base.lower()}-pkg{i:05d}" for i in range(max(1, n // 12))]
        if base not in zips:
            os.makedirs(os.path.join(args.out, base), exist_ok=True)
            zips[base] = zipfile.ZipFile(os.path.join(args.out, base, "all.zip"), "w", zipfile.ZIP_DEFLATED)
        for i in range(n):
            adv_id = f"BENCH-{eco.replace(':', '').replace('.', '')}-{i:06d}"
            events = [{"introduced": "0"}]
            if eco == "Debian:12" and sources and rnd.random() < 0.05:
                name, installed = rnd.choice(sources)
                r = rnd.random()
                if r < 0.3:
                    events.append({"fixed": bump_below(installed, rnd)})   # already fixed here
                elif r < 0.6:
                    events.append({"fixed": installed + "+bench1"})      # fixed later: a finding
                # else: no fix yet, a finding
            else:
                name = rnd.choice(names)
                v = version_for(eco, rnd)
                if rnd.random() < 0.1:
                    events.append({"last_affected": v})
                else:
                    events.append({"fixed": v})
            rtype = "SEMVER" if eco in ("npm", "Go") else "ECOSYSTEM"
            affected = {"package": {"ecosystem": eco, "name": name}, "ranges": [{"type": rtype, "events": events}]}
            doc = {"schema_version": "1.6.0", "id": adv_id, "modified": "2026-11-01T00:00:00Z",
                   "published": "2026-10-01T00:00:00Z",
                   "summary": f"{name}: generated advisory {i} for the scan benchmark",
                   "aliases": [f"CVE-2099-{written + i:06d}"], "affected": [affected]}
            if base == "Debian":
                affected["ecosystem_specific"] = {"urgency": rnd.choice(URGENCY)}
            else:
                doc["severity"] = [{"type": "CVSS_V3", "score": rnd.choice(VECTORS)}]
            zips[base].writestr(f"{adv_id}.json", json.dumps(doc))
        written += n
        counts[eco] = n
    for z in zips.values():
        z.close()
    print(json.dumps({"advisories": written, "per_ecosystem": counts}))


if __name__ == "__main__":
    main()
