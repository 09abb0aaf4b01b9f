#include "scan/osv/affected.h"

#include <algorithm>

namespace hako::scan::osv {

namespace {

Scheme range_scheme(const Range& range, Scheme scheme) {
  return range.type == Range::Type::Semver ? Scheme::Npm : scheme;
}

// An event with its version checked: "0" (introduced) and "*" (limit) are
// the schema's sentinels and compare below/above everything.
struct Checked {
  const Event* event;
  bool zero = false;      // introduced "0"
  bool infinity = false;  // limit "*"
};

// a < b in the sort order of the pseudo-code; sentinels sort first/last.
bool before(const Checked& a, const Checked& b, Scheme scheme) {
  if (a.zero != b.zero) return a.zero;
  if (a.infinity != b.infinity) return b.infinity;
  if (a.zero || a.infinity) return false;
  auto c = compare_versions(scheme, a.event->version, b.event->version);
  return c && *c < 0;
}

// The range's usable events, sorted. Invalid versions are dropped here so the
// sort sees a consistent order.
std::vector<Checked> sorted_events(const Range& range, Scheme scheme) {
  std::vector<Checked> out;
  for (const Event& e : range.events) {
    Checked c{&e};
    if (e.kind == Event::Kind::Introduced && e.version == "0") c.zero = true;
    else if (e.kind == Event::Kind::Limit && e.version == "*") c.infinity = true;
    else if (!valid_version(scheme, e.version)) continue;
    out.push_back(c);
  }
  // Stable: events with equal versions keep document order.
  std::stable_sort(out.begin(), out.end(), [&](const Checked& a, const Checked& b) { return before(a, b, scheme); });
  return out;
}

int cmp(Scheme scheme, std::string_view a, std::string_view b) {
  auto c = compare_versions(scheme, a, b);
  return c ? *c : 0;  // both were validated before; unreachable fallback
}

bool in_range(const Range& range, std::string_view version, Scheme ecosystem_scheme) {
  if (range.type == Range::Type::Git) return false;
  Scheme scheme = range_scheme(range, ecosystem_scheme);
  if (!valid_version(scheme, version)) return false;
  std::vector<Checked> events = sorted_events(range, scheme);

  bool has_limit = false, below_limit = false;
  for (const Checked& c : events) {
    if (c.event->kind != Event::Kind::Limit) continue;
    has_limit = true;
    if (c.infinity || cmp(scheme, version, c.event->version) < 0) below_limit = true;
  }
  // Limits with versions the scheme rejects were dropped by sorted_events, so
  // a range whose only limits are invalid is evaluated without them: a false
  // positive is better than a missed vulnerability.
  if (has_limit && !below_limit) return false;

  bool vulnerable = false;
  for (const Checked& c : events) {
    const Event& e = *c.event;
    switch (e.kind) {
      case Event::Kind::Introduced:
        if (c.zero || cmp(scheme, version, e.version) >= 0) vulnerable = true;
        break;
      case Event::Kind::Fixed:
        if (cmp(scheme, version, e.version) >= 0) vulnerable = false;
        break;
      case Event::Kind::LastAffected:
        if (cmp(scheme, version, e.version) > 0) vulnerable = false;
        break;
      case Event::Kind::Limit:
        break;
    }
  }
  return vulnerable;
}

bool in_versions(const Affected& affected, std::string_view version, Scheme scheme) {
  bool valid = valid_version(scheme, version);
  for (const std::string& v : affected.versions) {
    if (v == version) return true;
    // Equivalent spellings (PEP 440 "1.0" == "1.0.0") match too.
    if (valid) {
      auto c = compare_versions(scheme, v, version);
      if (c && *c == 0) return true;
    }
  }
  return false;
}

}  // namespace

bool is_affected(const Affected& affected, std::string_view version, Scheme scheme) {
  if (in_versions(affected, version, scheme)) return true;
  for (const Range& r : affected.ranges)
    if (in_range(r, version, scheme)) return true;
  return false;
}

std::optional<std::string> fixed_version(const Affected& affected, std::string_view version, Scheme scheme) {
  std::optional<std::string> best;
  for (const Range& r : affected.ranges) {
    if (!in_range(r, version, scheme)) continue;
    Scheme s = range_scheme(r, scheme);
    for (const Event& e : r.events) {
      if (e.kind != Event::Kind::Fixed || !valid_version(s, e.version)) continue;
      if (cmp(s, e.version, version) <= 0) continue;
      // Mixed SEMVER/ECOSYSTEM ranges compare under this range's scheme; a
      // version it rejects compares as equal and does not replace `best`.
      if (!best || cmp(s, e.version, *best) < 0) best = e.version;
    }
  }
  return best;
}

}  // namespace hako::scan::osv
