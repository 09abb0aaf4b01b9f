// Python package versions, PEP 440 (as implemented by `packaging.version`):
//
//   [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
//
// accepting the spellings PEP 440 normalises: any case, a leading "v",
// surrounding whitespace, '-', '_' or '.' between parts, alpha/beta/c/pre/
// preview for a/b/rc/rc/rc, rev/r for post, "1.0-1" as a post-release, and
// omitted numbers (1.0a == 1.0a0).
//
// Order: epoch, release (trailing zeros insignificant: 1.0 == 1.0.0), then
// dev-only releases < pre-releases < the release < post-releases, dev
// releases before whatever they are a dev release of, and a local version
// after the same public version (local segments: numbers after strings).
#include <string>
#include <string_view>
#include <vector>

#include "scan/version/schemes.h"

namespace hako::scan::detail {
namespace {

struct Pep440 {
  std::string epoch = "0";
  std::vector<std::string> release;
  int pre_kind = 0;  // 0 none, 1 a, 2 b, 3 rc
  std::string pre_n;
  bool has_post = false;
  std::string post_n;
  bool has_dev = false;
  std::string dev_n;
  std::vector<std::string> local;
};

class Parser {
 public:
  explicit Parser(std::string s) : s_(std::move(s)) {}

  bool at_end() const { return i_ >= s_.size(); }
  bool sep(size_t at) const { return at < s_.size() && (s_[at] == '-' || s_[at] == '_' || s_[at] == '.'); }

  std::string digits() {
    size_t start = i_;
    while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }

  // Matches [-_.]?word (the first of `words` that fits, longest listed first)
  // and consumes it; leaves the position alone when nothing matches.
  int keyword(std::initializer_list<std::string_view> words) {
    size_t at = sep(i_) ? i_ + 1 : i_;
    int index = 0;
    for (std::string_view w : words) {
      if (std::string_view(s_).substr(at).starts_with(w)) {
        i_ = at + w.size();
        return index;
      }
      ++index;
    }
    return -1;
  }

  // [-_.]?N? after a keyword. PEP 440's regex takes the separator even when
  // no number follows ("1.0.post." is 1.0.post0), and nothing after a
  // keyword needs that separator back, so it is consumed unconditionally.
  std::string optional_number() {
    if (sep(i_)) ++i_;
    if (i_ < s_.size() && is_digit(s_[i_])) return digits();
    return "0";
  }

  const std::string& s() const { return s_; }
  size_t& pos() { return i_; }

 private:
  std::string s_;
  size_t i_ = 0;
};

Result<Pep440> parse(std::string_view raw) {
  std::string_view t = raw;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t' || t.front() == '\n')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\n')) t.remove_suffix(1);
  if (t.empty()) return invalid("pep440", raw, "version string is empty");
  std::string lowered;
  for (char c : t) lowered.push_back(to_lower(c));
  Parser p(std::move(lowered));
  Pep440 out;
  if (!p.at_end() && p.s()[p.pos()] == 'v') ++p.pos();

  std::string first = p.digits();
  if (first.empty()) return invalid("pep440", raw, "expected a release number");
  if (!p.at_end() && p.s()[p.pos()] == '!') {
    ++p.pos();
    out.epoch = first;
    first = p.digits();
    if (first.empty()) return invalid("pep440", raw, "expected a release number after the epoch");
  }
  out.release.push_back(first);
  while (p.pos() + 1 < p.s().size() && p.s()[p.pos()] == '.' && is_digit(p.s()[p.pos() + 1])) {
    ++p.pos();
    out.release.push_back(p.digits());
  }

  // Pre-release. "preview" before "pre" and "alpha" before "a" so that the
  // longer spelling wins, as the alternation in PEP 440's regex does.
  static constexpr int pre_kinds[] = {1, 1, 2, 2, 3, 3, 3, 3};
  if (int k = p.keyword({"alpha", "a", "beta", "b", "preview", "pre", "rc", "c"}); k >= 0) {
    out.pre_kind = pre_kinds[k];
    out.pre_n = p.optional_number();
  }
  // Post-release: "-N", or [-_.]?(post|rev|r)[-_.]?N?.
  if (p.pos() + 1 < p.s().size() && p.s()[p.pos()] == '-' && is_digit(p.s()[p.pos() + 1])) {
    ++p.pos();
    out.has_post = true;
    out.post_n = p.digits();
  } else if (p.keyword({"post", "rev", "r"}) >= 0) {
    out.has_post = true;
    out.post_n = p.optional_number();
  }
  if (p.keyword({"dev"}) >= 0) {
    out.has_dev = true;
    out.dev_n = p.optional_number();
  }
  if (!p.at_end() && p.s()[p.pos()] == '+') {
    ++p.pos();
    std::string seg;
    for (; !p.at_end(); ++p.pos()) {
      char c = p.s()[p.pos()];
      if (is_alnum(c)) {
        seg.push_back(c);
      } else if ((c == '-' || c == '_' || c == '.') && !seg.empty()) {
        out.local.push_back(std::move(seg));
        seg.clear();
      } else {
        return invalid("pep440", raw, "malformed local version");
      }
    }
    if (seg.empty()) return invalid("pep440", raw, "malformed local version");
    out.local.push_back(std::move(seg));
  }
  if (!p.at_end()) return invalid("pep440", raw, "unexpected characters");
  return out;
}

int compare_release(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size() || i < b.size(); ++i) {
    std::string_view x = i < a.size() ? std::string_view(a[i]) : "0";
    std::string_view y = i < b.size() ? std::string_view(b[i]) : "0";
    if (int c = compare_digits(x, y); c != 0) return c;
  }
  return 0;
}

// Local segments: numeric ones compare by value and sort after alphanumeric
// ones, which compare as strings; a longer local wins a tie on the prefix.
int compare_local(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    bool na = all_digits(a[i]), nb = all_digits(b[i]);
    int c = na && nb ? compare_digits(a[i], b[i]) : na ? 1 : nb ? -1 : sign(a[i].compare(b[i]));
    if (c != 0) return c;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

// The pre-release slot as a rank: a dev release of the final release with no
// pre or post ("1.0.dev1") sorts before every pre-release; no pre sorts after.
int pre_rank(const Pep440& v) {
  if (v.pre_kind == 0 && !v.has_post && v.has_dev) return -1;
  if (v.pre_kind == 0) return 4;
  return v.pre_kind;
}

}  // namespace

Result<int> compare_pep440(std::string_view a, std::string_view b) {
  TRY_ASSIGN(Pep440 va, parse(a));
  TRY_ASSIGN(Pep440 vb, parse(b));
  if (int c = compare_digits(va.epoch, vb.epoch); c != 0) return c;
  if (int c = compare_release(va.release, vb.release); c != 0) return c;
  int ra = pre_rank(va), rb = pre_rank(vb);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (va.pre_kind != 0)
    if (int c = compare_digits(va.pre_n, vb.pre_n); c != 0) return c;
  // No post-release sorts before any post-release.
  if (va.has_post != vb.has_post) return va.has_post ? 1 : -1;
  if (int c = compare_digits(va.post_n, vb.post_n); c != 0) return c;
  // No dev part sorts after any dev part.
  if (va.has_dev != vb.has_dev) return va.has_dev ? -1 : 1;
  if (int c = compare_digits(va.dev_n, vb.dev_n); c != 0) return c;
  // No local part sorts before any local part.
  return compare_local(va.local, vb.local);
}

}  // namespace hako::scan::detail
