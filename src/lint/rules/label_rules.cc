// LABEL rules: the key format (DL3048) and the checks against the configured
// label-schema (DL3049-DL3058): required labels per stage, superfluous
// labels, empty values and the value formats (URL, RFC 3339 time, SPDX
// licence id, git hash, semantic version, email address).
//
// Like Hadolint, only top-level LABEL instructions count: a LABEL inside an
// ONBUILD labels the images built FROM this one, not this one.
#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lint/rule.h"
#include "lint/rules/rule_util.h"

namespace hako::lint {
namespace {

// ---------------------------------------------------------------------------
// Reading LABEL pairs

// The word as the builder reads it: quotes removed; inside "..." the escape
// character escapes only `"`, `$` and itself, outside quotes it escapes any
// character, '...' is literal.
std::string unquote(std::string_view w, char esc) {
  std::string out;
  for (size_t i = 0; i < w.size(); ++i) {
    char c = w[i];
    if (c == '\'') {
      size_t end = w.find('\'', i + 1);
      if (end == std::string_view::npos) {
        out.append(w.substr(i + 1));
        break;
      }
      out.append(w.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '"') {
      for (++i; i < w.size() && w[i] != '"'; ++i) {
        if (w[i] == esc && i + 1 < w.size() && (w[i + 1] == '"' || w[i + 1] == '$' || w[i + 1] == esc)) ++i;
        out += w[i];
      }
    } else if (c == esc && i + 1 < w.size()) {
      out += w[++i];
    } else {
      out += c;
    }
  }
  return out;
}

struct Pair {
  std::string key, value;
};

// The pairs of a LABEL instruction, unquoted; empty for anything else.
std::vector<Pair> label_pairs(const Model& m, const Instruction& ins) {
  std::vector<Pair> out;
  if (const auto* l = ins.as<build::LabelCommand>()) {
    for (const auto& kv : l->labels) out.push_back({unquote(kv.key, m.escape), unquote(kv.value, m.escape)});
  }
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool all_of(std::string_view s, bool (*pred)(char)) { return std::all_of(s.begin(), s.end(), pred); }

// ---------------------------------------------------------------------------
// DL3048: label keys are lower-case reverse-DNS style: start with a letter,
// end with a letter or digit, only [a-z0-9._/-], no `..` or `--`, and not in
// Docker's reserved namespaces.

bool valid_label_key(std::string_view k) {
  if (k.empty() || !(k.front() >= 'a' && k.front() <= 'z')) return false;
  if (!((k.back() >= 'a' && k.back() <= 'z') || is_digit(k.back()))) return false;
  for (char c : k) {
    bool ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == '.' || c == '-' || c == '_' || c == '/';
    if (!ok) return false;
  }
  for (std::string_view reserved : {"com.docker.", "io.docker.", "org.dockerproject."}) {
    if (k.starts_with(reserved)) return false;
  }
  return k.find("..") == std::string_view::npos && k.find("--") == std::string_view::npos;
}

void check_dl3048(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& ins : m.instructions) {
    auto pairs = label_pairs(m, ins);
    if (std::any_of(pairs.begin(), pairs.end(), [](const Pair& p) { return !valid_label_key(p.key); })) r.at(ins);
  }
}

// ---------------------------------------------------------------------------
// DL3049: every schema label must be set in every stage, reported at the
// stage's FROM. As in Hadolint, a stage also has the label when
//  - it is FROM an earlier stage that had it (when the FROM is read), or
//  - it is used by a later stage: `COPY --from=<its name>` anywhere after
//    it, or a stage that is FROM it (by image name, when that stage has no
//    AS name of its own) and sets the label.

void check_dl3049(const Model& m, const RuleOptions& o, Reporter& r) {
  struct StageRef {
    std::string alias;  // AS name, lower-cased
    std::string image;  // FROM image, lower-cased
    int line;
  };
  for (const auto& [label, format] : o.label_schema) {
    std::vector<StageRef> stages;
    std::set<size_t> good, bad;  // a stage in neither was silenced by a later use
    auto silence = [&](const std::string& name) {
      for (auto it = bad.begin(); it != bad.end();) {
        if (!stages[*it].alias.empty() && stages[*it].alias == name) {
          it = bad.erase(it);
        } else {
          ++it;
        }
      }
    };
    for (const auto& ins : m.instructions) {
      if (const auto* f = ins.as<build::FromCommand>()) {
        StageRef s{lower(f->stage_name), lower(unquote(f->image, m.escape)), ins.line};
        bool inherits = std::any_of(good.begin(), good.end(), [&](size_t g) {
          return !stages[g].alias.empty() && stages[g].alias == s.image;
        });
        stages.push_back(std::move(s));
        (inherits ? good : bad).insert(stages.size() - 1);
      } else if (const auto* c = ins.as<build::CopyCommand>()) {
        if (!c->is_add && !c->from.empty()) silence(lower(unquote(c->from, m.escape)));
      } else if (!stages.empty()) {
        auto pairs = label_pairs(m, ins);
        if (std::any_of(pairs.begin(), pairs.end(), [&](const Pair& p) { return p.key == label; })) {
          size_t cur = stages.size() - 1;
          silence(stages[cur].alias.empty() ? stages[cur].image : stages[cur].alias);
          bad.erase(cur);
          good.insert(cur);
        }
      }
    }
    for (size_t b : bad) r.at_line(stages[b].line, "Label `" + label + "` is missing.");
  }
}

// DL3050: with strict-labels, a LABEL setting a key the schema does not name.
void check_dl3050(const Model& m, const RuleOptions& o, Reporter& r) {
  if (!o.strict_labels) return;
  for (const auto& ins : m.instructions) {
    auto pairs = label_pairs(m, ins);
    if (std::any_of(pairs.begin(), pairs.end(), [&](const Pair& p) { return !o.label_schema.contains(p.key); })) r.at(ins);
  }
}

// DL3051: a schema label set to the empty string.
void check_dl3051(const Model& m, const RuleOptions& o, Reporter& r) {
  for (const auto& ins : m.instructions) {
    auto pairs = label_pairs(m, ins);
    if (pairs.empty()) continue;
    for (const auto& [label, format] : o.label_schema) {
      if (std::any_of(pairs.begin(), pairs.end(), [&](const Pair& p) { return p.key == label && p.value.empty(); })) {
        r.at(ins, "label `" + label + "` is empty.");
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Value formats

// DL3052: an absolute URI as RFC 3986 defines it (what Haskell's
// Network.URI.parseURI accepts): scheme ":" hier-part ["?" query]
// ["#" fragment].

bool is_unreserved(char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
bool is_sub_delim(char c) { return std::string_view("!$&'()*+,;=").find(c) != std::string_view::npos; }

// Every character unreserved, a sub-delim, one of `extra`, or a %XX escape.
bool uri_chars(std::string_view s, std::string_view extra) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return false;
      if (!is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
      i += 2;
    } else if (!is_unreserved(c) && !is_sub_delim(c) && extra.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool valid_ipv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t j = i;
    while (j < s.size() && is_digit(s[j])) ++j;
    std::string_view octet = s.substr(i, j - i);
    if (octet.empty() || octet.size() > 3 || (octet.size() > 1 && octet[0] == '0')) return false;
    int value = 0;
    for (char c : octet) value = value * 10 + (c - '0');
    if (value > 255) return false;
    ++parts;
    if (j == s.size()) break;
    if (s[j] != '.') return false;
    i = j + 1;
  }
  return parts == 4;
}

// The ':'-separated pieces of one side of an IPv6 address: how many 16-bit
// groups they make (an IPv4 tail counts two), or -1 when malformed.
int ipv6_groups(std::string_view s, bool v4_tail_allowed) {
  if (s.empty()) return 0;
  int n = 0;
  size_t i = 0;
  while (true) {
    size_t j = s.find(':', i);
    std::string_view piece = s.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
    if (j == std::string_view::npos && v4_tail_allowed && piece.find('.') != std::string_view::npos) {
      if (!valid_ipv4(piece)) return -1;
      return n + 2;
    }
    if (piece.empty() || piece.size() > 4 || !all_of(piece, is_hex)) return -1;
    ++n;
    if (j == std::string_view::npos) return n;
    i = j + 1;
  }
}

bool valid_ipv6(std::string_view s) {
  size_t dc = s.find("::");
  if (dc == std::string_view::npos) return ipv6_groups(s, true) == 8;
  std::string_view left = s.substr(0, dc), right = s.substr(dc + 2);
  if (right.find("::") != std::string_view::npos) return false;
  int l = ipv6_groups(left, false), rr = ipv6_groups(right, true);
  return l >= 0 && rr >= 0 && l + rr <= 7;
}

bool valid_authority(std::string_view a) {
  size_t at = a.find('@');
  if (at != std::string_view::npos) {
    if (!uri_chars(a.substr(0, at), ":")) return false;
    a = a.substr(at + 1);
  }
  std::string_view port;
  if (a.starts_with('[')) {
    size_t close = a.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view lit = a.substr(1, close - 1);
    bool ok;
    if (!lit.empty() && (lit[0] == 'v' || lit[0] == 'V')) {
      size_t dot = lit.find('.');
      ok = dot != std::string_view::npos && dot > 1 && all_of(lit.substr(1, dot - 1), is_hex) &&
           dot + 1 < lit.size() && uri_chars(lit.substr(dot + 1), ":") &&
           lit.substr(dot + 1).find('%') == std::string_view::npos;
    } else {
      ok = valid_ipv6(lit);
    }
    if (!ok) return false;
    std::string_view rest = a.substr(close + 1);
    if (rest.empty()) return true;
    if (rest[0] != ':') return false;
    port = rest.substr(1);
  } else {
    size_t colon = a.find(':');
    if (colon != std::string_view::npos) {
      port = a.substr(colon + 1);
      a = a.substr(0, colon);
    }
    if (!uri_chars(a, "")) return false;
  }
  return all_of(port, is_digit);
}

bool valid_url(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(s[0])) return false;
  for (char c : s.substr(0, colon)) {
    if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  std::string_view rest = s.substr(colon + 1);
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    if (!uri_chars(rest.substr(hash + 1), ":@/?")) return false;
    rest = rest.substr(0, hash);
  }
  size_t q = rest.find('?');
  if (q != std::string_view::npos) {
    if (!uri_chars(rest.substr(q + 1), ":@/?")) return false;
    rest = rest.substr(0, q);
  }
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    size_t slash = rest.find('/');
    if (!valid_authority(rest.substr(0, slash))) return false;
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  return uri_chars(rest, ":@/");
}

// DL3053: an RFC 3339 date-time, as Haskell's timerep parses it
// (`%Y-%m-%dT%H:%M:%S[%Q](Z|%Z)`): a real calendar date, an optional
// fraction, and Z, a numeric offset or a zone abbreviation; whitespace
// around it is ignored.

bool valid_rfc3339(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  size_t i = 0;
  auto num = [&](size_t digits, int* out) {
    if (i + digits > s.size()) return false;
    int v = 0;
    for (size_t k = 0; k < digits; ++k) {
      if (!is_digit(s[i + k])) return false;
      v = v * 10 + (s[i + k] - '0');
    }
    i += digits;
    *out = v;
    return true;
  };
  auto lit = [&](char c) {
    if (i < s.size() && std::tolower(static_cast<unsigned char>(s[i])) == std::tolower(static_cast<unsigned char>(c))) {
      ++i;
      return true;
    }
    return false;
  };
  int y, mo, d, h, mi, sec;
  if (!num(4, &y) || !lit('-') || !num(2, &mo) || !lit('-') || !num(2, &d) || !lit('T') || !num(2, &h) || !lit(':') ||
      !num(2, &mi) || !lit(':') || !num(2, &sec)) {
    return false;
  }
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return false;
  if (h > 23 || mi > 59 || sec > 60) return false;
  if (lit('.')) {
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  std::string_view zone = s.substr(i);
  if (zone == "Z" || zone == "z") return true;
  if (!zone.empty() && (zone[0] == '+' || zone[0] == '-')) {
    i += 1;
    int zh, zm;
    if (!num(2, &zh)) return false;
    lit(':');
    return num(2, &zm) && i == s.size() && zh <= 23 && zm <= 59;
  }
  for (std::string_view name : {"UTC", "UT", "GMT", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"}) {
    if (zone == name) return true;
  }
  return false;
}

// DL3054: one SPDX licence identifier, exactly as the licence list spells it
// (what Cabal's LicenseId parser accepts: SPDX License List 3.23, the
// deprecated ids such as `GPL-2.0` and `GPL-2.0+` not included). Like
// Hadolint, a licence expression (`MIT OR Apache-2.0`, `GPL-2.0-only WITH
// Classpath-exception-2.0`, parentheses) is not an identifier and fails, and so
// does LicenseRef-*. Sorted by byte value for binary search.
constexpr std::string_view kSpdxIds[] = {
    "0BSD", "AAL", "ADSL", "AFL-1.1", "AFL-1.2", "AFL-2.0", "AFL-2.1", "AFL-3.0", "AGPL-1.0-only",
    "AGPL-1.0-or-later", "AGPL-3.0-only", "AGPL-3.0-or-later", "AMDPLPA", "AML", "AML-glslang", "AMPAS", "ANTLR-PD",
    "ANTLR-PD-fallback", "APAFML", "APL-1.0", "APSL-1.0", "APSL-1.1", "APSL-1.2", "APSL-2.0",
    "ASWF-Digital-Assets-1.0", "ASWF-Digital-Assets-1.1", "Abstyles", "AdaCore-doc", "Adobe-2006",
    "Adobe-Display-PostScript", "Adobe-Glyph", "Adobe-Utopia", "Afmparse", "Aladdin", "Apache-1.0", "Apache-1.1",
    "Apache-2.0", "App-s2p", "Arphic-1999", "Artistic-1.0", "Artistic-1.0-Perl", "Artistic-1.0-cl8", "Artistic-2.0",
    "BSD-1-Clause", "BSD-2-Clause", "BSD-2-Clause-Darwin", "BSD-2-Clause-Patent", "BSD-2-Clause-Views",
    "BSD-3-Clause", "BSD-3-Clause-Attribution", "BSD-3-Clause-Clear", "BSD-3-Clause-HP", "BSD-3-Clause-LBNL",
    "BSD-3-Clause-Modification", "BSD-3-Clause-No-Military-License", "BSD-3-Clause-No-Nuclear-License",
    "BSD-3-Clause-No-Nuclear-License-2014", "BSD-3-Clause-No-Nuclear-Warranty", "BSD-3-Clause-Open-MPI",
    "BSD-3-Clause-Sun", "BSD-3-Clause-acpica", "BSD-3-Clause-flex", "BSD-4-Clause", "BSD-4-Clause-Shortened",
    "BSD-4-Clause-UC", "BSD-4.3RENO", "BSD-4.3TAHOE", "BSD-Advertising-Acknowledgement",
    "BSD-Attribution-HPND-disclaimer", "BSD-Inferno-Nettverk", "BSD-Protection", "BSD-Source-Code",
    "BSD-Source-beginning-file", "BSD-Systemics", "BSD-Systemics-W3Works", "BSL-1.0", "BUSL-1.1", "Baekmuk", "Bahyph",
    "Barr", "Beerware", "BitTorrent-1.0", "BitTorrent-1.1", "Bitstream-Charter", "Bitstream-Vera", "BlueOak-1.0.0",
    "Boehm-GC", "Borceux", "Brian-Gladman-2-Clause", "Brian-Gladman-3-Clause", "C-UDA-1.0", "CAL-1.0",
    "CAL-1.0-Combined-Work-Exception", "CATOSL-1.1", "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-2.5-AU",
    "CC-BY-3.0", "CC-BY-3.0-AT", "CC-BY-3.0-AU", "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL", "CC-BY-3.0-US",
    "CC-BY-4.0", "CC-BY-NC-1.0", "CC-BY-NC-2.0", "CC-BY-NC-2.5", "CC-BY-NC-3.0", "CC-BY-NC-3.0-DE", "CC-BY-NC-4.0",
    "CC-BY-NC-ND-1.0", "CC-BY-NC-ND-2.0", "CC-BY-NC-ND-2.5", "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-3.0-DE",
    "CC-BY-NC-ND-3.0-IGO", "CC-BY-NC-ND-4.0", "CC-BY-NC-SA-1.0", "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-2.0-DE",
    "CC-BY-NC-SA-2.0-FR", "CC-BY-NC-SA-2.0-UK", "CC-BY-NC-SA-2.5", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-3.0-DE",
    "CC-BY-NC-SA-3.0-IGO", "CC-BY-NC-SA-4.0", "CC-BY-ND-1.0", "CC-BY-ND-2.0", "CC-BY-ND-2.5", "CC-BY-ND-3.0",
    "CC-BY-ND-3.0-DE", "CC-BY-ND-4.0", "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP",
    "CC-BY-SA-2.5", "CC-BY-SA-3.0", "CC-BY-SA-3.0-AT", "CC-BY-SA-3.0-DE", "CC-BY-SA-3.0-IGO", "CC-BY-SA-4.0",
    "CC-PDDC", "CC0-1.0", "CDDL-1.0", "CDDL-1.1", "CDL-1.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0",
    "CDLA-Sharing-1.0", "CECILL-1.0", "CECILL-1.1", "CECILL-2.0", "CECILL-2.1", "CECILL-B", "CECILL-C",
    "CERN-OHL-1.1", "CERN-OHL-1.2", "CERN-OHL-P-2.0", "CERN-OHL-S-2.0", "CERN-OHL-W-2.0", "CFITSIO", "CMU-Mach",
    "CMU-Mach-nodoc", "CNRI-Jython", "CNRI-Python", "CNRI-Python-GPL-Compatible", "COIL-1.0", "CPAL-1.0", "CPL-1.0",
    "CPOL-1.02", "CUA-OPL-1.0", "Caldera", "Caldera-no-preamble", "ClArtistic", "Clips", "Community-Spec-1.0",
    "Condor-1.1", "Cornell-Lossless-JPEG", "Cronyx", "Crossword", "CrystalStacker", "Cube", "D-FSL-1.0",
    "DEC-3-Clause", "DL-DE-BY-2.0", "DL-DE-ZERO-2.0", "DOC", "DRL-1.0", "DRL-1.1", "DSDP", "Dotseqn", "ECL-1.0",
    "ECL-2.0", "EFL-1.0", "EFL-2.0", "EPICS", "EPL-1.0", "EPL-2.0", "EUDatagrid", "EUPL-1.0", "EUPL-1.1", "EUPL-1.2",
    "Elastic-2.0", "Entessa", "ErlPL-1.1", "Eurosym", "FBM", "FDK-AAC", "FSFAP", "FSFAP-no-warranty-disclaimer",
    "FSFUL", "FSFULLR", "FSFULLRWD", "FTL", "Fair", "Ferguson-Twofish", "Frameworx-1.0", "FreeBSD-DOC", "FreeImage",
    "Furuseth", "GCR-docs", "GD", "GFDL-1.1-invariants-only", "GFDL-1.1-invariants-or-later",
    "GFDL-1.1-no-invariants-only", "GFDL-1.1-no-invariants-or-later", "GFDL-1.1-only", "GFDL-1.1-or-later",
    "GFDL-1.2-invariants-only", "GFDL-1.2-invariants-or-later", "GFDL-1.2-no-invariants-only",
    "GFDL-1.2-no-invariants-or-later", "GFDL-1.2-only", "GFDL-1.2-or-later", "GFDL-1.3-invariants-only",
    "GFDL-1.3-invariants-or-later", "GFDL-1.3-no-invariants-only", "GFDL-1.3-no-invariants-or-later", "GFDL-1.3-only",
    "GFDL-1.3-or-later", "GL2PS", "GLWTPL", "GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0-only", "GPL-2.0-or-later",
    "GPL-3.0-only", "GPL-3.0-or-later", "Giftware", "Glide", "Glulxe", "Graphics-Gems", "HP-1986", "HP-1989", "HPND",
    "HPND-DEC", "HPND-Fenneberg-Livingston", "HPND-INRIA-IMAG", "HPND-Kevlin-Henney", "HPND-MIT-disclaimer",
    "HPND-Markus-Kuhn", "HPND-Pbmplus", "HPND-UC", "HPND-doc", "HPND-doc-sell", "HPND-export-US",
    "HPND-export-US-modify", "HPND-sell-MIT-disclaimer-xserver", "HPND-sell-regexpr", "HPND-sell-variant",
    "HPND-sell-variant-MIT-disclaimer", "HTMLTIDY", "HaskellReport", "Hippocratic-2.1", "IBM-pibs", "ICU",
    "IEC-Code-Components-EULA", "IJG", "IJG-short", "IPA", "IPL-1.0", "ISC", "ISC-Veillard", "ImageMagick", "Imlib2",
    "Info-ZIP", "Inner-Net-2.0", "Intel", "Intel-ACPI", "Interbase-1.0", "JPL-image", "JPNIC", "JSON", "Jam",
    "JasPer-2.0", "Kastrup", "Kazlib", "Knuth-CTAN", "LAL-1.2", "LAL-1.3", "LGPL-2.0-only", "LGPL-2.0-or-later",
    "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "LGPLLR", "LOOP", "LPD-document",
    "LPL-1.0", "LPL-1.02", "LPPL-1.0", "LPPL-1.1", "LPPL-1.2", "LPPL-1.3a", "LPPL-1.3c", "LZMA-SDK-9.11-to-9.20",
    "LZMA-SDK-9.22", "Latex2e", "Latex2e-translated-notice", "Leptonica", "LiLiQ-P-1.1", "LiLiQ-R-1.1",
    "LiLiQ-Rplus-1.1", "Libpng", "Linux-OpenIB", "Linux-man-pages-1-para", "Linux-man-pages-copyleft",
    "Linux-man-pages-copyleft-2-para", "Linux-man-pages-copyleft-var", "Lucida-Bitmap-Fonts", "MIT", "MIT-0",
    "MIT-CMU", "MIT-Festival", "MIT-Modern-Variant", "MIT-Wu", "MIT-advertising", "MIT-enna", "MIT-feh",
    "MIT-open-group", "MIT-testregex", "MITNFA", "MMIXware", "MPEG-SSG", "MPL-1.0", "MPL-1.1", "MPL-2.0",
    "MPL-2.0-no-copyleft-exception", "MS-LPL", "MS-PL", "MS-RL", "MTLL", "Mackerras-3-Clause",
    "Mackerras-3-Clause-acknowledgment", "MakeIndex", "Martin-Birgmeier", "McPhee-slideshow", "Minpack", "MirOS",
    "Motosoto", "MulanPSL-1.0", "MulanPSL-2.0", "Multics", "Mup", "NAIST-2003", "NASA-1.3", "NBPL-1.0", "NCGL-UK-2.0",
    "NCSA", "NGPL", "NICTA-1.0", "NIST-PD", "NIST-PD-fallback", "NIST-Software", "NLOD-1.0", "NLOD-2.0", "NLPL",
    "NOSL", "NPL-1.0", "NPL-1.1", "NPOSL-3.0", "NRL", "NTP", "NTP-0", "Naumen", "Net-SNMP", "NetCDF", "Newsletr",
    "Nokia", "Noweb", "O-UDA-1.0", "OCCT-PL", "OCLC-2.0", "ODC-By-1.0", "ODbL-1.0", "OFFIS", "OFL-1.0", "OFL-1.0-RFN",
    "OFL-1.0-no-RFN", "OFL-1.1", "OFL-1.1-RFN", "OFL-1.1-no-RFN", "OGC-1.0", "OGDL-Taiwan-1.0", "OGL-Canada-2.0",
    "OGL-UK-1.0", "OGL-UK-2.0", "OGL-UK-3.0", "OGTSL", "OLDAP-1.1", "OLDAP-1.2", "OLDAP-1.3", "OLDAP-1.4",
    "OLDAP-2.0", "OLDAP-2.0.1", "OLDAP-2.1", "OLDAP-2.2", "OLDAP-2.2.1", "OLDAP-2.2.2", "OLDAP-2.3", "OLDAP-2.4",
    "OLDAP-2.5", "OLDAP-2.6", "OLDAP-2.7", "OLDAP-2.8", "OLFL-1.3", "OML", "OPL-1.0", "OPL-UK-3.0", "OPUBL-1.0",
    "OSET-PL-2.1", "OSL-1.0", "OSL-1.1", "OSL-2.0", "OSL-2.1", "OSL-3.0", "OpenPBS-2.3", "OpenSSL",
    "OpenSSL-standalone", "OpenVision", "PADL", "PDDL-1.0", "PHP-3.0", "PHP-3.01", "PSF-2.0", "Parity-6.0.0",
    "Parity-7.0.0", "Pixar", "Plexus", "PolyForm-Noncommercial-1.0.0", "PolyForm-Small-Business-1.0.0", "PostgreSQL",
    "Python-2.0", "Python-2.0.1", "QPL-1.0", "QPL-1.0-INRIA-2004", "Qhull", "RHeCos-1.1", "RPL-1.1", "RPL-1.5",
    "RPSL-1.0", "RSA-MD", "RSCPL", "Rdisc", "Ruby", "SAX-PD", "SAX-PD-2.0", "SCEA", "SGI-B-1.0", "SGI-B-1.1",
    "SGI-B-2.0", "SGI-OpenGL", "SGP4", "SHL-0.5", "SHL-0.51", "SISSL", "SISSL-1.2", "SL", "SMLNJ", "SMPPL", "SNIA",
    "SPL-1.0", "SSH-OpenSSH", "SSH-short", "SSLeay-standalone", "SSPL-1.0", "SWL", "Saxpath", "SchemeReport",
    "Sendmail", "Sendmail-8.23", "SimPL-2.0", "Sleepycat", "Soundex", "Spencer-86", "Spencer-94", "Spencer-99",
    "SugarCRM-1.1.3", "Sun-PPP", "SunPro", "Symlinks", "TAPR-OHL-1.0", "TCL", "TCP-wrappers", "TGPPL-1.0", "TMate",
    "TORQUE-1.1", "TOSL", "TPDL", "TPL-1.0", "TTWL", "TTYP0", "TU-Berlin-1.0", "TU-Berlin-2.0", "TermReadKey", "UCAR",
    "UCL-1.0", "UMich-Merit", "UPL-1.0", "URT-RLE", "Unicode-3.0", "Unicode-DFS-2015", "Unicode-DFS-2016",
    "Unicode-TOU", "UnixCrypt", "Unlicense", "VOSTROM", "VSL-1.0", "Vim", "W3C", "W3C-19980720", "W3C-20150513",
    "WTFPL", "Watcom-1.0", "Widget-Workshop", "Wsuipa", "X11", "X11-distribute-modifications-variant", "XFree86-1.1",
    "XSkat", "Xdebug-1.03", "Xerox", "Xfig", "Xnet", "YPL-1.0", "YPL-1.1", "ZPL-1.1", "ZPL-2.0", "ZPL-2.1", "Zed",
    "Zeeff", "Zend-2.0", "Zimbra-1.3", "Zimbra-1.4", "Zlib", "bcrypt-Solar-Designer", "blessing", "bzip2-1.0.6",
    "check-cvs", "checkmk", "copyleft-next-0.3.0", "copyleft-next-0.3.1", "curl", "diffmark", "dtoa", "dvipdfm",
    "eGenix", "etalab-2.0", "fwlw", "gSOAP-1.3b", "gnuplot", "gtkbook", "hdparm", "iMatix", "libpng-2.0",
    "libselinux-1.0", "libtiff", "libutil-David-Nugent", "lsof", "magaz", "mailprio", "metamail", "mpi-permissive",
    "mpich2", "mplus", "pnmstitch", "psfrag", "psutils", "python-ldap", "radvd", "snprintf", "softSurfer",
    "ssh-keyscan", "swrule", "ulem", "w3m", "xinetd", "xkeyboard-config-Zinoviev", "xlock", "xpp",
    "zlib-acknowledgement",
};

bool valid_spdx(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::binary_search(std::begin(kSpdxIds), std::end(kSpdxIds), s);
}

// DL3055: a full (40) or short (7) git commit hash in lower-case hex.
bool valid_git_hash(std::string_view s) {
  return (s.size() == 40 || s.size() == 7) && all_of(s, [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); });
}

// DL3056: Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH without leading
// zeros, then optionally -pre.release identifiers (numeric ones without
// leading zeros) and +build.metadata identifiers, none of them empty.

bool semver_identifiers(std::string_view s, bool numeric_no_leading_zero) {
  while (true) {
    size_t dot = s.find('.');
    std::string_view id = s.substr(0, dot);
    if (id.empty() || !all_of(id, [](char c) { return is_alnum(c) || c == '-'; })) return false;
    if (numeric_no_leading_zero && all_of(id, is_digit) && id.size() > 1 && id[0] == '0') return false;
    if (dot == std::string_view::npos) return true;
    s = s.substr(dot + 1);
  }
}

bool valid_semver(std::string_view s) {
  size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    if (!semver_identifiers(s.substr(plus + 1), false)) return false;
    s = s.substr(0, plus);
  }
  size_t dash = s.find('-');
  if (dash != std::string_view::npos) {
    if (!semver_identifiers(s.substr(dash + 1), true)) return false;
    s = s.substr(0, dash);
  }
  int parts = 0;
  while (true) {
    size_t dot = s.find('.');
    std::string_view n = s.substr(0, dot);
    if (n.empty() || !all_of(n, is_digit) || (n.size() > 1 && n[0] == '0')) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    s = s.substr(dot + 1);
  }
  return parts == 3;
}

// DL3058: an RFC 5322 addr-spec as Haskell's email-validate checks it:
// local-part = dot-atom / quoted-string (each part may be wrapped in
// comments and folding whitespace), "@", then a domain of dot-separated
// labels (letters, digits, inner hyphens, at most 63 characters each and 253
// in all) or a [domain literal].
class EmailParser {
 public:
  explicit EmailParser(std::string_view s) : s_(s) {}

  bool valid() {
    if (!dotted_atoms() || !eat('@')) return false;
    size_t at = i_;
    if (domain_name() && i_ == s_.size()) return true;
    i_ = at;
    return domain_literal() && i_ == s_.size();
  }

 private:
  static bool atext(char c) { return is_alnum(c) || std::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos; }
  static bool obs_ctl(char c) { return (c >= 1 && c <= 8) || c == 11 || c == 12 || (c >= 14 && c <= 31) || c == 127; }
  static bool qtext(char c) { return c == 33 || (c >= 35 && c <= 91) || (c >= 93 && c <= 126) || obs_ctl(c); }
  static bool ctext(char c) { return (c >= 33 && c <= 39) || (c >= 42 && c <= 91) || (c >= 93 && c <= 126) || obs_ctl(c); }
  static bool dtext(char c) { return (c >= 33 && c <= 90) || (c >= 94 && c <= 126) || obs_ctl(c); }
  static bool wsp(char c) { return c == ' ' || c == '\t'; }

  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (at_end() || s_[i_] != c) return false;
    ++i_;
    return true;
  }

  // Folding whitespace: WSP+ [CRLF WSP+] / (CRLF WSP+)+.
  bool fws() {
    size_t start = i_;
    auto crlf_wsp = [&]() {
      if (s_.substr(i_, 2) == "\r\n" && i_ + 2 < s_.size() && wsp(s_[i_ + 2])) {
        i_ += 2;
        while (!at_end() && wsp(peek())) ++i_;
        return true;
      }
      return false;
    };
    if (!at_end() && wsp(peek())) {
      while (!at_end() && wsp(peek())) ++i_;
      crlf_wsp();
      return true;
    }
    while (crlf_wsp()) {
    }
    return i_ != start;
  }

  bool quoted_pair() {
    if (peek() != '\\' || i_ + 1 >= s_.size()) return false;
    char c = s_[i_ + 1];
    if ((c >= 0x21 && c <= 0x7e) || wsp(c) || c == '\n' || c == '\r' || obs_ctl(c) || c == '\0') {
      i_ += 2;
      return true;
    }
    return false;
  }

  bool comment(int depth = 0) {
    if (depth > 32 || !eat('(')) return false;
    while (true) {
      if (eat(')')) return true;
      if (!at_end() && ctext(peek())) {
        ++i_;
      } else if (quoted_pair() || fws()) {
      } else if (peek() == '(') {
        if (!comment(depth + 1)) return false;
      } else {
        return false;
      }
    }
  }

  void cfws() {
    while (true) {
      size_t save = i_;
      if (fws()) continue;
      if (peek() == '(' && comment()) continue;
      i_ = save;
      return;
    }
  }

  bool quoted_string() {
    if (!eat('"')) return false;
    while (true) {
      fws();
      if (eat('"')) return true;
      if (!at_end() && qtext(peek())) {
        while (!at_end() && qtext(peek())) ++i_;
      } else if (!quoted_pair()) {
        return false;
      }
    }
  }

  // (cfws? (atom / quoted-string) cfws?) separated by '.'.
  bool dotted_atoms() {
    if (!atom_element()) return false;
    while (true) {
      size_t save = i_;
      if (!eat('.') || !atom_element()) {
        i_ = save;
        return true;
      }
    }
  }
  bool atom_element() {
    size_t save = i_;
    cfws();
    if (!at_end() && atext(peek())) {
      while (!at_end() && atext(peek())) ++i_;
    } else if (!quoted_string()) {
      i_ = save;
      return false;
    }
    cfws();
    return true;
  }

  bool domain_name() {
    size_t total = 0;
    int labels = 0;
    while (true) {
      size_t save = i_;
      if (labels > 0 && !eat('.')) break;
      cfws();
      size_t start = i_;
      if (at_end() || !is_alnum(peek())) {
        i_ = save;
        if (labels == 0) return false;
        break;
      }
      while (!at_end() && (is_alnum(peek()) || peek() == '-')) ++i_;
      size_t len = i_ - start;
      if (len > 63 || s_[i_ - 1] == '-') return false;
      cfws();
      total += len + (labels > 0 ? 1 : 0);
      ++labels;
    }
    return total <= 253;
  }

  bool domain_literal() {
    cfws();
    if (!eat('[')) return false;
    while (true) {
      fws();
      if (!at_end() && dtext(peek())) {
        while (!at_end() && dtext(peek())) ++i_;
      } else {
        break;
      }
    }
    if (!eat(']')) return false;
    cfws();
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

bool valid_email(std::string_view s) { return EmailParser(s).valid(); }

// The format rules: each schema label of `format`, set by a LABEL to a value
// `valid` rejects, is reported at that LABEL with "Label `name` <tail>".
void check_format(const Model& m, const RuleOptions& o, Reporter& r, LabelFormat format, bool (*valid)(std::string_view),
                  std::string_view tail) {
  for (const auto& ins : m.instructions) {
    auto pairs = label_pairs(m, ins);
    if (pairs.empty()) continue;
    for (const auto& [label, f] : o.label_schema) {
      if (f != format) continue;
      if (std::any_of(pairs.begin(), pairs.end(), [&](const Pair& p) { return p.key == label && !valid(p.value); })) {
        r.at(ins, "Label `" + label + "` " + std::string(tail));
      }
    }
  }
}

void check_dl3052(const Model& m, const RuleOptions& o, Reporter& r) {
  check_format(m, o, r, LabelFormat::Url, valid_url, "is not a valid URL.");
}
void check_dl3053(const Model& m, const RuleOptions& o, Reporter& r) {
  check_format(m, o, r, LabelFormat::Rfc3339, valid_rfc3339,
               "is not a valid time format - must conform to RFC3339.");
}
void check_dl3054(const Model& m, const RuleOptions& o, Reporter& r) {
  check_format(m, o, r, LabelFormat::Spdx, valid_spdx, "is not a valid SPDX identifier.");
}
void check_dl3055(const Model& m, const RuleOptions& o, Reporter& r) {
  check_format(m, o, r, LabelFormat::GitHash, valid_git_hash, "is not a valid git hash.");
}
void check_dl3056(const Model& m, const RuleOptions& o, Reporter& r) {
  check_format(m, o, r, LabelFormat::SemVer, valid_semver, "does not conform to semantic versioning.");
}
void check_dl3058(const Model& m, const RuleOptions& o, Reporter& r) {
  check_format(m, o, r, LabelFormat::Email, valid_email,
               "is not a valid email format - must conform to RFC5322.");
}

}  // namespace

std::vector<Rule> label_rules() {
  return {
      {{"DL3048", Severity::Style, "Invalid label key."}, check_dl3048},
      {{"DL3049", Severity::Info, "Label `<label>` is missing."}, check_dl3049},
      {{"DL3050", Severity::Info, "Superfluous label(s) present."}, check_dl3050},
      {{"DL3051", Severity::Warning, "label `<label>` is empty."}, check_dl3051},
      {{"DL3052", Severity::Warning, "Label `<label>` is not a valid URL."}, check_dl3052},
      {{"DL3053", Severity::Warning, "Label `<label>` is not a valid time format - must conform to RFC3339."},
       check_dl3053},
      {{"DL3054", Severity::Warning, "Label `<label>` is not a valid SPDX identifier."}, check_dl3054},
      {{"DL3055", Severity::Warning, "Label `<label>` is not a valid git hash."}, check_dl3055},
      {{"DL3056", Severity::Warning, "Label `<label>` does not conform to semantic versioning."}, check_dl3056},
      {{"DL3058", Severity::Warning, "Label `<label>` is not a valid email format - must conform to RFC5322."},
       check_dl3058},
  };
}

}  // namespace hako::lint
